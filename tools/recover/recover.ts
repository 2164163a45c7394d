/**
 * The way back after a crash, in the run's own folder: synth, init, then
 *  1. the lock: who holds it, whether that run is alive, and (--release-lock) its release
 *     when the holder ran here and is gone;
 *  2. the account: the finders act as the stack's deploy role when it has one (the lock keeps
 *     the caller's credentials, as the S3 backend); STS says which account they reach, and a
 *     refused AssumeRole or another account than the stack's stops here (search-account.ts);
 *  3. the orphans: plan, match what exists in the account against the planned creates, and
 *     import the matches in the plan (import blocks are read-only until applied), so that the
 *     next round's plan knows the parents' ids and the children can be matched (routes,
 *     associations, rules…): at most MAX_ROUNDS rounds;
 *  4. --adopt: a plan of the imports alone (-target), reviewed, guarded and applied exactly
 *     (the deploy's hash binding), after "yes" or --yes; the next deploy creates the rest;
 *  5. the tainted: objects an interrupted apply created but could not read back, which the
 *     next deploy would replace (a fixed name collides, a stateful one loses its data);
 *     --untaint keeps them after "yes" or --yes. A tainted object the stack may not destroy
 *     (prevent_destroy) makes every plan fail: then recover reads the tainted objects from a
 *     refresh-only plan, and --untaint keeps them before the search of step 3.
 */
import { join } from 'node:path';
import { appendFileSync, readFileSync } from 'node:fs';
import { Env, exec, PhaseTimer, Runner, StepOptions, terraformInit, terraformShow } from '../core';
import {
  applyPlanned,
  deployGuardDecision,
  guardRoleOf,
  PLAN_FILES,
  sha256File,
  shortHash,
  stackOf,
  StackSelection,
  synth,
  SynthesizedStack,
  Target,
} from '../deploy';
import { classifyChange, formatVerdict, guardPlanFile, parsePlan, writeReview } from '../review';
import type { RecoverClientOptions } from './clients';
import type { Finder, FinderClients, RecoverClients } from './finder';
import { judgeHolder, ProcessInfo, RunOnDisk } from './holder';
import { ImportBlock, IMPORTS_FILE, writeImports } from './imports';
import { heldLock, readLock, stateLocationOf } from './lock';
import { Adoption, matchOrphans } from './match';
import { planFacts, taintedInPriorState } from './plan-facts';
import { releaseLock } from './release';
import {
  describeLock,
  formatOrphans,
  formatTainted,
  lockHeldRefusal,
  lockHomeLine,
  LockState,
  needsPerson,
  OrphanReport,
  verdictLines,
} from './report';
import { searchOrphans } from './search';
import { blockedByPreventDestroy, keepBlockingTaint, untaint } from './taint';
import { callerAccount, searchAccount, stackAccessOf } from './search-account';

/** Rounds of plan → match → import before the last plan. */
export const MAX_ROUNDS = 3;

export interface RecoverArgs {
  readonly releaseLock: boolean;
  readonly adopt: boolean;
  /** Keep the objects an interrupted apply left tainted (`terraform untaint`). */
  readonly untaint?: boolean;
}

/** What recover needs from the machine; the command passes the real ones, tests fakes. */
export interface RecoverDeps {
  /** @default run() (core/process.ts) */
  readonly runner?: Runner;
  /**
   * The SDK clients of a region: the state lock's with the caller's credentials, the finders'
   * as the stack's deploy role when it has one (clients.ts createRecoverClients).
   */
  readonly clientsFor: (region: string, options: RecoverClientOptions) => RecoverClients;
  /** The finder of each type (finders.ts finderOf). */
  readonly finderOf: (type: string) => Finder | undefined;
  readonly now: () => Date;
  /** This machine's host name, as Terraform writes it into the lock's Who. */
  readonly host: string;
  /** Every run folder of the checkout (AWS and emulator runs). */
  readonly runs: () => readonly RunOnDisk[];
  /** terraform processes of this machine; undefined where they cannot be listed. */
  readonly processes: () => readonly ProcessInfo[] | undefined;
  readonly alive: (pid: number) => boolean;
  /** Asks "yes" on the terminal; undefined: --yes was given. */
  readonly confirm?: (question: string) => Promise<boolean>;
  readonly write: (text: string) => void;
}

export interface RecoverOptions extends RecoverDeps {
  readonly timer: PhaseTimer;
  readonly target: Target;
  readonly selection: StackSelection;
  readonly args: RecoverArgs;
}

/** `terraform plan` for recover: optionally without the lock, optionally of some addresses only. */
export async function recoverPlan(
  stackDir: string,
  env: Env,
  planFile: string,
  how: {
    readonly lock: boolean;
    readonly targets?: readonly string[];
    /** Read the objects again and propose no change to them (`-refresh-only`). */
    readonly refreshOnly?: boolean;
  },
  options: StepOptions,
): Promise<string> {
  const args = [
    'plan',
    '-input=false',
    '-no-color',
    ...(how.refreshOnly ? ['-refresh-only'] : []),
    ...(how.lock ? ['-lock-timeout=60s'] : ['-lock=false']),
    ...(how.targets ?? []).map((t) => `-target=${t}`),
    `-out=${planFile}`,
  ];
  await exec(args, stackDir, env, options);
  return terraformShow(stackDir, env, planFile, { runner: options.runner });
}

/** The review's section on the imports: each address, its id and what the plan does after. */
export function importsSection(planJsonPath: string, adoptions: readonly Adoption[]): string {
  const plan = parsePlan(JSON.parse(readFileSync(planJsonPath, 'utf8')));
  const after = new Map(
    (plan.resource_changes ?? []).map((rc) => [rc.address, classifyChange(rc.change.actions)]),
  );
  const rows = adoptions.map((a) => {
    const kind = after.get(a.address) ?? 'not in the plan';
    const flag = kind === 'replace' || kind === 'delete' ? ' ⚠️ destroys the adopted resource' : '';
    return `| \`${a.address}\` | \`${a.importId}\` | ${a.existing.label} | ${kind}${flag} |`;
  });
  return [
    '',
    `## Imports (${adoptions.length}, npm run recover -- --adopt)`,
    '',
    'Each resource below exists in the account but not in the state; the plan imports it at the',
    'address that would otherwise create it again. "After import" is what the plan then does to it.',
    '',
    '| address | import id | found | after import |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

export async function recover(options: RecoverOptions): Promise<number> {
  const { timer, target, selection } = options;
  const write = options.write;
  const log = (name: string): StepOptions => ({
    logFile: join(target.logDir, `${name}.log`),
    runner: options.runner,
  });

  const synthesized = await timer.run('synth', async (note) => {
    const result = await synth(target.outdir, selection.env, log('synth'));
    stackOf(result, selection.stackId);
    note([...result.stacks.keys()].join(', '));
    return result;
  });
  const stack = stackOf(synthesized, selection.stackId);
  await timer.run('prepare stack', (note) =>
    target.prepare(synthesized, selection.stackId).then(note),
  );
  await timer.run(`init ${stack.name}`, () =>
    terraformInit(stack.dir, target.env, log(`init-${stack.name}`)),
  );
  const location = stateLocationOf(stack.dir);
  const access = stackAccessOf(selection);
  const clientOptions: RecoverClientOptions = {
    s3PathStyle: location.kind === 's3' && location.usePathStyle,
    ...(access.role ? { role: access.role } : {}),
  };
  // One set per region for the whole run: the role is assumed once per region.
  const built = new Map<string, RecoverClients>();
  const clientsFor = (region: string): RecoverClients => {
    if (!built.has(region)) built.set(region, options.clientsFor(region, clientOptions));
    return built.get(region)!;
  };

  const lockState = await timer.run('lock', (note) =>
    lockStep(options, stack, clientsFor, log, note),
  );

  if (lockState === 'held-alive' || lockState === 'held-remote' || lockState === 'release-failed') {
    write(
      '\nOrphans were not searched: while a run may still be creating resources, what is missing from the state cannot be judged.\n',
    );
    return 1;
  }

  const searched = await timer.run('search account', async (note) => {
    const s = await searchAccount(
      clientsFor(selection.region).finders.sts,
      selection.region,
      access,
      stack.name,
    );
    note(s.ok ? s.description : 'refused');
    return s;
  });
  if (!searched.ok) {
    write(`\n${searched.lines.join('\n')}\n`);
    return 1;
  }
  const search = () =>
    findOrphans(
      options,
      stack,
      lockState === 'held-gone',
      (region) => clientsFor(region).finders,
      searched.description,
      log,
    );
  let report: OrphanReport;
  try {
    report = await search();
  } catch (error) {
    // A tainted object with prevent_destroy stops every plan: keep it first (--untaint), then search.
    const tainted = blockedByPreventDestroy(error)
      ? await taintedInState(options, stack, lockState === 'held-gone', log)
      : [];
    if (tainted.length === 0) throw error;
    if (!(await keepBlockingTaint(options, stack, lockState, tainted, log))) return 1;
    report = await search();
  }
  return actOn(options, stack, lockState, report, log);
}

/** The objects the state holds as tainted, from a refresh-only plan (it destroys nothing). */
async function taintedInState(
  options: RecoverOptions,
  stack: SynthesizedStack,
  withoutLock: boolean,
  log: (name: string) => StepOptions,
): Promise<string[]> {
  const { timer, target } = options;
  return timer.run('tainted in the state', async (note) => {
    const planJson = await recoverPlan(
      stack.dir,
      target.env,
      join(target.run.planDir, 'refresh-only.tfplan'),
      { lock: !withoutLock, refreshOnly: true },
      log('plan-refresh-only'),
    );
    const tainted = taintedInPriorState(JSON.parse(readFileSync(planJson, 'utf8')));
    note(`${tainted.length} object(s)`);
    return tainted;
  });
}

/** Prints what was found, then adopts and untaints as asked; the exit code. */
async function actOn(
  options: RecoverOptions,
  stack: SynthesizedStack,
  lockState: LockState,
  report: OrphanReport,
  log: (name: string) => StepOptions,
): Promise<number> {
  const { args, write } = options;
  write(`\n${formatOrphans(report)}\n`);
  if (report.tainted.length > 0 || args.untaint)
    write(`\n${formatTainted(stack.name, report.tainted, false)}\n`);
  const wanted = [
    ...(args.adopt && report.adoptions.length > 0 ? ['--adopt'] : []),
    ...(args.untaint && report.tainted.length > 0 ? ['--untaint'] : []),
  ];
  if (wanted.length > 0 && lockState === 'held-gone') {
    write(`\n${lockHeldRefusal(stack.name, wanted)}\n`);
    return 1;
  }
  const untainted =
    args.untaint === true &&
    report.tainted.length > 0 &&
    (await untaint(options, stack, report.tainted, log));
  if (!args.adopt || report.adoptions.length === 0) {
    if (args.adopt) write('\nNothing to adopt.\n');
    return needsPerson(lockState, report, false, untainted) ? 1 : 0;
  }
  const adopted = await adopt(options, stack, report.adoptions, log);
  return needsPerson(lockState, report, adopted, untainted) ? 1 : 0;
}

/** Reads the lock, judges its holder, releases it when asked and allowed. */
async function lockStep(
  options: RecoverOptions,
  stack: SynthesizedStack,
  clientsFor: (region: string) => RecoverClients,
  log: (name: string) => StepOptions,
  note: (text: string) => void,
): Promise<LockState> {
  const { target, args } = options;
  const write = options.write;
  const location = stateLocationOf(stack.dir);
  if (location.kind === 'local') {
    write(
      `\nState of ${stack.name} is local (${location.path ?? 'terraform.tfstate'}): Terraform locks it with the operating system, which releases the lock when the process ends. No lock to release.\n`,
    );
    note('local state');
    return 'local';
  }
  const lockClients = clientsFor(location.region).state;
  const reading = await readLock(location, lockClients);
  const home = lockHomeLine(location.region, await callerAccount(lockClients.sts));
  const lock = heldLock(reading);
  if (!lock) {
    write(
      `\nNo lock on ${stack.name}: nothing held in ${reading.places.join(' nor ')}.\n${home}\n`,
    );
    note('no lock');
    return 'free';
  }
  write(
    `\nThe state of ${stack.name} is LOCKED:\n${[...describeLock(lock, reading, options.now()), home].join('\n')}\n`,
  );
  const runs = options.runs().filter((r) => r.dir !== target.run.dir);
  const verdict = judgeHolder(lock, {
    stack: stack.name,
    host: options.host,
    runs,
    processes: options.processes(),
    alive: options.alive,
  });
  write(`${verdictLines(verdict, stack.name, args.releaseLock).join('\n')}\n`);
  note(`held by ${lock.Who} (${verdict.kind})`);
  if (verdict.kind === 'remote') return 'held-remote';
  if (verdict.kind === 'alive') return 'held-alive';
  if (!args.releaseLock) return 'held-gone';
  const result = await releaseLock(
    stack.dir,
    target.env,
    lock,
    location,
    lockClients,
    log('force-unlock'),
  );
  write(`${result.lines.join('\n')}\n`);
  return result.released ? 'released' : 'release-failed';
}

/** Rounds of plan → search → match → import blocks, until nothing new matches. */
async function findOrphans(
  options: RecoverOptions,
  stack: SynthesizedStack,
  withoutLock: boolean,
  clientsFor: (region: string) => FinderClients,
  searched: string,
  log: (name: string) => StepOptions,
): Promise<OrphanReport> {
  const { timer, target, selection } = options;
  const adoptions: Adoption[] = [];
  for (let round = 1; ; round++) {
    const last = round > MAX_ROUNDS;
    const result = await timer.run(`orphans round ${round}`, async (note) => {
      writeImports(
        stack.dir,
        adoptions.map((a) => ({ to: a.address, id: a.importId })),
      );
      const planFile = join(target.run.planDir, `round-${round}.tfplan`);
      const planJson = await recoverPlan(
        stack.dir,
        target.env,
        planFile,
        { lock: !withoutLock },
        log(`plan-round-${round}`),
      );
      const facts = planFacts(JSON.parse(readFileSync(planJson, 'utf8')), selection.region);
      const search = await searchOrphans(facts, clientsFor, options.finderOf);
      const matching = matchOrphans({
        creates: facts.creates,
        found: search.found,
        stateIds: facts.stateIds,
        importing: facts.importing,
        finderOf: options.finderOf,
      });
      note(
        `${facts.creates.length} planned creates, ${search.found.length} found, ${matching.adopt.length} new match(es)`,
      );
      return { matching, failed: search.failed, tainted: facts.tainted };
    });
    if (last || result.matching.adopt.length === 0) {
      writeImports(stack.dir, []);
      return {
        stack: stack.name,
        tainted: result.tainted,
        adoptions,
        matching: result.matching,
        failed: result.failed,
        rounds: round,
        mode: options.args.adopt ? 'adopt' : 'detect',
        searched,
      };
    }
    adoptions.push(...result.matching.adopt);
  }
}

/** Plans the imports alone, reviews, guards, confirms and applies that exact plan. */
async function adopt(
  options: RecoverOptions,
  stack: SynthesizedStack,
  adoptions: readonly Adoption[],
  log: (name: string) => StepOptions,
): Promise<boolean> {
  const { timer, target, selection } = options;
  const write = options.write;
  const blocks: ImportBlock[] = adoptions.map((a) => ({ to: a.address, id: a.importId }));
  const planFile = join(target.run.planDir, PLAN_FILES.plan);
  const planJson = await timer.run(`plan adoption ${stack.name}`, async (note) => {
    const file = writeImports(stack.dir, blocks);
    note(`${blocks.length} import block(s) in ${file}`);
    return recoverPlan(
      stack.dir,
      target.env,
      planFile,
      { lock: true, targets: adoptions.map((a) => a.address) },
      log(`plan-adoption-${stack.name}`),
    );
  });
  const planSha256 = sha256File(planFile);
  const reviewFile = join(target.run.planDir, PLAN_FILES.review);
  const review = await timer.run('plan review', (note) => {
    const r = writeReview(planJson, reviewFile, {
      stack: stack.name,
      stackDir: stack.dir,
      planSha256,
    });
    const section = importsSection(planJson, adoptions);
    appendFileSync(reviewFile, section);
    const c = r.counts;
    note(
      `${blocks.length} import(s); ${c.create} create, ${c.update} update, ${c.replace} replace, ${c.delete} delete`,
    );
    return { ...r, markdown: `${r.markdown}${section}` };
  });
  write(`\n${review.markdown}\n`);
  const verdict = guardPlanFile(planJson, { allow: [] });
  const decision = deployGuardDecision(verdict, guardRoleOf(selection));
  write(`${decision.heading}\n${formatVerdict(verdict)}\n`);
  if (!decision.proceed) {
    write('recover: the plan guard refuses this adoption plan; nothing was applied.\n');
    return false;
  }
  if (options.confirm) {
    const c = review.counts;
    const yes = await options.confirm(
      `\nApply plan ${shortHash(planSha256)} (${blocks.length} import(s); ${c.create} create, ${c.update} update, ${c.replace} replace, ${c.delete} delete) to ${stack.name}? Review: ${reviewFile}\nType "yes" to apply: `,
    );
    if (!yes) {
      write('recover: not confirmed; nothing was applied.\n');
      return false;
    }
  }
  await applyPlanned(timer, target, { stack, planFile, planSha256, review }, options.runner);
  write(
    `\nAdopted ${blocks.length} resource(s) into the state of ${stack.name} (import blocks: ${join(stack.dir, IMPORTS_FILE)}, this run only).\n` +
      `Next: npm run deploy -- --stack ${stack.name}   (creates what is still missing; nothing twice)\n`,
  );
  return true;
}
