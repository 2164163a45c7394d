/**
 * What an interrupt (Ctrl-C, or SIGTERM from a CI system cancelling a job) does while a
 * command runs. Terraform stops safely on one SIGINT: it lets the operations in flight
 * finish, writes the state and releases the lock. A second SIGINT makes it exit at once
 * ("Two interrupts received. Exiting immediately. Note that data loss may have occurred"),
 * so the children run in process groups of their own (the terminal's Ctrl-C reaches only
 * this process) and each interrupt is handled here:
 *
 * 1. the first is forwarded exactly once to every child (terraform gets SIGINT, others
 *    their own stop signal); the command then unwinds as the children exit and reports what
 *    was done and what to do next. With no child running, the command's cleanup runs and it
 *    exits at once: nothing is writing state.
 * 2. the second only warns: terraform is still saving state; a third would force it.
 * 3. the third kills every child and exits: the state of what was in flight may be lost
 *    (`npm run recover` finds it).
 *
 * One Ctrl-C can arrive twice: the npm scripts `exec` the tool, so the terminal's SIGINT
 * reaches both npm and the tool (one process group), and npm forwards its own copy to the
 * tool a few milliseconds later. The same signal again within DUPLICATE_WINDOW_MS of the
 * last one counted is that copy, not a second interrupt.
 */

export type Signal = 'SIGINT' | 'SIGTERM';

/** The children the interrupt reaches (core/process.ts's running children). */
export interface InterruptChildren {
  /** Sends each running child its stop signal once; returns how many are still stopping. */
  forward(): number;
  /** How many children are still running. */
  running(): number;
  /** SIGKILL to every child. */
  kill(): void;
}

export interface InterruptDeps {
  readonly children: InterruptChildren;
  readonly write: (text: string) => void;
  readonly exit: (code: number) => void;
  /** Runs before a forced or idle exit (stop the emulator, remove temporary files). */
  readonly cleanup?: () => Promise<void> | void;
  /** The clock the duplicate window is measured on. @default Date.now */
  readonly now?: () => number;
}

/**
 * The same signal again within this many milliseconds of the last one counted is one
 * delivery (npm's forwarded copy of a Ctrl-C the tool already got from the terminal). Measured
 * here 10 ms apart; a second deliberate Ctrl-C within a second counts as the first one, the
 * safe direction (it only ever delays forcing).
 */
export const DUPLICATE_WINDOW_MS = 1000;

/** The exit code of a command stopped by `signal` (128 + its number). */
export function interruptExitCode(signal: Signal): number {
  return signal === 'SIGINT' ? 130 : 143;
}

export const INTERRUPT_MESSAGES = {
  graceful: (signal: Signal, count: number) =>
    `\n${signal} received: asking ${count === 1 ? 'the running command' : `the ${count} running commands`} to stop safely. ` +
    'Terraform finishes what is in flight, saves the state and releases the lock; this can take a minute. ' +
    'Wait for the summary.\n',
  idle: (signal: Signal) => `\n${signal} received: nothing is changing state; stopping now.\n`,
  warn:
    '\nStill stopping safely (terraform is saving the state and releasing the lock). ' +
    'Interrupt once more to FORCE it: whatever is in flight is then left out of the state and ' +
    'the lock stays held (npm run recover finds both).\n',
  forced:
    '\nForced: every child killed. Run `npm run recover -- --stack <stack>` before the next deploy.\n',
} as const;

/** Counts the interrupts of one command run and acts on each (see the file comment). */
export class Interrupts {
  private count = 0;
  private first?: Signal;
  private last?: { readonly signal: Signal; readonly at: number };
  private readonly controller = new AbortController();

  constructor(private readonly deps: InterruptDeps) {}

  /** The first interrupt's signal, once one arrived. */
  get signal(): Signal | undefined {
    return this.first;
  }

  /** Aborted at the first interrupt: long waits of the command (a prompt, a poll) listen to it. */
  get abortSignal(): AbortSignal {
    return this.controller.signal;
  }

  /** The exit code the command should end with: 130/143 after an interrupt, else `code`. */
  exitCode(code: number): number {
    return this.first ? interruptExitCode(this.first) : code;
  }

  handle(signal: Signal): void {
    const at = (this.deps.now ?? Date.now)();
    if (this.last?.signal === signal && at - this.last.at < DUPLICATE_WINDOW_MS) return;
    this.last = { signal, at };
    this.count++;
    if (this.count === 1) {
      this.first = signal;
      this.controller.abort(new Error(`${signal} received`));
      const stopping = this.deps.children.forward();
      if (stopping > 0) {
        this.deps.write(INTERRUPT_MESSAGES.graceful(signal, stopping));
        return;
      }
      this.deps.write(INTERRUPT_MESSAGES.idle(signal));
      void this.finish(signal);
      return;
    }
    if (this.count === 2 && this.deps.children.running() > 0) {
      this.deps.write(INTERRUPT_MESSAGES.warn);
      return;
    }
    this.deps.children.kill();
    this.deps.write(INTERRUPT_MESSAGES.forced);
    void this.finish(this.first ?? signal);
  }

  private async finish(signal: Signal): Promise<void> {
    try {
      await this.deps.cleanup?.();
    } catch (error) {
      this.deps.write(
        `cleanup failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    this.deps.exit(interruptExitCode(signal));
  }
}

/** What installInterrupts needs of `process` (a test passes its own). */
export interface SignalSource {
  on(event: Signal, listener: () => void): unknown;
  removeListener(event: Signal, listener: () => void): unknown;
}

/**
 * Installs the handlers for SIGINT and SIGTERM; returns the Interrupts and a function that
 * removes them again.
 */
export function installInterrupts(
  deps: InterruptDeps,
  source: SignalSource = process,
): { interrupts: Interrupts; uninstall: () => void } {
  const interrupts = new Interrupts(deps);
  const onInt = () => interrupts.handle('SIGINT');
  const onTerm = () => interrupts.handle('SIGTERM');
  source.on('SIGINT', onInt);
  source.on('SIGTERM', onTerm);
  return {
    interrupts,
    uninstall: () => {
      source.removeListener('SIGINT', onInt);
      source.removeListener('SIGTERM', onTerm);
    },
  };
}
