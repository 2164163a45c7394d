/** npm run cost without a process: arguments, --help, --dir, a stubbed synth, and the report text. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COST_USAGE, parseCostArgs, runCostCli, stackNames } from '../../../tools/cost/cli';
import { TEST_PRICES, TEST_REGION } from '../../fixtures/cost/test-prices';

/** Writes a cdktf output folder with the given stacks. */
function writeOutdir(dir: string, stacks: Record<string, object>): void {
  const manifest: Record<string, { synthesizedStackPath: string }> = {};
  for (const [name, doc] of Object.entries(stacks)) {
    mkdirSync(join(dir, 'stacks', name), { recursive: true });
    writeFileSync(join(dir, 'stacks', name, 'cdk.tf.json'), JSON.stringify(doc));
    manifest[name] = { synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ stacks: manifest }));
}

const STACK = {
  provider: { aws: [{ region: TEST_REGION }] },
  resource: {
    aws_nat_gateway: { nat: {} },
    aws_kms_key: { key: {} },
    aws_sqs_queue: { dlq: {} },
    aws_launch_template: { lt: {} },
    aws_db_instance: {
      db: { instance_class: 'db.x9.huge', allocated_storage: 10, storage_type: 'gp3' },
    },
  },
};

function run(argv: string[], extra: object = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCostCli(argv, {
    projectDir: '/nowhere',
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    prices: TEST_PRICES,
    ...extra,
  });
  return { code, out: out.join(''), err: err.join('') };
}

describe('cost command', () => {
  test('--help prints the usage and exits 0, synthesizing nothing', () => {
    const synth = jest.fn();
    expect(run(['--help'], { synth })).toEqual({ code: 0, out: COST_USAGE, err: '' });
    expect(synth).not.toHaveBeenCalled();
  });

  test('parses --dir and --env; refuses what it does not know', () => {
    expect(parseCostArgs([])).toEqual({ help: false, dir: undefined, envs: ['dev', 'prod'] });
    expect(parseCostArgs(['--dir', 'out', '--env', 'qa, prod'])).toEqual({
      help: false,
      dir: 'out',
      envs: ['qa', 'prod'],
    });
    expect(() => parseCostArgs(['--env'])).toThrow('--env needs a value');
    expect(() => parseCostArgs(['--env', 'a,,b'])).toThrow('--env needs names separated by commas');
    expect(() => parseCostArgs(['--dir', '--env'])).toThrow('--dir needs a value');
    const bad = run(['--region', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^cost: unknown argument "--region"/);
    expect(stackNames(['dev'])).toEqual(['TapStackdev', 'TapAccountBaseline', 'TapStateBackend']);
  });

  test('--dir: per-stack totals, line items largest first, unpriced and not-estimated lines, missing stacks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-cli-'));
    try {
      writeOutdir(dir, {
        TapStackdev: STACK,
        TapStateBackend: { resource: { aws_kms_key: { k: {} } } },
      });
      const { code, out } = run(['--dir', dir, '--env', 'dev']);
      expect(code).toBe(0);
      const lines = out.split('\n');
      // NAT $36.50 + $0.50 data, key $1.00, storage 10 GB × $0.10; the class has no price.
      expect(lines[0]).toBe('TapStackdev (test-1): $39.00 a month + 1 unpriced charge(s)');
      const rows = lines.filter((l) => l.startsWith('aws_'));
      expect(rows.map((l) => l.split(/\s{2,}/))).toEqual([
        ['aws_nat_gateway.nat', 'NAT gateway hours', '730 hours', '$0.05', '$36.50'],
        ['aws_db_instance.db', 'RDS gp3 storage 10 GB × 1', '10 GB-month', '$0.1', '$1.00'],
        ['aws_kms_key.key', 'KMS key', '1 keys', '$1', '$1.00'],
        ['aws_nat_gateway.nat', 'NAT gateway data processed (assumed)', '10 GB', '$0.05', '$0.50'],
        [
          'aws_db_instance.db',
          'RDS db.x9.huge Single-AZ',
          '730 instance-hours',
          '-',
          'unpriced: no price for test-1 (rds.instance.db.x9.huge)',
        ],
        ['aws_kms_key.k', 'KMS key', '1 keys', '-', 'unpriced: no region known'],
      ]);
      expect(out).toContain('1 charge(s) at $0.00 (free tier or no charge) not listed.');
      expect(out).toContain('Not estimated (type not modelled): aws_launch_template.lt');
      expect(out).toContain('TapStateBackend (no region): $0.00 a month + 1 unpriced charge(s)');
      expect(out).toContain('All stacks: $39.00 a month (priced items only).');
      expect(out).toContain('- 730 hours a month for everything billed by the hour');
      expect(out).toContain(`not in ${dir}: TapAccountBaseline`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without --dir it synthesizes the environments into a temporary folder it removes', () => {
    let outdir = '';
    const synth = jest.fn((_project: string, out: string, env: Record<string, string>) => {
      outdir = out;
      expect(env).toEqual({ ENVIRONMENT_SUFFIX: 'dev,prod' });
      writeOutdir(out, {
        TapStackdev: STACK,
        TapStackprod: STACK,
        TapAccountBaseline: {},
        TapStateBackend: {},
      });
    });
    const { code, out } = run([], { synth });
    expect(code).toBe(0);
    expect(synth).toHaveBeenCalledTimes(1);
    expect(out).toContain('TapStackprod (test-1): $39.00 a month');
    expect(out).toContain('TapAccountBaseline (no region): $0.00 a month\n');
    expect(out).toContain('All stacks: $78.00 a month');
    expect(existsSync(outdir)).toBe(false);
  });

  test('a failed synth or a folder without manifest exits 2 with the reason', () => {
    const failed = run([], {
      synth: () => {
        throw new Error('synthesis failed (exit 1)');
      },
    });
    expect(failed).toMatchObject({ code: 2, err: 'cost: synthesis failed (exit 1)\n' });
    const dir = mkdtempSync(join(tmpdir(), 'cost-cli-'));
    try {
      const missing = run(['--dir', dir]);
      expect(missing.code).toBe(2);
      expect(missing.err).toBe(
        `cost: ${join(dir, 'manifest.json')} not found: synthesize first or pass the cdktf output folder with --dir\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
