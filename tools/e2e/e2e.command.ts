/**
 * `npm run test:e2e`: deploys the synthesized stacks for real, with Terraform and the
 * installed AWS provider, against a local AWS emulator; runs the integration tests
 * (e2e/) on the outputs; proves the plan converges and that teardown leaves nothing.
 * See docs/e2e.md. Every phase is timed; the first failure names its phase and exits 1.
 *
 * Settings (environment):
 *   E2E_ENVIRONMENTS  platform environments to deploy, comma-separated (default: dev).
 *                     A production-profile one (e.g. prod) is protected by
 *                     prevent_destroy: the run shows destroy is refused, then resets.
 *   E2E_REGION        region of the run (default: eu-west-1)
 *   E2E_APP           app command (default: cdktf.json "app")
 *   E2E_SKIP_PLATFORM=1  bootstrap stack only (exercises the machinery alone)
 *   TF_PROVIDER_MIRROR, MOTO_PYTHON: see tools/core/terraform.ts, tools/emulator/emulator.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CommandError, killActiveChildren, run, RunOptions } from '../core/process';
import { classifyPlan, formatVerdict } from './drift';
import { findLeftovers } from './leftovers';
import { Emulator, onInterrupt, startEmulator } from '../emulator/emulator';
import { formatDuration, PhaseError, PhaseTimer } from '../core/phases';
import { EMULATOR_OVERRIDE_FILE, emulatorOverride } from '../deploy/stack-ops';
import { prepareTerraform, TerraformSetup } from '../core/terraform';

const ROOT = path.resolve(__dirname, '..', '..');
const WORK = path.join(ROOT, '.e2e');
const OUTDIR = path.join(WORK, 'cdktf.out');
const LOGS = path.join(WORK, 'logs');
const CDKTF = path.join(ROOT, 'node_modules', '.bin', 'cdktf');
const JEST = path.join(ROOT, 'node_modules', '.bin', 'jest');
const BOOTSTRAP = 'TapStateBackend';
/** Written next to each synthesized stack for emulator runs only; see docs/e2e.md. */
const PROGRESS =
  /(Creation|Destruction|Modifications) complete|Apply complete|Destroy complete|Error:|error:|Still (creating|destroying)\.\.\. \[[^\]]*[0-9]m0s/;

interface StackInfo {
  readonly name: string;
  readonly dir: string;
  readonly json: Record<string, unknown>;
  readonly protectedResources: string[];
}

interface Report {
  resources: Record<string, number>;
  tests?: { passed: number; failed: number; skipped: number; total: number };
  limitations: string[];
  drift: string[];
  notes: string[];
}

function settings() {
  const environments = (process.env.E2E_ENVIRONMENTS ?? 'dev')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
  return {
    environments,
    region: process.env.E2E_REGION ?? 'eu-west-1',
    app: process.env.E2E_APP ?? (cdktfJson.app as string),
    context: cdktfJson.context ?? {},
    skipPlatform: process.env.E2E_SKIP_PLATFORM === '1',
  };
}

function readStack(name: string, dir: string): StackInfo {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8'));
  const protectedResources: string[] = [];
  for (const [type, byName] of Object.entries(
    (json.resource ?? {}) as Record<
      string,
      Record<string, { lifecycle?: { prevent_destroy?: boolean } }>
    >,
  )) {
    for (const [id, body] of Object.entries(byName)) {
      if (body.lifecycle?.prevent_destroy === true) protectedResources.push(`${type}.${id}`);
    }
  }
  return { name, dir, json, protectedResources };
}

async function main(): Promise<number> {
  // Node 20 is this project's runtime (docs): the SDK's notice about Node 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const cfg = settings();
  const phases = new PhaseTimer();
  const report: Report = { resources: {}, limitations: [], drift: [], notes: [] };
  let emulator: Emulator | undefined;
  let tf: TerraformSetup | undefined;
  const stacks = new Map<string, StackInfo>();
  const bootstrapState = path.join(ROOT, `terraform.${BOOTSTRAP}.tfstate`);
  let createdBootstrapState = false;
  const platformStacks = cfg.skipPlatform ? [] : cfg.environments.map((e) => `TapStack${e}`);

  onInterrupt(async () => {
    killActiveChildren();
    await emulator?.stop();
  });

  const env = (extra: Record<string, string> = {}) => ({ ...emulator!.env(tf!.env), ...extra });
  const opts = (log: string, extra: Partial<RunOptions> = {}): RunOptions => ({
    cwd: ROOT,
    env: env(),
    logFile: path.join(LOGS, log),
    ...extra,
  });
  const clientSettings = () => ({
    region: cfg.region,
    endpoint: emulator!.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const countResources = async (stack: StackInfo) => {
    const r = await run('terraform', ['state', 'list'], {
      ...opts(`state-${stack.name}.log`),
      cwd: stack.dir,
    });
    return r.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('data.')).length;
  };

  try {
    await phases.run('prepare', async (note) => {
      fs.rmSync(WORK, { recursive: true, force: true });
      fs.mkdirSync(LOGS, { recursive: true });
      for (const tool of ['terraform', 'node']) {
        await run('sh', ['-c', `command -v ${tool}`]).catch(() => {
          throw new Error(`${tool} is not on PATH (see docs/e2e.md)`);
        });
      }
      if (fs.existsSync(bootstrapState)) {
        throw new Error(
          `${bootstrapState} exists: it may be the state of a real bootstrap. The e2e run keeps its ` +
            `own bootstrap state at that path and deletes it at the end, so it refuses to run; move the file away first.`,
        );
      }
      tf = prepareTerraform(WORK);
      const version = await run('terraform', ['version', '-json'], { env: tf.env });
      note(
        `terraform ${JSON.parse(version.stdout).terraform_version}, hashicorp/aws ${tf.providerVersions.join(', ')} from ${tf.mirrorRoot}`,
      );
    });

    await phases.run('start emulator', async (note) => {
      emulator = await startEmulator({
        region: cfg.region,
        logFile: path.join(LOGS, 'emulator.log'),
      });
      note(emulator.endpoint);
    });

    await phases.run('synth', async (note) => {
      const environments = cfg.environments.join(',');
      await run('sh', ['-c', cfg.app], {
        ...opts('synth.log'),
        env: env({
          CDKTF_OUTDIR: OUTDIR,
          CDKTF_CONTEXT_JSON: JSON.stringify(cfg.context),
          ENVIRONMENT_SUFFIX: environments,
        }),
      });
      const manifest = JSON.parse(fs.readFileSync(path.join(OUTDIR, 'manifest.json'), 'utf8'));
      for (const [name, s] of Object.entries(
        manifest.stacks as Record<string, { workingDirectory: string }>,
      )) {
        const dir = path.join(OUTDIR, s.workingDirectory);
        fs.writeFileSync(path.join(dir, EMULATOR_OVERRIDE_FILE), emulatorOverride());
        stacks.set(name, readStack(name, dir));
      }
      for (const wanted of [BOOTSTRAP, ...platformStacks]) {
        if (!stacks.has(wanted))
          throw new Error(
            `the app did not synthesize ${wanted} (got ${[...stacks.keys()].join(', ')})`,
          );
      }
      note([...stacks.keys()].join(', '));
    });

    const deploy = async (stack: StackInfo, outputsFile: string) => {
      const args = [
        'deploy',
        stack.name,
        '--skip-synth',
        '-o',
        OUTDIR,
        '--auto-approve',
        '--skip-provider-lock',
        '--outputs-file',
        outputsFile,
        '--outputs-file-include-sensitive-outputs',
        'false',
      ];
      const log = `deploy-${stack.name}.log`;
      try {
        await run(
          CDKTF,
          args,
          opts(log, { echoPrefix: `    [${stack.name}] `, echoFilter: PROGRESS }),
        );
      } catch (error) {
        // cdktf-cli 0.21 crashes ("Cannot convert undefined or null to object") while
        // writing --outputs-file when an output is null: name those outputs instead.
        if (error instanceof CommandError && /Apply complete!/.test(error.result.stdout)) {
          const shown = await run('terraform', ['output', '-json'], {
            ...opts(log),
            cwd: stack.dir,
          }).catch(() => undefined);
          const values = shown
            ? (JSON.parse(shown.stdout) as Record<string, { value: unknown }>)
            : {};
          // Terraform keeps no null output in state, so a declared output missing here is null.
          const declared = Object.keys((stack.json.output ?? {}) as Record<string, unknown>);
          const empty = !shown
            ? []
            : declared.filter(
                (name) =>
                  values[name] === undefined ||
                  values[name].value === null ||
                  values[name].value === '',
              );
          if (empty.length > 0) {
            throw new Error(
              `${stack.name} applied, but these outputs are null or empty: ${empty.join(', ')}\n${error.message}`,
            );
          }
        }
        throw error;
      }
      report.resources[stack.name] = await countResources(stack);
    };

    await phases.run(`deploy ${BOOTSTRAP} (local state)`, async (note) => {
      createdBootstrapState = true;
      await deploy(stacks.get(BOOTSTRAP)!, path.join(WORK, `outputs-${BOOTSTRAP}.json`));
      note(`${report.resources[BOOTSTRAP]} resources`);
    });

    for (const name of platformStacks) {
      await phases.run(`deploy ${name} (S3 backend)`, async (note) => {
        await deploy(stacks.get(name)!, path.join(WORK, `outputs-${name}.json`));
        note(`${report.resources[name]} resources`);
      });
    }

    // One outputs file in the `cdktf deploy --outputs-file` format: { stack: { output: value } }.
    const outputsFile = path.join(WORK, 'outputs.json');
    const outputs: Record<string, Record<string, unknown>> = {};
    for (const name of [BOOTSTRAP, ...platformStacks]) {
      Object.assign(
        outputs,
        JSON.parse(fs.readFileSync(path.join(WORK, `outputs-${name}.json`), 'utf8')),
      );
    }
    fs.writeFileSync(outputsFile, JSON.stringify(outputs, null, 2));

    const backendOf = (name: string) =>
      (
        (stacks.get(name)!.json.terraform as Record<string, unknown>)?.backend as
          | Record<string, Record<string, string>>
          | undefined
      )?.s3;

    const limitationsFile = path.join(WORK, 'limitations.jsonl');
    await phases.run('integration tests', async (note) => {
      const resultsFile = path.join(WORK, 'jest-results.json');
      const first = platformStacks[0];
      const testEnv = env({
        E2E_OUTPUTS_FILE: outputsFile,
        E2E_BOOTSTRAP_STACK: BOOTSTRAP,
        E2E_EMULATOR: '1',
        E2E_LIMITATIONS_FILE: limitationsFile,
        ...(first
          ? { E2E_STACK: first, E2E_STATE_KEY: backendOf(first)?.key ?? '' }
          : { E2E_SKIP_PLATFORM: '1' }),
      });
      try {
        await run(JEST, ['-c', 'jest.e2e.config.js', '--json', '--outputFile', resultsFile], {
          ...opts('jest.log'),
          env: testEnv,
          echoPrefix: '    ',
          echoFilter: /✓|✕|○|PASS|FAIL|Tests:|●|limitation/,
        });
      } finally {
        if (fs.existsSync(resultsFile)) {
          const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
          report.tests = {
            passed: r.numPassedTests,
            failed: r.numFailedTests,
            skipped: r.numPendingTests + (r.numTodoTests ?? 0),
            total: r.numTotalTests,
          };
        }
        if (fs.existsSync(limitationsFile)) {
          report.limitations = [
            ...new Set(fs.readFileSync(limitationsFile, 'utf8').split('\n').filter(Boolean)),
          ];
        }
      }
      note(`${report.tests?.passed ?? 0}/${report.tests?.total ?? 0} passed`);
    });

    await phases.run('plan converges (no changes)', async (note) => {
      const problems: string[] = [];
      for (const name of [BOOTSTRAP, ...platformStacks]) {
        const stack = stacks.get(name)!;
        const planFile = path.join(WORK, `${name}.tfplan`);
        const plan = await run(
          'terraform',
          ['plan', '-input=false', '-lock-timeout=60s', '-detailed-exitcode', `-out=${planFile}`],
          {
            ...opts(`plan-${name}.log`),
            cwd: stack.dir,
            okCodes: [0, 2],
          },
        );
        if (plan.code === 0) {
          report.drift.push(`  ${name}: no changes`);
          continue;
        }
        const show = await run('terraform', ['show', '-json', planFile], {
          ...opts(`plan-${name}.log`),
          cwd: stack.dir,
        });
        const verdict = classifyPlan(JSON.parse(show.stdout));
        report.drift.push(...formatVerdict(name, verdict));
        if (verdict.refused.length > 0 || verdict.outputChanges.length > 0)
          problems.push(...formatVerdict(name, verdict).filter((l) => l.includes('REFUSED')));
      }
      for (const line of report.drift) process.stdout.write(`${line}\n`);
      if (problems.length > 0)
        throw new Error(`the plan after deploy is not empty:\n${problems.join('\n')}`);
      note(
        report.drift.some((l) => l.includes('allowed'))
          ? 'only allow-listed emulator drift'
          : 'no changes',
      );
    });

    const lockTarget = platformStacks[0];
    const lockBackend = lockTarget ? backendOf(lockTarget) : undefined;
    if (lockBackend?.dynamodb_table) {
      await phases.run('state lock refuses a second holder', async (note) => {
        const ddb = new DynamoDBClient({ ...clientSettings(), maxAttempts: 2 });
        const lockId = `${lockBackend.bucket}/${lockBackend.key}`;
        await ddb.send(
          new PutItemCommand({
            TableName: lockBackend.dynamodb_table,
            Item: {
              LockID: { S: lockId },
              Info: {
                S: JSON.stringify({
                  ID: 'e2e-held-lock',
                  Operation: 'e2e',
                  Who: 'tools/e2e',
                  Version: '1.11.4',
                  Path: lockId,
                }),
              },
            },
            ConditionExpression: 'attribute_not_exists(LockID)',
          }),
        );
        try {
          const second = await run(
            'terraform',
            ['plan', '-input=false', '-lock-timeout=0s', '-no-color'],
            {
              ...opts(`lock-${lockTarget}.log`),
              cwd: stacks.get(lockTarget)!.dir,
              okCodes: [0, 1, 2],
            },
          );
          const text = second.stdout + second.stderr;
          if (second.code !== 1 || !/Error acquiring the state lock/.test(text)) {
            throw new Error(
              `a plan while another holder has the lock was not refused (exit ${second.code})`,
            );
          }
        } finally {
          await ddb.send(
            new DeleteItemCommand({
              TableName: lockBackend.dynamodb_table,
              Key: { LockID: { S: lockId } },
            }),
          );
        }
        note('plan refused with "Error acquiring the state lock"');
      });
    } else {
      phases.skip('state lock refuses a second holder', 'no platform stack or no dynamodb_table');
    }

    let protectedDeployed = false;
    for (const name of platformStacks) {
      const stack = stacks.get(name)!;
      if (stack.protectedResources.length > 0) {
        protectedDeployed = true;
        await phases.run(`destroy ${name} is refused (prevent_destroy)`, async (note) => {
          await expectDestroyRefused(stack, opts(`destroy-${name}.log`));
          note(
            `${stack.protectedResources.length} protected resources; removed by the emulator reset`,
          );
        });
      } else {
        await phases.run(`destroy ${name}`, async () => {
          await run(
            CDKTF,
            [
              'destroy',
              name,
              '--skip-synth',
              '-o',
              OUTDIR,
              '--auto-approve',
              '--skip-provider-lock',
            ],
            opts(`destroy-${name}.log`, { echoPrefix: `    [${name}] `, echoFilter: PROGRESS }),
          );
        });
      }
    }

    const bootstrapOutputs = outputs[BOOTSTRAP] ?? {};
    if (!protectedDeployed) {
      await phases.run('nothing left but the bootstrap', async (note) => {
        const left = await findLeftovers(clientSettings(), {
          buckets: [String(bootstrapOutputs.state_bucket_name ?? '')],
          tables: [String(bootstrapOutputs.lock_table_name ?? '')],
          keyArns: [String(bootstrapOutputs.state_kms_key_arn ?? '')],
          aliases: Object.values(
            (
              stacks.get(BOOTSTRAP)!.json.resource as Record<
                string,
                Record<string, { name?: string }>
              >
            )?.aws_kms_alias ?? {},
          ).map((a) => String(a.name)),
        });
        if (left.length > 0) throw new Error(`left after destroy:\n  ${left.join('\n  ')}`);
        note('0 resources');
      });
    } else {
      phases.skip(
        'nothing left but the bootstrap',
        'a protected stack was deployed; the reset removes it',
      );
    }

    await phases.run(`destroy ${BOOTSTRAP}: refused, then emulator reset`, async (note) => {
      await expectDestroyRefused(stacks.get(BOOTSTRAP)!, opts(`destroy-${BOOTSTRAP}.log`));
      await emulator!.reset();
      fs.rmSync(bootstrapState, { force: true });
      fs.rmSync(`${bootstrapState}.backup`, { force: true });
      createdBootstrapState = false;
      const left = await findLeftovers(clientSettings());
      if (left.length > 0) throw new Error(`left after the reset:\n  ${left.join('\n  ')}`);
      note(
        'prevent_destroy refused destroy; reset the emulator and deleted the local bootstrap state',
      );
    });
    return 0;
  } catch (error) {
    const phase = error instanceof PhaseError ? error.phase : 'setup';
    const cause = error instanceof PhaseError ? error.cause : error;
    process.stderr.write(
      `\nE2E FAILED in phase "${phase}":\n${cause instanceof Error ? cause.message : String(cause)}\n`,
    );
    if (cause instanceof CommandError && cause.logFile)
      process.stderr.write(`(log: ${cause.logFile})\n`);
    return 1;
  } finally {
    killActiveChildren();
    if (emulator) await emulator.stop();
    if (createdBootstrapState) {
      // The emulator is gone, so the bootstrap state describes nothing that exists.
      fs.rmSync(bootstrapState, { force: true });
      fs.rmSync(`${bootstrapState}.backup`, { force: true });
    }
    printReport(phases, report);
  }
}

/** `terraform plan -destroy` must fail on prevent_destroy: the protection works. */
async function expectDestroyRefused(stack: StackInfo, options: RunOptions): Promise<void> {
  const result = await run(
    'terraform',
    ['plan', '-destroy', '-input=false', '-no-color', '-lock-timeout=60s'],
    {
      ...options,
      cwd: stack.dir,
      okCodes: [0, 1, 2],
    },
  );
  const text = result.stdout + result.stderr;
  if (
    result.code !== 1 ||
    !/Instance cannot be destroyed/.test(text) ||
    !/prevent_destroy/.test(text)
  ) {
    throw new Error(
      `destroy of ${stack.name} was not refused by prevent_destroy (exit ${result.code})`,
    );
  }
}

function printReport(phases: PhaseTimer, report: Report): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out('E2E report');
  out('Resources created per stack:');
  for (const [stack, count] of Object.entries(report.resources)) out(`  ${stack}: ${count}`);
  if (report.tests) {
    const t = report.tests;
    out(
      `Integration tests: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (of ${t.total})`,
    );
  }
  if (report.limitations.length > 0) {
    out('Emulator limitations recorded by the tests:');
    for (const l of report.limitations) out(`  ${l}`);
  }
  if (report.drift.length > 0) {
    out('Plan after deploy:');
    for (const l of report.drift) out(l);
  }
  out('Phases:');
  for (const line of phases.summary()) out(line);
  const failed = phases.failed;
  out(
    failed
      ? `Result: FAILED in "${failed.name}" after ${formatDuration(phases.elapsedMs())}`
      : `Result: passed in ${formatDuration(phases.elapsedMs())}`,
  );
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
