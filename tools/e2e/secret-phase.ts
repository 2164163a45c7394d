/**
 * The last e2e phase: no secret the stacks own appears in anything the run wrote. The values
 * were read back while the stacks existed (E2eRun.captureSecrets); here the diagram is drawn
 * from the synthesized stacks, then every log, plan JSON, plan review, guard verdict, outputs
 * file, test result and synthesized JSON is searched. Exercised by `npm run test:e2e`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run } from '../core';
import { SECOND_CHECKOUT } from './deploy-paths';
import { E2eRun, OUTDIR, ROOT, WORK } from './e2e-run';
import type { E2ePhase } from './procedure';
import { formatFindings, scanFiles } from './secret-scan';
import { formatStateSecrets } from './state-secrets';

/** Files and folders the scan reads (under .e2e/ unless named; the pictures in docs/ too). */
export function scanRoots(startedAt = 0): string[] {
  const inWork = fs.existsSync(WORK)
    ? fs
        .readdirSync(WORK)
        .filter((f) => /\.(json|jsonl|md|svg|txt)$/.test(f))
        .map((f) => path.join(WORK, f))
    : [];
  const docs = path.join(ROOT, 'docs');
  const pictures = fs
    .readdirSync(docs)
    .filter((f) => /^architecture.*\.svg$/.test(f))
    .map((f) => path.join(docs, f));
  // The run folders `npm run plan` / `npm run deploy` made in this run, in both checkouts.
  const runs = [
    path.join(ROOT, 'cdktf.out', 'runs'),
    path.join(SECOND_CHECKOUT, 'cdktf.out', 'runs'),
  ]
    .filter((dir) => fs.existsSync(dir))
    .flatMap((dir) => fs.readdirSync(dir).map((f) => path.join(dir, f)))
    .filter((dir) => fs.statSync(dir).mtimeMs >= startedAt);
  return [
    ...runs,
    path.join(WORK, 'logs'),
    path.join(WORK, 'plans'),
    path.join(WORK, 'diagram'),
    ...inWork,
    ...pictures,
  ];
}

/** Synthesized Terraform JSON of every synth of the run (not .terraform/ provider folders). */
function synthesizedJson(): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.terraform') continue;
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(p);
      else if (entry.isFile() && entry.name.endsWith('.json')) found.push(p);
    }
  };
  visit(OUTDIR);
  visit(path.join(WORK, 'steps'));
  return found;
}

export const noSecretAnywhere: E2ePhase<E2eRun> = {
  name: 'no secret in any log, output or artifact',
  proves:
    'no secret value the stacks own (Secrets Manager values, sensitive state values) appears, as is, JSON-escaped, URL-encoded or base64, in any log, plan JSON, plan review, outputs file or the diagram',
  async run(e2e, note) {
    const diagram = path.join(WORK, 'diagram');
    await run(
      'node',
      [
        '--require',
        'tsx/cjs',
        'tools/diagram/diagram.command.ts',
        '--dir',
        path.join(OUTDIR, e2e.settings.environments[0] ?? 'bootstrap'),
        '--out',
        diagram,
      ],
      e2e.opts('diagram.log'),
    );
    e2e.findings.secrets = [...e2e.secretSources, ...formatStateSecrets(e2e.stateSecretEntries)];
    const fromSecretsManager = e2e.secrets.filter((s) => s.label.includes('(Secrets Manager)'));
    if (e2e.platformStacks.length === 0 && e2e.secrets.length === 0) {
      // E2E_SKIP_PLATFORM: no database, so no secret of the stacks' to look for.
      note('no platform stack deployed: no secret value to search for');
      return;
    }
    if (fromSecretsManager.length === 0)
      throw new Error(
        'no secret value was read back from Secrets Manager (the RDS-managed master secret is expected): the scan would prove nothing',
      );
    const result = scanFiles([...scanRoots(e2e.startedAt), ...synthesizedJson()], e2e.secrets);
    if (result.findings.length > 0)
      throw new Error(
        `secret values found (values not shown):\n${formatFindings(result.findings, ROOT)}`,
      );
    note(
      `${new Set(e2e.secrets.map((s) => s.value)).size} secret values, ${result.files} files, ${(result.bytes / 1e6).toFixed(1)} MB: none found`,
    );
  },
};
