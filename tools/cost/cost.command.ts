/**
 * `npm run cost`: a monthly estimate per stack with line items and assumptions.
 *
 *   npm run cost                          synthesize dev and prod (and the baseline, the state backend) into a temp folder
 *   npm run cost -- --env prod,qa         other environments
 *   npm run cost -- --dir cdktf.out       estimate an existing synth output instead
 *   npm run cost -- --help                usage
 */
import { runCostCli } from './cli';

process.exitCode = runCostCli(process.argv.slice(2), {
  projectDir: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
