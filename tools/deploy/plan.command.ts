/**
 * npm run plan [-- [--stack <id>] [--save <dir>] [--out <review.md>] [--emulator] [--strict] [--allow <address>]...]
 *
 * For the selected stack (an environment's TapStack<env>, TapAccountBaseline or
 * TapStateBackend): synth → preflight → terraform init → terraform plan → plan review
 * (Markdown, naming the saved plan by its sha256) → plan guard verdict, in a run folder of
 * its own. `--save <dir>` keeps the saved plan, its JSON, the review and a manifest for
 * `npm run deploy -- --plan <dir>`. Exit 0 OK; 1 preflight failed, a phase failed, or the
 * guard blocks the plan (where it is required); 2 bad arguments or configuration.
 */
import * as path from 'node:path';
import { PhaseTimer } from '../core';
import { formatVerdict } from '../review';
import { OpsArgs, readOpsCommandLine } from '../ops-args';

/** The deploy folder's heavy part (configuration, SDK clients, Terraform), loaded after the arguments. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadDeploy = () => require('.') as typeof import('.');

async function main(args: OpsArgs): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const {
    deployGuardDecision,
    describeStack,
    guardRoleOf,
    planStack,
    runOnTarget,
    shortHash,
    startCommand,
  } = loadDeploy();
  const started = startCommand('plan', args);
  if (typeof started === 'number') return started;
  const { selection } = started;
  const timer = new PhaseTimer();
  console.log(
    `Plan of ${describeStack(selection)} ` +
      `against ${args.emulator ? 'a local AWS emulator' : 'AWS as configured'}`,
  );
  const options = {
    emulator: args.emulator,
    region: selection.region,
    baseEnv: selection.env,
    stack: selection.stackId,
  };
  return runOnTarget('plan', timer, options, async (target) => {
    const planned = await planStack({
      timer,
      target,
      selection,
      strict: args.strict,
      allow: args.allow,
      reviewFile: args.out ? path.resolve(args.out) : undefined,
      saveDir: args.save ? path.resolve(args.save) : undefined,
    });
    const decision = deployGuardDecision(planned.verdict, guardRoleOf(selection));
    console.log(`${decision.heading}\n${formatVerdict(planned.verdict)}`);
    console.log(
      `\nPlan ${shortHash(planned.planSha256)}; review: ${path.relative(process.cwd(), planned.reviewFile)}`,
    );
    if (args.save) {
      console.log(`Saved for a later apply: ${args.save} (npm run deploy -- --plan ${args.save})`);
    }
    if (!decision.proceed) {
      console.error('plan: the plan guard blocks this plan (see the verdict above).');
      return 1;
    }
    return 0;
  });
}

const args = readOpsCommandLine('plan', process.argv.slice(2));
if (typeof args === 'number') process.exitCode = args;
else void loadDeploy().exitWith(main(args));
