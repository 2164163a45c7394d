/**
 * The e2e lifecycle, in order: each entry names a phase, says what it proves and does it.
 * Add a lifecycle phase by adding an entry here. Exercised end to end by `npm run test:e2e`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describeProviderSource, formatDuration, prepareTerraform, run } from '../core';
import { startEmulator } from '../emulator';
import { classifyPlan, formatVerdict } from './drift';
import {
  BASELINE,
  BOOTSTRAP,
  E2eRun,
  EMULATOR_BASELINE_SETTINGS,
  JEST,
  LOGS,
  OUTDIR,
  WORK,
} from './e2e-run';
import { findLeftovers } from './leftovers';
import {
  dayTwoChange,
  destroyLifecycle,
  destroyLifecycleAgain,
  LIFECYCLE_STEPS,
  lifecycleStack,
  majorUpgrade,
  redeployLifecycle,
  STEPS_DIR,
} from './lifecycle';
import { noSecretAnywhere } from './secret-phase';
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
      `terraform ${JSON.parse(version.stdout).terraform_version}, hashicorp/aws ${tf.providerVersions.join(', ') || '(from the lock file)'} from ${describeProviderSource(tf.source)}`,
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
  proves:
    'the app synthesizes the bootstrap and every requested platform stack (the lifecycle one at its initial settings)',
  async run(e2e, note) {
    const { environments } = e2e.settings;
    const life = lifecycleStack(e2e) ? e2e.settings.lifecycleEnvironment : undefined;
    const others = environments.filter((env) => env !== life);
    const first = await e2e.synthInto(
      OUTDIR,
      others.length > 0 ? others : environments,
      {},
      'synth.log',
    );
    for (const stack of first) e2e.stacks.set(stack.name, stack);
    if (life) {
      const initial = await e2e.synthInto(
        path.join(STEPS_DIR, 'initial'),
        [life],
        LIFECYCLE_STEPS.initial,
        'synth-initial.log',
      );
      const stack = initial.find((s) => s.name === `TapStack${life}`)!;
      e2e.stacks.set(stack.name, stack);
    }
    for (const wanted of e2e.allStacks) {
      if (!e2e.stacks.has(wanted))
        throw new Error(
          `the app did not synthesize ${wanted} (got ${[...e2e.stacks.keys()].join(', ')})`,
        );
    }
    note(
      [...e2e.stacks.values()]
        .map((s) =>
          Object.keys(s.settings).length > 0
            ? `${s.name} (${Object.entries(s.settings)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')})`
            : s.name,
        )
        .join(', '),
    );
  },
};

const deployBootstrap: Phase = {
  name: `deploy ${BOOTSTRAP} (local state)`,
  proves: 'the state bucket, lock table and key deploy, with no empty output',
  async run(e2e, note) {
    e2e.createdBootstrapState = true;
    await e2e.deploy(e2e.stack(BOOTSTRAP));
    await e2e.captureSecrets(e2e.stack(BOOTSTRAP));
    note(`${e2e.findings.resources[BOOTSTRAP]} resources`);
  },
};

const deployBaseline: Phase = {
  name: `deploy ${BASELINE} (S3 backend)`,
  proves:
    'the account baseline (trail, archive, backup vaults and plan, GuardDuty, Config) deploys once per account and region, before the environments',
  skipWhen: (e2e) => (e2e.baselineStacks.length === 0 ? 'E2E_SKIP_PLATFORM=1' : undefined),
  async run(e2e, note) {
    await e2e.deploy(e2e.stack(BASELINE));
    await e2e.captureSecrets(e2e.stack(BASELINE));
    note(`${e2e.findings.resources[BASELINE]} resources`);
  },
};

const deployPlatform: Phase = {
  name: (e2e) => `deploy ${e2e.platformStacks.join(' + ')} side by side (S3 backend)`,
  proves:
    'the environments deploy side by side in one account and region, state in the bootstrapped S3 backend, no empty output',
  skipWhen: (e2e) => (e2e.platformStacks.length === 0 ? 'no platform stack' : undefined),
  async run(e2e, note) {
    // In parallel: most of a deploy is the provider polling (RDS ~80 s), not CPU.
    const times = await Promise.all(
      e2e.platformStacks.map(async (name) => {
        const started = Date.now();
        await e2e.deploy(e2e.stack(name));
        await e2e.captureSecrets(e2e.stack(name));
        return `${name} ${e2e.findings.resources[name]} resources in ${formatDuration(Date.now() - started)}`;
      }),
    );
    note(times.join(', '));
  },
};

const integrationTests: Phase = {
  name: (_e2e, stack) => (stack ? `integration tests ${stack}` : 'integration tests'),
  proves: 'the deployed resources are configured as synthesized (e2e/ tests with the AWS SDK)',
  forEachStack: (e2e) => (e2e.platformStacks.length > 0 ? e2e.platformStacks : ['']),
  async run(e2e, note, stack) {
    e2e.writeOutputsFile();
    const tag = stack || BOOTSTRAP;
    const resultsFile = path.join(WORK, `jest-results-${tag}.json`);
    const limitationsFile = path.join(WORK, 'limitations.jsonl');
    const testEnv = e2e.env({
      ...EMULATOR_BASELINE_SETTINGS,
      ...(stack ? e2e.stack(stack).settings : {}),
      E2E_OUTPUTS_FILE: e2e.outputsFile,
      E2E_BOOTSTRAP_STACK: BOOTSTRAP,
      E2E_BASELINE_STACK: e2e.baselineStacks[0] ?? '',
      E2E_EMULATOR: '1',
      E2E_LIMITATIONS_FILE: limitationsFile,
      ...(stack
        ? { E2E_STACK: stack, E2E_STATE_KEY: e2e.backendOf(stack)?.key ?? '' }
        : { E2E_SKIP_PLATFORM: '1' }),
    });
    try {
      await run(JEST, ['-c', 'jest.e2e.config.js', '--json', '--outputFile', resultsFile], {
        ...e2e.opts(`jest-${tag}.log`),
        env: testEnv,
        echoPrefix: '    ',
        echoFilter: /✓|✕|○|PASS|FAIL|Tests:|●|limitation/,
      });
    } finally {
      readTestResults(e2e, resultsFile, limitationsFile);
    }
    const t = e2e.findings.tests;
    note(`${t?.passed ?? 0}/${t?.total ?? 0} passed so far`);
  },
};

function readTestResults(e2e: E2eRun, resultsFile: string, limitationsFile: string): void {
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
  skipWhen: (e2e, stack) =>
    e2e.destroyed.has(stack) ? 'already destroyed by the lifecycle phases' : undefined,
  async run(e2e, note, name) {
    const stack = e2e.stack(name);
    if (stack.protectedResources.length > 0) {
      e2e.protectedDeployed = true;
      await e2e.expectDestroyRefused(stack);
      note(`${stack.protectedResources.length} protected resources; removed by the emulator reset`);
      return;
    }
    await e2e.destroy(stack);
  },
};

const destroyBaseline: Phase = {
  name: `destroy ${BASELINE}`,
  proves: 'the account baseline (standard profile) destroys cleanly once no environment needs it',
  skipWhen: (e2e) => (e2e.baselineStacks.length === 0 ? 'E2E_SKIP_PLATFORM=1' : undefined),
  async run(e2e, note) {
    await e2e.destroy(e2e.stack(BASELINE));
    note('destroyed');
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
  deployBaseline,
  deployPlatform,
  integrationTests,
  planConverges,
  stateLock,
  dayTwoChange,
  majorUpgrade,
  destroyLifecycle,
  redeployLifecycle,
  destroyLifecycleAgain,
  destroyPlatform,
  destroyBaseline,
  nothingLeft,
  destroyBootstrap,
  noSecretAnywhere,
];
