import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  findAwsProvider,
  MIRROR_ENV,
  prepareTerraform,
  renderCliConfig,
  pluginCacheDir,
  resolveProviderSource,
  describeProviderSource,
  defaultMirrorCandidates,
  terraformEnv,
  terraformPlatform,
} from '../../../tools/core/terraform';
import { APPLY_PROGRESS } from '../../../tools/core/terraform-commands';

function fakeMirror(layout: 'unpacked' | 'packed'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mirror-'));
  const base = path.join(root, 'registry.terraform.io', 'hashicorp', 'aws');
  const platform = terraformPlatform();
  if (layout === 'unpacked') {
    fs.mkdirSync(path.join(base, '5.100.0', platform), { recursive: true });
    fs.writeFileSync(
      path.join(base, '5.100.0', platform, 'terraform-provider-aws_v5.100.0_x5'),
      '',
    );
  } else {
    fs.mkdirSync(base, { recursive: true });
    fs.writeFileSync(path.join(base, `terraform-provider-aws_5.99.0_${platform}.zip`), '');
  }
  return root;
}

describe('Terraform CLI configuration', () => {
  it('names the platform as Terraform does', () => {
    expect(terraformPlatform('linux', 'x64')).toBe('linux_amd64');
    expect(terraformPlatform('darwin', 'arm64')).toBe('darwin_arm64');
    expect(terraformPlatform('win32', 'x64')).toBe('windows_amd64');
  });

  it('finds the provider in an unpacked and in a packed mirror', () => {
    expect(findAwsProvider(fakeMirror('unpacked')).map((p) => p.version)).toEqual(['5.100.0']);
    expect(findAwsProvider(fakeMirror('packed')).map((p) => p.version)).toEqual(['5.99.0']);
    expect(findAwsProvider(path.join(os.tmpdir(), 'no-such-mirror'))).toEqual([]);
  });

  it('prefers TF_PROVIDER_MIRROR, else the first candidate holding the provider', () => {
    const mirror = fakeMirror('unpacked');
    expect(resolveProviderSource({ [MIRROR_ENV]: mirror }, [])).toMatchObject({
      kind: 'mirror',
      root: mirror,
    });
    expect(resolveProviderSource({}, ['/nowhere', mirror])).toMatchObject({
      kind: 'mirror',
      root: mirror,
    });
  });

  it("searches Terraform's implied local mirror folders, none of them machine-specific", () => {
    expect(defaultMirrorCandidates('/home/u')).toEqual([
      '/home/u/.terraform.d/plugins',
      '/home/u/.local/share/terraform/plugins',
      '/usr/local/share/terraform/plugins',
      '/usr/share/terraform/plugins',
    ]);
  });

  it('falls back to the public registry with a plugin cache when no mirror holds the provider', () => {
    expect(resolveProviderSource({}, ['/nowhere'], () => [], '/home/u')).toEqual({
      kind: 'registry',
      cacheDir: '/home/u/.terraform.d/plugin-cache',
    });
    // The user's own cache is kept.
    expect(resolveProviderSource({ TF_PLUGIN_CACHE_DIR: '/c' }, [], () => [], '/home/u')).toEqual({
      kind: 'registry',
      cacheDir: '/c',
    });
    expect(pluginCacheDir({ TF_PLUGIN_CACHE_DIR: ' ' }, '/h')).toBe('/h/.terraform.d/plugin-cache');
  });

  it('fails naming TF_PROVIDER_MIRROR when that mirror holds no provider (no silent fallback)', () => {
    expect(() => resolveProviderSource({ [MIRROR_ENV]: '/nowhere' }, [])).toThrow(
      /TF_PROVIDER_MIRROR=\/nowhere holds no hashicorp\/aws provider.*or unset it to install from the public registry/s,
    );
  });

  it('renders a filesystem mirror for hashicorp providers only', () => {
    const text = renderCliConfig({ kind: 'mirror', root: '/srv/mirror', providers: [] });
    expect(text).toContain('filesystem_mirror {');
    expect(text).toContain('path    = "/srv/mirror"');
    expect(text).toContain('include = ["registry.terraform.io/hashicorp/*"]');
    expect(text).not.toContain('direct');
    expect(describeProviderSource({ kind: 'mirror', root: '/srv/mirror', providers: [] })).toBe(
      'the filesystem mirror /srv/mirror',
    );
  });

  it('renders direct installation from the registry with a shared plugin cache', () => {
    const source = { kind: 'registry', cacheDir: '/home/u/.terraform.d/plugin-cache' } as const;
    expect(renderCliConfig(source)).toBe(
      [
        '# Written by tools/core/terraform.ts: providers come from the public registry, checked',
        '# against the committed .terraform.lock.hcl, cached for every working folder.',
        'plugin_cache_dir = "/home/u/.terraform.d/plugin-cache"',
        'provider_installation {',
        '  direct {}',
        '}',
        '',
      ].join('\n'),
    );
    expect(describeProviderSource(source)).toBe(
      'the public registry (cache /home/u/.terraform.d/plugin-cache)',
    );
  });

  it('gives children our CLI config, no prompts, no checkpoint, and no plugin cache', () => {
    const env = terraformEnv('/tmp/rc', {
      TF_PLUGIN_CACHE_DIR: '/cache',
      TF_CLI_CONFIG_FILE: '/home/x/.terraformrc',
      PATH: '/bin',
    });
    expect(env).toMatchObject({
      TF_CLI_CONFIG_FILE: '/tmp/rc',
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true',
      PATH: '/bin',
    });
    expect(env.TF_PLUGIN_CACHE_DIR).toBeUndefined();
  });

  it('writes the CLI config file it points at', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfrc-'));
    const setup = prepareTerraform(dir, { [MIRROR_ENV]: fakeMirror('unpacked') });
    expect(fs.readFileSync(setup.cliConfigFile, 'utf8')).toBe(renderCliConfig(setup.source));
    expect(setup.providerVersions).toEqual(['5.100.0']);
    expect(setup.env.TF_CLI_CONFIG_FILE).toBe(setup.cliConfigFile);
  });

  it('creates the plugin cache in registry mode (Terraform refuses a missing one)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfrc-'));
    const cacheDir = path.join(dir, 'cache');
    const setup = prepareTerraform(dir, {}, { kind: 'registry', cacheDir });
    expect(fs.statSync(cacheDir).isDirectory()).toBe(true);
    expect(setup.mirrorRoot).toBeUndefined();
    expect(setup.providerVersions).toEqual([]);
    expect(fs.readFileSync(setup.cliConfigFile, 'utf8')).toContain(
      `plugin_cache_dir = "${cacheDir}"`,
    );
  });
});

describe('which lines of terraform apply are echoed', () => {
  const echoed = (line: string) => APPLY_PROGRESS.test(line);

  it('shows a long operation at its first mark and then once a minute, nothing between', () => {
    const db = 'aws_db_instance.database_instance_D7FC2283: Still creating... ';
    expect(
      [
        '[10s elapsed]',
        '[20s elapsed]',
        '[50s elapsed]',
        '[1m0s elapsed]',
        '[1m10s elapsed]',
        '[2m0s elapsed]',
        '[11m0s elapsed]',
      ].map((mark) => echoed(db + mark)),
    ).toEqual([true, false, false, true, false, true, true]);
    expect(
      echoed('aws_elasticache_replication_group.cache: Still destroying... [10s elapsed]'),
    ).toBe(true);
  });

  it('shows what finished and every error', () => {
    expect(echoed('aws_vpc.network_vpc: Creation complete after 1s [id=vpc-1]')).toBe(true);
    expect(echoed('Apply complete! Resources: 3 added, 0 changed, 0 destroyed.')).toBe(true);
    expect(echoed('Error: creating RDS DB Instance')).toBe(true);
    expect(echoed('aws_vpc.network_vpc: Creating...')).toBe(false);
  });
});
