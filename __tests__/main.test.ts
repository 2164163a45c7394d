import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { run } from '../tools/core';
import { DIAGRAM_FILE, diagramsFromOutdir, PROJECT_ROOT } from '../tools/diagram';

const root = resolve(__dirname, '..');

interface AppRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outdir: string;
  readonly stacks: string[];
  read(stack: string): any; // eslint-disable-line @typescript-eslint/no-explicit-any
  cleanup(): void;
}

/** Runs the app exactly as cdktf.json's "app" command does, into a fresh folder. */
async function runApp(env: Record<string, string>): Promise<AppRun> {
  const base = mkdtempSync(join(tmpdir(), 'main-test-'));
  const outdir = join(base, 'out');
  const cleanup = () => rmSync(base, { recursive: true, force: true });
  // PATH holds a folder with node alone: the synth needs no terraform (or anything else).
  const bin = join(base, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  try {
    const { code, stdout, stderr } = await run(
      process.execPath,
      ['tools/synth/run-app.cjs', 'main.ts'],
      { cwd: root, env: { PATH: bin, CDKTF_OUTDIR: outdir, ...env }, okCodes: [0, 1] },
    );
    const stacks = existsSync(join(outdir, 'stacks'))
      ? readdirSync(join(outdir, 'stacks')).sort()
      : [];
    const read = (stack: string) =>
      JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    return { status: code, stdout, stderr, outdir, stacks, read, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}

// Both runs at once: each is a Node process of its own (~0.7 s and ~0.3 s), and the tests
// only read what they wrote.
let defaults: AppRun;
let badInput: AppRun;
beforeAll(async () => {
  const runs = await Promise.allSettled([
    runApp({}),
    runApp({
      ENVIRONMENT_SUFFIX: 'Prod!',
      STATE_BUCKET: 'Bad_Bucket',
      BASELINE_DR_REGION: 'eu-west-1',
    }),
  ]);
  const failed = runs.find((settled) => settled.status === 'rejected');
  if (failed) {
    for (const settled of runs) if (settled.status === 'fulfilled') settled.value.cleanup();
    throw failed.reason;
  }
  [defaults, badInput] = runs.map((settled) => (settled as PromiseFulfilledResult<AppRun>).value);
});
afterAll(() => {
  defaults?.cleanup();
  badInput?.cleanup();
});

describe('the app (main.ts)', () => {
  describe('with default settings', () => {
    it('writes TapStackprod, the state bootstrap and the account baseline, with no terraform on PATH', () => {
      expect(defaults.status).toBe(0);
      expect(defaults.stacks).toEqual(['TapAccountBaseline', 'TapStackprod', 'TapStateBackend']);
      expect(defaults.read('TapStackprod').terraform.backend.s3.key).toBe(
        'healthcare/prod/TapStackprod.tfstate',
      );
      expect(defaults.read('TapAccountBaseline').terraform.backend.s3.key).toBe(
        'healthcare/account/TapAccountBaseline.tfstate',
      );
    });

    // The diagram's own tests (tools/diagram) use small stacks; this run is the app's
    // default output, which is exactly what `npm run diagram` draws.
    it('is what the pictures in docs/ show (run `npm run diagram` to refresh)', async () => {
      const { files } = await diagramsFromOutdir(defaults.outdir);
      const docs = join(PROJECT_ROOT, 'docs');
      const committed = readdirSync(docs).filter((f) => DIAGRAM_FILE.test(f));
      const stale = files
        .filter(
          (f) => !committed.includes(f.name) || readFileSync(join(docs, f.name), 'utf8') !== f.svg,
        )
        .map((f) => f.name);
      const extra = committed.filter((name) => !files.some((f) => f.name === name));
      if (stale.length > 0 || extra.length > 0) {
        throw new Error(
          `the pictures in docs/ differ from what the current code draws from the current stacks (${[
            ...stale.map((n) => `docs/${n} stale or missing`),
            ...extra.map((n) => `docs/${n} no longer drawn`),
          ].join('; ')}). Run \`npm run diagram\`, look at them, and commit them.`,
        );
      }
      // The overview and one detail view per tier: the README shows the first.
      expect(files.map((f) => f.name)).toEqual([
        'architecture.svg',
        'architecture-edge.svg',
        'architecture-public.svg',
        'architecture-application.svg',
        'architecture-data.svg',
        'architecture-security.svg',
        'architecture-observability.svg',
        'architecture-state.svg',
        'architecture-baseline.svg',
      ]);
      // docs/architecture.md links every picture.
      const guide = readFileSync(join(docs, 'architecture.md'), 'utf8');
      expect(files.filter((f) => !guide.includes(`](${f.name})`)).map((f) => f.name)).toEqual([]);
    });
  });

  // The settings' rules and every message are tested in-process (stacks/app.test.ts); this
  // run proves the real process exits 1, prints them and writes nothing.
  it('stops on bad input with one message naming every bad setting, exit 1 and nothing written', () => {
    expect(badInput.status).toBe(1);
    expect(badInput.stderr).toMatch(
      /^Invalid configuration \(4 problems\); nothing was synthesized:\n/,
    );
    expect(badInput.stderr).toMatch(
      /ENVIRONMENT_SUFFIX = "Prod!": each environment suffix must start/,
    );
    expect(badInput.stderr).toMatch(/STATE_BUCKET = "Bad_Bucket"/);
    expect(badInput.stderr).toMatch(
      /BASELINE_DR_REGION = "eu-west-1": must differ from the home region/,
    );
    expect(badInput.stdout).toBe('');
    expect(existsSync(badInput.outdir)).toBe(false);
  });
});
