/**
 * `npm run policy`: checks every synthesized stack against the HIPAA-minded rules of
 * tools/policy/ and prints the table. Exit 1 when any rule fails.
 *
 *   npm run policy                          synthesize prod and dev (ENVIRONMENT_SUFFIX=prod,dev) into a temp folder
 *   npm run policy -- --env prod,qa         other environments
 *   npm run policy -- --dir cdktf.out       check an existing synth output instead
 *   npm run policy -- --json policy.json    also write the results as JSON
 *
 * The rules and the synth load only after the arguments are read, so `--help` answers at once.
 */
import { writeFileSync } from 'node:fs';
import { answerCommandLine } from '../core';
import { parseArgs, POLICY_USAGE } from './args';

const argv = process.argv.slice(2);
const answered = answerCommandLine('policy', POLICY_USAGE, argv, (a) => {
  try {
    parseArgs(a);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
});
if (answered !== undefined) process.exitCode = answered;
else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runPolicyCli } = require('./cli') as typeof import('./cli');
  process.exitCode = runPolicyCli(argv, {
    projectDir: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    writeFile: (path, text) => writeFileSync(path, text),
  });
}
