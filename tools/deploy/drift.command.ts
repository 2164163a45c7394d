/**
 * npm run drift [-- [--stack <id>] [--out <report.md>]]
 *
 * What changed in the deployed stack outside Terraform (drift-check.ts), in a run folder of
 * its own. Exit 0 clean, 2 drift found (the report lists each resource by address, before →
 * after, and each security group rule no resource manages), 1 a phase failed or the security
 * group rules could not be checked with nothing else drifted, 2 also for bad arguments
 * (printed with the usage).
 */
import * as path from 'node:path';
import { PhaseTimer } from '../core';
import { OpsArgs, readOpsCommandLine } from '../ops-args';

/** The deploy folder's heavy part (configuration, SDK clients, Terraform), loaded after the arguments. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadDeploy = () => require('.') as typeof import('.');

async function main(args: OpsArgs): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { checkDrift, describeStack, runOnTarget, startCommand } = loadDeploy();
  const started = startCommand('drift', args);
  if (typeof started === 'number') return started;
  const { selection } = started;
  const timer = new PhaseTimer();
  console.log(`Drift of ${describeStack(selection)} in AWS as configured`);
  const options = {
    emulator: false,
    region: selection.region,
    baseEnv: selection.env,
    stack: selection.stackId,
  };
  return runOnTarget('drift', timer, options, (target) =>
    checkDrift({ timer, target, selection, out: args.out ? path.resolve(args.out) : undefined }),
  );
}

const args = readOpsCommandLine('drift', process.argv.slice(2));
if (typeof args === 'number') process.exitCode = args;
else void loadDeploy().exitWith(main(args));
