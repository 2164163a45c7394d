/**
 * The policy command's arguments and usage, apart from the rules and the synth so that the
 * command answers `--help` and a wrong argument before loading them.
 */

export interface CliOptions {
  readonly dir?: string;
  readonly env: string;
  readonly json?: string;
}

export const POLICY_USAGE = [
  'usage: npm run policy [-- [--dir <cdktf.out>] [--env <a,b>] [--json <file>]]',
  '  The HIPAA policy rules over every synthesized stack (docs/policy.md). Without --dir it',
  '  synthesizes prod and dev first. Exit 0 all pass or waived, 1 a failure, 2 usage or synth error.',
].join('\n');

export function parseArgs(argv: readonly string[]): CliOptions {
  const options: { dir?: string; env: string; json?: string } = { env: 'prod,dev' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--dir' || flag === '--env' || flag === '--json') {
      if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
      options[flag.slice(2) as 'dir' | 'env' | 'json'] = value;
      i++;
    } else {
      throw new Error(
        `unknown argument "${flag}" (expected --dir <cdktf.out>, --env <a,b>, --json <file>)`,
      );
    }
  }
  return options;
}
