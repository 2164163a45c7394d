/**
 * npm run lint / npm run format: oxlint (the rules eslint and typescript-eslint had, .oxlintrc.json)
 * and oxfmt (the former prettier settings, .oxfmtrc.json). `lint` checks and fails on any
 * finding; `format` fixes what the formatter and `oxlint --fix` can.
 */
import { join, resolve } from 'node:path';
import { CommandError, helpRequested, run, runCommand } from '../core';

const ROOT = resolve(__dirname, '..', '..');
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

const USAGE = {
  lint: 'usage: npm run lint\n  oxlint --deny-warnings, then oxfmt --check: exit 1 on any finding (npm run format fixes the format).',
  format: 'usage: npm run format\n  oxfmt (rewrites the files), then oxlint --fix.',
} as const;

/** The two steps of each command, in order. */
export const LINT_STEPS = {
  lint: [
    ['oxlint', '--deny-warnings'],
    ['oxfmt', '--check'],
  ],
  format: [['oxfmt'], ['oxlint', '--fix']],
} as const;

async function main(mode: 'lint' | 'format'): Promise<number> {
  let failed = false;
  for (const [tool, ...args] of LINT_STEPS[mode]) {
    try {
      const result = await run(bin(tool), args, { cwd: ROOT });
      process.stdout.write(result.stdout + result.stderr);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      process.stdout.write(error.result.stdout + error.result.stderr);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

const mode = process.argv[2] === 'format' ? 'format' : 'lint';
const argv = process.argv.slice(3);
if (helpRequested(argv)) process.stdout.write(`${USAGE[mode]}\n`);
else if (argv.length > 0) {
  process.stderr.write(`${mode}: unexpected argument ${argv[0]}\n${USAGE[mode]}\n`);
  process.exitCode = 2;
} else void runCommand(mode, () => main(mode));
