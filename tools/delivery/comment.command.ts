/** `npm run ci:comment`: the plan review as the pull request's one comment per environment (see ci-commands.ts; `--help` for usage). */
import { runCommand } from '../core';
import { runCommentCli } from './ci-commands';

void runCommand('ci:comment', () =>
  runCommentCli(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  }),
);
