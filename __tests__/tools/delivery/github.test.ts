import {
  DRIFT_LABEL,
  GITHUB_BODY_LIMIT,
  GitHubApiError,
  GitHubClient,
  commentMarker,
  driftIssueTitle,
  fitBody,
  syncDriftIssue,
  upsertPullRequestComment,
} from '../../../tools/delivery';
import { calls, stubFetch } from './github-stub';

const API = 'https://api.github.com';
const REPO = 'acme/healthcare';
const MARKER = '<!-- healthcare-platform:plan-review:dev -->';
const REVIEW = '## Plan review: TapStackdev, environment `dev`\n\n3 to create.\n';
const connection = { token: 'ghs_secret', repository: REPO };

const comment = (id: number, body: string) => ({
  id,
  body,
  html_url: `https://github.com/${REPO}/pull/7#issuecomment-${id}`,
});

describe('upsertPullRequestComment', () => {
  test('creates the comment when the pull request has none of ours: marker line, review, footer', async () => {
    const { fetch, requests } = stubFetch([
      {
        json: [
          comment(1, 'LGTM'),
          comment(2, `> ${MARKER}\nquoted by a person`),
          { id: 4, body: null, html_url: 'u' },
        ],
      },
      { status: 201, json: comment(3, 'x') },
    ]);
    const result = await upsertPullRequestComment({
      ...connection,
      fetch,
      pullRequest: 7,
      marker: 'dev',
      body: REVIEW,
      footer: '<sub>commit abc</sub>',
    });
    expect(calls(requests)).toEqual([
      ['GET', `${API}/repos/${REPO}/issues/7/comments?per_page=100`],
      [
        'POST',
        `${API}/repos/${REPO}/issues/7/comments`,
        { body: `${MARKER}\n${REVIEW}\n\n<sub>commit abc</sub>` },
      ],
    ]);
    expect(result).toEqual({
      action: 'created',
      id: 3,
      url: `https://github.com/${REPO}/pull/7#issuecomment-3`,
      truncated: false,
      deleted: [],
    });
  });

  test('sends the token, the API version and JSON headers GitHub asks for', async () => {
    const { fetch, requests } = stubFetch([{ json: [] }, { status: 201, json: comment(3, '') }]);
    await upsertPullRequestComment({
      ...connection,
      fetch,
      pullRequest: 7,
      marker: 'dev',
      body: 'b',
    });
    expect(requests[0].headers).toEqual({
      accept: 'application/vnd.github+json',
      authorization: 'Bearer ghs_secret',
      'user-agent': 'healthcare-platform-delivery',
      'x-github-api-version': '2022-11-28',
    });
    expect(requests[1].headers['content-type']).toBe('application/json');
  });

  test('updates our comment found on a later page, following the Link header', async () => {
    const page2 = `${API}/repositories/42/issues/7/comments?per_page=100&page=2`;
    const { fetch, requests } = stubFetch([
      {
        json: [comment(10, 'first page'), comment(11, `${MARKER.replace('dev', 'prod')}\nprod`)],
        link: `<${page2}>; rel="next", <${page2}>; rel="last"`,
      },
      { json: [comment(12, `${MARKER}\nold review`)], link: `<${API}/x?page=1>; rel="prev"` },
      { json: comment(12, 'new') },
    ]);
    const result = await upsertPullRequestComment({
      ...connection,
      fetch,
      pullRequest: 7,
      marker: 'dev',
      body: REVIEW,
    });
    expect(calls(requests)).toEqual([
      ['GET', `${API}/repos/${REPO}/issues/7/comments?per_page=100`],
      ['GET', page2],
      ['PATCH', `${API}/repos/${REPO}/issues/comments/12`, { body: `${MARKER}\n${REVIEW}` }],
    ]);
    expect(result.action).toBe('updated');
    expect(result.id).toBe(12);
  });

  test('two comments of ours (an earlier race): the oldest is updated, the other deleted', async () => {
    const { fetch, requests } = stubFetch([
      { json: [comment(30, `${MARKER}\nsecond`), comment(20, `${MARKER}\nfirst`)] },
      { json: comment(20, 'new') },
      { status: 204 },
    ]);
    const result = await upsertPullRequestComment({
      ...connection,
      fetch,
      pullRequest: 7,
      marker: 'dev',
      body: REVIEW,
    });
    expect(calls(requests)).toEqual([
      ['GET', `${API}/repos/${REPO}/issues/7/comments?per_page=100`],
      ['PATCH', `${API}/repos/${REPO}/issues/comments/20`, { body: `${MARKER}\n${REVIEW}` }],
      ['DELETE', `${API}/repos/${REPO}/issues/comments/30`],
    ]);
    expect(result.deleted).toEqual([30]);
  });

  test('a review over the limit is cut at a line, with a note where the full review is, footer kept', async () => {
    const line = `| \`aws_route.r\` | ${'x'.repeat(79)} |\n`; // 100 characters
    const body = `## Plan review: TapStackprod\n${line.repeat(700)}`; // 70 029 characters
    const { fetch, requests } = stubFetch([{ json: [] }, { status: 201, json: comment(5, '') }]);
    const result = await upsertPullRequestComment({
      ...connection,
      fetch,
      pullRequest: 7,
      marker: 'dev',
      body,
      footer: '<sub>commit abc</sub>',
      truncationNote: 'The full review is `review.md` in the artifact `plan-dev`.',
    });
    const sent = (requests[1].body as { body: string }).body;
    expect(result.truncated).toBe(true);
    expect(sent.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(sent.startsWith(`${MARKER}\n## Plan review: TapStackprod\n| \``)).toBe(true);
    const [kept, rest] = sent.split('\n\n> **Cut short**');
    expect(rest).toBe(
      ': the text has 70029 characters, more than GitHub shows in one comment or issue (65536). The full review is `review.md` in the artifact `plan-dev`.\n\n<sub>commit abc</sub>',
    );
    // Whole rows only, and no more than one row (plus room for a closing fence) given up
    const rows = kept.split('\n').slice(2);
    expect(rows.every((r) => `${r}\n` === line)).toBe(true);
    expect(sent.length).toBeGreaterThan(GITHUB_BODY_LIMIT - 100 - 4);
  });

  test("an HTTP error stops with the endpoint, GitHub's message and what to check; the token is never printed", async () => {
    const { fetch } = stubFetch([
      { status: 403, json: { message: 'Resource not accessible by integration' } },
    ]);
    const error = await upsertPullRequestComment({
      ...connection,
      fetch,
      pullRequest: 7,
      marker: 'dev',
      body: REVIEW,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(403);
    expect((error as Error).message).toBe(
      `GitHub API GET /repos/${REPO}/issues/7/comments?per_page=100 answered 403 Forbidden: Resource not accessible by integration (the token lacks a permission: the comment job needs \`pull-requests: write\`, the drift job \`issues: write\` (a pull request from a fork only ever gets a read-only token))`,
    );
    expect((error as Error).message).not.toContain('ghs_secret');
  });

  test('a bad marker is refused before any request', async () => {
    const { fetch, requests } = stubFetch([]);
    await expect(
      upsertPullRequestComment({ ...connection, fetch, pullRequest: 7, marker: 'a-->b', body: '' }),
    ).rejects.toThrow('marker "a-->b": use letters, digits, ".", "_" and single "-"');
    expect(requests).toEqual([]);
  });
});

describe('commentMarker', () => {
  test('one hidden line per environment; names with -- or spaces are refused', () => {
    expect(commentMarker('prod')).toBe('<!-- healthcare-platform:plan-review:prod -->');
    expect(commentMarker('eu-west-1.dev_2')).toBe(
      '<!-- healthcare-platform:plan-review:eu-west-1.dev_2 -->',
    );
    for (const bad of ['', 'a--b', 'a b', '-dev']) expect(() => commentMarker(bad)).toThrow();
  });
});

describe('fitBody', () => {
  const note = 'NOTE';

  test('a body of exactly the limit is kept whole; one more character is cut', () => {
    expect(fitBody('a'.repeat(100), note, 100)).toEqual({
      body: 'a'.repeat(100),
      truncated: false,
    });
    const cut = fitBody(`${'a'.repeat(50)}\n${'b'.repeat(50)}`, note, 100);
    expect(cut).toEqual({ body: `${'a'.repeat(50)}\n\nNOTE`, truncated: true });
  });

  test('an open code fence is closed before the note', () => {
    const body = ['intro', '```', 'line 1', 'line 2', 'line 3', '```', 'end'].join('\n');
    expect(fitBody(body, note, 30).body).toBe('intro\n```\nline 1\n```\n\nNOTE');
  });

  test('a surrogate pair is never split', () => {
    const body = `${'a'.repeat(10)}😀${'b'.repeat(40)}`; // one line: cut inside it
    const fitted = fitBody(body, note, 19); // keeps 19 - 6 - 4 = 9 … 11 code units
    expect(fitted.body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    const high = fitBody(`${'a'.repeat(10)}😀${'b'.repeat(40)}`, note, 21); // cut after the high half
    expect(high.body).toBe(`${'a'.repeat(10)}\n\nNOTE`);
  });
});

describe('syncDriftIssue', () => {
  const TITLE = 'Drift: environment dev differs from its Terraform state';
  const REPORT = '## Drift: TapStackdev (environment `dev`)\n\n**Drifted**: 1 resource …\n';
  const RUN = `https://github.com/${REPO}/actions/runs/99`;
  const LIST = `${API}/repos/${REPO}/issues?state=open&labels=drift&per_page=100`;
  const issue = (number: number, title: string, extra: Record<string, unknown> = {}) => ({
    number,
    title,
    html_url: `https://github.com/${REPO}/issues/${number}`,
    ...extra,
  });

  test('the title names the environment; the label is drift', () => {
    expect(driftIssueTitle('dev')).toBe(TITLE);
    expect(DRIFT_LABEL).toBe('drift');
  });

  test('drifted, none open: creates the label when missing, then the issue', async () => {
    const { fetch, requests } = stubFetch([
      { json: [issue(3, driftIssueTitle('prod')), issue(4, TITLE, { pull_request: {} })] },
      { status: 404, json: { message: 'Not Found' } },
      { status: 201, json: { name: 'drift' } },
      { status: 201, json: issue(8, TITLE) },
    ]);
    const result = await syncDriftIssue({
      ...connection,
      fetch,
      environment: 'dev',
      drifted: true,
      body: REPORT,
      runUrl: RUN,
    });
    expect(calls(requests)).toEqual([
      ['GET', LIST],
      ['GET', `${API}/repos/${REPO}/labels/drift`],
      [
        'POST',
        `${API}/repos/${REPO}/labels`,
        {
          name: 'drift',
          color: 'd93f0b',
          description: 'An environment differs from its Terraform state (nightly drift check)',
        },
      ],
      ['POST', `${API}/repos/${REPO}/issues`, { title: TITLE, body: REPORT, labels: ['drift'] }],
    ]);
    expect(result).toEqual({
      action: 'created',
      number: 8,
      url: `https://github.com/${REPO}/issues/8`,
    });
  });

  test('drifted, none open, label exists (or appears in a race): no label request beyond the check', async () => {
    const exists = stubFetch([
      { json: [] },
      { json: { name: 'drift' } },
      { status: 201, json: issue(9, TITLE) },
    ]);
    await syncDriftIssue({
      ...connection,
      fetch: exists.fetch,
      environment: 'dev',
      drifted: true,
      body: REPORT,
    });
    expect(calls(exists.requests).map((c) => `${c[0]} ${c[1]}`)).toEqual([
      `GET ${LIST}`,
      `GET ${API}/repos/${REPO}/labels/drift`,
      `POST ${API}/repos/${REPO}/issues`,
    ]);
    const race = stubFetch([
      { json: [] },
      { status: 404 },
      { status: 422, json: { message: 'Validation Failed', errors: [{ code: 'already_exists' }] } },
      { status: 201, json: issue(9, TITLE) },
    ]);
    const result = await syncDriftIssue({
      ...connection,
      fetch: race.fetch,
      environment: 'dev',
      drifted: true,
      body: REPORT,
    });
    expect(result.action).toBe('created');
  });

  test('drifted, one open (on the second page): its body becomes the new report', async () => {
    const page2 = `${API}/repositories/42/issues?state=open&labels=drift&per_page=100&page=2`;
    const { fetch, requests } = stubFetch([
      { json: [issue(3, 'Other')], link: `<${page2}>; rel="next"` },
      { json: [issue(12, TITLE)] },
      { json: issue(12, TITLE) },
    ]);
    const result = await syncDriftIssue({
      ...connection,
      fetch,
      environment: 'dev',
      drifted: true,
      body: REPORT,
    });
    expect(calls(requests)).toEqual([
      ['GET', LIST],
      ['GET', page2],
      ['PATCH', `${API}/repos/${REPO}/issues/12`, { body: REPORT }],
    ]);
    expect(result).toEqual({
      action: 'updated',
      number: 12,
      url: `https://github.com/${REPO}/issues/12`,
    });
  });

  test('clean, one open: a comment says so with the run, then the issue is closed as completed', async () => {
    const { fetch, requests } = stubFetch([
      { json: [issue(15, TITLE), issue(12, TITLE)] },
      { status: 201, json: { id: 1 } },
      { json: issue(12, TITLE) },
    ]);
    const result = await syncDriftIssue({
      ...connection,
      fetch,
      environment: 'dev',
      drifted: false,
      body: 'clean report',
      runUrl: RUN,
    });
    expect(calls(requests)).toEqual([
      ['GET', LIST],
      [
        'POST',
        `${API}/repos/${REPO}/issues/12/comments`,
        {
          body: `No drift in \`dev\` any more ([drift check](${RUN})): every resource matches the Terraform state. Closing.`,
        },
      ],
      ['PATCH', `${API}/repos/${REPO}/issues/12`, { state: 'closed', state_reason: 'completed' }],
    ]);
    expect(result).toEqual({
      action: 'closed',
      number: 12,
      url: `https://github.com/${REPO}/issues/12`,
    });
  });

  test('clean without a run URL: the closing comment names no run', async () => {
    const { fetch, requests } = stubFetch([
      { json: [issue(12, TITLE)] },
      { status: 201, json: {} },
      { json: {} },
    ]);
    await syncDriftIssue({ ...connection, fetch, environment: 'dev', drifted: false, body: '' });
    expect(requests[1].body).toEqual({
      body: 'No drift in `dev` any more: every resource matches the Terraform state. Closing.',
    });
  });

  test('clean, none open: nothing but the search', async () => {
    const { fetch, requests } = stubFetch([{ json: [issue(3, driftIssueTitle('prod'))] }]);
    const result = await syncDriftIssue({
      ...connection,
      fetch,
      environment: 'dev',
      drifted: false,
      body: '',
    });
    expect(calls(requests)).toEqual([['GET', LIST]]);
    expect(result).toEqual({ action: 'none' });
  });

  test('a report over the limit is cut with a note naming the run', async () => {
    const body = '| `aws_x` | a | b |\n'.repeat(4000); // 80 000 characters
    const { fetch, requests } = stubFetch([
      { json: [issue(12, TITLE)] },
      { json: issue(12, TITLE) },
    ]);
    await syncDriftIssue({
      ...connection,
      fetch,
      environment: 'dev',
      drifted: true,
      body,
      runUrl: RUN,
    });
    const sent = (requests[1].body as { body: string }).body;
    expect(sent.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    const [kept, rest] = sent.split('\n\n> **Cut short**');
    expect(rest).toBe(
      `: the text has 80000 characters, more than GitHub shows in one comment or issue (65536). The full report is in the artifacts of [the drift check](${RUN}).`,
    );
    expect(kept.split('\n').every((r) => r === '| `aws_x` | a | b |')).toBe(true);
    expect(sent.length).toBeGreaterThan(GITHUB_BODY_LIMIT - 20 - 4);
  });

  test('a server error while checking the label stops the run with its message', async () => {
    const { fetch } = stubFetch([{ json: [] }, { status: 502, text: 'Bad gateway' }]);
    await expect(
      syncDriftIssue({ ...connection, fetch, environment: 'dev', drifted: true, body: REPORT }),
    ).rejects.toThrow(
      `GitHub API GET /repos/${REPO}/labels/drift answered 502 Bad Gateway: Bad gateway (GitHub had an error; re-run the job)`,
    );
  });

  test('a label creation refused for another reason stops the run', async () => {
    const { fetch } = stubFetch([
      { json: [] },
      { status: 404 },
      { status: 403, json: { message: 'Forbidden' } },
    ]);
    await expect(
      syncDriftIssue({ ...connection, fetch, environment: 'dev', drifted: true, body: REPORT }),
    ).rejects.toThrow(`GitHub API POST /repos/${REPO}/labels answered 403 Forbidden: Forbidden`);
  });
});

describe('GitHubClient', () => {
  test('GITHUB_API_URL of GitHub Enterprise Server is honoured, a trailing slash dropped', async () => {
    const { fetch, requests } = stubFetch([{ json: [] }]);
    const client = new GitHubClient({
      ...connection,
      fetch,
      apiUrl: 'https://ghe.acme.test/api/v3/',
    });
    await client.paginate(client.repoPath('/issues/1/comments'));
    expect(requests[0].url).toBe(`https://ghe.acme.test/api/v3/repos/${REPO}/issues/1/comments`);
  });

  test('a repository that is not owner/name is refused', () => {
    expect(() => new GitHubClient({ token: 't', repository: 'acme' })).toThrow(
      'repository "acme" is not owner/name',
    );
  });

  test('a next page off the API is never followed (the token would go with it)', async () => {
    const { fetch } = stubFetch([
      { json: [], link: '<https://evil.test/steal?page=2>; rel="next"' },
    ]);
    const client = new GitHubClient({ ...connection, fetch });
    await expect(client.paginate('/repos/acme/healthcare/issues')).rejects.toThrow(
      'GitHub API GET /repos/acme/healthcare/issues: the next page https://evil.test/steal?page=2 is not under https://api.github.com',
    );
  });

  test('a Link loop stops after 100 pages', async () => {
    const self = `${API}/repos/acme/healthcare/issues?page=2`;
    const { fetch } = stubFetch(
      Array.from({ length: 100 }, () => ({ json: [1], link: `<${self}>; rel="next"` })),
    );
    const client = new GitHubClient({ ...connection, fetch });
    await expect(client.paginate('/repos/acme/healthcare/issues')).rejects.toThrow(
      'GitHub API GET /repos/acme/healthcare/issues: more than 100 pages',
    );
  });

  test('an unreachable API names the URL and the cause', async () => {
    const client = new GitHubClient({
      ...connection,
      fetch: () => Promise.reject(new Error('getaddrinfo ENOTFOUND api.github.com')),
    });
    await expect(client.request('GET', '/rate_limit')).rejects.toThrow(
      'GitHub API GET /rate_limit: cannot reach https://api.github.com (getaddrinfo ENOTFOUND api.github.com)',
    );
  });

  test('error answers: 401, 404 and 422 with their hints, a 500 without a body', async () => {
    const { fetch } = stubFetch([
      { status: 401, json: { message: 'Bad credentials' } },
      { status: 404, json: { message: 'Not Found' } },
      {
        status: 422,
        json: { message: 'Validation Failed', errors: [{ field: 'body', code: 'too_long' }] },
      },
      { status: 500, text: '' },
    ]);
    const client = new GitHubClient({ ...connection, fetch });
    const messages: string[] = [];
    for (let i = 0; i < 4; i++) {
      messages.push(
        await client.request('GET', '/x').then(
          () => 'ok',
          (e: Error) => e.message,
        ),
      );
    }
    expect(messages).toEqual([
      'GitHub API GET /x answered 401 Unauthorized: Bad credentials (the token is missing, wrong or expired (GITHUB_TOKEN))',
      'GitHub API GET /x answered 404 Not Found: Not Found (the repository, pull request or issue does not exist, or the token cannot see it)',
      'GitHub API GET /x answered 422 Unprocessable Entity: Validation Failed [{"field":"body","code":"too_long"}] (GitHub refused the request body)',
      'GitHub API GET /x answered 500 Internal Server Error (GitHub had an error; re-run the job)',
    ]);
  });

  test('an error without a hint or a known status name, and JSON without a message', async () => {
    const { fetch } = stubFetch([
      { status: 409, json: { documentation_url: 'https://docs.github.com' } },
      { status: 499, text: 'odd' },
    ]);
    const client = new GitHubClient({ ...connection, fetch });
    await expect(client.request('PATCH', '/y', { a: 1 })).rejects.toThrow(
      'GitHub API PATCH /y answered 409 Conflict: {"documentation_url":"https://docs.github.com"}',
    );
    await expect(client.request('GET', '/z')).rejects.toThrow(
      /^GitHub API GET \/z answered 499: odd$/,
    );
  });

  test('an error answer whose body cannot be read still names the status', async () => {
    const broken = {
      ok: false,
      status: 502,
      headers: new Headers(),
      text: () => Promise.reject(new Error('stream reset')),
    } as unknown as Response;
    const client = new GitHubClient({ ...connection, fetch: async () => broken });
    await expect(client.request('GET', '/w')).rejects.toThrow(
      /^GitHub API GET \/w answered 502 Bad Gateway \(GitHub had an error; re-run the job\)$/,
    );
  });

  test('uses the global fetch when none is given', async () => {
    const original = globalThis.fetch;
    const seen: string[] = [];
    globalThis.fetch = (async (url: string) => {
      seen.push(url);
      return new Response('{"ok":true}', { status: 200 });
    }) as typeof fetch;
    try {
      const client = new GitHubClient(connection);
      expect((await client.request('GET', '/rate_limit')).data).toEqual({ ok: true });
      expect(seen).toEqual([`${API}/rate_limit`]);
    } finally {
      globalThis.fetch = original;
    }
  });
});
