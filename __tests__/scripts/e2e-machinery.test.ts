import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  classifyPlan,
  changedAttributes,
  EMULATOR_DRIFT_ALLOW_LIST,
  formatVerdict,
} from '../../scripts/lib/e2e-drift';
import { mapLimit, quote, stripAnsi, tail } from '../../scripts/lib/e2e-exec';
import { emulatorEnv } from '../../scripts/lib/emulator';
import { formatDuration, formatPhaseTable, PhaseError, PhaseTimer } from '../../scripts/lib/phases';
import {
  findAwsProvider,
  MIRROR_ENV,
  prepareTerraform,
  renderCliConfig,
  resolveProviderMirror,
  terraformEnv,
  terraformPlatform,
} from '../../scripts/lib/terraform';
import { formatDiagnostics, validationKey } from '../../scripts/validate';

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

describe('emulator environment', () => {
  it('points every client at the emulator with dummy credentials and drops real ones', () => {
    const env = emulatorEnv('http://127.0.0.1:5000', 'eu-west-1', {
      AWS_PROFILE: 'prod-admin',
      AWS_SESSION_TOKEN: 'secret',
      AWS_ENDPOINT_URL_S3: 'https://s3.example',
      HOME: '/root',
    });
    expect(env).toMatchObject({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5000',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      STATE_USE_PATH_STYLE: 'true',
      HOME: '/root',
    });
    expect(env.AWS_PROFILE).toBeUndefined();
    expect(env.AWS_SESSION_TOKEN).toBeUndefined();
    expect(env.AWS_ENDPOINT_URL_S3).toBeUndefined();
  });
});

describe('drift allow-list', () => {
  const update = (
    type: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    actions = ['update'],
  ) => ({
    address: `${type}.x`,
    type,
    change: { actions, before, after, after_unknown: {} },
  });

  it('ignores no-op and read entries', () => {
    const verdict = classifyPlan({
      resource_changes: [update('aws_vpc', {}, {}, ['no-op']), update('aws_x', {}, {}, ['read'])],
    });
    expect(verdict).toEqual({ allowed: [], refused: [], outputChanges: [] });
  });

  it('allows an in-place update of an allow-listed attribute, with its reason', () => {
    const verdict = classifyPlan({
      resource_changes: [
        update(
          'aws_db_instance',
          { performance_insights_enabled: false, tags: {} },
          { performance_insights_enabled: true, tags: null },
        ),
      ],
    });
    expect(verdict.refused).toEqual([]);
    expect(verdict.allowed).toHaveLength(1);
    expect(verdict.allowed[0].attributes).toEqual(['performance_insights_enabled']);
    expect(verdict.allowed[0].reason).toMatch(/Performance Insights/);
  });

  it('refuses an update that also changes an attribute not on the list', () => {
    const verdict = classifyPlan({
      resource_changes: [
        update(
          'aws_db_instance',
          { performance_insights_enabled: false, storage_encrypted: false },
          { performance_insights_enabled: true, storage_encrypted: true },
        ),
      ],
    });
    expect(verdict.allowed).toEqual([]);
    expect(verdict.refused[0].why).toMatch(/storage_encrypted, not on the emulator allow-list/);
  });

  it('refuses replacements, creates and deletes even of allow-listed types', () => {
    const verdict = classifyPlan({
      resource_changes: [
        update('aws_db_parameter_group', { parameter: [] }, { parameter: [{ name: 'x' }] }, [
          'delete',
          'create',
        ]),
        update('aws_vpc', {}, { cidr_block: '10.0.0.0/16' }, ['create']),
      ],
    });
    expect(verdict.refused.map((r) => r.why)).toEqual([
      'delete+create is never an emulator gap',
      'create is never an emulator gap',
    ]);
  });

  it('refuses an update with no visible difference, and any output change', () => {
    const verdict = classifyPlan({
      resource_changes: [update('aws_db_instance', { a: 1 }, { a: 1 })],
      output_changes: { vpc_id: { actions: ['update'] }, kept: { actions: ['no-op'] } },
    });
    expect(verdict.refused[0].why).toBe('update with no visible attribute difference');
    expect(verdict.outputChanges).toEqual(['vpc_id (update)']);
    expect(formatVerdict('S', verdict)).toEqual([
      '  S: REFUSED aws_db_instance.x update []: update with no visible attribute difference',
      '  S: REFUSED output change vpc_id (update)',
    ]);
  });

  it('counts attributes that become unknown as changed, and treats null, [] and {} alike', () => {
    expect(
      changedAttributes({
        actions: ['update'],
        before: { a: [], b: { c: null }, d: 1 },
        after: { a: null, b: {}, d: 1 },
        after_unknown: { e: true, f: [false, { g: true }] },
      }),
    ).toEqual(['e', 'f']);
  });

  it('gives every allowance a reason', () => {
    for (const a of EMULATOR_DRIFT_ALLOW_LIST) expect(a.reason.length).toBeGreaterThan(20);
  });
});

describe('phase timer', () => {
  it('formats durations', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4 min 05 s');
  });

  it('times phases, records notes, skips and names the failed phase', async () => {
    let t = 0;
    const lines: string[] = [];
    const timer = new PhaseTimer({ now: () => t, write: (l) => lines.push(l) });
    await timer.run('deploy', (note) => {
      t += 2000;
      note('42 resources');
    });
    timer.skip('lock', 'no table');
    await expect(
      timer.run('destroy', () => {
        t += 500;
        throw new Error('boom');
      }),
    ).rejects.toEqual(
      expect.objectContaining({
        name: 'PhaseError',
        phase: 'destroy',
        message: 'phase "destroy" failed: boom',
      }),
    );
    expect(timer.failed?.name).toBe('destroy');
    expect(lines).toEqual([
      '==> deploy',
      '<== deploy: ok in 2.0 s (42 resources)',
      '--- lock: skipped (no table)',
      '==> destroy',
      '<== destroy: FAILED after 500 ms',
    ]);
    expect(timer.summary()).toEqual([
      '  deploy   ok            2.0 s  42 resources',
      '  lock     skipped           -  no table',
      '  destroy  FAILED       500 ms',
      '  total                  2.5 s',
    ]);
  });

  it('keeps a PhaseError from a nested phase as it is', async () => {
    const timer = new PhaseTimer({ write: () => undefined });
    const inner = new PhaseError('inner', new Error('x'));
    await expect(timer.run('outer', () => Promise.reject(inner))).rejects.toBe(inner);
    expect(formatPhaseTable([], 0)).toEqual(['  total                 0 ms']);
  });
});

describe('process helpers', () => {
  it('quotes command lines, strips colours and keeps the tail', () => {
    expect(quote('terraform', ['plan', '-out=a b'])).toBe('terraform plan "-out=a b"');
    expect(stripAnsi('\u001b[31mError\u001b[0m')).toBe('Error');
    expect(tail('a\nb\nc\n', 2)).toBe('b\nc');
  });

  it('maps with a concurrency limit, keeping order', async () => {
    let running = 0;
    let peak = 0;
    const result = await mapLimit([3, 1, 2], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(result).toEqual([30, 10, 20]);
    expect(peak).toBe(2);
  });
});

describe('validate report', () => {
  it('prints one line per diagnostic with where and detail', () => {
    expect(
      formatDiagnostics('TapStackdev', {
        valid: false,
        error_count: 1,
        warning_count: 1,
        diagnostics: [
          {
            severity: 'error',
            summary: 'Unsupported argument',
            detail: 'An argument named "x"\n  is not expected.',
            range: { filename: 'cdk.tf.json', start: { line: 12 } },
          },
          { severity: 'warning', summary: 'Deprecated', address: 'aws_s3_bucket.b' },
        ],
      }),
    ).toEqual([
      '    TapStackdev: error: Unsupported argument (cdk.tf.json:12) — An argument named "x" is not expected.',
      '    TapStackdev: warning: Deprecated (aws_s3_bucket.b)',
    ]);
  });
});

describe('validate cache key', () => {
  it('changes with the stack JSON and with the provider, and only then', () => {
    const key = validationKey('{"resource":{}}', '/mirror/aws_v5.100.0:123');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(validationKey('{"resource":{}}', '/mirror/aws_v5.100.0:123')).toBe(key);
    expect(validationKey('{"resource":{"a":{}}}', '/mirror/aws_v5.100.0:123')).not.toBe(key);
    expect(validationKey('{"resource":{}}', '/mirror/aws_v5.101.0:124')).not.toBe(key);
  });
});
