import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  COMMENT_USAGE,
  DRIFT_ISSUE_USAGE,
  PLAN_CHANGES_USAGE,
  runCommentCli,
  runDriftIssueCli,
  runPlanChangesCli,
} from '../../../tools/delivery';
import type { CliDeps } from '../../../tools/delivery';
import { calls, stubFetch } from './github-stub';
import type { Answer } from './github-stub';

const API = 'https://api.github.com';
const REPO = 'acme/healthcare';
const MARKER = '<!-- healthcare-platform:plan-review:dev -->';
const FIXTURES = resolve(__dirname, '..', '..', 'fixtures', 'plans');

/** The environment of a pull_request workflow run, files in memory. */
function setup(answers: readonly Answer[], env: Record<string, string | undefined> = {}) {
  const { fetch, requests } = stubFetch(answers);
  const out: string[] = [];
  const err: string[] = [];
  const files: Record<string, string> = {
    '/run/event.json': JSON.stringify({
      number: 7,
      pull_request: { number: 7, head: { sha: '0123456789abcdef0123' } },
    }),
    'plan-out/review.md': '## Plan review: TapStackdev, environment `dev`\n',
    'drift-out/drift.md': '## Drift: TapStackdev (environment `dev`)\n',
  };
  const deps: CliDeps = {
    env: {
      GITHUB_TOKEN: 'ghs_secret',
      GITHUB_REPOSITORY: REPO,
      GITHUB_EVENT_PATH: '/run/event.json',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '99',
      GITHUB_SHA: 'ffffffffffffffffffff',
      ...env,
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    fetch,
    readFile: (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return files[p];
    },
  };
  return { deps, requests, out, err, files };
}

const RUN = `https://github.com/${REPO}/actions/runs/99`;

describe('npm run ci:comment', () => {
  test('--help prints the usage, exits 0 and sends nothing', async () => {
    const t = setup([]);
    expect(await runCommentCli(['--help'], t.deps)).toBe(0);
    expect(t.out).toEqual([COMMENT_USAGE]);
    expect(t.requests).toEqual([]);
    expect(COMMENT_USAGE.split('\n')[0]).toBe(
      'usage: npm run ci:comment -- --marker <env> --body-file <file> [--artifact <name>] [--pull-request <n>]',
    );
  });

  test("posts the review on the event's pull request with the commit, run and artifact under it", async () => {
    const t = setup([
      { json: [] },
      { status: 201, json: { id: 5, html_url: 'https://github.com/c/5' } },
    ]);
    const code = await runCommentCli(
      ['--marker', 'dev', '--body-file', 'plan-out/review.md', '--artifact', 'plan-dev'],
      t.deps,
    );
    expect(code).toBe(0);
    expect(calls(t.requests)).toEqual([
      ['GET', `${API}/repos/${REPO}/issues/7/comments?per_page=100`],
      [
        'POST',
        `${API}/repos/${REPO}/issues/7/comments`,
        {
          body: `${MARKER}\n## Plan review: TapStackdev, environment \`dev\`\n\n\n<sub>commit 0123456789ab · [workflow run](${RUN}) · saved plan: artifact \`plan-dev\`</sub>`,
        },
      ],
    ]);
    expect(t.out).toEqual(['ci:comment: created https://github.com/c/5']);
  });

  test('--pull-request overrides the event; GITHUB_API_URL and GITHUB_SHA are used; no run, no artifact', async () => {
    const t = setup([{ json: [] }, { status: 201, json: { id: 5, html_url: 'u' } }], {
      GITHUB_EVENT_PATH: undefined,
      GITHUB_RUN_ID: undefined,
      GITHUB_API_URL: 'https://ghe.acme.test/api/v3',
    });
    const code = await runCommentCli(
      ['--marker', 'dev', '--body-file', 'plan-out/review.md', '--pull-request', '12'],
      t.deps,
    );
    expect(code).toBe(0);
    expect(t.requests[0].url).toBe(
      `https://ghe.acme.test/api/v3/repos/${REPO}/issues/12/comments?per_page=100`,
    );
    expect(
      (t.requests[1].body as { body: string }).body.endsWith('\n\n<sub>commit ffffffffffff</sub>'),
    ).toBe(true);
  });

  test('with the real file system and global fetch; an event without head sha and no GITHUB_SHA: no footer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-comment-'));
    const original = globalThis.fetch;
    const sent: string[] = [];
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      sent.push(`${init.method} ${url} ${init.body ?? ''}`);
      return new Response(init.method === 'GET' ? '[]' : '{"id":1,"html_url":"u"}', {
        status: 200,
      });
    }) as typeof fetch;
    try {
      writeFileSync(join(dir, 'event.json'), JSON.stringify({ number: 3 }));
      writeFileSync(join(dir, 'review.md'), 'review');
      const t = setup([], {
        GITHUB_EVENT_PATH: join(dir, 'event.json'),
        GITHUB_SHA: undefined,
        GITHUB_RUN_ID: undefined,
      });
      const deps: CliDeps = { env: t.deps.env, out: t.deps.out, err: t.deps.err };
      expect(
        await runCommentCli(['--marker', 'dev', '--body-file', join(dir, 'review.md')], deps),
      ).toBe(0);
      expect(sent).toEqual([
        `GET ${API}/repos/${REPO}/issues/3/comments?per_page=100 `,
        `POST ${API}/repos/${REPO}/issues/3/comments ${JSON.stringify({ body: `${MARKER}\nreview` })}`,
      ]);
    } finally {
      globalThis.fetch = original;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a review over the limit: cut, with a note naming the file, artifact and run', async () => {
    const t = setup([{ json: [] }, { status: 201, json: { id: 5, html_url: 'u' } }]);
    t.files['plan-out/review.md'] = 'row\n'.repeat(20000);
    const code = await runCommentCli(
      ['--marker', 'dev', '--body-file', 'plan-out/review.md', '--artifact', 'plan-dev'],
      t.deps,
    );
    expect(code).toBe(0);
    const sent = (t.requests[1].body as { body: string }).body;
    expect(sent).toContain(
      `(65536). The full review is \`review.md\` in the artifact \`plan-dev\` of [the workflow run](${RUN}).\n\n<sub>`,
    );
    expect(t.out).toEqual([
      'ci:comment: created u (cut short: the review is longer than a comment holds)',
    ]);
  });

  test('an update that removes a duplicate says so', async () => {
    const t = setup([
      {
        json: [
          { id: 1, body: `${MARKER}\na`, html_url: 'u1' },
          { id: 2, body: `${MARKER}\nb`, html_url: 'u2' },
        ],
      },
      { json: { id: 1, html_url: 'u1' } },
      { status: 204 },
    ]);
    expect(
      await runCommentCli(['--marker', 'dev', '--body-file', 'plan-out/review.md'], t.deps),
    ).toBe(0);
    expect(t.out).toEqual(['ci:comment: updated u1; deleted duplicates 2']);
    const sent = (t.requests[1].body as { body: string }).body;
    expect(sent.endsWith(`<sub>commit 0123456789ab · [workflow run](${RUN})</sub>`)).toBe(true);
  });

  test.each([
    [['--body-file', 'plan-out/review.md'], 'ci:comment: --marker is required'],
    [['--marker', 'dev'], 'ci:comment: --body-file is required'],
    [['--marker', 'dev', '--body-file', 'f', '--colour'], "ci:comment: Unknown option '--colour'"],
    [
      ['--marker', 'dev', '--body-file', 'f', '--pull-request', '7a'],
      'ci:comment: --pull-request 7a: expected a number',
    ],
  ])('bad arguments %j exit 2 naming the problem, then the usage once', async (argv, message) => {
    const t = setup([]);
    expect(await runCommentCli(argv, t.deps)).toBe(2);
    expect(t.err).toHaveLength(1);
    expect(t.err[0].startsWith(message)).toBe(true);
    expect(t.err[0].endsWith(`\n${COMMENT_USAGE}`)).toBe(true);
    expect(t.err[0].split('usage: npm run ci:comment')).toHaveLength(2);
    expect(t.requests).toEqual([]);
  });

  test('a missing token, repository or event exits 2 saying how to set it', async () => {
    const argv = ['--marker', 'dev', '--body-file', 'plan-out/review.md'];
    const noToken = setup([], { GITHUB_TOKEN: '' });
    expect(await runCommentCli(argv, noToken.deps)).toBe(2);
    expect(noToken.err).toEqual([
      `ci:comment: GITHUB_TOKEN is not set: in a workflow step, set env: GITHUB_TOKEN: \${{ github.token }}\n${COMMENT_USAGE}`,
    ]);
    const noRepo = setup([], { GITHUB_REPOSITORY: undefined });
    expect(await runCommentCli(argv, noRepo.deps)).toBe(2);
    expect(noRepo.err[0]).toMatch(/^ci:comment: GITHUB_REPOSITORY is not set: owner\/name/);
    const noEvent = setup([], { GITHUB_EVENT_PATH: undefined });
    expect(await runCommentCli(argv, noEvent.deps)).toBe(2);
    expect(noEvent.err[0]).toMatch(
      /^ci:comment: GITHUB_EVENT_PATH is not set: it names the event file/,
    );
  });

  test("an event that is not a pull request's exits 2", async () => {
    const t = setup([]);
    t.files['/run/event.json'] = JSON.stringify({ ref: 'refs/heads/main' });
    expect(
      await runCommentCli(['--marker', 'dev', '--body-file', 'plan-out/review.md'], t.deps),
    ).toBe(2);
    expect(t.err).toEqual([
      `ci:comment: the event in /run/event.json is not a pull request's (no pull_request.number): pass --pull-request <n>\n${COMMENT_USAGE}`,
    ]);
  });

  test('a review file that cannot be read exits 1 naming it', async () => {
    const t = setup([]);
    expect(await runCommentCli(['--marker', 'dev', '--body-file', 'nope.md'], t.deps)).toBe(1);
    expect(t.err).toEqual([
      "ci:comment: cannot read the review nope.md: ENOENT: no such file or directory, open 'nope.md'",
    ]);
  });

  test('GitHub refusing (4xx) or failing (5xx) exits 1 with its message', async () => {
    const refused = setup([
      { status: 403, json: { message: 'Resource not accessible by integration' } },
    ]);
    const argv = ['--marker', 'dev', '--body-file', 'plan-out/review.md'];
    expect(await runCommentCli(argv, refused.deps)).toBe(1);
    expect(refused.err[0]).toMatch(
      /^ci:comment: GitHub API GET \/repos\/acme\/healthcare\/issues\/7\/comments\?per_page=100 answered 403 Forbidden: Resource not accessible by integration/,
    );
    const failing = setup([{ json: [] }, { status: 503, text: 'unavailable' }]);
    expect(await runCommentCli(argv, failing.deps)).toBe(1);
    expect(failing.err).toEqual([
      'ci:comment: GitHub API POST /repos/acme/healthcare/issues/7/comments answered 503 Service Unavailable: unavailable (GitHub had an error; re-run the job)',
    ]);
  });
});

describe('npm run ci:drift-issue', () => {
  const TITLE = 'Drift: environment dev differs from its Terraform state';
  const LIST = `${API}/repos/${REPO}/issues?state=open&labels=drift&per_page=100`;

  test('--help prints the usage, exits 0 and sends nothing', async () => {
    const t = setup([]);
    expect(await runDriftIssueCli(['--environment', 'dev', '--help'], t.deps)).toBe(0);
    expect(t.out).toEqual([DRIFT_ISSUE_USAGE]);
    expect(t.requests).toEqual([]);
  });

  test('--drifted true with an open issue updates it with the report', async () => {
    const issue = { number: 4, title: TITLE, html_url: 'https://github.com/i/4' };
    const t = setup([{ json: [issue] }, { json: issue }]);
    const code = await runDriftIssueCli(
      ['--environment', 'dev', '--report', 'drift-out/drift.md', '--drifted', 'true'],
      t.deps,
    );
    expect(code).toBe(0);
    expect(calls(t.requests)).toEqual([
      ['GET', LIST],
      [
        'PATCH',
        `${API}/repos/${REPO}/issues/4`,
        { body: '## Drift: TapStackdev (environment `dev`)\n' },
      ],
    ]);
    expect(t.out).toEqual(['ci:drift-issue: updated #4 https://github.com/i/4']);
  });

  test('--drifted false closes the open issue naming the run; with none open it says so', async () => {
    const issue = { number: 4, title: TITLE, html_url: 'https://github.com/i/4' };
    const t = setup([{ json: [issue] }, { status: 201, json: {} }, { json: issue }]);
    const argv = ['--environment', 'dev', '--report', 'drift-out/drift.md', '--drifted', 'false'];
    expect(await runDriftIssueCli(argv, t.deps)).toBe(0);
    expect(calls(t.requests)[1]).toEqual([
      'POST',
      `${API}/repos/${REPO}/issues/4/comments`,
      {
        body: `No drift in \`dev\` any more ([drift check](${RUN})): every resource matches the Terraform state. Closing.`,
      },
    ]);
    expect(t.out).toEqual(['ci:drift-issue: closed #4 https://github.com/i/4']);
    const none = setup([{ json: [] }]);
    expect(await runDriftIssueCli(argv, none.deps)).toBe(0);
    expect(none.out).toEqual(['ci:drift-issue: none (dev is clean and no drift issue is open)']);
  });

  test('--drifted must be true or false; the report must be readable; GitHub errors exit 1', async () => {
    const bad = setup([]);
    expect(
      await runDriftIssueCli(
        ['--environment', 'dev', '--report', 'r', '--drifted', 'yes'],
        bad.deps,
      ),
    ).toBe(2);
    expect(bad.err).toEqual([
      `ci:drift-issue: --drifted yes: expected true or false\n${DRIFT_ISSUE_USAGE}`,
    ]);
    const missing = setup([]);
    expect(
      await runDriftIssueCli(
        ['--environment', 'dev', '--report', 'gone.md', '--drifted', 'true'],
        missing.deps,
      ),
    ).toBe(1);
    expect(missing.err[0]).toBe(
      "ci:drift-issue: cannot read the drift report gone.md: ENOENT: no such file or directory, open 'gone.md'",
    );
    const refused = setup([
      { status: 410, json: { message: 'Issues are disabled for this repo' } },
    ]);
    const argv = ['--environment', 'dev', '--report', 'drift-out/drift.md', '--drifted', 'true'];
    expect(await runDriftIssueCli(argv, refused.deps)).toBe(1);
    expect(refused.err).toEqual([
      `ci:drift-issue: GitHub API GET /repos/${REPO}/issues?state=open&labels=drift&per_page=100 answered 410 Gone: Issues are disabled for this repo (issues are turned off for this repository)`,
    ]);
  });
});

describe('npm run ci:plan-changes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-changes-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function planDir(fixture: string): string {
    const d = join(dir, fixture.replace('.json', ''));
    mkdirSync(d);
    copyFileSync(join(FIXTURES, fixture), join(d, 'plan.json'));
    return d;
  }

  test('prints changes and appends them to GITHUB_OUTPUT', async () => {
    const t = setup([], { GITHUB_OUTPUT: join(dir, 'github-output') });
    const code = await runPlanChangesCli(['--plan', planDir('create-only.json')], {
      ...t.deps,
      appendFile: undefined,
    });
    expect(code).toBe(0);
    expect(t.out).toEqual(['changes=true\nsummary=2 create']);
    expect(readFileSync(join(dir, 'github-output'), 'utf8')).toBe(
      'changes=true\nsummary=2 create\n',
    );
  });

  test('a plan with no changes says false; without GITHUB_OUTPUT nothing is written', async () => {
    const t = setup([], { GITHUB_OUTPUT: undefined });
    const written: string[] = [];
    const code = await runPlanChangesCli(['--plan', planDir('review-no-changes.json')], {
      ...t.deps,
      appendFile: (p) => written.push(p),
    });
    expect([code, t.out, written]).toEqual([0, ['changes=false\nsummary=no changes'], []]);
  });

  test('--help, a missing --plan (2) and a folder without plan.json (1)', async () => {
    const help = setup([]);
    expect(await runPlanChangesCli(['--help'], help.deps)).toBe(0);
    expect(help.out).toEqual([PLAN_CHANGES_USAGE]);
    const usage = setup([]);
    expect(await runPlanChangesCli([], usage.deps)).toBe(2);
    expect(usage.err).toEqual([`ci:plan-changes: --plan is required\n${PLAN_CHANGES_USAGE}`]);
    const empty = setup([]);
    writeFileSync(join(dir, 'other.json'), '{}');
    expect(await runPlanChangesCli(['--plan', dir], empty.deps)).toBe(1);
    expect(empty.err[0]).toMatch(/^ci:plan-changes: .*plan\.json: cannot read the file/);
  });
});
