/**
 * `npm run policy`: checks every synthesized stack against the HIPAA-minded rules of
 * tools/policy/ and prints the table. Exit 1 when any rule fails.
 *
 *   npm run policy                          synthesize prod and dev (ENVIRONMENT_SUFFIX=prod,dev) into a temp folder
 *   npm run policy -- --env prod,qa         other environments
 *   npm run policy -- --dir cdktf.out       check an existing synth output instead
 *   npm run policy -- --json policy.json    also write the results as JSON
 */
import { writeFileSync } from 'node:fs';
import { runPolicyCli } from './cli';

process.exitCode = runPolicyCli(process.argv.slice(2), {
  projectDir: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  writeFile: (path, text) => writeFileSync(path, text),
});
