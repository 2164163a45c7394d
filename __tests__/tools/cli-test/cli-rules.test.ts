import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  checkoutChanges,
  classifyScript,
  formatTimings,
  HELP_BUDGET_MS,
  helpProblems,
  median,
  scriptsWithoutExec,
  ScriptRun,
  THIRD_PARTY_HELP,
  usageLinePattern,
  withoutNpmBanner,
  wrongOptionProblems,
} from '../../../tools/cli-test/cli-rules';

const OWN = 'exec node --require tsx/cjs tools/deploy/plan.command.ts';
const banner = (script: string, command: string) =>
  `\n> healthcare-platform-cdktf@0.1.0 ${script}\n> ${command}\n\n`;
const run = (over: Partial<ScriptRun>): ScriptRun => ({
  code: 0,
  signal: null,
  stdout: '',
  stderr: '',
  wallMs: 700,
  ...over,
});

describe('classifyScript', () => {
  test.each([
    [OWN, { kind: 'own', entry: 'tools/deploy/plan.command.ts' }],
    [
      'node --require tsx/cjs tools/check/lint.command.ts lint',
      { kind: 'own', entry: 'tools/check/lint.command.ts' },
    ],
    ['exec jest -c jest.app.config.js', { kind: 'third-party', program: 'jest' }],
    [
      'exec node node_modules/typescript-native/bin/tsc --build --singleThreaded',
      { kind: 'third-party', program: 'tsc' },
    ],
    ['oxlint --deny-warnings', { kind: 'third-party', program: 'oxlint' }],
    ['node scripts/tool.cjs', { kind: 'third-party', program: 'tool' }],
    ['node -e "x"', { kind: 'third-party', program: 'node' }],
    ['node --print 1', { kind: 'third-party', program: 'node' }],
    ['node --inspect', { kind: 'third-party', program: 'node' }],
    ['node --require x/y.js bin/z.mjs --fast', { kind: 'third-party', program: 'z' }],
    ['node -r a/b -C dev lib/cli.cjs', { kind: 'third-party', program: 'cli' }],
    // A tool entry that node does not run is not the project's tool.
    ['tsx tools/deploy/plan.command.ts', { kind: 'third-party', program: 'tsx' }],
  ])('%s', (command, kind) => {
    expect(classifyScript(command)).toEqual(kind);
  });

  test("every script of this package.json is one of the project's tools or a program whose help is known", () => {
    const root = resolve(__dirname, '..', '..', '..');
    const scripts: Record<string, string> = JSON.parse(
      readFileSync(join(root, 'package.json'), 'utf8'),
    ).scripts;
    const unknown = Object.entries(scripts).filter(([, command]) => {
      const kind = classifyScript(command);
      return kind.kind === 'third-party' && !(kind.program in THIRD_PARTY_HELP);
    });
    expect(unknown).toEqual([]);
  });
});

describe('scriptsWithoutExec', () => {
  test('names a script that runs its program under sh instead of exec-ing it, or runs several', () => {
    expect(
      scriptsWithoutExec({
        a: 'exec node tools/a/a.command.ts',
        b: 'node tools/b/b.command.ts',
        c: 'exec jest && exec oxlint',
        d: 'exec',
        e: 'exec jest -c x.js; echo done',
      }),
    ).toEqual(['b', 'c', 'd', 'e']);
  });

  test('every script of this package.json execs its one program, so a signal to npm reaches it', () => {
    const root = resolve(__dirname, '..', '..', '..');
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts;
    expect(scriptsWithoutExec(scripts)).toEqual([]);
  });
});

describe('usageLinePattern', () => {
  test('matches the usage line naming the script, at a line start, and the name ending there', () => {
    const plan = usageLinePattern('plan');
    expect(plan.test('usage: npm run plan [-- --stack <id>]')).toBe(true);
    expect(plan.test('x\nusage: npm run plan\n')).toBe(true);
    expect(plan.test('usage: npm run plan:guard -- <plan.json>')).toBe(false);
    expect(plan.test('  usage: npm run plan')).toBe(false);
    expect(plan.test('Usage: npm run plan')).toBe(false);
  });

  test("takes npm's shortcut for test, and only for the shortcuts", () => {
    expect(usageLinePattern('test').test('usage: npm test\n')).toBe(true);
    expect(usageLinePattern('test').test('usage: npm run test\n')).toBe(true);
    expect(usageLinePattern('synth').test('usage: npm synth\n')).toBe(false);
    // Regular-expression characters in a name are literal.
    expect(usageLinePattern('db:setup').test('usage: npm run db:setup -- --invoke')).toBe(true);
    expect(usageLinePattern('a.b').test('usage: npm run axb')).toBe(false);
  });
});

describe('withoutNpmBanner', () => {
  test("removes npm's two banner lines and the blank line after them, and nothing else", () => {
    expect(withoutNpmBanner(`${banner('plan', OWN)}usage: npm run plan\n`)).toBe(
      'usage: npm run plan\n',
    );
    expect(withoutNpmBanner('usage: npm run plan\n')).toBe('usage: npm run plan\n');
    expect(withoutNpmBanner(banner('plan', OWN))).toBe('');
    expect(withoutNpmBanner('> not a banner\n')).toBe('> not a banner\n');
  });
});

describe('helpProblems', () => {
  test('an own tool passes with exit 0, its usage on stdout and nothing on stderr', () => {
    const ok = run({ stdout: `${banner('plan', OWN)}usage: npm run plan [-- …]\n  Synth …\n` });
    expect(helpProblems('plan', OWN, ok)).toEqual([]);
  });

  test('names every broken rule: exit code, stderr, the missing usage line', () => {
    const bad = run({ code: 1, stderr: 'boom\n', stdout: `${banner('plan', OWN)}Plan of …\n` });
    expect(helpProblems('plan', OWN, bad)).toEqual([
      'exit 1, expected 0',
      'stderr is not empty: "boom\\n"',
      'stdout has no line "usage: npm run plan"',
    ]);
    expect(helpProblems('plan', OWN, run({ code: null, signal: 'SIGKILL' }))[0]).toBe(
      'exit SIGKILL, expected 0',
    );
  });

  test('holds a third-party entry to its own help text, and names one it does not know', () => {
    const jest = 'exec jest -c jest.app.config.js';
    const jestHelp = 'Usage: jest [--config=<pathToConfigFile>] [TestPathPattern]\n';
    expect(helpProblems('test:app', jest, run({ stdout: jestHelp }))).toEqual([]);
    expect(helpProblems('test:app', jest, run({ stdout: 'usage: npm run test:app\n' }))).toEqual([
      `stdout does not have jest's usage (${THIRD_PARTY_HELP.jest})`,
    ]);
    const tsc = 'exec node node_modules/typescript-native/bin/tsc --build';
    expect(
      helpProblems(
        'typecheck',
        tsc,
        run({ stdout: 'Version 7.0.2\ntsc: The TypeScript Compiler - Version 7.0.2\n' }),
      ),
    ).toEqual([]);
    expect(helpProblems('lint', 'oxlint', run({ stdout: 'Usage: oxlint\n' }))).toEqual([
      'oxlint is not in THIRD_PARTY_HELP (tools/cli-test/cli-rules.ts): say what its --help prints',
    ]);
  });
});

describe('wrongOptionProblems', () => {
  const usage = 'usage: npm run plan [-- --stack <id>]\n  Synth …';

  test('passes with exit 2, nothing but the banner on stdout and the usage once on stderr', () => {
    const ok = run({
      code: 2,
      stdout: banner('plan', OWN),
      stderr: `plan: unknown option --x\n${usage}\n`,
    });
    expect(wrongOptionProblems('plan', ok)).toEqual([]);
  });

  test('names the usage printed twice or not at all, a wrong code and output on stdout', () => {
    const twice = run({ code: 2, stderr: `plan: unknown option --x\n${usage}\n${usage}\n` });
    expect(wrongOptionProblems('plan', twice)).toEqual([
      'stderr has the usage line 2 times, expected once',
    ]);
    const none = run({ code: 1, stdout: 'Plan of TapStackprod\n', stderr: 'plan: failed\n' });
    expect(wrongOptionProblems('plan', none)).toEqual([
      'exit 1, expected 2',
      'stdout is not empty: "Plan of TapStackprod\\n"',
      'stderr has the usage line 0 times, expected once',
    ]);
  });
});

describe('median', () => {
  test('of an odd count is the middle value, of an even count the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1900, 2100, 2000])).toBe(2000);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow('median of nothing');
  });

  test('the budget is two seconds: a median at it fails, one millisecond under passes', () => {
    expect(HELP_BUDGET_MS).toBe(2000);
    expect(median([1999, 2500, 900]) < HELP_BUDGET_MS).toBe(true);
    expect(median([2000, 2500, 900]) < HELP_BUDGET_MS).toBe(false);
  });
});

describe('checkoutChanges', () => {
  const base = { status: ['?? node_modules', '!! cdktf.out/'], files: { 'cdktf.out/a.json': 1 } };

  test('nothing when git and the watched files are the same', () => {
    expect(checkoutChanges(base, { ...base })).toEqual([]);
  });

  test('names new and gone git entries and new, removed and touched files', () => {
    const after = {
      status: ['?? node_modules', ' M package.json'],
      files: { 'cdktf.out/a.json': 2, '.sandbox/runs/x/run.json': 5 },
    };
    expect(checkoutChanges(base, after)).toEqual([
      'git status: +  M package.json',
      'git status: - !! cdktf.out/',
      'new file .sandbox/runs/x/run.json',
      'modified cdktf.out/a.json',
    ]);
    expect(checkoutChanges(after, { status: after.status, files: {} })).toEqual([
      'removed .sandbox/runs/x/run.json',
      'removed cdktf.out/a.json',
    ]);
  });
});

test('formatTimings prints the median and each run in seconds, aligned', () => {
  expect(
    formatTimings([
      { script: 'plan', wallMs: [812, 790, 1500] },
      { script: 'test:unit', wallMs: [600, 640, 620] },
    ]),
  ).toBe(
    [
      'script     median  (runs, s)',
      'plan       0.81 s  (0.81, 0.79, 1.50)',
      'test:unit  0.62 s  (0.60, 0.64, 0.62)',
    ].join('\n'),
  );
});
