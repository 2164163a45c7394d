/**
 * npm run deploy [-- [--stack <id>] [--plan <dir>] [--yes] [--emulator] [--strict] [--allow <address>]...]
 *
 * Deploys the selected stack (an environment's TapStack<env>, TapAccountBaseline or
 * TapStateBackend): synth → preflight → init → plan → review (printed, naming the plan by
 * its sha256) → plan guard → apply of exactly that saved plan → outputs, in a run folder of
 * its own that no other command touches. With `--plan <dir>` it applies the plan saved by
 * `npm run plan -- --save <dir>` instead, after checking it was made for this stack,
 * account, region, commit and configuration and is recent (saved-plan.ts). The guard is
 * required in the production profile and for the bootstrap (a blocked plan is refused
 * unless every blocked address is named with --allow); elsewhere it advises. Applying asks
 * for confirmation on a terminal unless --yes; without a terminal --yes is required.
 * Exit 0 deployed; 1 a phase failed, the guard or a check refused, or the operator
 * declined; 2 bad arguments or configuration; 130/143 interrupted (stopped safely).
 */
import { createInterface } from 'node:readline/promises';
import { formatOutputs, Interrupts, PhaseTimer } from '../core';
import { formatVerdict } from '../review';
import { OpsArgs, readOpsCommandLine } from '../ops-args';
import { confirmationMode, noTtyMessage } from './args';
import type { Target } from './target';

/** The deploy folder's heavy part (configuration, SDK clients, Terraform), loaded after the arguments. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadDeploy = () => require('.') as typeof import('.');

/** Asks on the terminal; false when declined or interrupted. */
async function confirm(question: string, interrupts: Interrupts): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // Ctrl-C at the prompt answers "no" (readline would otherwise swallow it).
  rl.on('SIGINT', () => rl.close());
  try {
    const answer = await rl.question(question, { signal: interrupts.abortSignal });
    return answer.trim().toLowerCase() === 'yes';
  } catch {
    return false;
  } finally {
    rl.close();
  }
}

async function main(args: OpsArgs): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const {
    applyPlanned,
    applySavedPlan,
    deployGuardDecision,
    describeStack,
    guardRoleOf,
    planStack,
    runOnTarget,
    shortHash,
    startCommand,
  } = loadDeploy();
  const started = startCommand('deploy', args);
  if (typeof started === 'number') return started;
  const { selection } = started;
  const mode = confirmationMode(args.yes, process.stdin.isTTY === true);
  if (mode === 'refuse') {
    console.error(noTtyMessage(process.argv.slice(2)));
    return 2;
  }
  const timer = new PhaseTimer();
  const where = args.emulator ? 'a local AWS emulator' : 'AWS as configured';
  console.log(`Deploy of ${describeStack(selection)} to ${where}`);
  const options = {
    emulator: args.emulator,
    region: selection.region,
    baseEnv: selection.env,
    stack: selection.stackId,
  };
  const role = guardRoleOf(selection);
  const body = async (target: Target, interrupts: Interrupts): Promise<number> => {
    const planned = args.plan
      ? await applySavedPlan.prepare({ timer, target, selection, dir: args.plan })
      : await planStack({ timer, target, selection, strict: args.strict, allow: args.allow });
    const decision = deployGuardDecision(planned.verdict, role);
    console.log(`${decision.heading}\n${formatVerdict(planned.verdict)}`);
    if (!decision.proceed) {
      console.error(
        'deploy refused: the plan destroys stateful data. Name each BLOCKED address with --allow once a snapshot or export exists, or change the configuration.',
      );
      return 1;
    }
    const c = planned.review.counts;
    const changes = c.create + c.update + c.replace + c.delete;
    // A plan without resource changes is still applied (it may update outputs); no question.
    if (mode === 'ask' && changes > 0) {
      const yes = await confirm(
        `\nApply plan ${shortHash(planned.planSha256)} (${c.create} create, ${c.update} update, ${c.replace} replace, ${c.delete} delete) ` +
          `to ${planned.stack.name} on ${where}? Review: ${planned.reviewFile}\nType "yes" to apply: `,
        interrupts,
      );
      if (!yes) {
        console.error('deploy: not confirmed; nothing was applied.');
        return 1;
      }
    }
    const outputs = await applyPlanned(timer, target, planned);
    console.log(`\nOutputs of ${planned.stack.name}:\n${formatOutputs(outputs)}`);
    return 0;
  };
  return runOnTarget('deploy', timer, options, body, ' (emulator stopped: what it held is gone)');
}

const args = readOpsCommandLine('deploy', process.argv.slice(2));
if (typeof args === 'number') process.exitCode = args;
else void loadDeploy().exitWith(main(args));
