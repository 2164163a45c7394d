/**
 * A small client for the GitHub REST API over Node's fetch: JSON in and out, the headers
 * GitHub asks for, pagination by the `Link` header, and errors that say what failed and
 * what to check. No dependency: the two jobs (a pull-request comment, a drift issue) need
 * five endpoints.
 *
 * Reference: https://docs.github.com/en/rest (API version 2022-11-28).
 */
import { STATUS_CODES } from 'node:http';

/** The public API; GitHub Enterprise Server sets GITHUB_API_URL to `https://<host>/api/v3`. */
export const DEFAULT_API_URL = 'https://api.github.com';

/** The REST API version the requests are written for. */
export const API_VERSION = '2022-11-28';

/** What the client needs of `fetch` (a test passes a stub). */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

export interface GitHubConnection {
  /** A token with the permissions of the job (GITHUB_TOKEN in a workflow). Never printed. */
  readonly token: string;
  /** `owner/name`. */
  readonly repository: string;
  /** @default https://api.github.com (or GITHUB_API_URL, read by the commands) */
  readonly apiUrl?: string;
  /** @default the global fetch */
  readonly fetch?: Fetch;
}

/** A request GitHub answered with an error, or one that did not reach it. */
export class GitHubApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GitHubApiError';
  }
}

/** Stops a `Link` loop: 100 pages of 100 items. */
const MAX_PAGES = 100;

const HINTS: Readonly<Record<number, string>> = {
  401: 'the token is missing, wrong or expired (GITHUB_TOKEN)',
  403: 'the token lacks a permission: the comment job needs `pull-requests: write`, the drift job `issues: write` (a pull request from a fork only ever gets a read-only token)',
  404: 'the repository, pull request or issue does not exist, or the token cannot see it',
  410: 'issues are turned off for this repository',
  422: 'GitHub refused the request body',
};

export class GitHubClient {
  readonly apiUrl: string;
  private readonly fetchImpl: Fetch;

  constructor(private readonly connection: GitHubConnection) {
    if (!/^[\w.-]+\/[\w.-]+$/.test(connection.repository)) {
      throw new GitHubApiError(
        `repository ${JSON.stringify(connection.repository)} is not owner/name`,
      );
    }
    this.apiUrl = (connection.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
    this.fetchImpl = connection.fetch ?? ((url, init) => fetch(url, init));
  }

  /** `/repos/<owner>/<name><suffix>`. */
  repoPath(suffix: string): string {
    return `/repos/${this.connection.repository}${suffix}`;
  }

  /** One request; `path` is relative to the API URL or an absolute URL under it. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ data: T; next?: string }> {
    const url = path.startsWith('/') ? `${this.apiUrl}${path}` : path;
    const where = `${method} ${url.slice(this.apiUrl.length)}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${this.connection.token}`,
          'user-agent': 'healthcare-platform-delivery',
          'x-github-api-version': API_VERSION,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new GitHubApiError(
        `GitHub API ${where}: cannot reach ${this.apiUrl} (${(e as Error).message})`,
      );
    }
    if (!response.ok) throw await this.failure(where, response);
    const data = (response.status === 204 ? undefined : await response.json()) as T;
    return { data, next: this.nextPage(response.headers.get('link'), where) };
  }

  /** Every item of a list endpoint, following `Link: <…>; rel="next"`. */
  async paginate<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined; page++) {
      if (page === MAX_PAGES) {
        throw new GitHubApiError(`GitHub API GET ${path}: more than ${MAX_PAGES} pages`);
      }
      const answer: { data: T[]; next?: string } = await this.request<T[]>('GET', next);
      items.push(...answer.data);
      next = answer.next;
    }
    return items;
  }

  private nextPage(link: string | null, where: string): string | undefined {
    const next = link
      ?.split(',')
      .map((part) => /<([^>]+)>\s*;\s*rel="next"/.exec(part))
      .find((m) => m !== null)?.[1];
    if (next === undefined) return undefined;
    // The token goes with every request: never follow a link off the API.
    if (!next.startsWith(`${this.apiUrl}/`)) {
      throw new GitHubApiError(
        `GitHub API ${where}: the next page ${next} is not under ${this.apiUrl}`,
      );
    }
    return next;
  }

  private async failure(where: string, response: Response): Promise<GitHubApiError> {
    const text = await response.text().catch(() => '');
    let detail = text.trim().slice(0, 500);
    try {
      const json = JSON.parse(text) as { message?: string; errors?: unknown };
      if (json.message) {
        detail = json.message + (json.errors ? ` ${JSON.stringify(json.errors)}` : '');
      }
    } catch {
      // not JSON: keep the text
    }
    const hint =
      HINTS[response.status] ??
      (response.status >= 500 ? 'GitHub had an error; re-run the job' : undefined);
    // HTTP/2 answers carry no reason phrase: name the status from Node's table.
    const name = STATUS_CODES[response.status];
    const status = `${response.status}${name ? ` ${name}` : ''}`;
    return new GitHubApiError(
      `GitHub API ${where} answered ${status}${detail ? `: ${detail}` : ''}${hint ? ` (${hint})` : ''}`,
      response.status,
    );
  }
}
