/**
 * The security rules of .github/ that actionlint does not know (docs/delivery.md): actions
 * pinned to commit SHAs, no pull_request_target, least privilege per job, applies behind a
 * GitHub environment and never cancelled. Read line by line: the files keep one job per
 * `  <id>:` block under `jobs:`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const ACTIONS = join(ROOT, '.github', 'actions');

const workflowFiles = readdirSync(WORKFLOWS)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const actionFiles = readdirSync(ACTIONS).map((d) => join('.github', 'actions', d, 'action.yml'));
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const workflow = (name: string) => read(join('.github', 'workflows', name));

/** The jobs of a workflow: id → its lines (the block under `  <id>:`). */
function jobs(text: string): Record<string, string> {
  const body = text.slice(text.indexOf('\njobs:\n') + '\njobs:\n'.length);
  const out: Record<string, string> = {};
  for (const block of body.split(/\n(?= {2}[\w-]+:\n)/)) {
    const id = /^ {2}([\w-]+):/.exec(block)?.[1];
    if (id) out[id] = block;
  }
  return out;
}

const UNTRUSTED =
  /\$\{\{[^}]*github\.(event\.pull_request\.(title|body|head\.ref|head\.label)|head_ref|event\.comment)/;

/** Line numbers of `run:` scripts that interpolate a value a pull request author controls. */
function untrustedInRun(text: string): number[] {
  const found: number[] = [];
  let runIndent = -1;
  text.split('\n').forEach((line, i) => {
    const indent = line.search(/\S/);
    if (runIndent >= 0 && line.trim() && indent <= runIndent) runIndent = -1;
    const run = /^(\s*)(- )?run:/.exec(line);
    if (run) runIndent = run[1].length + (run[2] ? 2 : 0);
    if (runIndent >= 0 && UNTRUSTED.test(line)) found.push(i + 1);
  });
  return found;
}

const allJobs = workflowFiles.flatMap((file) =>
  Object.entries(jobs(workflow(file))).map(([id, text]) => ({ file, id, text })),
);

describe('.github workflows and actions', () => {
  test('the four workflows and two local actions are the ones docs/delivery.md describes', () => {
    expect(workflowFiles).toEqual([
      'deliver-environment.yml',
      'deliver.yml',
      'drift.yml',
      'pull-request.yml',
    ]);
    expect(actionFiles.sort()).toEqual([
      join('.github', 'actions', 'setup', 'action.yml'),
      join('.github', 'actions', 'targets', 'action.yml'),
    ]);
    expect(allJobs.map((j) => `${j.file}:${j.id}`)).toEqual([
      'deliver-environment.yml:plan',
      'deliver-environment.yml:apply',
      'deliver.yml:targets',
      'deliver.yml:dev',
      'deliver.yml:prod',
      'drift.yml:targets',
      'drift.yml:detect',
      'drift.yml:issue',
      'pull-request.yml:checks',
      'pull-request.yml:policy',
      'pull-request.yml:unit-lts',
      'pull-request.yml:targets',
      'pull-request.yml:plan',
      'pull-request.yml:comment',
    ]);
  });

  test('every third-party action is pinned to a full commit SHA with its version in a comment', () => {
    const uses = [...workflowFiles.map((f) => join('.github', 'workflows', f)), ...actionFiles]
      .flatMap((file) => read(file).split('\n'))
      .filter((l) => /^\s*(- )?uses:/.test(l))
      .map((l) => l.replace(/^\s*(- )?uses:\s*/, ''))
      .filter((u) => !u.startsWith('./'));
    expect(uses.length).toBeGreaterThanOrEqual(15);
    const unpinned = uses.filter((u) => !/^[\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(u));
    expect(unpinned).toEqual([]);
    // One SHA per action everywhere
    const shas = new Map<string, Set<string>>();
    for (const u of uses) {
      const [action, rest] = u.split('@');
      shas.set(action, (shas.get(action) ?? new Set()).add(rest));
    }
    expect([...shas].filter(([, s]) => s.size > 1)).toEqual([]);
  });

  test('no pull_request_target, and every workflow starts from no permissions', () => {
    for (const file of workflowFiles) {
      expect(workflow(file)).not.toContain('pull_request_target');
      expect(workflow(file)).toMatch(/^permissions: \{\}$/m);
    }
  });

  test('every job states its permissions; id-token only where a role is assumed', () => {
    for (const job of allJobs) {
      expect([job.file, job.id, /\n {4}permissions:/.test(job.text)]).toEqual([
        job.file,
        job.id,
        true,
      ]);
      const assumes =
        job.text.includes('configure-aws-credentials') ||
        job.text.includes('uses: ./.github/workflows/deliver-environment.yml');
      expect([job.file, job.id, job.text.includes('id-token: write')]).toEqual([
        job.file,
        job.id,
        assumes,
      ]);
    }
  });

  test('pull-requests: write only for the comment job, issues: write only for the drift issue job', () => {
    const writers = (permission: string) =>
      allJobs
        .filter((j) => j.text.includes(`${permission}: write`))
        .map((j) => `${j.file}:${j.id}`);
    expect(writers('pull-requests')).toEqual(['pull-request.yml:comment']);
    expect(writers('issues')).toEqual(['drift.yml:issue']);
    expect(writers('contents')).toEqual([]);
    expect(allJobs.find((j) => j.id === 'comment')?.text).toContain('npm run -s ci:comment');
    expect(allJobs.find((j) => j.id === 'issue')?.text).toContain('npm run -s ci:drift-issue');
  });

  test('the apply job runs behind a GitHub environment, one at a time, never cancelled', () => {
    const appliers = allJobs.filter((j) => j.text.includes('npm run deploy'));
    expect(appliers.map((j) => `${j.file}:${j.id}`)).toEqual(['deliver-environment.yml:apply']);
    const apply = appliers[0].text;
    expect(apply).toContain('    environment:\n      name: ${{ inputs.github-environment }}');
    expect(apply).toContain(
      '    concurrency:\n      group: apply-${{ inputs.environment }}\n      cancel-in-progress: false',
    );
    expect(apply).toContain('npm run deploy -- --plan plan-out --yes');
    expect(workflow('deliver.yml')).toMatch(
      /^concurrency:\n {2}group: deliver-main\n {2}cancel-in-progress: false$/m,
    );
  });

  test('a pull request runs the unit tests on the LTS too; every other job on .nvmrc', () => {
    const lts = jobs(workflow('pull-request.yml'))['unit-lts'];
    expect(lts).toContain('          node-version-file: .node-lts-version\n');
    expect(lts).toContain("          terraform: 'false'\n");
    expect(lts).toContain('        run: npm run test:unit\n');
    const others = allJobs.filter((j) => j.id !== 'unit-lts');
    expect(others.filter((j) => j.text.includes('node-version-file'))).toEqual([]);
  });

  test('production is delivered only after dev', () => {
    const prod = jobs(workflow('deliver.yml')).prod;
    expect(prod).toContain('    needs: [targets, dev]');
    expect(prod).toContain('      github-environment: production');
  });

  test('no run: script reads an expression a pull request author controls', () => {
    for (const file of workflowFiles)
      expect([file, untrustedInRun(workflow(file))]).toEqual([file, []]);
  });

  test('the scan finds a planted injection in a run: script, and only there', () => {
    const planted = [
      'jobs:',
      '  a:',
      '    steps:',
      '      - env:',
      '          TITLE: ${{ github.event.pull_request.title }}',
      '        run: |',
      '          echo "$TITLE"',
      '          echo "${{ github.head_ref }}"',
      '      - name: x',
      '        run: echo ${{ github.event.pull_request.body }}',
      '      - name: ${{ github.event.pull_request.title }}',
    ].join('\n');
    expect(untrustedInRun(planted)).toEqual([8, 10]);
  });

  test('.nvmrc, .node-lts-version and .terraform-version hold the versions the setup action reads', () => {
    expect(read('.nvmrc')).toBe('22\n');
    expect(read('.node-lts-version')).toBe('26.12.1\n');
    expect(read('.terraform-version')).toBe('1.11.4\n');
    const setup = read(join('.github', 'actions', 'setup', 'action.yml'));
    expect(setup).toContain('  node-version-file:\n');
    expect(setup).toContain('    default: .nvmrc\n');
    expect(setup).toContain('        node-version-file: ${{ inputs.node-version-file }}');
    expect(setup).toContain('< .terraform-version)');
    expect(setup).toContain('terraform_wrapper: false');
  });
});
