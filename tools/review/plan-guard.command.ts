/**
 * npm run plan:guard -- <plan.json> [--allow <address>]...
 *
 * Refuses a plan (`terraform show -json <planfile>`) that deletes or replaces a stateful
 * resource not named by --allow. Exit 0 OK, 1 blocked, 2 bad arguments or unreadable plan.
 */
import { runPlanGuardCli } from './plan-guard';

process.exitCode = runPlanGuardCli(process.argv.slice(2));
