import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  actionlint,
  formatFindings,
  lintWorkflows,
  workflowFiles,
} from '../../../tools/check/workflow-lint';
import type { WorkflowLinter } from '../../../tools/check/workflow-lint';

let root: string;
let dir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'workflow-lint-'));
  dir = join(root, '.github', 'workflows');
  mkdirSync(dir, { recursive: true });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const GOOD = `name: good
on:
  pull_request:
permissions: {}
jobs:
  greet:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - name: Greet
        env:
          TITLE: \${{ github.event.pull_request.title }}
          ROLE: \${{ vars.AWS_PLAN_ROLE_ARN_DEV }}
        run: echo "$TITLE $ROLE"
`;

describe('workflowFiles', () => {
  test('lists .yml and .yaml files, sorted, and nothing else', () => {
    for (const f of ['b.yml', 'a.yaml', 'notes.md', 'c.yml.bak']) writeFileSync(join(dir, f), '');
    expect(workflowFiles(dir)).toEqual([join(dir, 'a.yaml'), join(dir, 'b.yml')]);
  });

  test('a repository without workflows has none', () => {
    expect(workflowFiles(join(root, 'absent'))).toEqual([]);
  });
});

describe('lintWorkflows with real actionlint', () => {
  test('a valid workflow (vars context, empty top-level permissions, env-passed input) has no findings', async () => {
    writeFileSync(join(dir, 'good.yml'), GOOD);
    expect(await lintWorkflows(dir, root)).toEqual([]);
  });

  test('a planted expression injection and an undefined step fail the check', async () => {
    // Given a workflow that puts the PR title into a script and reads a step that does not exist
    const bad = GOOD.replace(
      '        run: echo "$TITLE $ROLE"\n',
      [
        '        run: echo "$TITLE $ROLE"',
        '      - run: echo ${{ github.event.pull_request.title }}',
        '      - run: echo "${{ steps.plan.outputs.exitcode }}"',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'bad.yml'), bad);
    // When linted
    const findings = await lintWorkflows(dir, root);
    // Then both are reported at their line and column
    expect(findings.map((f) => [f.file, f.line, f.column, f.kind])).toEqual([
      [join('.github', 'workflows', 'bad.yml'), 16, 23, 'expression'],
      [join('.github', 'workflows', 'bad.yml'), 17, 24, 'expression'],
    ]);
    expect(findings[0].message).toMatch(
      /^"github\.event\.pull_request\.title" is potentially untrusted/,
    );
    expect(findings[1].message).toMatch(/^property "plan" is not defined in object type/);
  });

  test('the linter is loaded once per process', () => {
    expect(actionlint()).toBe(actionlint());
  });
});

describe('lintWorkflows and formatFindings', () => {
  test('findings name the file relative to the root; empty messages are dropped', async () => {
    writeFileSync(join(dir, 'a.yml'), 'A');
    writeFileSync(join(dir, 'b.yml'), 'B');
    const seen: string[] = [];
    const stub: WorkflowLinter = async (source, path) => {
      seen.push(`${path}=${source}`);
      return source === 'A'
        ? [
            { message: 'first', line: 3, column: 5, kind: 'syntax-check' },
            { message: '', line: 1, column: 1, kind: 'none' },
          ]
        : [];
    };
    const findings = await lintWorkflows(dir, root, stub);
    const a = join('.github', 'workflows', 'a.yml');
    expect(seen).toEqual([`${a}=A`, `${join('.github', 'workflows', 'b.yml')}=B`]);
    expect(findings).toEqual([
      { file: a, line: 3, column: 5, kind: 'syntax-check', message: 'first' },
    ]);
    expect(formatFindings(findings)).toBe(`${a}:3:5: first [syntax-check]`);
  });
});
