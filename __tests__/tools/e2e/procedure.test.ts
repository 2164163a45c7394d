import { PhaseError, PhaseTimer } from '../../../tools/core';
import { E2ePhase, formatE2eReport, runPhases } from '../../../tools/e2e/procedure';

interface FakeRun {
  readonly stacks: string[];
  readonly calls: string[];
  skipLock?: boolean;
}

const quietTimer = () => {
  let t = 0;
  return new PhaseTimer({ write: () => undefined, now: () => (t += 1000) });
};

const PHASES: E2ePhase<FakeRun>[] = [
  {
    name: 'synth',
    proves: 'the app synthesizes',
    run: async (r, note) => {
      r.calls.push('synth');
      note('2 stacks');
    },
  },
  {
    name: (_r, stack) => `deploy ${stack}`,
    proves: 'each stack deploys',
    forEachStack: (r) => r.stacks,
    run: async (r, _note, stack) => {
      r.calls.push(`deploy ${stack}`);
    },
  },
  {
    name: 'state lock',
    proves: 'the lock refuses a second holder',
    skipWhen: (r) => (r.skipLock ? 'no lock table' : undefined),
    run: async (r) => {
      r.calls.push('lock');
    },
  },
];

describe('e2e procedure', () => {
  test('runs the declared phases in order, once per stack for per-stack phases', async () => {
    // Given two stacks; when the procedure runs
    const run: FakeRun = { stacks: ['A', 'B'], calls: [] };
    const timer = quietTimer();
    const proven = await runPhases(PHASES, run, timer);
    // Then every phase ran in order and each passed phase is a proven claim
    expect(run.calls).toEqual(['synth', 'deploy A', 'deploy B', 'lock']);
    expect(proven).toEqual([
      { phase: 'synth', proves: 'the app synthesizes' },
      { phase: 'deploy A', proves: 'each stack deploys' },
      { phase: 'deploy B', proves: 'each stack deploys' },
      { phase: 'state lock', proves: 'the lock refuses a second holder' },
    ]);
    expect(timer.results.map((r) => [r.name, r.status, r.note])).toEqual([
      ['synth', 'ok', '2 stacks'],
      ['deploy A', 'ok', undefined],
      ['deploy B', 'ok', undefined],
      ['state lock', 'ok', undefined],
    ]);
  });

  test('records a skipped phase with its reason and does not claim it', async () => {
    const run: FakeRun = { stacks: [], calls: [], skipLock: true };
    const timer = quietTimer();
    const proven = await runPhases(PHASES, run, timer);
    expect(run.calls).toEqual(['synth']);
    expect(proven.map((p) => p.phase)).toEqual(['synth']);
    expect(timer.results[1]).toEqual({
      name: 'state lock',
      status: 'skipped',
      durationMs: 0,
      note: 'no lock table',
    });
  });

  test('stops at the first failing phase, naming it, and keeps the claims proven so far', async () => {
    const run: FakeRun = { stacks: ['A', 'B'], calls: [] };
    const failing: E2ePhase<FakeRun>[] = [
      PHASES[0],
      {
        name: (_r, s) => `deploy ${s}`,
        proves: 'x',
        forEachStack: (r) => r.stacks,
        run: async (_r, _n, s) => {
          if (s === 'A') throw new Error('boom');
        },
      },
      PHASES[2],
    ];
    const proven: { phase: string; proves: string }[] = [];
    const error = await runPhases(failing, run, quietTimer(), proven).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhaseError);
    expect((error as PhaseError).phase).toBe('deploy A');
    expect(proven.map((p) => p.phase)).toEqual(['synth']);
    expect(run.calls).toEqual(['synth']);
  });

  test('runs lanes side by side, each in its order, and names their phases by lane', async () => {
    // Given two lanes whose first phases wait on each other (only concurrency completes them)
    const calls: string[] = [];
    let releaseA: () => void = () => undefined;
    const aWaits = new Promise<void>((resolve) => (releaseA = resolve));
    const step = (name: string, body: () => Promise<void>): E2ePhase<FakeRun> => ({
      name,
      proves: `${name} holds`,
      run: async () => {
        calls.push(`start ${name}`);
        await body();
        calls.push(`end ${name}`);
      },
    });
    const timer = quietTimer();
    const proven = await runPhases(
      [
        {
          lanes: {
            dev: [step('a1', () => aWaits), step('a2', async () => undefined)],
            prod: [step('b1', async () => releaseA())],
          },
        },
        PHASES[0],
      ],
      { stacks: [], calls: [] },
      timer,
    );
    // Then b1 ran while a1 waited, a2 after a1, and the next step after both lanes
    const at = (c: string) => calls.indexOf(c);
    expect(calls).toHaveLength(6);
    expect(at('start b1')).toBeLessThan(at('end a1'));
    expect(at('end a1')).toBeLessThan(at('start a2'));
    expect(calls.slice(0, 2)).toEqual(['start a1', 'start b1']);
    expect(proven.map((p) => p.phase).sort()).toEqual(
      ['[dev] a1', '[dev] a2', '[prod] b1', 'synth'].sort(),
    );
    expect(proven[proven.length - 1]).toEqual({ phase: 'synth', proves: 'the app synthesizes' });
  });

  test('a failing lane stops the other lane before its next phase and fails the run', async () => {
    let releaseB: () => void = () => undefined;
    const bWaits = new Promise<void>((resolve) => (releaseB = resolve));
    const ran: string[] = [];
    const timer = quietTimer();
    const error = await runPhases<FakeRun>(
      [
        {
          lanes: {
            dev: [
              {
                name: 'a1',
                proves: 'x',
                run: async () => {
                  ran.push('a1');
                  releaseB();
                  throw new Error('a1 broke');
                },
              },
            ],
            prod: [
              {
                name: 'b1',
                proves: 'y',
                run: async () => {
                  await bWaits;
                  ran.push('b1');
                },
              },
              { name: 'b2', proves: 'z', run: async () => void ran.push('b2') },
            ],
          },
        },
        { name: 'after', proves: 'w', run: async () => void ran.push('after') },
      ],
      { stacks: [], calls: [] },
      timer,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhaseError);
    expect((error as PhaseError).phase).toBe('[dev] a1');
    // b1 was already running and finished; b2 and the next step never started
    expect(ran).toEqual(['a1', 'b1']);
    expect(timer.results.map((r) => [r.name, r.status, r.note])).toEqual([
      ['[dev] a1', 'failed', undefined],
      ['[prod] b1', 'ok', undefined],
      ['[prod] b2', 'skipped', 'stopped: "[dev] a1" failed'],
    ]);
  });

  test('the report lists findings, what each passed phase proved, the phases and the result', async () => {
    const run: FakeRun = { stacks: ['A'], calls: [] };
    const timer = quietTimer();
    const proven = await runPhases(PHASES, run, timer);
    const lines = formatE2eReport(
      timer,
      {
        resources: { A: 42 },
        tests: { passed: 9, failed: 0, skipped: 1, total: 10 },
        limitations: ['moto: no UpdateMethod'],
        drift: ['  A: no changes'],
        secrets: ['RDS master password (A aws_db_instance.db.password): not in state: managed'],
      },
      proven,
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        'E2E report',
        '  A: 42',
        'Integration tests: 9 passed, 0 failed, 1 skipped (of 10)',
        'Emulator limitations recorded by the tests:',
        '  moto: no UpdateMethod',
        'Plan after deploy:',
        '  A: no changes',
        'Secrets (read back, then searched for in every log and artifact):',
        '  RDS master password (A aws_db_instance.db.password): not in state: managed',
        'Proved:',
        '  synth: the app synthesizes',
        '  deploy A: each stack deploys',
        '  state lock: the lock refuses a second holder',
      ]),
    );
    expect(lines[lines.length - 1]).toMatch(/^Result: passed in /);
  });

  test('the report of a failed run names the failed phase and omits empty sections', async () => {
    const timer = quietTimer();
    await timer.run('synth', () => Promise.reject(new Error('x'))).catch(() => undefined);
    const lines = formatE2eReport(timer, { resources: {}, limitations: [], drift: [] }, []);
    expect(lines).not.toContain('Proved:');
    expect(lines).not.toContain('Plan after deploy:');
    expect(lines.some((l) => l.startsWith('Secrets'))).toBe(false);
    expect(lines.some((l) => l.startsWith('Integration tests'))).toBe(false);
    expect(lines.slice(-3, -2)[0]).toMatch(/^Result: FAILED in "synth" after /);
    expect(lines.slice(-2)).toEqual(['Why:', '  x']);
  });

  test("the report ends with the first 15 lines of the failed phase's message and counts the rest", async () => {
    const timer = quietTimer();
    const message = Array.from({ length: 17 }, (_, i) => `line ${i + 1}`).join('\n');
    await timer.run('deploy', () => Promise.reject(new Error(message))).catch(() => undefined);
    const lines = formatE2eReport(timer, { resources: {}, limitations: [], drift: [] }, []);
    const why = lines.indexOf('Why:');
    expect(lines[why - 1]).toMatch(/^Result: FAILED in "deploy" after /);
    expect(lines.slice(why + 1)).toEqual([
      ...Array.from({ length: 15 }, (_, i) => `  line ${i + 1}`),
      '  … 2 more line(s) above, under "E2E FAILED"',
    ]);
  });

  test('a message of exactly 15 lines is repeated whole', async () => {
    const timer = quietTimer();
    const message = Array.from({ length: 15 }, (_, i) => `line ${i + 1}`).join('\n');
    await timer.run('deploy', () => Promise.reject(new Error(message))).catch(() => undefined);
    const lines = formatE2eReport(timer, { resources: {}, limitations: [], drift: [] }, []);
    expect(lines.slice(lines.indexOf('Why:') + 1)).toHaveLength(15);
    expect(lines[lines.length - 1]).toBe('  line 15');
  });
});
