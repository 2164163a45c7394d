/**
 * npm run plan [-- [--emulator] [--out <review.md>] [--strict] [--allow <address>]...]
 *
 * For the selected environment (ENVIRONMENT_SUFFIX, exactly one): synth → preflight →
 * terraform init → terraform plan → plan review (Markdown, written and printed) → plan
 * guard verdict. Exit 0 OK; 1 preflight failed, a phase failed, or the guard blocks the
 * plan; 2 bad arguments or configuration. With --emulator the plan runs against a local
 * emulator that this command starts, bootstraps and stops (also on failure or Ctrl-C).
 */
import * as path from 'node:path';
import { killActiveChildren, PhaseTimer } from '../core';
import { onInterrupt } from '../emulator';
import { formatVerdict } from '../review';
import {
  describeFailure,
  exitWith,
  describeStartError,
  parseOpsArgs,
  planSelected,
  readProject,
  runSummary,
  selectEnvironment,
  startTargetPhase,
  Target,
  USAGE,
} from '.';

async function main(argv: readonly string[]): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let args, selection;
  try {
    args = parseOpsArgs('plan', argv);
    if (args.help) {
      console.log(USAGE.plan);
      return 0;
    }
    selection = selectEnvironment('plan', process.env, readProject().context);
  } catch (error) {
    console.error(describeStartError(error));
    return 2;
  }
  const { config } = selection;
  const timer = new PhaseTimer();
  let target: Target | undefined;
  onInterrupt(async () => {
    killActiveChildren();
    await target?.stop();
  });
  console.log(
    `Plan of ${config.stackId} (environment ${config.environment}, ${config.profile} profile, ${config.region}) ` +
      `against ${args.emulator ? 'a local AWS emulator' : 'AWS as configured'}`,
  );
  let code = 1;
  try {
    target = await startTargetPhase(timer, 'plan', {
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
      reviewFile: args.out ? path.resolve(args.out) : undefined,
    });
    console.log(formatVerdict(planned.verdict));
    console.log(`\nReview written to ${path.relative(process.cwd(), planned.reviewFile)}`);
    if (planned.verdict.blocked) {
      console.error('plan: the plan guard blocks this plan (see the verdict above).');
      code = 1;
    } else {
      code = 0;
    }
  } catch (error) {
    console.error(`\n${describeFailure('plan', error)}`);
    code = 1;
  } finally {
    killActiveChildren();
    await target?.stop();
    console.log(
      `\n${runSummary(timer, code === 0, target?.kind === 'emulator' ? ' (emulator stopped)' : '')}`,
    );
  }
  return code;
}

void exitWith(main(process.argv.slice(2)));
