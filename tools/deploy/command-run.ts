/**
 * What the plan, deploy, drift and recover commands share around their work: reading the
 * arguments and the one stack, and running on a target that is always stopped (also on
 * failure or an interrupt) with the phase summary printed at the end.
 */
import {
  installInterrupts,
  Interrupts,
  killActiveChildren,
  PhaseTimer,
  runningChildren,
} from '../core';
import type { OpsArgs, OpsCommand } from '../ops-args';
import { describeFailure, runSummary } from './flow';
import { describeStartError, readProject, selectStack, StackSelection } from './project';
import { startTargetPhase, Target, TargetOptions } from './target';

export interface StartedCommand {
  readonly args: OpsArgs;
  readonly selection: StackSelection;
}

/**
 * Selects the command's stack for its arguments (read by readOpsCommandLine). Returns the exit
 * code when the command must stop here: 2 after printing a bad stack or configuration.
 */
export function startCommand(
  command: OpsCommand,
  args: OpsArgs,
  defaultEnvironment?: string,
): StartedCommand | number {
  try {
    const context = readProject().context;
    return {
      args,
      selection: selectStack(command, process.env, context, args.stack, defaultEnvironment),
    };
  } catch (error) {
    console.error(describeStartError(error));
    return 2;
  }
}

/**
 * Starts the target (the run's own folder, then the emulator or Terraform for AWS) as a
 * timed phase and runs `body` on it; then, whatever happened, stops the target and prints
 * the phase summary (`stoppedNote` is added for an emulator). A failure is printed with its
 * phase and its cause (an emulator that died names itself) and gives exit code 1; an
 * interrupt gives 130 (SIGINT) or 143 (SIGTERM) once the children have stopped safely.
 */
export async function runOnTarget(
  command: OpsCommand,
  timer: PhaseTimer,
  options: Omit<TargetOptions, 'run'> & { readonly stack: string },
  body: (target: Target, interrupts: Interrupts) => Promise<number>,
  stoppedNote = ' (emulator stopped)',
): Promise<number> {
  let target: Target | undefined;
  const { interrupts, uninstall } = installInterrupts({
    children: runningChildren,
    write: (text) => process.stderr.write(text),
    exit: (code) => process.exit(code),
    cleanup: () => target?.stop(),
  });
  let code = 1;
  try {
    target = await startTargetPhase(timer, command, options);
    code = await body(target, interrupts);
  } catch (error) {
    const died = target?.died();
    console.error(`\n${describeFailure(command, error)}${died ? `\nCause: ${died}.` : ''}`);
    if (interrupts.signal) console.error(interruptedNext(command, options.stack));
    code = 1;
  } finally {
    killActiveChildren();
    await target?.stop();
    uninstall();
    const note = target?.kind === 'emulator' ? stoppedNote : '';
    const where = target ? `\nRun folder: ${target.run.dir}` : '';
    console.log(`\n${runSummary(timer, code === 0, note)}${where}`);
  }
  return interrupts.exitCode(code);
}

/** What to do after an interrupted run: see what the state holds now, then plan again. */
export function interruptedNext(command: OpsCommand, stack: string): string {
  return [
    `${command} was interrupted and stopped safely: terraform finished what was in flight, saved the state and released the lock.`,
    'What was applied before the stop is in the state; the rest of the plan was not applied.',
    `Next: npm run recover -- --stack ${stack}   (shows the lock, anything left outside the state, and what the stop left tainted: --untaint keeps it)`,
    `then:  npm run plan -- --stack ${stack}      (what remains to do), and deploy again.`,
  ].join('\n');
}
