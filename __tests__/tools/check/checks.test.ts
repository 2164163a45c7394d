import { CommandError, RunResult } from '../../../tools/core';
import {
  CHECK_SCRIPTS,
  checkEnv,
  checkSteps,
  formatCheck,
  formatSummary,
  runChecks,
  Runner,
} from '../../../tools/check/checks';

const SCRIPTS = {
  typecheck: 'tsc --build',
  lint: 'oxlint --deny-warnings && oxfmt --check',
  'test:unit': 'jest --coverage',
  validate: 'node --require tsx/cjs tools/validate/validate.command.ts',
  'test:framework': 'node --require tsx/cjs tools/synth/framework.command.ts',
  'test:synth': 'node --require tsx/cjs tools/validate/validate.command.ts --frameworks',
  'lint:workflows': 'node --require tsx/cjs tools/check/workflow-lint.command.ts',
  deploy: 'not a check',
};

const result = (code: number, stdout: string, stderr = ''): RunResult => ({
  code,
  stdout,
  stderr,
  durationMs: 1500,
});

describe('checkEnv', () => {
  test("keeps the caller's settings, puts node_modules/.bin first on PATH and sets TMPDIR", () => {
    const asked: unknown[] = [];
    const env = checkEnv(
      { HOME: '/home/u', PATH: '/usr/bin:/bin', GONE: undefined },
      '/repo',
      (o) => {
        asked.push(o?.env);
        return '/dev/shm';
      },
    );
    expect(env).toEqual({
      HOME: '/home/u',
      PATH: '/repo/node_modules/.bin:/usr/bin:/bin',
      TMPDIR: '/dev/shm',
    });
    // scratch.cjs decides from the caller's environment (a TMPDIR there wins).
    expect(asked).toEqual([{ HOME: '/home/u', PATH: '/usr/bin:/bin', GONE: undefined }]);
  });

  test('without a PATH, node_modules/.bin alone; a TMPDIR the caller set is what scratch.cjs keeps', () => {
    expect(checkEnv({ TMPDIR: '/scratch/mine' }, '/repo')).toEqual({
      PATH: '/repo/node_modules/.bin',
      TMPDIR: '/scratch/mine',
    });
  });
});

describe('checkSteps', () => {
  test('runs each check script, one step per && part, the unit tests first', () => {
    expect(checkSteps(SCRIPTS)).toEqual([
      { name: 'test:unit', command: 'jest --coverage' },
      { name: 'typecheck', command: 'tsc --build' },
      {
        name: 'test:synth',
        command: 'node --require tsx/cjs tools/validate/validate.command.ts --frameworks',
      },
      { name: 'lint:oxlint', command: 'oxlint --deny-warnings' },
      { name: 'lint:oxfmt', command: 'oxfmt --check' },
      {
        name: 'lint:workflows',
        command: 'node --require tsx/cjs tools/check/workflow-lint.command.ts',
      },
    ]);
  });

  test('the checks: unit tests, typecheck, validate with the cdktn equivalence, lint and the workflow lint', () => {
    // validate and test:framework run as test:synth, one process sharing the cdktf synth.
    expect([...CHECK_SCRIPTS].sort()).toEqual([
      'lint',
      'lint:workflows',
      'test:synth',
      'test:unit',
      'typecheck',
    ]);
  });

  test('throws when package.json lacks a check script', () => {
    const withoutSynth: Record<string, string> = { ...SCRIPTS };
    delete withoutSynth['test:synth'];
    expect(() => checkSteps(withoutSynth)).toThrow(
      'package.json has no "test:synth" script, which npm test runs',
    );
  });
});

describe('runChecks', () => {
  test('starts every step at once, reports each as it ends, keeps the order of steps', async () => {
    // Given a runner where the first step ends last
    const started: string[] = [];
    const done: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const runner: Runner = (_cmd, args) => {
      const command = args[1];
      started.push(command);
      if (command === 'first') {
        return new Promise((resolve) => {
          releaseFirst = () => resolve(result(0, 'first out'));
        });
      }
      return Promise.resolve(result(0, `${command} out`, `${command} err`));
    };
    const run = runChecks(
      [
        { name: 'a', command: 'first' },
        { name: 'b', command: 'second' },
      ],
      { cwd: '/p', env: {}, runner, onDone: (r) => done.push(r.name) },
    );
    await new Promise((r) => setImmediate(r));
    // Then both started before either ended
    expect(started).toEqual(['first', 'second']);
    releaseFirst();
    const results = await run;
    expect(done).toEqual(['b', 'a']);
    expect(results.map((r) => [r.name, r.ok, r.output])).toEqual([
      ['a', true, 'first out'],
      ['b', true, 'second out\nsecond err'],
    ]);
  });

  test('runs at most `limit` steps at once, in their order', async () => {
    let running = 0;
    let most = 0;
    const order: string[] = [];
    const runner: Runner = async (_cmd, args) => {
      running++;
      most = Math.max(most, running);
      order.push(args[1]);
      await new Promise((r) => setImmediate(r));
      running--;
      return result(0, '');
    };
    const steps = ['a', 'b', 'c', 'd'].map((c) => ({ name: c, command: c }));
    const results = await runChecks(steps, { cwd: '/p', env: {}, runner, limit: 2 });
    expect(most).toBe(2);
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    expect(results.map((r) => r.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('a failing command is a failed check with its exit code and output', async () => {
    const runner: Runner = () =>
      Promise.reject(new CommandError('sh -c jest', result(1, '', 'Tests: 1 failed')));
    const [r] = await runChecks([{ name: 'test:unit', command: 'jest' }], {
      cwd: '/p',
      env: {},
      runner,
    });
    expect(r).toMatchObject({ name: 'test:unit', ok: false, code: 1, output: 'Tests: 1 failed' });
  });

  test('a command that cannot start is a failed check with the reason', async () => {
    const runner: Runner = () => Promise.reject(new Error('cannot start sh: ENOENT'));
    const [r] = await runChecks([{ name: 'typecheck', command: 'tsc' }], {
      cwd: '/p',
      env: {},
      runner,
    });
    expect(r).toMatchObject({ ok: false, code: 1, output: 'cannot start sh: ENOENT' });
  });

  test('runs the real shell by default', async () => {
    const [r] = await runChecks([{ name: 'echo', command: 'echo hello' }], {
      cwd: process.cwd(),
      env: process.env as Record<string, string>,
    });
    expect(r).toMatchObject({ ok: true, code: 0, output: 'hello' });
  });
});

describe('report', () => {
  const ok = { name: 'typecheck', ok: true, code: 0, durationMs: 8200, output: '' };
  const bad = {
    name: 'test:unit',
    ok: false,
    code: 1,
    durationMs: 15000,
    output: 'Tests: 1 failed',
  };

  test('a check block names the check, its verdict and time, then its output', () => {
    expect(formatCheck(ok)).toBe('── typecheck: ok in 8.2 s\n');
    expect(formatCheck(bad)).toBe('── test:unit: FAILED (exit 1) in 15.0 s\nTests: 1 failed\n');
  });

  test('the summary lists every check and names the failed ones', () => {
    expect(formatSummary([ok, bad], 16000)).toBe(
      [
        'npm test:',
        '  typecheck  ok      8.2 s',
        '  test:unit  FAILED  15.0 s',
        'Result: FAILED (test:unit) in 16.0 s',
      ].join('\n'),
    );
    expect(formatSummary([ok], 9000)).toMatch(/Result: passed in 9.0 s$/);
  });
});
