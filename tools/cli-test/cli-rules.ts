/**
 * What `npm run test:cli` holds every npm script to (docs/commands.md), as pure functions over
 * what a run printed, so that the rules are unit-tested apart from the processes:
 *
 * - `npm run <script> -- --help` (and `-h` for the project's own tools) exits 0 with a usage
 *   line naming the script on stdout, nothing on stderr, nothing written, within the budget;
 * - the project's own tools answer an unknown option with the usage once on stderr, exit 2 and
 *   nothing on stdout.
 *
 * The scripts come from package.json at run time, so a new script is covered without an edit
 * here; a new third-party entry point fails until THIRD_PARTY_HELP says what its help prints.
 */

/** A script is the project's own tool (`node … tools/<job>/<name>.command.ts`) or another program. */
export type ScriptKind =
  | { readonly kind: 'own'; readonly entry: string }
  | { readonly kind: 'third-party'; readonly program: string };

/** What a third-party program's `--help` starts a line with (its own words, not ours). */
export const THIRD_PARTY_HELP: Readonly<Record<string, RegExp>> = {
  // jest-cli's yargs usage line.
  jest: /^Usage: jest \[--config=<pathToConfigFile>\]/m,
  // TypeScript 7's native compiler, `tsc --build --help`.
  tsc: /^tsc: The TypeScript Compiler - Version \d+\.\d+\.\d+/m,
};

/** The wall-clock budget of one `npm run <script> -- --help`, npm's own start-up included. */
export const HELP_BUDGET_MS = 2000;

/** Scripts npm also runs as `npm <name>` (npm's shortcuts): their usage may say so. */
const NPM_SHORTCUTS = new Set(['test', 'start', 'stop', 'restart']);

/**
 * The scripts that do not `exec` their program. npm forwards SIGINT and SIGTERM to its child,
 * which is `sh -c "<script>"`; Debian's dash does not exec the last command and keeps the
 * signal, so without `exec` a signal sent to npm never reaches the tool (measured with npm 11.19).
 */
export function scriptsWithoutExec(scripts: Readonly<Record<string, string>>): string[] {
  return Object.entries(scripts)
    .filter(([, command]) => !/^exec \S/.test(command) || /&&|\|\||;|\|/.test(command))
    .map(([name]) => name);
}

/** The program a script runs, and whether it is one of the project's tool entries. */
export function classifyScript(command: string): ScriptKind {
  const words = command.trim().split(/\s+/);
  if (words[0] === 'exec') words.shift();
  const entry = words.find((w) => /^tools\/[\w-]+\/[\w.-]+\.command\.ts$/.test(w));
  if (words[0] === 'node' && entry) return { kind: 'own', entry };
  const program = words[0] === 'node' ? nodeScript(words.slice(1)) : words[0];
  return {
    kind: 'third-party',
    program: program
      .split('/')
      .pop()!
      .replace(/\.(c|m)?js$/, ''),
  };
}

/** Node's options that take the next word as their value. */
const NODE_VALUE_OPTIONS = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '-C',
  '--conditions',
]);

/** `node <script> …` runs that script (a bin's path); `node -e …`, `-p …` or nothing is node itself. */
function nodeScript(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (['-e', '--eval', '-p', '--print'].includes(word)) return 'node';
    if (NODE_VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith('-')) return word;
  }
  return 'node';
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The line an own tool's usage starts with: `usage: npm run <script>` (or `usage: npm <script>`
 * for npm's shortcuts), the script's name ending there (`plan` is not `plan:guard`).
 */
export function usageLinePattern(script: string): RegExp {
  const names = [`npm run ${escape(script)}`];
  if (NPM_SHORTCUTS.has(script)) names.push(`npm ${escape(script)}`);
  return new RegExp(`^usage: (?:${names.join('|')})(?=\\s|$)`, 'm');
}

/** What a run of `npm run <script> -- <args>` gave. */
export interface ScriptRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}

/**
 * stdout without npm's banner (`\n> <package>@<version> <script>\n> <command>\n\n`), which npm
 * prints before the script runs: what is left is what the tool printed.
 */
export function withoutNpmBanner(stdout: string): string {
  return stdout.replace(/^\n?> [^\n]*\n> [^\n]*\n\n?/, '');
}

/** What is wrong with a `--help` (or `-h`) run of a script; empty when nothing is. */
export function helpProblems(script: string, command: string, run: ScriptRun): string[] {
  const problems: string[] = [];
  if (run.code !== 0) problems.push(`exit ${run.code ?? run.signal}, expected 0`);
  if (run.stderr !== '') problems.push(`stderr is not empty: ${JSON.stringify(run.stderr)}`);
  const printed = withoutNpmBanner(run.stdout);
  const kind = classifyScript(command);
  if (kind.kind === 'own') {
    if (!usageLinePattern(script).test(printed))
      problems.push(`stdout has no line "usage: npm run ${script}"`);
  } else {
    const expected = THIRD_PARTY_HELP[kind.program];
    if (!expected)
      problems.push(
        `${kind.program} is not in THIRD_PARTY_HELP (tools/cli-test/cli-rules.ts): say what its --help prints`,
      );
    else if (!expected.test(printed))
      problems.push(`stdout does not have ${kind.program}'s usage (${expected})`);
  }
  return problems;
}

/** What is wrong with an own tool's answer to an unknown option; empty when nothing is. */
export function wrongOptionProblems(script: string, run: ScriptRun): string[] {
  const problems: string[] = [];
  if (run.code !== 2) problems.push(`exit ${run.code ?? run.signal}, expected 2`);
  const printed = withoutNpmBanner(run.stdout);
  if (printed !== '') problems.push(`stdout is not empty: ${JSON.stringify(printed)}`);
  const usageLines = run.stderr.split('\n').filter((line) => usageLinePattern(script).test(line));
  if (usageLines.length !== 1)
    problems.push(`stderr has the usage line ${usageLines.length} times, expected once`);
  return problems;
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The checkout as the "nothing written" rule compares it: git's view and watched files' times. */
export interface CheckoutSnapshot {
  /** `git status --porcelain` lines (untracked and ignored entries included). */
  readonly status: readonly string[];
  /** Path → modification time (ms) of every file under the watched folders. */
  readonly files: Readonly<Record<string, number>>;
}

/** What changed between two snapshots, one line per path; empty when nothing did. */
export function checkoutChanges(before: CheckoutSnapshot, after: CheckoutSnapshot): string[] {
  const changes: string[] = [];
  const was = new Set(before.status);
  const is = new Set(after.status);
  for (const line of after.status) if (!was.has(line)) changes.push(`git status: + ${line}`);
  for (const line of before.status) if (!is.has(line)) changes.push(`git status: - ${line}`);
  const paths = new Set([...Object.keys(before.files), ...Object.keys(after.files)]);
  for (const path of [...paths].sort()) {
    const a = before.files[path];
    const b = after.files[path];
    if (a === undefined) changes.push(`new file ${path}`);
    else if (b === undefined) changes.push(`removed ${path}`);
    else if (a !== b) changes.push(`modified ${path}`);
  }
  return changes;
}

/** One row of the timing table: the script, each run's wall time and their median. */
export function formatTimings(
  rows: readonly { script: string; wallMs: readonly number[] }[],
): string {
  const width = Math.max(6, ...rows.map((r) => r.script.length));
  const lines = rows.map(
    (r) =>
      `${r.script.padEnd(width)}  ${(median(r.wallMs) / 1000).toFixed(2)} s  (${r.wallMs
        .map((ms) => (ms / 1000).toFixed(2))
        .join(', ')})`,
  );
  return [`${'script'.padEnd(width)}  median  (runs, s)`, ...lines].join('\n');
}
