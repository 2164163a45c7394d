/** `npm run ci:plan-changes`: whether a saved plan changes anything (see ci-commands.ts; `--help` for usage). */
import { runCommand } from '../core';
import { runPlanChangesCli } from './ci-commands';

void runCommand('ci:plan-changes', () =>
  runPlanChangesCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  }),
);
