/**
 * The CI commands, callable from any CI that can run npm (the workflows in
 * .github/workflows call them): arguments, the GitHub Actions environment, exit codes.
 *
 *   npm run ci:comment -- --marker <env> --body-file <file> [--artifact <name>] [--pull-request <n>]
 *   npm run ci:drift-issue -- --environment <env> --report <file> --drifted <true|false>
 *   npm run ci:plan-changes -- --plan <dir>
 *
 * Exit 0 done, 1 GitHub refused or could not be reached (or a file could not be read),
 * 2 bad arguments or environment (printed with the usage). `--help` prints the usage and does
 * nothing else.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { helpRequested } from '../core';
import { DEFAULT_API_URL, Fetch } from './github-client';
import { syncDriftIssue, upsertPullRequestComment } from './github';
import { planFolderChanges } from './plan-changes';

export interface CliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** @default the global fetch */
  readonly fetch?: Fetch;
  /** @default fs.readFileSync as UTF-8 */
  readonly readFile?: (path: string) => string;
  /** @default fs.appendFileSync */
  readonly appendFile?: (path: string, text: string) => void;
}

const ENVIRONMENT_HELP = `Environment: GITHUB_TOKEN, GITHUB_REPOSITORY (owner/name), GITHUB_API_URL (default
${DEFAULT_API_URL}); GITHUB_SERVER_URL and GITHUB_RUN_ID name the workflow run.
Exit: 0 done, 1 GitHub refused or could not be reached, 2 bad arguments or environment.`;

export const COMMENT_USAGE = `usage: npm run ci:comment -- --marker <env> --body-file <file> [--artifact <name>] [--pull-request <n>]

Posts <file> (the plan review) as the pull request's comment for <env>, or updates the
comment posted before (found by a hidden marker): one comment per environment, never two.
A review longer than GitHub allows is cut, with a note naming the artifact <name>.
The pull request is --pull-request, else the number in GITHUB_EVENT_PATH's event. The token
needs pull-requests: write.
${ENVIRONMENT_HELP}`;

export const DRIFT_ISSUE_USAGE = `usage: npm run ci:drift-issue -- --environment <env> --report <file> --drifted <true|false>

Keeps one issue per drifted environment (label "drift"): opens it, or updates its body with
<file> (the drift report), while --drifted true; comments and closes it when --drifted
false; does nothing when clean and none is open. The token needs issues: write.
${ENVIRONMENT_HELP}`;

export const PLAN_CHANGES_USAGE = `usage: npm run ci:plan-changes -- --plan <dir>

Prints changes=true when the saved plan in <dir> (<dir>/plan.json, as npm run plan -- --save
<dir> writes it) creates, updates, replaces, deletes or forgets a resource or changes an
output, else changes=false; appends the same and summary=… to GITHUB_OUTPUT when set.
Exit: 0 done, 1 unreadable plan, 2 bad arguments.`;

class UsageError extends Error {}

type Options = Record<string, { type: 'string' | 'boolean' }>;

function parse(argv: readonly string[], options: Options): Record<string, string | boolean> {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean>;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function required(values: Record<string, string | boolean>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '')
    throw new UsageError(`--${name} is required`);
  return value;
}

function requiredEnv(env: CliDeps['env'], name: string, why: string): string {
  const value = env[name]?.trim();
  if (!value) throw new UsageError(`${name} is not set: ${why}`);
  return value;
}

function connection(deps: CliDeps) {
  return {
    token: requiredEnv(
      deps.env,
      'GITHUB_TOKEN',
      'in a workflow step, set env: GITHUB_TOKEN: ${{ github.token }}',
    ),
    repository: requiredEnv(deps.env, 'GITHUB_REPOSITORY', 'owner/name of the repository'),
    apiUrl: deps.env.GITHUB_API_URL?.trim() || DEFAULT_API_URL,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  };
}

function runUrl(env: CliDeps['env']): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = env;
  return server && repo && run
    ? `${server.replace(/\/+$/, '')}/${repo}/actions/runs/${run}`
    : undefined;
}

function readText(deps: CliDeps, path: string, what: string): string {
  try {
    return (deps.readFile ?? ((p) => readFileSync(p, 'utf8')))(path);
  } catch (e) {
    throw new Error(`cannot read the ${what} ${path}: ${(e as Error).message}`);
  }
}

/** Runs a command body: usage errors exit 2 with the usage, printed once; other errors 1. */
async function guarded(
  name: string,
  usage: string,
  argv: readonly string[],
  deps: CliDeps,
  body: () => Promise<void> | void,
): Promise<number> {
  if (helpRequested(argv)) {
    deps.out(usage);
    return 0;
  }
  try {
    await body();
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      deps.err(`${name}: ${e.message}\n${usage}`);
      return 2;
    }
    deps.err(`${name}: ${(e as Error).message}`);
    return 1;
  }
}

/** The pull request of the workflow's event (`pull_request.number`, else `number`). */
function eventPullRequest(deps: CliDeps): { number: number; headSha?: string } {
  const path = requiredEnv(
    deps.env,
    'GITHUB_EVENT_PATH',
    'it names the event file that holds the pull request number (or pass --pull-request <n>)',
  );
  const event = JSON.parse(readText(deps, path, 'event file')) as {
    number?: unknown;
    pull_request?: { number?: unknown; head?: { sha?: unknown } };
  };
  const number = event.pull_request?.number ?? event.number;
  if (typeof number !== 'number') {
    throw new UsageError(
      `the event in ${path} is not a pull request's (no pull_request.number): pass --pull-request <n>`,
    );
  }
  const sha = event.pull_request?.head?.sha;
  return { number, ...(typeof sha === 'string' ? { headSha: sha } : {}) };
}

function pullRequestNumber(text: string): number {
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--pull-request ${text}: expected a number`);
  return Number(text);
}

export function runCommentCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  return guarded('ci:comment', COMMENT_USAGE, argv, deps, async () => {
    const values = parse(argv, {
      marker: { type: 'string' },
      'body-file': { type: 'string' },
      artifact: { type: 'string' },
      'pull-request': { type: 'string' },
    });
    const marker = required(values, 'marker');
    const bodyFile = required(values, 'body-file');
    const github = connection(deps);
    const pr =
      typeof values['pull-request'] === 'string'
        ? { number: pullRequestNumber(values['pull-request']) }
        : eventPullRequest(deps);
    const body = readText(deps, bodyFile, 'review');
    const run = runUrl(deps.env);
    const artifact = typeof values.artifact === 'string' ? values.artifact : undefined;
    const result = await upsertPullRequestComment({
      ...github,
      pullRequest: pr.number,
      marker,
      body,
      footer: footer(pr.headSha ?? deps.env.GITHUB_SHA, run, artifact),
      truncationNote: fullReviewNote(bodyFile, artifact, run),
    });
    const cut = result.truncated ? ' (cut short: the review is longer than a comment holds)' : '';
    const removed =
      result.deleted.length > 0 ? `; deleted duplicates ${result.deleted.join(', ')}` : '';
    deps.out(`ci:comment: ${result.action} ${result.url}${cut}${removed}`);
  });
}

function footer(sha: string | undefined, run: string | undefined, artifact: string | undefined) {
  const parts = [
    sha ? `commit ${sha.slice(0, 12)}` : undefined,
    run ? `[workflow run](${run})` : undefined,
    artifact ? `saved plan: artifact \`${artifact}\`` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? `<sub>${parts.join(' · ')}</sub>` : undefined;
}

function fullReviewNote(bodyFile: string, artifact: string | undefined, run: string | undefined) {
  const file = bodyFile.split(/[\\/]/).pop();
  const inRun = run ? `[the workflow run](${run})` : 'the workflow run';
  return artifact
    ? `The full review is \`${file}\` in the artifact \`${artifact}\` of ${inRun}.`
    : `The full review is in the artifacts of ${inRun}.`;
}

export function runDriftIssueCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  return guarded('ci:drift-issue', DRIFT_ISSUE_USAGE, argv, deps, async () => {
    const values = parse(argv, {
      environment: { type: 'string' },
      report: { type: 'string' },
      drifted: { type: 'string' },
    });
    const environment = required(values, 'environment');
    const report = required(values, 'report');
    const drifted = required(values, 'drifted');
    if (drifted !== 'true' && drifted !== 'false') {
      throw new UsageError(`--drifted ${drifted}: expected true or false`);
    }
    const github = connection(deps);
    const result = await syncDriftIssue({
      ...github,
      environment,
      drifted: drifted === 'true',
      body: readText(deps, report, 'drift report'),
      runUrl: runUrl(deps.env),
    });
    const which = result.number === undefined ? '' : ` #${result.number} ${result.url}`;
    const none =
      result.action === 'none' ? ` (${environment} is clean and no drift issue is open)` : '';
    deps.out(`ci:drift-issue: ${result.action}${which}${none}`);
  });
}

export function runPlanChangesCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  return guarded('ci:plan-changes', PLAN_CHANGES_USAGE, argv, deps, () => {
    const values = parse(argv, { plan: { type: 'string' } });
    const { changes, summary } = planFolderChanges(required(values, 'plan'));
    const lines = `changes=${changes}\nsummary=${summary}\n`;
    deps.out(lines.trimEnd());
    const output = deps.env.GITHUB_OUTPUT;
    if (output) (deps.appendFile ?? appendFileSync)(output, lines);
  });
}
