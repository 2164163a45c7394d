/**
 * npm run plan:guard -- <plan.json> [--allow <address>]...
 *
 * Refuses a plan (`terraform show -json <planfile>`) that deletes or replaces a stateful
 * resource not named by --allow. Exit 0 OK, 1 blocked, 2 bad arguments or unreadable plan.
 */
import { helpRequested } from '../core';
import { PLAN_GUARD_USAGE, runPlanGuardCli } from './plan-guard';

const argv = process.argv.slice(2);
if (helpRequested(argv)) console.log(PLAN_GUARD_USAGE);
else process.exitCode = runPlanGuardCli(argv);
