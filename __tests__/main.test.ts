import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { diagramFromOutdir, PROJECT_ROOT } from '../tools/diagram';

const root = resolve(__dirname, '..');

/** Runs the app exactly as cdktf.json's "app" command does, into a fresh folder. */
function runApp(env: Record<string, string>) {
  const base = mkdtempSync(join(tmpdir(), 'main-test-'));
  const outdir = join(base, 'out');
  const result = spawnSync('node', ['tools/synth/run-app.cjs', 'main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
  });
  const stacks = existsSync(join(outdir, 'stacks'))
    ? readdirSync(join(outdir, 'stacks')).sort()
    : [];
  const read = (stack: string) =>
    JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  return {
    ...result,
    outdir,
    stacks,
    read,
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

describe('the app (main.ts)', () => {
  describe('with default settings', () => {
    let run: ReturnType<typeof runApp>;
    beforeAll(() => {
      run = runApp({});
    });
    afterAll(() => run.cleanup());

    it('writes TapStackprod, the state bootstrap and the account baseline', () => {
      expect(run.status).toBe(0);
      expect(run.stacks).toEqual(['TapAccountBaseline', 'TapStackprod', 'TapStateBackend']);
      expect(run.read('TapStackprod').terraform.backend.s3.key).toBe(
        'healthcare/prod/TapStackprod.tfstate',
      );
      expect(run.read('TapAccountBaseline').terraform.backend.s3.key).toBe(
        'healthcare/account/TapAccountBaseline.tfstate',
      );
    });

    // The diagram's own tests (tools/diagram) use small stacks; this run is the app's
    // default output, which is exactly what `npm run diagram` draws.
    it('is what docs/architecture.svg shows (run `npm run diagram` to refresh)', async () => {
      const { svg } = await diagramFromOutdir(run.outdir);
      const committed = readFileSync(join(PROJECT_ROOT, 'docs', 'architecture.svg'), 'utf8');
      if (svg !== committed) {
        throw new Error(
          'docs/architecture.svg is stale: it differs from what the current code draws from the current stacks. Run `npm run diagram`, look at it, and commit it.',
        );
      }
    });
  });

  it('writes one stack per listed environment, and reads the cdktf context', () => {
    const run = runApp({
      ENVIRONMENT_SUFFIX: 'dev,qa@us-east-1',
      CDKTF_CONTEXT_JSON: '{"azCount": 3}',
    });
    try {
      expect(run.status).toBe(0);
      expect(run.stacks).toEqual([
        'TapAccountBaseline',
        'TapStackdev',
        'TapStackqa',
        'TapStateBackend',
      ]);
      expect(run.read('TapStackqa').provider.aws[0].region).toBe('us-east-1');
      expect(Object.keys(run.read('TapStackdev').resource.aws_nat_gateway)).toHaveLength(1);
      expect(Object.keys(run.read('TapStackdev').resource.aws_subnet)).toHaveLength(9);
    } finally {
      run.cleanup();
    }
  });

  it.each([
    [
      // One message names every bad setting, whichever loader reads it.
      { ENVIRONMENT_SUFFIX: 'Prod!', STATE_BUCKET: 'Bad_Bucket', BASELINE_DR_REGION: 'eu-west-1' },
      [
        /Invalid configuration \(4 problems\)/,
        /ENVIRONMENT_SUFFIX = "Prod!": each environment suffix must start with a lowercase letter/,
        /STATE_BUCKET = "Bad_Bucket"/,
        /BASELINE_DR_REGION = "eu-west-1": must differ from the home region/,
      ],
    ],
    [{ VPC_CIDR: '10.0.0.0/33' }, [/VPC_CIDR = "10.0.0.0\/33": must be an IPv4 CIDR block/]],
    [{ CDKTF_CONTEXT_JSON: '{' }, [/CDKTF_CONTEXT_JSON is not valid JSON/]],
  ])('stops on bad input %j with one message, exit 1 and nothing written', (env, messages) => {
    const run = runApp(env);
    try {
      expect(run.status).toBe(1);
      for (const message of messages) expect(run.stderr).toMatch(message);
      expect(run.stderr).toMatch(/nothing was synthesized/);
      expect(existsSync(run.outdir)).toBe(false);
    } finally {
      run.cleanup();
    }
  });
});
