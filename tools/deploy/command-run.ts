/**
 * What the plan, deploy and sandbox commands share around their work: reading the
 * arguments and the one environment, and running on a target that is always stopped
 * (also on failure or Ctrl-C) with the phase summary printed at the end.
 */
import type { PlatformConfig } from '../../config/config';
import { installInterrupts, killActiveChildren, PhaseTimer, runningChildren } from '../core';
import { OpsArgs, OpsCommand, parseOpsArgs, USAGE } from './args';
import { describeFailure, runSummary } from './flow';
import { describeStartError, readProject, Selection, selectEnvironment } from './project';
import { startTargetPhase, Target, TargetOptions } from './target';

export interface StartedCommand {
  readonly args: OpsArgs;
  readonly selection: Selection;
}

/**
 * Parses the command's arguments and selects its environment. Returns the exit code when
 * the command must stop here: 0 after printing --help, 2 after printing a bad argument or
 * configuration.
 */
export function startCommand(
  command: OpsCommand,
  argv: readonly string[],
  defaultEnvironment?: string,
): StartedCommand | number {
  try {
    const args = parseOpsArgs(command, argv);
    if (args.help) {
      console.log(USAGE[command]);
      return 0;
    }
    const context = readProject().context;
    return {
      args,
      selection: selectEnvironment(command, process.env, context, defaultEnvironment),
    };
  } catch (error) {
    console.error(describeStartError(error));
    return 2;
  }
}

/** `TapStackprod (environment prod, production profile, eu-west-1)`. */
export function describeSelection(config: PlatformConfig): string {
  return `${config.stackId} (environment ${config.environment}, ${config.profile} profile, ${config.region})`;
}

/**
 * Starts the target as a timed phase and runs `body` on it; then, whatever happened, stops
 * the target and prints the phase summary (`stoppedNote` is added for an emulator). A
 * failure is printed with its phase and gives exit code 1.
 */
export async function runOnTarget(
  command: OpsCommand,
  timer: PhaseTimer,
  options: Omit<TargetOptions, 'workDir'>,
  body: (target: Target) => Promise<number>,
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
    code = await body(target);
  } catch (error) {
    const died = target?.died();
    console.error(`\n${describeFailure(command, error)}${died ? `\nCause: ${died}.` : ''}`);
    code = 1;
  } finally {
    killActiveChildren();
    await target?.stop();
    uninstall();
    const note = target?.kind === 'emulator' ? stoppedNote : '';
    console.log(`\n${runSummary(timer, code === 0, note)}`);
  }
  return interrupts.exitCode(code);
}
