/**
 * Day 2 on the production environment: its database left tainted, as an interrupt during its
 * create leaves it. Its `prevent_destroy` makes every plan fail with Terraform's "Instance
 * cannot be destroyed"; `npm run recover` names it (from a refresh-only plan) and exits 1;
 * `recover --untaint --yes` keeps it, then searches for orphans; the next plan keeps the
 * database. Exercised end to end by `npm run test:e2e`.
 */
import * as path from 'node:path';
import { run } from '../core';
import { recoverRun } from './deploy-paths';
import { taintedIn } from './drill-checks';
import { skipUnlessPlatform } from './drift-drill';
import { E2eRun, platformStack, StackInfo, WORK } from './e2e-run';
import type { E2ePhase } from './procedure';

type Phase = E2ePhase<E2eRun>;

/** What recover says when the plan stops at prevent_destroy (tools/recover/report.ts). */
const BLOCKED = `stops at Terraform's "Instance cannot be destroyed"`;

/** The stack's one database, which must be one of its protected (prevent_destroy) resources. */
function protectedDatabase(stack: StackInfo): string {
  const databases = stack.protectedResources.filter((a) => a.startsWith('aws_db_instance.'));
  if (databases.length !== 1) {
    throw new Error(
      `${stack.name} has ${databases.length} database(s) with prevent_destroy, expected 1: the drill proves nothing without one`,
    );
  }
  return databases[0];
}

/** The actions the next plan takes on `address` (it fails while a protected object is tainted). */
async function nextPlanActions(e2e: E2eRun, stack: StackInfo, address: string): Promise<string[]> {
  const planFile = path.join(WORK, `taint-drill-${stack.label}.tfplan`);
  const options = e2e.stackOpts(stack, `taint-drill-plan-${stack.label}.log`);
  await run(
    'terraform',
    ['plan', '-input=false', '-lock-timeout=60s', `-out=${planFile}`],
    options,
  );
  const show = await run('terraform', ['show', '-json', planFile], options);
  const plan = JSON.parse(show.stdout) as {
    resource_changes?: { address: string; change: { actions: string[] } }[];
  };
  return plan.resource_changes?.find((rc) => rc.address === address)?.change.actions ?? [];
}

export function taintedDatabaseDrill(environment: string): Phase {
  return {
    name: `a tainted database on ${platformStack(environment)}: npm run recover names it, --untaint keeps it`,
    proves:
      'a tainted database with prevent_destroy makes Terraform refuse every plan; npm run recover reads the tainted object from a refresh-only plan and names it (exit 1, no search); recover --untaint --yes keeps it and finds nothing outside the state (exit 0); the next plan keeps the database',
    skipWhen: skipUnlessPlatform(environment),
    async run(e2e, note) {
      const stack = e2e.stack(platformStack(environment));
      const database = protectedDatabase(stack);
      await e2e.init(stack);
      await run(
        'terraform',
        ['taint', '-no-color', '-lock-timeout=60s', database],
        e2e.stackOpts(stack, `taint-${stack.label}.log`),
      );
      const problems: string[] = [];
      const seen = await recoverRun(e2e, stack, [], `taint-recover-${stack.label}.log`);
      if (seen.code !== 1) problems.push(`npm run recover exited ${seen.code}, expected 1`);
      if (!seen.stdout.includes(BLOCKED))
        problems.push(`npm run recover did not say it ${BLOCKED}`);
      if (taintedIn(seen.stdout).join() !== database)
        problems.push(
          `npm run recover named ${taintedIn(seen.stdout).join(', ') || 'nothing'} as tainted, expected ${database}`,
        );
      const kept = await recoverRun(
        e2e,
        stack,
        ['--untaint', '--yes'],
        `taint-untaint-${stack.label}.log`,
      );
      if (kept.code !== 0)
        problems.push(`npm run recover --untaint exited ${kept.code}, expected 0`);
      if (taintedIn(kept.stdout, 'untainted').join() !== database)
        problems.push(`npm run recover --untaint did not keep ${database}`);
      if (!kept.stdout.includes(`Orphans of ${stack.name}: none.`))
        problems.push(
          'npm run recover --untaint did not search, or found something outside the state',
        );
      if (problems.length > 0) {
        throw new Error(
          `${problems.join('\n')}\n${kept.stdout.slice(-2000) || seen.stdout.slice(-2000)}`,
        );
      }
      const actions = await nextPlanActions(e2e, stack, database);
      if (actions.includes('delete'))
        throw new Error(
          `the plan after --untaint still replaces ${database} (${actions.join(', ')})`,
        );
      note(
        `${database} tainted → recover: plan refused, named (exit 1) → --untaint: kept, no orphans (exit 0) → next plan: ${actions.join(', ') || 'not in the plan'}`,
      );
    },
  };
}
