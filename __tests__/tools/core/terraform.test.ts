import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  findAwsProvider,
  MIRROR_ENV,
  prepareTerraform,
  renderCliConfig,
  resolveProviderMirror,
  terraformEnv,
  terraformPlatform,
} from '../../../tools/core/terraform';

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
    expect(resolveProviderMirror({ [MIRROR_ENV]: mirror }, []).root).toBe(mirror);
    expect(resolveProviderMirror({}, ['/nowhere', mirror]).root).toBe(mirror);
  });

  it('fails naming TF_PROVIDER_MIRROR when no provider is found', () => {
    expect(() => resolveProviderMirror({}, ['/nowhere'])).toThrow(
      /No Terraform provider mirror.*Set TF_PROVIDER_MIRROR/s,
    );
    expect(() => resolveProviderMirror({ [MIRROR_ENV]: '/nowhere' }, [])).toThrow(
      /TF_PROVIDER_MIRROR=\/nowhere holds no hashicorp\/aws provider/,
    );
  });

  it('renders a filesystem mirror for hashicorp providers only', () => {
    const text = renderCliConfig('/opt/tf-plugins');
    expect(text).toContain('filesystem_mirror {');
    expect(text).toContain('path    = "/opt/tf-plugins"');
    expect(text).toContain('include = ["registry.terraform.io/hashicorp/*"]');
    expect(text).not.toContain('direct');
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
    expect(fs.readFileSync(setup.cliConfigFile, 'utf8')).toBe(renderCliConfig(setup.mirrorRoot));
    expect(setup.env.TF_CLI_CONFIG_FILE).toBe(setup.cliConfigFile);
  });
});
