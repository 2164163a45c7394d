/** The target of a run: AWS as configured, or a local emulator with the remote state bootstrapped in it. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { BASELINE_NAMES } from '../../config/baseline';
import type { DeployRole } from '../../config/deploy-role';
import { join, relative } from 'node:path';
import { APIGatewayClient, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { STSClient } from '@aws-sdk/client-sts';
import {
  describeProviderSource,
  Env,
  PhaseTimer,
  prepareTerraform,
  Runner,
  StepOptions,
  terraformApply,
  terraformInit,
  terraformPlan,
  TerraformSetup,
} from '../core';
import { Emulator, startEmulator } from '../emulator';
import {
  ACCOUNT_BASELINE_STACK,
  createPreflightClients,
  deployRoleCredentials,
  PreflightClients,
} from '../preflight';
import type { OpsCommand } from '../ops-args';
import { BOOTSTRAP_STACK, PROJECT_ROOT } from './project';
import { createRunFolder, pruneRuns, RunFolder, runsRoot } from './run-folder';
import {
  BOOTSTRAP_STATE_OVERRIDE_FILE,
  bootstrapStateOverride,
  EMULATOR_OVERRIDE_FILE,
  emulatorOverride,
  stackOf,
  SynthResult,
} from './synth';

export interface TargetOptions {
  readonly emulator: boolean;
  readonly region: string;
  /** The run's own folder: synth output, logs, the Terraform CLI config, the plan. */
  readonly run: RunFolder;
  /** The caller's environment, ENVIRONMENT_SUFFIX included (Selection.env). @default process.env */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  /** For tests. */
  readonly deps?: {
    readonly startEmulator?: typeof startEmulator;
    readonly prepareTerraform?: typeof prepareTerraform;
    readonly runner?: Runner;
  };
}

export interface Target {
  readonly kind: 'aws' | 'emulator';
  /** The run's own folder. */
  readonly run: RunFolder;
  /** The environment for every child: Terraform CLI config, plus the emulator's AWS settings. */
  readonly env: Env;
  readonly endpoint?: string;
  readonly region: string;
  readonly workDir: string;
  /** Where to synthesize for this target. */
  readonly outdir: string;
  readonly logDir: string;
  readonly terraform: TerraformSetup;
  /** Where the bootstrap keeps its local state (emulator runs only). */
  readonly bootstrapStatePath?: string;
  /**
   * After synth. Emulator: writes the emulator-only override into each stack folder and
   * the bootstrap state override, and applies TapStateBackend once (unless `stack` is the
   * bootstrap itself). AWS: nothing, unless AWS_ENDPOINT_URL points the run at an emulator
   * (then the override that makes unimplemented calls fail fast). Returns a note.
   */
  prepare(result: SynthResult, stack?: string): Promise<string>;
  /**
   * SDK clients for preflight that talk to this target, acting as `role` (the stack's deploy
   * role, assumed through this target's STS) when one is given, else as the caller.
   */
  preflightClients(region: string, role?: DeployRole): PreflightClients;
  /** Stops the emulator and removes its state; `removeWorkDir` also removes logs. */
  stop(options?: { removeWorkDir?: boolean }): Promise<void>;
  /** Why the emulator is gone, when it died on its own (AWS: never). */
  died(): string | undefined;
}

export const EMULATOR_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export async function startTarget(options: TargetOptions): Promise<Target> {
  const deps = options.deps ?? {};
  const baseEnv = options.baseEnv ?? process.env;
  const { run } = options;
  const workDir = run.dir;
  const logDir = run.logDir;
  mkdirSync(logDir, { recursive: true });
  const terraform = (deps.prepareTerraform ?? prepareTerraform)(workDir, baseEnv);

  if (!options.emulator) {
    const endpoint = baseEnv.AWS_ENDPOINT_URL;
    return {
      kind: 'aws',
      run,
      env: terraform.env,
      region: options.region,
      workDir,
      outdir: run.outdir,
      logDir,
      terraform,
      prepare: async (result) => {
        if (!endpoint) return 'AWS: the state bucket comes from the one-time bootstrap';
        // A custom endpoint is an emulator: unimplemented calls must fail fast, not 25 times.
        for (const stack of result.stacks.values()) {
          writeFileSync(join(stack.dir, EMULATOR_OVERRIDE_FILE), emulatorOverride());
        }
        return `AWS_ENDPOINT_URL=${endpoint}: provider retries lowered (${EMULATOR_OVERRIDE_FILE})`;
      },
      preflightClients: (region, role) => createPreflightClients(region, undefined, role),
      stop: async () => undefined,
      died: () => undefined,
    };
  }
  const emulator: Emulator = await (deps.startEmulator ?? startEmulator)({
    region: options.region,
    logFile: join(logDir, 'emulator.log'),
  });
  return emulatorTarget(options, emulator, terraform, logDir);
}

/**
 * SDK clients for preflight that talk to the emulator: as its default account, or as `role`,
 * assumed with the emulator's credentials through the emulator's STS.
 */
export function emulatorPreflightClients(
  region: string,
  endpoint: string,
  role?: DeployRole,
): PreflightClients {
  const maxAttempts = 2;
  const credentials = role
    ? deployRoleCredentials(role, {
        region,
        maxAttempts,
        endpoint,
        credentials: EMULATOR_CREDENTIALS,
      })
    : EMULATOR_CREDENTIALS;
  const config = { region, maxAttempts, endpoint, credentials };
  return {
    sts: new STSClient(config),
    rds: new RDSClient(config),
    elasticache: new ElastiCacheClient(config),
    ec2: new EC2Client(config),
    apigateway: new APIGatewayClient(config),
  };
}

/**
 * The emulator's stand-in for TapAccountBaseline's API Gateway CloudWatch role, under the
 * baseline's own role name: the platform's deploy gate looks for that role.
 */
export const EMULATOR_APIGW_LOGGING_ROLE = BASELINE_NAMES.apiGatewayCloudWatchRole;

/**
 * Every environment's API stage logs through the account's API Gateway CloudWatch role,
 * which TapAccountBaseline sets and preflight requires. The emulator is a fresh account
 * each run: it gets that one account setting (a role API Gateway may assume, set with
 * UpdateAccount), not the whole baseline (docs/account-baseline.md deploys that).
 */
export async function setApiGatewayLoggingRole(region: string, endpoint: string): Promise<string> {
  const config = { region, endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 2 };
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ],
  };
  const created = await new IAMClient(config).send(
    new CreateRoleCommand({
      RoleName: EMULATOR_APIGW_LOGGING_ROLE,
      AssumeRolePolicyDocument: JSON.stringify(trust),
    }),
  );
  const arn = created.Role!.Arn!;
  await new APIGatewayClient(config).send(
    new UpdateAccountCommand({
      patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: arn }],
    }),
  );
  return arn;
}

function emulatorTarget(
  options: TargetOptions,
  emulator: Emulator,
  terraform: TerraformSetup,
  logDir: string,
): Target {
  const { run } = options;
  const workDir = run.dir;
  const env = emulator.env(terraform.env);
  const outdir = run.outdir;
  const stateDir = join(workDir, 'state');
  const bootstrapStatePath = join(stateDir, `terraform.${BOOTSTRAP_STACK}.tfstate`);
  let bootstrapped = false;
  const step = (name: string): StepOptions => ({
    logFile: join(logDir, `${name}.log`),
    runner: options.deps?.runner,
  });

  return {
    kind: 'emulator',
    run,
    env,
    endpoint: emulator.endpoint,
    region: options.region,
    workDir,
    outdir,
    logDir,
    terraform,
    bootstrapStatePath,
    async prepare(result, stack) {
      for (const s of result.stacks.values()) {
        writeFileSync(join(s.dir, EMULATOR_OVERRIDE_FILE), emulatorOverride());
      }
      const boot = stackOf(result, BOOTSTRAP_STACK);
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(
        join(boot.dir, BOOTSTRAP_STATE_OVERRIDE_FILE),
        bootstrapStateOverride(bootstrapStatePath),
      );
      if (stack === BOOTSTRAP_STACK) return `${BOOTSTRAP_STACK} is the stack of this run`;
      if (bootstrapped) return `${BOOTSTRAP_STACK} already applied`;
      const opts = step(`bootstrap-${BOOTSTRAP_STACK}`);
      await terraformInit(boot.dir, env, opts);
      const plan = join(boot.dir, 'tfplan');
      await terraformPlan(boot.dir, env, plan, opts);
      await terraformApply(boot.dir, env, plan, opts);
      const role = await setApiGatewayLoggingRole(options.region, emulator.endpoint);
      bootstrapped = true;
      return `${BOOTSTRAP_STACK} applied; its local state: ${relative(PROJECT_ROOT, bootstrapStatePath)}; API Gateway logs through ${role} (stands in for ${ACCOUNT_BASELINE_STACK})`;
    },
    preflightClients: (region, role) => emulatorPreflightClients(region, emulator.endpoint, role),
    died: () => emulator.died(),
    async stop(stopOptions = {}) {
      await emulator.stop();
      // The emulator is gone: its state files and synthesized overrides describe nothing.
      // The logs stay (the run folder is removed a week after the run by pruneRuns).
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(outdir, { recursive: true, force: true });
      if (stopOptions.removeWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the target as a timed phase: the run's own folder (old ended runs are pruned), then
 * the emulator, or Terraform set up for AWS.
 */
export function startTargetPhase(
  timer: PhaseTimer,
  command: OpsCommand,
  options: Omit<TargetOptions, 'run'> & { readonly stack: string; readonly root?: string },
): Promise<Target> {
  return timer.run(options.emulator ? 'start emulator' : 'prepare terraform', async (note) => {
    pruneRuns(runsRoot(options.emulator, options.root));
    const run = createRunFolder({
      command,
      stack: options.stack,
      emulator: options.emulator,
      root: options.root,
    });
    const target = await startTarget({ ...options, run });
    note(target.endpoint ?? `providers from ${describeProviderSource(target.terraform.source)}`);
    return target;
  });
}

/** How to point the AWS CLI, the SDKs and Terraform at a running emulator. */
export function emulatorInstructions(options: {
  readonly endpoint: string;
  readonly region: string;
  readonly environment: string;
  readonly stackDir: string;
  readonly cliConfigFile: string;
}): string {
  const exports =
    `export AWS_ENDPOINT_URL=${options.endpoint} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \\\n` +
    `       AWS_REGION=${options.region} AWS_DEFAULT_REGION=${options.region} AWS_EC2_METADATA_DISABLED=true`;
  return [
    'Point the AWS CLI or an SDK at it (in another terminal):',
    '',
    `  ${exports}`,
    `  aws ec2 describe-vpcs --filters Name=tag:Environment,Values=${options.environment} --query 'Vpcs[].[VpcId,CidrBlock]'`,
    "  aws rds describe-db-instances --query 'DBInstances[].[DBInstanceIdentifier,Endpoint.Address,StorageEncrypted]'",
    "  aws secretsmanager list-secrets --query 'SecretList[].Name'",
    '',
    'The AWS SDK for JavaScript v3 (and boto3) read the same variables: new EC2Client({}) talks to the sandbox.',
    'Terraform state of the stack (with the variables above):',
    `  cd ${options.stackDir} && TF_CLI_CONFIG_FILE=${options.cliConfigFile} terraform state list`,
  ].join('\n');
}
