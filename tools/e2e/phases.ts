/**
 * The e2e lifecycle, in order: each entry names a phase, says what it proves and does it.
 * Add a lifecycle phase by adding an entry here. Exercised end to end by `npm run test:e2e`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { prepareTerraform, run } from '../core';
import { EMULATOR_OVERRIDE_FILE, emulatorOverride } from '../deploy';
import { startEmulator } from '../emulator';
import { classifyPlan, formatVerdict } from './drift';
import { BOOTSTRAP, CDKTF, E2eRun, JEST, LOGS, OUTDIR, PROGRESS, readStack, WORK } from './e2e-run';
import { findLeftovers } from './leftovers';
import type { E2ePhase } from './procedure';

type Phase = E2ePhase<E2eRun>;

const prepare: Phase = {
  name: 'prepare',
  proves: 'terraform and the AWS provider from the mirror are usable offline',
  async run(e2e, note) {
    fs.rmSync(WORK, { recursive: true, force: true });
    fs.mkdirSync(LOGS, { recursive: true });
    for (const tool of ['terraform', 'node']) {
      await run('sh', ['-c', `command -v ${tool}`]).catch(() => {
        throw new Error(`${tool} is not on PATH (see docs/e2e.md)`);
      });
    }
    if (fs.existsSync(e2e.bootstrapState)) {
      throw new Error(
        `${e2e.bootstrapState} exists: it may be the state of a real bootstrap. The e2e run keeps its ` +
          `own bootstrap state at that path and deletes it at the end, so it refuses to run; move the file away first.`,
      );
    }
    const tf = prepareTerraform(WORK);
    e2e.tf = tf;
    const version = await run('terraform', ['version', '-json'], { env: tf.env });
    note(
      `terraform ${JSON.parse(version.stdout).terraform_version}, hashicorp/aws ${tf.providerVersions.join(', ')} from ${tf.mirrorRoot}`,
    );
  },
};

const startEmulatorPhase: Phase = {
  name: 'start emulator',
  proves: "the emulator (moto with the project's extensions) answers on loopback",
  async run(e2e, note) {
    e2e.emulator = await startEmulator({
      region: e2e.settings.region,
      logFile: path.join(LOGS, 'emulator.log'),
    });
    note(e2e.emulator.endpoint);
  },
};

const synth: Phase = {
  name: 'synth',
  proves: 'the app synthesizes the bootstrap and every requested platform stack',
  async run(e2e, note) {
    await run('sh', ['-c', e2e.settings.app], {
      ...e2e.opts('synth.log'),
      env: e2e.env({
        CDKTF_OUTDIR: OUTDIR,
        CDKTF_CONTEXT_JSON: JSON.stringify(e2e.settings.context),
        ENVIRONMENT_SUFFIX: e2e.settings.environments.join(','),
      }),
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(OUTDIR, 'manifest.json'), 'utf8'));
    for (const [name, s] of Object.entries(
      manifest.stacks as Record<string, { workingDirectory: string }>,
    )) {
      const dir = path.join(OUTDIR, s.workingDirectory);
      fs.writeFileSync(path.join(dir, EMULATOR_OVERRIDE_FILE), emulatorOverride());
      e2e.stacks.set(name, readStack(name, dir));
    }
    for (const wanted of e2e.allStacks) {
      if (!e2e.stacks.has(wanted))
        throw new Error(
          `the app did not synthesize ${wanted} (got ${[...e2e.stacks.keys()].join(', ')})`,
        );
    }
    note([...e2e.stacks.keys()].join(', '));
  },
};

const deployBootstrap: Phase = {
  name: `deploy ${BOOTSTRAP} (local state)`,
  proves: 'the state bucket, lock table and key deploy, with no empty output',
  async run(e2e, note) {
    e2e.createdBootstrapState = true;
    await e2e.deploy(e2e.stack(BOOTSTRAP));
    note(`${e2e.findings.resources[BOOTSTRAP]} resources`);
  },
};

const deployPlatform: Phase = {
  name: (_e2e, stack) => `deploy ${stack} (S3 backend)`,
  proves: 'the platform deploys with its state in the bootstrapped S3 backend, no empty output',
  forEachStack: (e2e) => e2e.platformStacks,
  async run(e2e, note, stack) {
    await e2e.deploy(e2e.stack(stack));
    note(`${e2e.findings.resources[stack]} resources`);
  },
};

const integrationTests: Phase = {
  name: 'integration tests',
  proves: 'the deployed resources are configured as synthesized (e2e/ tests with the AWS SDK)',
  async run(e2e, note) {
    e2e.writeOutputsFile();
    const resultsFile = path.join(WORK, 'jest-results.json');
    const limitationsFile = path.join(WORK, 'limitations.jsonl');
    const first = e2e.platformStacks[0];
    const testEnv = e2e.env({
      E2E_OUTPUTS_FILE: e2e.outputsFile,
      E2E_BOOTSTRAP_STACK: BOOTSTRAP,
      E2E_EMULATOR: '1',
      E2E_LIMITATIONS_FILE: limitationsFile,
      ...(first
        ? { E2E_STACK: first, E2E_STATE_KEY: e2e.backendOf(first)?.key ?? '' }
        : { E2E_SKIP_PLATFORM: '1' }),
    });
    try {
      await run(JEST, ['-c', 'jest.e2e.config.js', '--json', '--outputFile', resultsFile], {
        ...e2e.opts('jest.log'),
        env: testEnv,
        echoPrefix: '    ',
        echoFilter: /✓|✕|○|PASS|FAIL|Tests:|●|limitation/,
      });
    } finally {
      readTestResults(e2e, resultsFile, limitationsFile);
    }
    note(`${e2e.findings.tests?.passed ?? 0}/${e2e.findings.tests?.total ?? 0} passed`);
  },
};

function readTestResults(e2e: E2eRun, resultsFile: string, limitationsFile: string): void {
  if (fs.existsSync(resultsFile)) {
    const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    e2e.findings.tests = {
      passed: r.numPassedTests,
      failed: r.numFailedTests,
      skipped: r.numPendingTests + (r.numTodoTests ?? 0),
      total: r.numTotalTests,
    };
  }
  if (fs.existsSync(limitationsFile)) {
    e2e.findings.limitations = [
      ...new Set(fs.readFileSync(limitationsFile, 'utf8').split('\n').filter(Boolean)),
    ];
  }
}

const planConverges: Phase = {
  name: 'plan converges (no changes)',
  proves: 'a re-plan after deploy changes nothing but allow-listed emulator drift',
  async run(e2e, note) {
    const problems: string[] = [];
    const drift = e2e.findings.drift;
    for (const name of e2e.allStacks) {
      const planFile = path.join(WORK, `${name}.tfplan`);
      const options = { ...e2e.opts(`plan-${name}.log`), cwd: e2e.stack(name).dir };
      const plan = await run(
        'terraform',
        ['plan', '-input=false', '-lock-timeout=60s', '-detailed-exitcode', `-out=${planFile}`],
        { ...options, okCodes: [0, 2] },
      );
      if (plan.code === 0) {
        drift.push(`  ${name}: no changes`);
        continue;
      }
      const show = await run('terraform', ['show', '-json', planFile], options);
      const verdict = classifyPlan(JSON.parse(show.stdout));
      drift.push(...formatVerdict(name, verdict));
      if (verdict.refused.length > 0 || verdict.outputChanges.length > 0)
        problems.push(...formatVerdict(name, verdict).filter((l) => l.includes('REFUSED')));
    }
    for (const line of drift) process.stdout.write(`${line}\n`);
    if (problems.length > 0)
      throw new Error(`the plan after deploy is not empty:\n${problems.join('\n')}`);
    note(
      drift.some((l) => l.includes('allowed')) ? 'only allow-listed emulator drift' : 'no changes',
    );
  },
};

const stateLock: Phase = {
  name: 'state lock refuses a second holder',
  proves: 'while another holder has the DynamoDB lock, a plan is refused',
  skipWhen: (e2e) =>
    e2e.platformStacks[0] && e2e.backendOf(e2e.platformStacks[0])?.dynamodb_table
      ? undefined
      : 'no platform stack or no dynamodb_table',
  async run(e2e, note) {
    const target = e2e.platformStacks[0];
    const backend = e2e.backendOf(target)!;
    const ddb = new DynamoDBClient({ ...e2e.clientSettings(), maxAttempts: 2 });
    const lockId = `${backend.bucket}/${backend.key}`;
    const Info = JSON.stringify({
      ...{ ID: 'e2e-held-lock', Operation: 'e2e', Who: 'tools/e2e' },
      ...{ Version: '1.11.4', Path: lockId },
    });
    await ddb.send(
      new PutItemCommand({
        TableName: backend.dynamodb_table,
        Item: { LockID: { S: lockId }, Info: { S: Info } },
        ConditionExpression: 'attribute_not_exists(LockID)',
      }),
    );
    try {
      const second = await run(
        'terraform',
        ['plan', '-input=false', '-lock-timeout=0s', '-no-color'],
        {
          ...e2e.opts(`lock-${target}.log`),
          cwd: e2e.stack(target).dir,
          okCodes: [0, 1, 2],
        },
      );
      if (
        second.code !== 1 ||
        !/Error acquiring the state lock/.test(second.stdout + second.stderr)
      ) {
        throw new Error(
          `a plan while another holder has the lock was not refused (exit ${second.code})`,
        );
      }
    } finally {
      await ddb.send(
        new DeleteItemCommand({
          TableName: backend.dynamodb_table,
          Key: { LockID: { S: lockId } },
        }),
      );
    }
    note('plan refused with "Error acquiring the state lock"');
  },
};

const destroyPlatform: Phase = {
  name: (e2e, stack) =>
    e2e.stack(stack).protectedResources.length > 0
      ? `destroy ${stack} is refused (prevent_destroy)`
      : `destroy ${stack}`,
  proves: 'an unprotected stack destroys cleanly; a protected one refuses destroy',
  forEachStack: (e2e) => e2e.platformStacks,
  async run(e2e, note, name) {
    const stack = e2e.stack(name);
    if (stack.protectedResources.length > 0) {
      e2e.protectedDeployed = true;
      await e2e.expectDestroyRefused(stack);
      note(`${stack.protectedResources.length} protected resources; removed by the emulator reset`);
      return;
    }
    await run(
      CDKTF,
      ['destroy', name, '--skip-synth', '-o', OUTDIR, '--auto-approve', '--skip-provider-lock'],
      e2e.opts(`destroy-${name}.log`, { echoPrefix: `    [${name}] `, echoFilter: PROGRESS }),
    );
  },
};

const nothingLeft: Phase = {
  name: 'nothing left but the bootstrap',
  proves: 'teardown leaves no resource behind except the state bootstrap',
  skipWhen: (e2e) =>
    e2e.protectedDeployed ? 'a protected stack was deployed; the reset removes it' : undefined,
  async run(e2e, note) {
    const outputs = e2e.outputs[BOOTSTRAP] ?? {};
    const resources = e2e.stack(BOOTSTRAP).json.resource as
      | Record<string, Record<string, { name?: string }>>
      | undefined;
    const left = await findLeftovers(e2e.clientSettings(), {
      buckets: [String(outputs.state_bucket_name ?? '')],
      tables: [String(outputs.lock_table_name ?? '')],
      keyArns: [String(outputs.state_kms_key_arn ?? '')],
      aliases: Object.values(resources?.aws_kms_alias ?? {}).map((a) => String(a.name)),
    });
    if (left.length > 0) throw new Error(`left after destroy:\n  ${left.join('\n  ')}`);
    note('0 resources');
  },
};

const destroyBootstrap: Phase = {
  name: `destroy ${BOOTSTRAP}: refused, then emulator reset`,
  proves: 'prevent_destroy protects the state bootstrap; after the reset nothing is left',
  async run(e2e, note) {
    await e2e.expectDestroyRefused(e2e.stack(BOOTSTRAP));
    await e2e.emulator!.reset();
    e2e.removeBootstrapState();
    const left = await findLeftovers(e2e.clientSettings());
    if (left.length > 0) throw new Error(`left after the reset:\n  ${left.join('\n  ')}`);
    note(
      'prevent_destroy refused destroy; reset the emulator and deleted the local bootstrap state',
    );
  },
};

/** The e2e lifecycle, in the order it runs. */
export const E2E_PHASES: readonly Phase[] = [
  prepare,
  startEmulatorPhase,
  synth,
  deployBootstrap,
  deployPlatform,
  integrationTests,
  planConverges,
  stateLock,
  destroyPlatform,
  nothingLeft,
  destroyBootstrap,
];
