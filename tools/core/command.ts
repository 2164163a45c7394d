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
