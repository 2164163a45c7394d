/**
 * What the pipeline writes on GitHub, each kept to one place:
 * - the plan review of an environment as ONE pull-request comment, found again by a hidden
 *   HTML marker and updated on every push (upsertPullRequestComment);
 * - ONE issue per drifted environment, found by its label and title, opened or updated
 *   while the environment drifts and closed with a comment when it is clean
 *   (syncDriftIssue).
 * A body over GitHub's limit is cut at a line and ends with a note saying where the whole
 * text is (the workflow run's artifact).
 */
import { GitHubClient, GitHubConnection } from './github-client';

/** GitHub refuses a comment or issue body longer than this ("maximum is 65536 characters"). */
export const GITHUB_BODY_LIMIT = 65536;

/** The label every drift issue carries (created on first use). */
export const DRIFT_LABEL = 'drift';

/** The hidden first line that marks our comment for one environment. */
export function commentMarker(marker: string): string {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(marker) || marker.includes('--')) {
    throw new Error(
      `marker ${JSON.stringify(marker)}: use letters, digits, ".", "_" and single "-" (e.g. the environment, dev)`,
    );
  }
  return `<!-- healthcare-platform:plan-review:${marker} -->`;
}

/** The title of the drift issue of an environment: how it is found again. */
export function driftIssueTitle(environment: string): string {
  return `Drift: environment ${environment} differs from its Terraform state`;
}

/**
 * The body cut to `limit` characters (UTF-16 code units, never fewer than GitHub counts):
 * at the last line break that fits, an open code fence closed, then the note.
 */
export function fitBody(
  body: string,
  note: string,
  limit = GITHUB_BODY_LIMIT,
): { body: string; truncated: boolean } {
  if (body.length <= limit) return { body, truncated: false };
  const tail = `\n\n${note}`;
  let kept = body.slice(0, Math.max(0, limit - tail.length - '\n```'.length));
  const lineEnd = kept.lastIndexOf('\n');
  if (lineEnd > 0) kept = kept.slice(0, lineEnd);
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  const fences = kept.split('\n').filter((l) => /^\s*```/.test(l)).length;
  if (fences % 2 === 1) kept += '\n```';
  return { body: `${kept}${tail}`.slice(0, limit), truncated: true };
}

export interface CommentOptions extends GitHubConnection {
  readonly pullRequest: number;
  /** One comment per marker: the environment (`dev`, `prod`). */
  readonly marker: string;
  /** The review (Markdown). */
  readonly body: string;
  /** Appended after the body, never cut (a line naming the commit and run). @default none */
  readonly footer?: string;
  /** Said when the body is cut: where the whole review is. */
  readonly truncationNote?: string;
}

interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly html_url: string;
}

export interface CommentResult {
  readonly action: 'created' | 'updated';
  readonly id: number;
  readonly url: string;
  readonly truncated: boolean;
  /** Duplicates of our comment (from an earlier race) that were deleted. */
  readonly deleted: readonly number[];
}

const DEFAULT_TRUNCATION_NOTE =
  'The full text is in the artifacts of the workflow run that wrote this comment.';

/**
 * Creates the pull request's comment for `marker`, or updates it (the oldest, when an
 * earlier race left several: the others are deleted). Reads every page of comments.
 */
export async function upsertPullRequestComment(options: CommentOptions): Promise<CommentResult> {
  const client = new GitHubClient(options);
  const head = commentMarker(options.marker);
  const footer = options.footer ? `\n\n${options.footer}` : '';
  const note = truncationNote(options.body.length, options.truncationNote);
  const fitted = fitBody(`${head}\n${options.body}`, note, GITHUB_BODY_LIMIT - footer.length);
  const body = `${fitted.body}${footer}`;
  const issue = client.repoPath(`/issues/${options.pullRequest}`);
  const ours = (await client.paginate<IssueComment>(`${issue}/comments?per_page=100`))
    .filter((c) => (c.body ?? '').startsWith(head))
    .sort((a, b) => a.id - b.id);
  if (ours.length === 0) {
    const { data } = await client.request<IssueComment>('POST', `${issue}/comments`, { body });
    return {
      action: 'created',
      id: data.id,
      url: data.html_url,
      truncated: fitted.truncated,
      deleted: [],
    };
  }
  const [keep, ...duplicates] = ours;
  const path = client.repoPath(`/issues/comments/${keep.id}`);
  const { data } = await client.request<IssueComment>('PATCH', path, { body });
  for (const d of duplicates) {
    await client.request('DELETE', client.repoPath(`/issues/comments/${d.id}`));
  }
  return {
    action: 'updated',
    id: data.id,
    url: data.html_url,
    truncated: fitted.truncated,
    deleted: duplicates.map((d) => d.id),
  };
}

function truncationNote(length: number, where = DEFAULT_TRUNCATION_NOTE): string {
  return `> **Cut short**: the text has ${length} characters, more than GitHub shows in one comment or issue (${GITHUB_BODY_LIMIT}). ${where}`;
}

export interface DriftIssueOptions extends GitHubConnection {
  readonly environment: string;
  readonly drifted: boolean;
  /** The drift report (Markdown): the issue's body while drifted. */
  readonly body: string;
  /** The workflow run, named in the closing comment and the truncation note. @default none */
  readonly runUrl?: string;
}

interface Issue {
  readonly number: number;
  readonly title: string;
  readonly html_url: string;
  readonly pull_request?: unknown;
}

export interface DriftIssueResult {
  /** `none`: clean and no issue open. */
  readonly action: 'created' | 'updated' | 'closed' | 'none';
  readonly number?: number;
  readonly url?: string;
}

/**
 * Keeps one open issue per drifted environment: found among the open issues with the
 * drift label by its title. Drifted: its body becomes the report (created if none is open).
 * Clean: a comment says so and the issue is closed; nothing happens when none is open.
 */
export async function syncDriftIssue(options: DriftIssueOptions): Promise<DriftIssueResult> {
  const client = new GitHubClient(options);
  const title = driftIssueTitle(options.environment);
  const label = encodeURIComponent(DRIFT_LABEL);
  const open = (
    await client.paginate<Issue>(client.repoPath(`/issues?state=open&labels=${label}&per_page=100`))
  )
    .filter((i) => i.pull_request === undefined && i.title === title)
    .sort((a, b) => a.number - b.number)[0];
  if (!options.drifted) {
    if (!open) return { action: 'none' };
    const run = options.runUrl ? ` ([drift check](${options.runUrl}))` : '';
    const issue = client.repoPath(`/issues/${open.number}`);
    await client.request('POST', `${issue}/comments`, {
      body: `No drift in \`${options.environment}\` any more${run}: every resource matches the Terraform state. Closing.`,
    });
    await client.request('PATCH', issue, { state: 'closed', state_reason: 'completed' });
    return { action: 'closed', number: open.number, url: open.html_url };
  }
  const where = options.runUrl
    ? `The full report is in the artifacts of [the drift check](${options.runUrl}).`
    : undefined;
  const { body } = fitBody(options.body, truncationNote(options.body.length, where));
  if (open) {
    await client.request('PATCH', client.repoPath(`/issues/${open.number}`), { body });
    return { action: 'updated', number: open.number, url: open.html_url };
  }
  await ensureLabel(client);
  const { data } = await client.request<Issue>('POST', client.repoPath('/issues'), {
    title,
    body,
    labels: [DRIFT_LABEL],
  });
  return { action: 'created', number: data.number, url: data.html_url };
}

/** Creates the drift label unless it exists (a 422 "already_exists" from a race is fine). */
async function ensureLabel(client: GitHubClient): Promise<void> {
  try {
    await client.request('GET', client.repoPath(`/labels/${encodeURIComponent(DRIFT_LABEL)}`));
    return;
  } catch (e) {
    if ((e as { status?: number }).status !== 404) throw e;
  }
  try {
    await client.request('POST', client.repoPath('/labels'), {
      name: DRIFT_LABEL,
      color: 'd93f0b',
      description: 'An environment differs from its Terraform state (nightly drift check)',
    });
  } catch (e) {
    if ((e as { status?: number }).status !== 422) throw e;
  }
}
