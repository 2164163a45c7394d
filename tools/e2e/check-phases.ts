/**
 * What the run checks once everything is deployed: the integration tests (e2e/) per
 * environment, each in its account; that a re-plan of every stack changes nothing; that the
 * central state's S3 lock file refuses a second holder. Exercised by `npm run test:e2e`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { run } from '../core';
import { credentialEnv } from './accounts';
import { classifyPlan, formatVerdict } from './drift';
import { BASELINE, BOOTSTRAP, E2eRun, JEST, platformStack, WORK } from './e2e-run';
import type { E2ePhase } from './procedure';

type Phase = E2ePhase<E2eRun>;

const LIMITATIONS_FILE = () => path.join(WORK, 'limitations.jsonl');

/** One jest run of e2e/ with the given credentials and environment; results added to findings. */
async function jestRun(
  e2e: E2eRun,
  tag: string,
  env: Record<string, string>,
  select: string[],
): Promise<void> {
  const resultsFile = path.join(WORK, `jest-results-${tag}.json`);
  try {
    await run(
      JEST,
      ['-c', 'jest.e2e.config.js', '--json', '--outputFile', resultsFile, ...select],
      {
        ...e2e.opts(`jest-${tag}.log`),
        env,
        echoPrefix: '    ',
        echoFilter: /✓|✕|○|PASS|FAIL|Tests:|●|limitation/,
      },
    );
  } finally {
    readTestResults(e2e, resultsFile);
  }
}

function readTestResults(e2e: E2eRun, resultsFile: string): void {
  if (fs.existsSync(resultsFile)) {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    const before = e2e.findings.tests ?? { passed: 0, failed: 0, skipped: 0, total: 0 };
    e2e.findings.tests = {
      passed: before.passed + r.numPassedTests,
      failed: before.failed + r.numFailedTests,
      skipped: before.skipped + r.numPendingTests + (r.numTodoTests ?? 0),
      total: before.total + r.numTotalTests,
    };
  }
  if (fs.existsSync(LIMITATIONS_FILE())) {
    e2e.findings.limitations = [
      ...new Set([
        ...e2e.findings.limitations,
        ...fs.readFileSync(LIMITATIONS_FILE(), 'utf8').split('\n').filter(Boolean),
      ]),
    ];
  }
}

export const integrationTests: Phase = {
  name: (_e2e, environment) =>
    environment ? `integration tests ${environment}` : 'integration tests (bootstrap)',
  proves:
    "the deployed resources are configured as synthesized (e2e/ tests with the AWS SDK): each environment's platform and baseline in its account, its state object in the tooling account's bucket",
  forEachStack: (e2e) =>
    e2e.settings.environments.length > 0 && !e2e.settings.skipPlatform
      ? e2e.settings.environments
      : [''],
  async run(e2e, note, environment) {
    const outputs = e2e.writeOutputsFile(environment || undefined);
    const common = {
      E2E_OUTPUTS_FILE: outputs,
      E2E_BOOTSTRAP_STACK: BOOTSTRAP,
      E2E_EMULATOR: '1',
      E2E_LIMITATIONS_FILE: LIMITATIONS_FILE(),
    };
    if (!environment) {
      await jestRun(e2e, BOOTSTRAP, e2e.env({ ...common, E2E_SKIP_PLATFORM: '1' }), []);
    } else {
      const label = platformStack(environment);
      const stack = e2e.stack(label);
      const platform = {
        ...common,
        ...e2e.synthSettings(environment, stack.settings),
        E2E_STACK: label,
        E2E_STATE_KEY: e2e.backendOf(label)?.key ?? '',
      };
      // The state bucket is the tooling account's; the environment's resources are its own.
      await jestRun(e2e, `${environment}-state`, e2e.env({ ...platform, E2E_BASELINE_STACK: '' }), [
        '--testPathPatterns',
        'state-backend',
      ]);
      await jestRun(
        e2e,
        environment,
        e2e.env({
          ...platform,
          E2E_BASELINE_STACK: BASELINE,
          ...credentialEnv(e2e.admins.get(environment)!),
        }),
        ['--testPathIgnorePatterns', 'state-backend', 'e2e/live/'],
      );
    }
    const t = e2e.findings.tests;
    note(`${t?.passed ?? 0}/${t?.total ?? 0} passed so far`);
  },
};

export const planConverges: Phase = {
  name: 'plan converges (no changes)',
  proves: 'a re-plan of every stack after deploy changes nothing but allow-listed emulator drift',
  async run(e2e, note) {
    const drift = e2e.findings.drift;
    const verdicts = await Promise.all(
      e2e.allStacks.map(async (label) => {
        const stack = e2e.stack(label);
        const planFile = path.join(WORK, `${label}.tfplan`);
        const options = e2e.stackOpts(stack, `plan-${label}.log`);
        const plan = await run(
          'terraform',
          ['plan', '-input=false', '-lock-timeout=60s', '-detailed-exitcode', `-out=${planFile}`],
          { ...options, okCodes: [0, 2] },
        );
        if (plan.code === 0) return [`  ${label}: no changes`];
        const show = await run('terraform', ['show', '-json', planFile], options);
        return formatVerdict(label, classifyPlan(JSON.parse(show.stdout)));
      }),
    );
    for (const lines of verdicts) drift.push(...lines);
    for (const line of drift) process.stdout.write(`${line}\n`);
    const problems = drift.filter((l) => l.includes('REFUSED'));
    if (problems.length > 0)
      throw new Error(`the plan after deploy is not empty:\n${problems.join('\n')}`);
    note(
      drift.some((l) => l.includes('allowed')) ? 'only allow-listed emulator drift' : 'no changes',
    );
  },
};

export const stateLock: Phase = {
  name: 'state lock refuses a second holder (S3 lock file)',
  proves:
    "while another holder has the environment's S3 lock file in the central bucket, a plan from the environment's account is refused",
  skipWhen: (e2e) =>
    e2e.platformStacks[0] && e2e.backendOf(e2e.platformStacks[0])?.use_lockfile
      ? undefined
      : 'no platform stack, or its state is not locked with the S3 lock file',
  async run(e2e, note) {
    const label = e2e.platformStacks[0];
    const backend = e2e.backendOf(label)!;
    const s3 = new S3Client({ ...e2e.clientSettings(), forcePathStyle: true, maxAttempts: 2 });
    const lockKey = `${backend.key}.tflock`;
    const info = {
      ...{ ID: 'e2e-held-lock', Operation: 'OperationTypeApply', Who: 'e2e@another-runner' },
      ...{
        Version: '1.11.4',
        Created: new Date().toISOString(),
        Path: `${backend.bucket}/${backend.key}`,
      },
    };
    await s3.send(
      new PutObjectCommand({
        Bucket: backend.bucket,
        Key: lockKey,
        Body: JSON.stringify(info),
        IfNoneMatch: '*',
      }),
    );
    try {
      const second = await run(
        'terraform',
        ['plan', '-input=false', '-lock-timeout=0s', '-no-color'],
        e2e.stackOpts(e2e.stack(label), `lock-${label}.log`, { okCodes: [0, 1, 2] }),
      );
      const text = second.stdout + second.stderr;
      if (
        second.code !== 1 ||
        !/Error acquiring the state lock/.test(text) ||
        !/e2e-held-lock/.test(text)
      ) {
        throw new Error(
          `a plan while another holder has the lock was not refused (exit ${second.code})`,
        );
      }
    } finally {
      await s3.send(new DeleteObjectCommand({ Bucket: backend.bucket, Key: lockKey }));
    }
    note(`plan refused with "Error acquiring the state lock", naming the holder (${lockKey})`);
  },
};
