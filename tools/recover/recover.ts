/**
 * The way back after a crash, in the run's own folder: synth, init, then
 *  1. the lock: who holds it, whether that run is alive, and (--release-lock) its release
 *     when the holder ran here and is gone;
 *  2. the orphans: plan, match what exists in the account against the planned creates, and
 *     import the matches in the plan (import blocks are read-only until applied), so that the
 *     next round's plan knows the parents' ids and the children can be matched (routes,
 *     associations, rules…): at most MAX_ROUNDS rounds;
 *  3. --adopt: a plan of the imports alone (-target), reviewed, guarded and applied exactly
 *     (the deploy's hash binding), after "yes" or --yes; the next deploy creates the rest.
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
import type { Finder, RecoverClients } from './finder';
import { judgeHolder, ProcessInfo, RunOnDisk } from './holder';
import { ImportBlock, IMPORTS_FILE, writeImports } from './imports';
import { heldLock, readLock, stateLocationOf } from './lock';
import { Adoption, matchOrphans } from './match';
import { planFacts } from './plan-facts';
import { releaseLock } from './release';
import {
  describeLock,
  formatOrphans,
  LockState,
  needsPerson,
  OrphanReport,
  verdictLines,
} from './report';
import { searchOrphans } from './search';

/** Rounds of plan → match → import before the last plan. */
export const MAX_ROUNDS = 3;

export interface RecoverArgs {
  readonly releaseLock: boolean;
  readonly adopt: boolean;
}

/** What recover needs from the machine; the command passes the real ones, tests fakes. */
export interface RecoverDeps {
  /** @default run() (core/process.ts) */
  readonly runner?: Runner;
  /** The SDK clients of a region (path-style S3 for emulators). */
  readonly clientsFor: (region: string, s3PathStyle: boolean) => RecoverClients;
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
  how: { readonly lock: boolean; readonly targets?: readonly string[] },
  options: StepOptions,
): Promise<string> {
  const args = [
    'plan',
    '-input=false',
    '-no-color',
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
  const { timer, target, selection, args } = options;
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
  const pathStyle = location.kind === 's3' && location.usePathStyle;
  const clientsFor = (region: string) => options.clientsFor(region, pathStyle);

  const lockState = await timer.run('lock', (note) =>
    lockStep(options, stack, clientsFor, log, note),
  );

  if (lockState === 'held-alive' || lockState === 'held-remote' || lockState === 'release-failed') {
    write(
      '\nOrphans were not searched: while a run may still be creating resources, what is missing from the state cannot be judged.\n',
    );
    return 1;
  }

  const report = await findOrphans(options, stack, lockState === 'held-gone', clientsFor, log);
  write(`\n${formatOrphans(report)}\n`);
  if (!args.adopt || report.adoptions.length === 0) {
    if (args.adopt) write('\nNothing to adopt.\n');
    return needsPerson(lockState, report, false) ? 1 : 0;
  }
  if (lockState === 'held-gone') {
    write(
      `\n--adopt refused: the lock is still held. Release it first: npm run recover -- --stack ${stack.name} --release-lock --adopt\n`,
    );
    return 1;
  }
  const adopted = await adopt(options, stack, report.adoptions, log);
  return needsPerson(lockState, report, adopted) ? 1 : 0;
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
  const clients = clientsFor(location.region);
  const lockClients = { dynamodb: clients.dynamodb, s3: clients.s3 };
  const reading = await readLock(location, lockClients);
  const lock = heldLock(reading);
  if (!lock) {
    write(`\nNo lock on ${stack.name}: nothing held in ${reading.places.join(' nor ')}.\n`);
    note('no lock');
    return 'free';
  }
  write(
    `\nThe state of ${stack.name} is LOCKED:\n${describeLock(lock, reading, options.now()).join('\n')}\n`,
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
  clientsFor: (region: string) => RecoverClients,
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
      return { matching, failed: search.failed };
    });
    if (last || result.matching.adopt.length === 0) {
      writeImports(stack.dir, []);
      return {
        stack: stack.name,
        adoptions,
        matching: result.matching,
        failed: result.failed,
        rounds: round,
        mode: options.args.adopt ? 'adopt' : 'detect',
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
