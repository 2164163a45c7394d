/**
 * npm run deploy [-- [--emulator] [--yes] [--strict] [--allow <address>]...]
 *
 * Deploys the selected environment (ENVIRONMENT_SUFFIX, exactly one; default prod):
 * synth → preflight → init → plan → review (printed) → plan guard → apply of the SAME
 * saved plan → outputs. The guard is required in the production profile (a blocked plan
 * is refused unless every blocked address is named with --allow) and printed as advice
 * in the others. Applying asks for confirmation on a terminal unless --yes; without a
 * terminal --yes is required. The state bootstrap (TapStateBackend) is a separate,
 * one-time command (docs/state-backend.md); with --emulator this command starts a local
 * emulator, bootstraps state in it, deploys, and stops it at the end.
 * Exit 0 deployed; 1 a phase failed, the guard refused, or the operator declined; 2 bad
 * arguments or configuration.
 */
import { createInterface } from 'node:readline/promises';
import { formatOutputs, killActiveChildren, PhaseTimer } from '../core';
import { onInterrupt } from '../emulator';
import { formatVerdict } from '../review';
import {
  applyPlanned,
  confirmationMode,
  deployGuardDecision,
  describeFailure,
  exitWith,
  describeStartError,
  NO_TTY_MESSAGE,
  parseOpsArgs,
  planSelected,
  readProject,
  runSummary,
  selectEnvironment,
  startTargetPhase,
  Target,
  USAGE,
} from '.';

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

async function main(argv: readonly string[]): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let args, selection;
  try {
    args = parseOpsArgs('deploy', argv);
    if (args.help) {
      console.log(USAGE.deploy);
      return 0;
    }
    selection = selectEnvironment('deploy', process.env, readProject().context);
  } catch (error) {
    console.error(describeStartError(error));
    return 2;
  }
  const mode = confirmationMode(args.yes, process.stdin.isTTY === true);
  if (mode === 'refuse') {
    console.error(NO_TTY_MESSAGE);
    return 2;
  }
  const { config } = selection;
  const timer = new PhaseTimer();
  let target: Target | undefined;
  onInterrupt(async () => {
    killActiveChildren();
    await target?.stop();
  });
  const where = args.emulator ? 'a local AWS emulator' : 'AWS as configured';
  console.log(
    `Deploy of ${config.stackId} (environment ${config.environment}, ${config.profile} profile, ${config.region}) to ${where}`,
  );
  let code = 1;
  try {
    target = await startTargetPhase(timer, 'deploy', {
      emulator: args.emulator,
      region: config.region,
      baseEnv: selection.env,
    });
    const planned = await planSelected({
      timer,
      target,
      config,
      strict: args.strict,
      allow: args.allow,
    });

    const decision = deployGuardDecision(planned.verdict, config);
    console.log(`${decision.heading}\n${formatVerdict(planned.verdict)}`);
    if (!decision.proceed) {
      console.error(
        'deploy refused: the plan destroys stateful data. Name each BLOCKED address with --allow once a snapshot or export exists, or change the configuration.',
      );
      return (code = 1);
    }
    const c = planned.review.counts;
    const changes = c.create + c.update + c.replace + c.delete;
    // A plan without resource changes is still applied (it may update outputs); no question.
    if (mode === 'ask' && changes > 0) {
      const yes = await confirm(
        `\nApply this plan (${c.create} create, ${c.update} update, ${c.replace} replace, ${c.delete} delete) ` +
          `to ${planned.stack.name} on ${where}? Review: ${planned.reviewFile}\nType "yes" to apply: `,
      );
      if (!yes) {
        console.error('deploy: not confirmed; nothing was applied.');
        return (code = 1);
      }
    }
    const outputs = await applyPlanned(timer, target, planned);
    console.log(`\nOutputs of ${planned.stack.name}:\n${formatOutputs(outputs)}`);
    code = 0;
  } catch (error) {
    console.error(`\n${describeFailure('deploy', error)}`);
    code = 1;
  } finally {
    killActiveChildren();
    await target?.stop();
    console.log(
      `\n${runSummary(timer, code === 0, target?.kind === 'emulator' ? ' (emulator stopped: what it held is gone)' : '')}`,
    );
  }
  return code;
}

void exitWith(main(process.argv.slice(2)));
