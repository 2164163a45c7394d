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
import { formatOutputs, PhaseTimer } from '../core';
import { formatVerdict } from '../review';
import {
  applyPlanned,
  confirmationMode,
  deployGuardDecision,
  describeSelection,
  exitWith,
  NO_TTY_MESSAGE,
  planSelected,
  PlannedStack,
  runOnTarget,
  startCommand,
  Target,
} from '.';

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

/** Asks on the terminal before applying a plan with resource changes; false when declined. */
async function confirmApply(planned: PlannedStack, where: string): Promise<boolean> {
  const c = planned.review.counts;
  // A plan without resource changes is still applied (it may update outputs); no question.
  if (c.create + c.update + c.replace + c.delete === 0) return true;
  return confirm(
    `\nApply this plan (${c.create} create, ${c.update} update, ${c.replace} replace, ${c.delete} delete) ` +
      `to ${planned.stack.name} on ${where}? Review: ${planned.reviewFile}\nType "yes" to apply: `,
  );
}

async function main(argv: readonly string[]): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = startCommand('deploy', argv);
  if (typeof started === 'number') return started;
  const { args, selection } = started;
  const mode = confirmationMode(args.yes, process.stdin.isTTY === true);
  if (mode === 'refuse') {
    console.error(NO_TTY_MESSAGE);
    return 2;
  }
  const { config } = selection;
  const timer = new PhaseTimer();
  const where = args.emulator ? 'a local AWS emulator' : 'AWS as configured';
  console.log(`Deploy of ${describeSelection(config)} to ${where}`);
  const options = { emulator: args.emulator, region: config.region, baseEnv: selection.env };
  const body = async (target: Target): Promise<number> => {
    const guard = { strict: args.strict, allow: args.allow };
    const planned = await planSelected({ timer, target, config, ...guard });
    const decision = deployGuardDecision(planned.verdict, config);
    console.log(`${decision.heading}\n${formatVerdict(planned.verdict)}`);
    if (!decision.proceed) {
      console.error(
        'deploy refused: the plan destroys stateful data. Name each BLOCKED address with --allow once a snapshot or export exists, or change the configuration.',
      );
      return 1;
    }
    if (mode === 'ask' && !(await confirmApply(planned, where))) {
      console.error('deploy: not confirmed; nothing was applied.');
      return 1;
    }
    const outputs = await applyPlanned(timer, target, planned);
    console.log(`\nOutputs of ${planned.stack.name}:\n${formatOutputs(outputs)}`);
    return 0;
  };
  return runOnTarget('deploy', timer, options, body, ' (emulator stopped: what it held is gone)');
}

void exitWith(main(process.argv.slice(2)));
