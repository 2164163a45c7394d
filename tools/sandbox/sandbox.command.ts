/**
 * npm run sandbox [-- --strict]
 *
 * The platform running locally for someone with no AWS account: starts the local AWS
 * emulator (moto with tools/emulator/moto_server_ext.py's extensions), bootstraps the
 * remote state in it, deploys the selected environment (ENVIRONMENT_SUFFIX, default dev,
 * the standard profile) with the same phases as `npm run deploy` (preflight included),
 * prints the outputs and how to point the AWS CLI/SDK at it, and stays up until Ctrl-C or
 * SIGTERM; then the emulator is stopped and the sandbox's files (its run folder under .sandbox/runs/) are
 * removed. Nothing outlives it: everything it deployed lives in the emulator's memory. An
 * interrupt before it is up (during a phase) stops it the same way: the children stop safely,
 * then the emulator and the run folder go, and it exits 130 (143 for SIGTERM).
 *
 * SANDBOX_EXIT_AFTER_DEPLOY=1 stops it right after printing (tests, CI).
 */
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import {
  formatOutputs,
  installInterrupts,
  killActiveChildren,
  PhaseTimer,
  runningChildren,
  Signal,
} from '../core';
import { OpsArgs, readOpsCommandLine } from '../ops-args';
import { formatVerdict } from '../review';
import type { Target } from '../deploy';

/** The deploy flow (configuration, SDK clients, Terraform), loaded after the arguments. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadDeploy = () => require('../deploy') as typeof import('../deploy');

/** What the sandbox says when an interrupt stopped it. */
const stoppedMessage = (signal: Signal) =>
  `Sandbox stopped (${signal}): emulator killed, its run folder removed.\n`;

/** True when something accepts TCP connections on the emulator's port (cheap, unlike its API). */
function listening(endpoint: string): Promise<boolean> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.setTimeout(3000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Set by the signal handler: a shutdown is under way, the watcher must not report it. */
let stopping = false;

/** Resolves when the emulator's port is closed three checks in a row (it died on its own). */
function watchEmulator(endpoint: string): Promise<void> {
  return new Promise((resolve) => {
    let misses = 0;
    const timer = setInterval(async () => {
      if (stopping) return;
      misses = (await listening(endpoint)) ? 0 : misses + 1;
      if (misses >= 3 && !stopping) {
        clearInterval(timer);
        resolve();
      }
    }, 5000);
  });
}

/** Stops the emulator and removes this process's run folder, also one whose start failed. */
async function discard(target: Target | undefined): Promise<void> {
  stopping = true;
  await target?.stop({ removeWorkDir: true });
  const { listRuns, runsRoot } = loadDeploy();
  for (const run of listRuns(runsRoot(true))) {
    if (run.record.pid === process.pid && run.record.command === 'sandbox')
      rmSync(run.dir, { recursive: true, force: true });
  }
}

/** The outputs, and how to point the AWS CLI, the SDKs and Terraform at the sandbox. */
function printUp(
  target: Target,
  planned: { readonly stack: { readonly name: string; readonly dir: string } },
  outputs: Parameters<typeof formatOutputs>[0],
  config: { readonly region: string; readonly environment: string },
): void {
  console.log(`\nOutputs of ${planned.stack.name}:\n${formatOutputs(outputs)}\n`);
  console.log(
    loadDeploy().emulatorInstructions({
      endpoint: target.endpoint!,
      region: config.region,
      environment: config.environment,
      stackDir: planned.stack.dir,
      cliConfigFile: target.terraform.cliConfigFile,
    }),
  );
  console.log(`\nEmulator log: ${target.logDir}/emulator.log`);
}

async function main(args: OpsArgs): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const {
    applyPlanned,
    deployGuardDecision,
    describeStack,
    describeFailure,
    guardRoleOf,
    planStack,
    runSummary,
    startCommand,
    startTargetPhase,
  } = loadDeploy();
  const started = startCommand('sandbox', args, 'dev');
  if (typeof started === 'number') return started;
  const { selection } = started;
  if (selection.kind !== 'platform') {
    console.error(`sandbox: runs an environment (TapStack<env>), not ${selection.stackId}`);
    return 2;
  }
  const { config } = selection;
  const exitAfterDeploy = process.env.SANDBOX_EXIT_AFTER_DEPLOY === '1';
  const timer = new PhaseTimer();
  let target: Target | undefined;
  const { interrupts } = installInterrupts({
    children: runningChildren,
    write: (text) => process.stderr.write(text),
    exit: (code) => process.exit(code),
    cleanup: async () => {
      await discard(target);
      process.stdout.write(stoppedMessage(interrupts.signal ?? 'SIGINT'));
    },
  });
  console.log(`Sandbox: ${describeStack(selection)} on a local AWS emulator`);

  try {
    target = await startTargetPhase(timer, 'sandbox', {
      emulator: true,
      region: config.region,
      baseEnv: selection.env,
      stack: selection.stackId,
    });
    const planned = await planStack({ timer, target, selection, strict: args.strict });
    const decision = deployGuardDecision(planned.verdict, guardRoleOf(selection));
    console.log(`${decision.heading}\n${formatVerdict(planned.verdict)}`);
    if (!decision.proceed) throw new Error('the plan guard blocks the plan (see above)');
    const outputs = await applyPlanned(timer, target, planned);

    console.log(`\n${runSummary(timer, true)}`);
    printUp(target, planned, outputs, config);
  } catch (error) {
    if (interrupts.signal) {
      // The interrupt ended the phase: its children stopped safely; nothing is kept.
      killActiveChildren();
      await discard(target);
      console.log(`\n${runSummary(timer, false, ' (interrupted)')}`);
      process.stdout.write(stoppedMessage(interrupts.signal));
      return interrupts.exitCode(1);
    }
    console.error(`\n${describeFailure('sandbox', error)}`);
    console.log(`\n${runSummary(timer, false)}`);
    killActiveChildren();
    // Keep the logs of a failed start for reading; the emulator and its state go.
    await target?.stop();
    if (target) console.error(`Logs kept in ${target.logDir}`);
    return 1;
  }

  if (exitAfterDeploy) {
    await target.stop({ removeWorkDir: true });
    console.log(
      '\nSANDBOX_EXIT_AFTER_DEPLOY=1: sandbox stopped (emulator killed, its run folder removed).',
    );
    return 0;
  }
  console.log('\nSandbox is up. Press Ctrl-C to stop it (everything in it is discarded).');
  await watchEmulator(target.endpoint!);
  console.error('The emulator stopped answering; shutting the sandbox down.');
  await target.stop({ removeWorkDir: true });
  return 1;
}

const args = readOpsCommandLine('sandbox', process.argv.slice(2));
if (typeof args === 'number') process.exitCode = args;
else void loadDeploy().exitWith(main(args));
