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
import { PhaseTimer } from '../core';
import { formatVerdict } from '../review';
import { describeSelection, exitWith, planSelected, runOnTarget, startCommand } from '.';

async function main(argv: readonly string[]): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started = startCommand('plan', argv);
  if (typeof started === 'number') return started;
  const { args, selection } = started;
  const { config } = selection;
  const timer = new PhaseTimer();
  console.log(
    `Plan of ${describeSelection(config)} ` +
      `against ${args.emulator ? 'a local AWS emulator' : 'AWS as configured'}`,
  );
  const options = { emulator: args.emulator, region: config.region, baseEnv: selection.env };
  return runOnTarget('plan', timer, options, async (target) => {
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
      return 1;
    }
    return 0;
  });
}

void exitWith(main(process.argv.slice(2)));
