/**
 * npm run recover [-- [--stack <id>] [--release-lock] [--adopt] [--untaint] [--yes]]
 *
 * After a crash, a killed apply or a cancelled CI job (docs/recovery.md): shows who holds the
 * state lock and whether that run is alive, releases it with --release-lock when it ran on
 * this machine and is gone, lists the stack's resources that exist outside its state, and
 * with --adopt imports them (planned, reviewed, applied after "yes" or with --yes); lists the
 * objects an interrupted apply left tainted, and with --untaint keeps them.
 * Exit 0 nothing to do or done; 1 something needs a person (a lock held by a live or remote
 * run, orphans not adopted, tainted objects kept as they are); 2 bad arguments or configuration; 130/143 interrupted.
 */
import { hostname } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { Interrupts, PhaseTimer } from '../core';
import { OpsArgs, readOpsCommandLine } from '../ops-args';

/* eslint-disable @typescript-eslint/no-require-imports */
/** The deploy flow and the recover folder (configuration, SDK clients), loaded after the arguments. */
const loadDeploy = () => require('../deploy') as typeof import('../deploy');
const loadRecover = () => require('.') as typeof import('.');
/* eslint-enable @typescript-eslint/no-require-imports */

/** Asks on the terminal; false when declined or interrupted. */
async function ask(question: string, interrupts: Interrupts): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
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
    confirmationMode,
    describeStack,
    listRuns,
    pidAlive,
    runOnTarget,
    runsRoot,
    startCommand,
  } = loadDeploy();
  const { createRecoverClients, finderOf, recover, terraformProcesses } = loadRecover();
  const started = startCommand('recover', args);
  if (typeof started === 'number') return started;
  const { selection } = started;
  const mode = confirmationMode(args.yes, process.stdin.isTTY === true);
  if ((args.adopt || args.untaint) && mode === 'refuse') {
    const flags = [args.adopt ? '--adopt' : '', args.untaint ? '--untaint' : ''].filter(Boolean);
    const what = [args.adopt ? 'the adoption' : '', args.untaint ? 'the untaint' : ''];
    console.error(
      `recover: stdin is not a terminal, so ${what.filter(Boolean).join(' and ')} cannot be confirmed interactively; rerun with --yes ` +
        `(npm run recover -- ${flags.join(' ')} --yes) once you have read what it changes (run it without ${flags.join(' or ')} first).`,
    );
    return 2;
  }
  const timer = new PhaseTimer();
  console.log(`Recover of ${describeStack(selection)} on AWS as configured`);
  const options = {
    emulator: false,
    region: selection.region,
    baseEnv: selection.env,
    stack: selection.stackId,
  };
  return runOnTarget('recover', timer, options, (target, interrupts) =>
    recover({
      timer,
      target,
      selection,
      args,
      clientsFor: createRecoverClients,
      finderOf,
      now: () => new Date(),
      host: hostname(),
      runs: () => [...listRuns(runsRoot(false)), ...listRuns(runsRoot(true))],
      processes: () => terraformProcesses('/proc'),
      alive: pidAlive,
      write: (text) => process.stdout.write(text),
      confirm: mode === 'ask' ? (question) => ask(question, interrupts) : undefined,
    }),
  );
}

const args = readOpsCommandLine('recover', process.argv.slice(2));
if (typeof args === 'number') process.exitCode = args;
else void loadDeploy().exitWith(main(args));
