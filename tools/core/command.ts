/**
 * The entry of a command (`*.command.ts`): runs its main, exits with the code it returns,
 * prints `<name>: <message>` and exits 1 when it throws. An interrupt (Ctrl-C, SIGTERM) is
 * forwarded once to the children it started (core/interrupts.ts) and the command exits 130
 * (143) when they are gone.
 */
import { installInterrupts, InterruptChildren, SignalSource } from './interrupts';
import { runningChildren } from './process';

/** What runCommand needs of `process` (a test passes its own). */
export interface CommandProcess extends SignalSource {
  exit(code: number): void;
  readonly stderr: { write(text: string): unknown };
}

/** True when the arguments ask for help (`--help` or `-h`): print the usage, do nothing else. */
export function helpRequested(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Where answerCommandLine prints (a test passes its own). */
export interface UsageOutput {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** What is wrong with one argument a command does not take. */
export function unexpectedArgument(arg: string): string {
  return arg.startsWith('-') ? `unknown option ${arg}` : `unexpected argument ${arg}`;
}

/** The check of a command that takes no arguments: the first one is the problem. */
export function noArguments(argv: readonly string[]): string | undefined {
  return argv.length > 0 ? unexpectedArgument(argv[0]) : undefined;
}

/** The text of a wrong command line: `<name>: <problem>`, then the usage, printed once. */
export function usageError(name: string, problem: string, usage: string): string {
  return `${name}: ${problem}\n${usage.trimEnd()}\n`;
}

/**
 * What every command answers alike, before it loads anything heavy (docs/commands.md):
 * `--help` or `-h` anywhere prints the usage on stdout and gives 0; a problem `check` finds
 * in the arguments prints `<name>: <problem>` and the usage, once, on stderr and gives 2.
 * Returns undefined when the command goes on.
 */
export function answerCommandLine(
  name: string,
  usage: string,
  argv: readonly string[],
  check: (argv: readonly string[]) => string | undefined = noArguments,
  out: UsageOutput = process,
): number | undefined {
  if (helpRequested(argv)) {
    out.stdout.write(`${usage.trimEnd()}\n`);
    return 0;
  }
  const problem = check(argv);
  if (problem === undefined) return undefined;
  out.stderr.write(usageError(name, problem, usage));
  return 2;
}

export function runCommand(
  name: string,
  main: () => Promise<number>,
  proc: CommandProcess = process,
  children: InterruptChildren = runningChildren,
): Promise<void> {
  const { interrupts } = installInterrupts(
    { children, write: (text) => proc.stderr.write(text), exit: (code) => proc.exit(code) },
    proc,
  );
  return main().then(
    (code) => proc.exit(interrupts.exitCode(code)),
    (error: unknown) => {
      proc.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      proc.exit(interrupts.exitCode(1));
    },
  );
}
