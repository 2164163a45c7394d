/**
 * The entry of a command (`*.command.ts`): runs its main, exits with the code it returns,
 * prints `<name>: <message>` and exits 1 when it throws, and on Ctrl-C stops the children
 * it started (see process.ts) and exits 130.
 */
import { killActiveChildren } from './process';

/** What runCommand needs of `process` (a test passes its own). */
export interface CommandProcess {
  on(event: 'SIGINT', listener: () => void): unknown;
  exit(code: number): void;
  readonly stderr: { write(text: string): unknown };
}

export function runCommand(
  name: string,
  main: () => Promise<number>,
  proc: CommandProcess = process,
  stopChildren: (signal: NodeJS.Signals) => void = killActiveChildren,
): Promise<void> {
  proc.on('SIGINT', () => {
    stopChildren('SIGINT');
    proc.exit(130);
  });
  return main().then(
    (code) => proc.exit(code),
    (error: unknown) => {
      proc.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      proc.exit(1);
    },
  );
}
