/**
 * `npm run lint:workflows`: actionlint over `.github/workflows/` (see workflow-lint.ts).
 * Prints each finding as `file:line:column: message [kind]`; exit 1 when there is any.
 */
import { join, resolve } from 'node:path';
import { answerCommandLine, runCommand } from '../core';
import { formatFindings, lintWorkflows, workflowFiles } from './workflow-lint';

const ROOT = resolve(__dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');

async function main(): Promise<number> {
  const files = workflowFiles(WORKFLOWS);
  const findings = await lintWorkflows(WORKFLOWS, ROOT);
  if (findings.length > 0) {
    process.stdout.write(`${formatFindings(findings)}\n`);
    process.stdout.write(
      `actionlint: ${findings.length} finding(s) in ${files.length} workflow(s)\n`,
    );
    return 1;
  }
  process.stdout.write(`actionlint: ${files.length} workflow(s), no findings\n`);
  return 0;
}

const USAGE =
  'usage: npm run lint:workflows\n  actionlint over .github/workflows/: exit 1 on any finding, printed as file:line:column.';

const answered = answerCommandLine('lint:workflows', USAGE, process.argv.slice(2));
if (answered !== undefined) process.exitCode = answered;
else void runCommand('lint:workflows', main);
