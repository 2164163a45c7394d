/**
 * `npm run test:cli`: every script in package.json answers `npm run <script> -- --help` alike
 * (exit 0, its usage on stdout, nothing on stderr, nothing written, within HELP_BUDGET_MS: a
 * first run under it, or else the median of three, so that a load spike is not a failure); the project's own tools answer `-h` the same way and an unknown
 * option with the usage once on stderr and exit 2. The scripts are read from package.json when
 * the suite starts. Prints the timing table at the end (docs/commands.md).
 */
import {
  checkoutChanges,
  classifyScript,
  formatTimings,
  HELP_BUDGET_MS,
  helpProblems,
  median,
  wrongOptionProblems,
} from './cli-rules';
import { npmFloor, npmRun, projectScripts, snapshot } from './npm-run';

const scripts = Object.entries(projectScripts());
const RUNS = 3;
const timings: { script: string; wallMs: number[] }[] = [];
let floor: number[] = [];

beforeAll(async () => {
  floor = await npmFloor(RUNS);
});

afterAll(() => {
  // Printed once, after every script: the numbers docs/commands.md reports. The floor is npm
  // starting node for nothing: what the machine's load costs every row.
  const rows = [{ script: '(npm + node, nothing)', wallMs: floor }, ...timings];
  process.stdout.write(
    `\nnpm run <script> -- --help, wall time on this machine (budget ${HELP_BUDGET_MS / 1000} s; the median of ${RUNS} runs where the first was over it):\n${formatTimings(rows)}\n`,
  );
});

describe.each(scripts)('npm run %s', (script, command) => {
  const own = classifyScript(command).kind === 'own';

  test(`-- --help: exit 0, its usage on stdout, stderr empty, nothing written, one run (or the median of ${RUNS}) under the budget`, async () => {
    const wallMs: number[] = [];
    // Three runs only when the first is over budget: the median then tells load from slowness.
    for (let i = 0; i < RUNS && (i === 0 || wallMs[0] >= HELP_BUDGET_MS); i++) {
      const before = snapshot();
      const run = await npmRun(script, ['--help']);
      const after = snapshot();
      expect({ run: i + 1, problems: helpProblems(script, command, run) }).toEqual({
        run: i + 1,
        problems: [],
      });
      expect(checkoutChanges(before, after)).toEqual([]);
      wallMs.push(run.wallMs);
    }
    timings.push({ script, wallMs });
    // Over budget, the report shows the floor beside the median: how much of it was the load.
    const verdict = {
      medianMs: Math.round(median(wallMs)),
      floorMs: Math.round(median(floor)),
      withinBudget: median(wallMs) < HELP_BUDGET_MS,
    };
    expect(verdict).toMatchObject({ withinBudget: true });
  });

  if (!own) return;

  test('-- -h: the same answer', async () => {
    const before = snapshot();
    const run = await npmRun(script, ['-h']);
    expect(helpProblems(script, command, run)).toEqual([]);
    expect(checkoutChanges(before, snapshot())).toEqual([]);
  });

  test('-- --no-such-option: the usage once on stderr, nothing on stdout, exit 2, nothing written', async () => {
    const before = snapshot();
    const run = await npmRun(script, ['--no-such-option']);
    expect(wrongOptionProblems(script, run)).toEqual([]);
    expect(checkoutChanges(before, snapshot())).toEqual([]);
  });
});
