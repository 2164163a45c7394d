import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Runner } from '../../../tools/core';
import { PhaseTimer } from '../../../tools/core/phases';
import type { RunResult } from '../../../tools/core/process';
import { checkDrift, createRunFolder, selectStack, Target } from '../../../tools/deploy';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'plans');
const ok = (stdout = ''): RunResult => ({ code: 0, stdout, stderr: '', durationMs: 1 });

/** A tiny app and Terraform: `show -json` answers `planJson`. */
function runnerFor(planJson: string): { runner: Runner; calls: string[][] } {
  const calls: string[][] = [];
  const runner: Runner = async (cmd, args, options = {}) => {
    calls.push([cmd, ...args]);
    if (cmd === 'sh') {
      const outdir = options.env!.CDKTF_OUTDIR;
      fs.mkdirSync(path.join(outdir, 'stacks', 'TapStackdev'), { recursive: true });
      fs.writeFileSync(path.join(outdir, 'stacks', 'TapStackdev', 'cdk.tf.json'), '{}');
      fs.writeFileSync(
        path.join(outdir, 'manifest.json'),
        JSON.stringify({ stacks: { TapStackdev: { workingDirectory: 'stacks/TapStackdev' } } }),
      );
    }
    if (args[0] === 'show') return ok(planJson);
    return ok();
  };
  return { runner, calls };
}

function target(env: Record<string, string> = {}): Target {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-check-'));
  const run = createRunFolder({ command: 'drift', stack: 'TapStackdev', emulator: false, root });
  return {
    kind: 'aws',
    run,
    env,
    region: 'eu-west-1',
    workDir: run.dir,
    outdir: run.outdir,
    logDir: run.logDir,
    terraform: {} as Target['terraform'],
    prepare: async () => 'ready',
    preflightClients: () => {
      throw new Error('drift runs no preflight');
    },
    stop: async () => undefined,
    died: () => undefined,
  };
}

const selection = selectStack('drift', { ENVIRONMENT_SUFFIX: 'dev' });
const silent = () => new PhaseTimer({ write: () => undefined });

describe('npm run drift', () => {
  it('plans refresh-only, reports each drifted resource and exits 2', async () => {
    const plan = fs.readFileSync(path.join(FIXTURES, 'drift-refresh-only.json'), 'utf8');
    const { runner, calls } = runnerFor(plan);
    const t = target();
    const out = path.join(t.run.dir, 'report.md');
    const printed: string[] = [];
    const code = await checkDrift({
      timer: silent(),
      target: t,
      selection,
      out,
      runner,
      write: (text) => printed.push(text),
    });
    expect(code).toBe(2);
    const planCall = calls.find((c) => c[1] === 'plan')!;
    expect(planCall).toContain('-refresh-only');
    expect(planCall).toContain(`-out=${path.join(t.run.planDir, 'drift.tfplan')}`);
    const report = fs.readFileSync(out, 'utf8');
    expect(printed.join('')).toContain(report);
    expect(report).toMatch(/^## Drift: TapStackdev \(environment `dev`\)/m);
  });

  it('exits 0 when nothing changed outside Terraform, and writes the report in the run folder', async () => {
    const plan = fs.readFileSync(path.join(FIXTURES, 'drift-clean.json'), 'utf8');
    const { runner } = runnerFor(plan);
    const t = target();
    expect(
      await checkDrift({ timer: silent(), target: t, selection, runner, write: () => {} }),
    ).toBe(0);
    expect(fs.existsSync(path.join(t.run.planDir, 'drift.md'))).toBe(true);
  });
});
