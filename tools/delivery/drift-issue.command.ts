/** `npm run ci:drift-issue`: one issue per drifted environment, closed when clean (see ci-commands.ts; `--help` for usage). */
import { runCommand } from '../core';
import { runDriftIssueCli } from './ci-commands';

void runCommand('ci:drift-issue', () =>
  runDriftIssueCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  }),
);
