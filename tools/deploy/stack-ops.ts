/**
 * The operations `npm run plan`, `npm run deploy` and `npm run sandbox` share (and that
 * scripts/e2e.ts can share): synthesize, choose the target (AWS as configured, or a local
 * emulator with the remote state bootstrapped in it), and drive Terraform on one
 * synthesized stack with a saved plan, so that what is applied is exactly what was
 * reviewed. Child processes run through e2e-exec's run() (logged, killable); every
 * function takes an injectable runner so the command lines are unit-tested.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { STSClient } from '@aws-sdk/client-sts';
import { ConfigError, loadConfigs, PlatformConfig } from '../../config/config';
import { CommandError, run, RunOptions, RunResult, stripAnsi } from '../core/process';
import { Emulator, startEmulator } from '../emulator/emulator';
import { formatDuration, PhaseError, PhaseTimer } from '../core/phases';
import { guardPlanFile, PlanGuardVerdict } from '../review/plan-guard';
import { createPreflightClients, preflight, PreflightClients } from '../preflight/preflight';
import { PlanReview, writeReview } from '../review/plan-review';
import { prepareTerraform, TerraformSetup } from '../core/terraform';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
/** The bootstrap stack: its own state is local, it creates the bucket, table and key. */
export const BOOTSTRAP_STACK = 'TapStateBackend';
/** Written next to each synthesized stack for emulator runs only (see emulatorOverride). */
export const EMULATOR_OVERRIDE_FILE = 'emulator_override.tf.json';
/** Emulator runs only: moves the bootstrap's local state out of the project root. */
export const BOOTSTRAP_STATE_OVERRIDE_FILE = 'bootstrap_state_override.tf.json';
/** Override files these scripts write; synth() removes stale ones so AWS runs never see them. */
export const OPS_OVERRIDE_FILES = [EMULATOR_OVERRIDE_FILE, BOOTSTRAP_STATE_OVERRIDE_FILE];
/** Lines of `terraform apply` worth echoing while it runs. */
export const APPLY_PROGRESS =
  /(Creation|Destruction|Modifications) complete|Apply complete|Error|error:|Still (creating|destroying|modifying)\.\.\. \[[^\]]*[0-9]m0s/;
/** Lines of `terraform plan` worth echoing. */
export const PLAN_PROGRESS = /^(Plan:|No changes\.|Changes to Outputs)|Error|error:/;

export type Env = Record<string, string>;
export type Runner = (
  cmd: string,
  args: readonly string[],
  options?: RunOptions,
) => Promise<RunResult>;

export interface StepOptions {
  /** Appends the command and its output here. @default not logged */
  readonly logFile?: string;
  /** Echo matching output lines with this prefix. @default no echo */
  readonly echoPrefix?: string;
  readonly echoFilter?: RegExp;
  /** @default e2e-exec's run() */
  readonly runner?: Runner;
}

function exec(
  args: readonly string[],
  cwd: string,
  env: Env,
  options: StepOptions,
  cmd = 'terraform',
): Promise<RunResult> {
  return (options.runner ?? run)(cmd, args, {
    cwd,
    env,
    logFile: options.logFile,
    echoPrefix: options.echoPrefix,
    echoFilter: options.echoFilter,
  });
}

// ---------------------------------------------------------------------------------------
// Configuration: exactly one environment per run.
// ---------------------------------------------------------------------------------------

/** A refusal to start, with what to do instead; the CLIs print it and exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ProjectSettings {
  /** cdktf.json "app". */
  readonly app: string;
  /** cdktf.json "context" (the app also receives it as CDKTF_CONTEXT_JSON). */
  readonly context: Record<string, unknown>;
}

export function readProject(root = PROJECT_ROOT): ProjectSettings {
  const json = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8'));
  return { app: String(json.app), context: json.context ?? {} };
}

export interface Selection {
  readonly config: PlatformConfig;
  /** The caller's environment with ENVIRONMENT_SUFFIX set to the selected environment. */
  readonly env: Env;
}

/**
 * Loads the configuration as main.ts does (environment, then cdktf.json context) and
 * insists on one environment. `defaultEnvironment` applies only when neither
 * ENVIRONMENT_SUFFIX nor the context names one (the sandbox defaults to `dev`).
 */
export function selectEnvironment(
  command: string,
  baseEnv: Readonly<Record<string, string | undefined>>,
  context: Record<string, unknown> = {},
  defaultEnvironment?: string,
): Selection {
  const env: Env = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  if (defaultEnvironment && !env.ENVIRONMENT_SUFFIX?.trim() && context.env === undefined) {
    env.ENVIRONMENT_SUFFIX = defaultEnvironment;
  }
  const configs = loadConfigs({ env, context: (key) => context[key] });
  if (configs.length !== 1) {
    const names = configs.map((c) => c.environment);
    throw new UsageError(
      `${command} works on one environment at a time, but ENVIRONMENT_SUFFIX=${env.ENVIRONMENT_SUFFIX} names ${names.length} (${names.join(', ')}).\n` +
        `Run it once per environment, e.g.: ENVIRONMENT_SUFFIX=${names[0]} npm run ${command}`,
    );
  }
  return { config: configs[0], env: { ...env, ENVIRONMENT_SUFFIX: configs[0].environment } };
}

/** Formats a ConfigError or UsageError for the terminal; rethrows anything else. */
export function describeStartError(error: unknown): string {
  if (error instanceof ConfigError || error instanceof UsageError) return error.message;
  throw error;
}

// ---------------------------------------------------------------------------------------
// Arguments of plan / deploy / sandbox.
// ---------------------------------------------------------------------------------------

export type OpsCommand = 'plan' | 'deploy' | 'sandbox';

export interface OpsArgs {
  readonly emulator: boolean;
  readonly yes: boolean;
  readonly strict: boolean;
  readonly allow: readonly string[];
  readonly out?: string;
  readonly help: boolean;
}

const OPTIONS: Record<OpsCommand, readonly string[]> = {
  plan: ['--emulator', '--strict', '--allow', '--out'],
  deploy: ['--emulator', '--strict', '--allow', '--yes'],
  sandbox: ['--strict'],
};

export const USAGE: Record<OpsCommand, string> = {
  plan: [
    'usage: npm run plan [-- [--emulator] [--out <review.md>] [--strict] [--allow <address>]...]',
    '  Synth, preflight, terraform plan and a plan review of the selected environment',
    '  (ENVIRONMENT_SUFFIX, exactly one; default prod). Exit 1 if preflight fails or the',
    '  plan guard blocks the plan.',
    '  --emulator  plan against a local AWS emulator (started, state bootstrapped, stopped)',
    '  --out       where to write the review (default cdktf.out/plan-review-<stack>.md)',
    '  --strict    a preflight check the target cannot answer fails the run',
    '  --allow     accept deleting/replacing this exact stateful address (repeatable)',
  ].join('\n'),
  deploy: [
    'usage: npm run deploy [-- [--emulator] [--yes] [--strict] [--allow <address>]...]',
    '  Synth, preflight, plan, review, plan guard, then apply that same saved plan to the',
    '  selected environment (ENVIRONMENT_SUFFIX, exactly one; default prod).',
    '  --emulator  deploy to a local AWS emulator (started, state bootstrapped, stopped)',
    '  --yes       apply without asking (required when stdin is not a terminal)',
    '  --strict    a preflight check the target cannot answer fails the run',
    '  --allow     accept deleting/replacing this exact stateful address (repeatable;',
    '              the production profile refuses a blocked plan without it)',
    '  The state bootstrap (TapStateBackend) is a one-time command: see docs/state-backend.md.',
  ].join('\n'),
  sandbox: [
    'usage: npm run sandbox [-- --strict]',
    '  The platform on a local AWS emulator until Ctrl-C: starts it, bootstraps state,',
    '  deploys the selected environment (ENVIRONMENT_SUFFIX, default dev), preflights it and',
    '  prints the outputs and how to point the AWS CLI/SDK at it.',
    '  SANDBOX_EXIT_AFTER_DEPLOY=1 stops it right after printing (CI).',
  ].join('\n'),
};

/** Parses the arguments of one command; throws UsageError (with the usage) when wrong. */
export function parseOpsArgs(command: OpsCommand, argv: readonly string[]): OpsArgs {
  const allowed = OPTIONS[command];
  const allow: string[] = [];
  let emulator = false;
  let yes = false;
  let strict = false;
  let help = false;
  let out: string | undefined;
  const fail = (message: string): never => {
    throw new UsageError(`${command}: ${message}\n${USAGE[command]}`);
  };
  const value = (name: string, i: number): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) fail(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (raw === '--help' || raw === '-h') {
      help = true;
      continue;
    }
    const eq = raw.indexOf('=');
    const name = raw === '-y' ? '--yes' : raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    if (!allowed.includes(name)) {
      fail(raw.startsWith('-') ? `unknown option ${raw}` : `unexpected argument ${raw}`);
    }
    const inline = name !== raw && raw !== '-y' ? raw.slice(eq + 1) : undefined;
    if (name === '--allow' || name === '--out') {
      const v = inline ?? value(name, ++i);
      if (!v) fail(`${name} needs a value`);
      if (name === '--allow') allow.push(v);
      else out = v;
    } else if (inline !== undefined) {
      fail(`${name} takes no value`);
    } else if (name === '--emulator') emulator = true;
    else if (name === '--yes') yes = true;
    else strict = true;
  }
  return { emulator, yes, strict, allow, out, help };
}

/** Whether an apply may go ahead: with --yes, after asking on a terminal, else refused. */
export function confirmationMode(yes: boolean, isTTY: boolean): 'proceed' | 'ask' | 'refuse' {
  if (yes) return 'proceed';
  return isTTY ? 'ask' : 'refuse';
}

export const NO_TTY_MESSAGE =
  'deploy: stdin is not a terminal, so the plan cannot be confirmed interactively; rerun with --yes ' +
  '(npm run deploy -- --yes) once the plan review is approved.';

/** The production profile requires the plan guard; other profiles print it as advice. */
export function guardIsRequired(config: Pick<PlatformConfig, 'profile'>): boolean {
  return config.profile === 'production';
}

/** Whether deploy may apply the plan, and the heading printed above the verdict. */
export function deployGuardDecision(
  verdict: Pick<PlanGuardVerdict, 'blocked'>,
  config: Pick<PlatformConfig, 'profile'>,
): { proceed: boolean; heading: string } {
  if (guardIsRequired(config)) {
    return {
      proceed: !verdict.blocked,
      heading: verdict.blocked
        ? 'Plan guard (required in the production profile): BLOCKED, nothing was applied.'
        : 'Plan guard (required in the production profile): OK.',
    };
  }
  return {
    proceed: true,
    heading: verdict.blocked
      ? `Plan guard (advice in the ${config.profile} profile; it would block this plan in production):`
      : `Plan guard (advice in the ${config.profile} profile):`,
  };
}

// ---------------------------------------------------------------------------------------
// Synthesis and override files.
// ---------------------------------------------------------------------------------------

export interface SynthesizedStack {
  readonly name: string;
  /** The stack's working directory (holds cdk.tf.json). */
  readonly dir: string;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: ReadonlyMap<string, SynthesizedStack>;
}

/** Reads `<outdir>/manifest.json` as cdktf writes it. */
export function readManifest(outdir: string): SynthResult {
  const file = join(outdir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    stacks?: Record<string, { workingDirectory: string }>;
  };
  const stacks = new Map<string, SynthesizedStack>();
  for (const [name, s] of Object.entries(manifest.stacks ?? {})) {
    stacks.set(name, { name, dir: join(outdir, s.workingDirectory) });
  }
  return { outdir, stacks };
}

/** The stack, or an error naming what was synthesized instead. */
export function stackOf(result: SynthResult, name: string): SynthesizedStack {
  const stack = result.stacks.get(name);
  if (!stack) {
    throw new Error(
      `the app did not synthesize ${name} (got ${[...result.stacks.keys()].join(', ') || 'nothing'})`,
    );
  }
  return stack;
}

export interface SynthOptions extends StepOptions {
  /** @default PROJECT_ROOT */
  readonly root?: string;
}

/**
 * Runs the app (cdktf.json "app", as `cdktf synth` would, without the CLI's start-up)
 * into `outdir` with `env`, and removes override files left by an earlier emulator run
 * so that they can never reach a run against AWS.
 */
export async function synth(
  outdir: string,
  env: Env,
  options: SynthOptions = {},
): Promise<SynthResult> {
  const root = options.root ?? PROJECT_ROOT;
  const project = readProject(root);
  await exec(
    ['-c', project.app],
    root,
    { ...env, CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: JSON.stringify(project.context) },
    options,
    'sh',
  );
  const result = readManifest(outdir);
  for (const stack of result.stacks.values()) {
    for (const file of OPS_OVERRIDE_FILES) rmSync(join(stack.dir, file), { force: true });
  }
  return result;
}

/** The emulator-only override: few provider retries, so unimplemented calls fail fast. */
export function emulatorOverride(): string {
  // hashicorp/aws 5.100 does not read AWS_MAX_ATTEMPTS (max_retries defaults to 25, and
  // the emulator answers unimplemented calls with HTTP 500): only the argument works.
  return `${JSON.stringify({ provider: { aws: { max_retries: 2 } } }, null, 2)}\n`;
}

/** Terraform override that keeps the bootstrap's local state at `statePath`. */
export function bootstrapStateOverride(statePath: string): string {
  return `${JSON.stringify({ terraform: { backend: { local: { path: statePath } } } }, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------
// Terraform on one stack.
// ---------------------------------------------------------------------------------------

/** What to do when `terraform init` fails for a reason an operator can fix. */
export function initHint(output: string): string | undefined {
  const text = stripAnsi(output);
  if (/NoSuchBucket|bucket does not exist|S3 bucket "[^"]*" does not exist/i.test(text)) {
    return (
      'The state bucket does not exist in this account and region: run the one-time bootstrap first ' +
      '(docs/state-backend.md): STATE_BUCKET=<your-bucket> npx cdktf deploy TapStateBackend --auto-approve --skip-provider-lock'
    );
  }
  if (
    /No valid credential sources|NoCredentialProviders|InvalidClientTokenId|ExpiredToken/.test(text)
  ) {
    return 'No valid AWS credentials reached Terraform: export AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and check with: npm run preflight -- --strict';
  }
  if (/Backend configuration changed/.test(text)) {
    return "The backend settings (STATE_*) differ from the ones this folder was initialised with: migrate deliberately (docs/state-backend.md), or remove the stack folder's .terraform/ if the old state is not needed.";
  }
  return undefined;
}

/** `terraform init` in the stack folder (providers from the project's mirror config in env). */
export async function terraformInit(
  stackDir: string,
  env: Env,
  options: StepOptions = {},
): Promise<void> {
  try {
    await exec(['init', '-input=false', '-no-color'], stackDir, env, options);
  } catch (error) {
    const hint =
      error instanceof CommandError
        ? initHint(error.result.stderr + error.result.stdout)
        : undefined;
    if (hint && error instanceof Error) error.message = `${error.message}\n${hint}`;
    throw error;
  }
}

/**
 * `terraform plan -out=<planFile>`, then `terraform show -json` of it written to
 * `<planFile>.json`. Returns the path of the plan JSON.
 */
export async function terraformPlan(
  stackDir: string,
  env: Env,
  planFile: string,
  options: StepOptions = {},
): Promise<string> {
  await exec(
    ['plan', '-input=false', '-no-color', '-lock-timeout=60s', `-out=${planFile}`],
    stackDir,
    env,
    { echoFilter: PLAN_PROGRESS, ...options },
  );
  // The plan JSON can be megabytes: not copied into the log.
  const show = await exec(['show', '-json', '-no-color', planFile], stackDir, env, {
    runner: options.runner,
  });
  const jsonPath = `${planFile}.json`;
  writeFileSync(jsonPath, show.stdout);
  return jsonPath;
}

/** Applies exactly the saved plan (Terraform refuses it if the state moved since). */
export async function terraformApply(
  stackDir: string,
  env: Env,
  planFile: string,
  options: StepOptions = {},
): Promise<void> {
  await exec(['apply', '-input=false', '-no-color', '-lock-timeout=60s', planFile], stackDir, env, {
    echoFilter: APPLY_PROGRESS,
    ...options,
  });
}

export interface StackOutputs {
  /** Non-sensitive outputs by name. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Names of the outputs marked sensitive; their values are never read into here. */
  readonly sensitive: readonly string[];
}

/** Splits `terraform output -json` into plain values and the names of sensitive ones. */
export function outputValues(json: unknown): StackOutputs {
  const values: Record<string, unknown> = {};
  const sensitive: string[] = [];
  if (typeof json === 'object' && json !== null) {
    for (const [name, out] of Object.entries(json as Record<string, unknown>)) {
      const o = (out ?? {}) as { sensitive?: boolean; value?: unknown };
      if (o.sensitive === true) sensitive.push(name);
      else values[name] = o.value;
    }
  }
  return { values, sensitive: sensitive.sort() };
}

/** `terraform output -json` of the stack, without the sensitive values. */
export async function readOutputs(
  stackDir: string,
  env: Env,
  options: StepOptions = {},
): Promise<StackOutputs> {
  // Not logged: the JSON holds the sensitive values too.
  const result = await exec(['output', '-json', '-no-color'], stackDir, env, {
    runner: options.runner,
  });
  return outputValues(JSON.parse(result.stdout || '{}'));
}

/** The outputs as aligned `name  value` lines. */
export function formatOutputs(outputs: StackOutputs): string {
  const names = Object.keys(outputs.values).sort();
  const width = Math.max(
    0,
    ...names.map((n) => n.length),
    ...outputs.sensitive.map((n) => n.length),
  );
  const lines = names.map((n) => {
    const v = outputs.values[n];
    return `  ${n.padEnd(width)}  ${typeof v === 'string' ? v : JSON.stringify(v)}`;
  });
  for (const n of outputs.sensitive) lines.push(`  ${n.padEnd(width)}  (sensitive, not shown)`);
  return lines.length > 0 ? lines.join('\n') : '  (no outputs)';
}

// ---------------------------------------------------------------------------------------
// The target: AWS as configured, or a local emulator with state bootstrapped.
// ---------------------------------------------------------------------------------------

export interface TargetOptions {
  readonly emulator: boolean;
  readonly region: string;
  /** Logs and the Terraform CLI config; for the emulator also the outdir and bootstrap state. */
  readonly workDir: string;
  /** Where an AWS run synthesizes. @default <project>/cdktf.out */
  readonly outdir?: string;
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
   * the bootstrap state override, and applies TapStateBackend once. AWS: nothing (the
   * bootstrap is a one-time command). Returns a note for the phase summary.
   */
  prepare(result: SynthResult): Promise<string>;
  /** SDK clients for preflight that talk to this target. */
  preflightClients(region: string): PreflightClients;
  /** Stops the emulator and removes its state; `removeWorkDir` also removes logs. */
  stop(options?: { removeWorkDir?: boolean }): Promise<void>;
}

export const EMULATOR_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export async function startTarget(options: TargetOptions): Promise<Target> {
  const deps = options.deps ?? {};
  const baseEnv = options.baseEnv ?? process.env;
  const workDir = options.workDir;
  if (options.emulator) rmSync(workDir, { recursive: true, force: true });
  const logDir = join(workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const terraform = (deps.prepareTerraform ?? prepareTerraform)(workDir, baseEnv);

  if (!options.emulator) {
    return {
      kind: 'aws',
      env: terraform.env,
      region: options.region,
      workDir,
      outdir: options.outdir ?? join(PROJECT_ROOT, 'cdktf.out'),
      logDir,
      terraform,
      prepare: async () => 'AWS: the state bucket comes from the one-time bootstrap',
      preflightClients: (region) => createPreflightClients(region),
      stop: async () => undefined,
    };
  }

  const emulator: Emulator = await (deps.startEmulator ?? startEmulator)({
    region: options.region,
    logFile: join(logDir, 'emulator.log'),
  });
  const env = emulator.env(terraform.env);
  const outdir = join(workDir, 'cdktf.out');
  const stateDir = join(workDir, 'state');
  const bootstrapStatePath = join(stateDir, `terraform.${BOOTSTRAP_STACK}.tfstate`);
  let bootstrapped = false;
  const step = (name: string): StepOptions => ({
    logFile: join(logDir, `${name}.log`),
    runner: deps.runner,
  });

  return {
    kind: 'emulator',
    env,
    endpoint: emulator.endpoint,
    region: options.region,
    workDir,
    outdir,
    logDir,
    terraform,
    bootstrapStatePath,
    async prepare(result) {
      for (const stack of result.stacks.values()) {
        writeFileSync(join(stack.dir, EMULATOR_OVERRIDE_FILE), emulatorOverride());
      }
      const boot = stackOf(result, BOOTSTRAP_STACK);
      mkdirSync(stateDir, { recursive: true });
      writeFileSync(
        join(boot.dir, BOOTSTRAP_STATE_OVERRIDE_FILE),
        bootstrapStateOverride(bootstrapStatePath),
      );
      if (bootstrapped) return `${BOOTSTRAP_STACK} already applied`;
      const opts = step(`bootstrap-${BOOTSTRAP_STACK}`);
      await terraformInit(boot.dir, env, opts);
      const plan = join(boot.dir, 'tfplan');
      await terraformPlan(boot.dir, env, plan, opts);
      await terraformApply(boot.dir, env, plan, opts);
      bootstrapped = true;
      return `${BOOTSTRAP_STACK} applied; its local state: ${relative(PROJECT_ROOT, bootstrapStatePath)}`;
    },
    preflightClients(region) {
      const config = {
        region,
        maxAttempts: 2,
        endpoint: emulator.endpoint,
        credentials: EMULATOR_CREDENTIALS,
      };
      return {
        sts: new STSClient(config),
        rds: new RDSClient(config),
        elasticache: new ElastiCacheClient(config),
        ec2: new EC2Client(config),
      };
    },
    async stop(stopOptions = {}) {
      await emulator.stop();
      // The emulator is gone: its state files and synthesized overrides describe nothing.
      rmSync(stateDir, { recursive: true, force: true });
      rmSync(outdir, { recursive: true, force: true });
      if (stopOptions.removeWorkDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------
// The shared flow: synth → prepare target → preflight → init → plan → review.
// ---------------------------------------------------------------------------------------

export interface PlanFlowOptions {
  readonly timer: PhaseTimer;
  readonly target: Target;
  readonly config: PlatformConfig;
  readonly strict?: boolean;
  /** Guard overrides, shown in the review. */
  readonly allow?: readonly string[];
  /** @default <project>/cdktf.out/plan-review-<stack>.md */
  readonly reviewFile?: string;
  /** @default process.stdout */
  readonly write?: (text: string) => void;
  readonly runner?: Runner;
  /** @default the SDK clients of the target */
  readonly preflightClients?: (region: string) => PreflightClients;
}

export interface PlannedStack {
  readonly stack: SynthesizedStack;
  readonly planFile: string;
  readonly planJson: string;
  readonly review: PlanReview;
  readonly reviewFile: string;
  /** The plan guard's verdict with the operator's overrides. */
  readonly verdict: PlanGuardVerdict;
}

export function defaultReviewFile(stackId: string): string {
  return join(PROJECT_ROOT, 'cdktf.out', `plan-review-${stackId}.md`);
}

/** Runs the phases every plan and deploy share; throws (as PhaseError) on the first failure. */
export async function planSelected(options: PlanFlowOptions): Promise<PlannedStack> {
  const { timer, target, config } = options;
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const log = (name: string): StepOptions => ({
    logFile: join(target.logDir, `${name}.log`),
    runner: options.runner,
  });

  const synthesized = await timer.run('synth', async (note) => {
    const result = await synth(target.outdir, target.env, log('synth'));
    stackOf(result, config.stackId);
    note([...result.stacks.keys()].join(', '));
    return result;
  });
  const stack = stackOf(synthesized, config.stackId);

  if (target.kind === 'emulator') {
    await timer.run('bootstrap state (emulator)', (note) => target.prepare(synthesized).then(note));
  } else {
    timer.skip('bootstrap state', 'AWS: a one-time command (docs/state-backend.md)');
  }

  await timer.run('preflight', async (note) => {
    const outcome = await preflight([config], {
      strict: options.strict ?? false,
      clientsFor: options.preflightClients ?? ((region) => target.preflightClients(region)),
    });
    write(`${outcome.text}\n`);
    const c = outcome.counts;
    note(`${c.pass} passed, ${c.fail} failed, ${c.notVerified} not verified`);
    if (!outcome.passed) {
      throw new Error(
        c.fail > 0
          ? `preflight: ${c.fail} check(s) failed; fix the FAIL rows above, then run again`
          : `preflight --strict: ${c.notVerified} check(s) could not be verified on this target`,
      );
    }
  });

  await timer.run(`init ${stack.name}`, () =>
    terraformInit(stack.dir, target.env, log(`init-${stack.name}`)),
  );

  const planFile = join(stack.dir, 'tfplan');
  const planJson = await timer.run(`plan ${stack.name}`, async (note) => {
    const json = await terraformPlan(stack.dir, target.env, planFile, {
      ...log(`plan-${stack.name}`),
      echoPrefix: `    [${stack.name}] `,
    });
    note(relative(PROJECT_ROOT, json));
    return json;
  });

  const reviewFile = options.reviewFile ?? defaultReviewFile(stack.name);
  const review = await timer.run('plan review', (note) => {
    mkdirSync(dirname(reviewFile), { recursive: true });
    const r = writeReview(planJson, reviewFile, {
      stack: stack.name,
      guardAllow: options.allow ?? [],
    });
    const c = r.counts;
    note(
      `${c.create} create, ${c.update} update, ${c.replace} replace, ${c.delete} delete → ${relative(process.cwd(), reviewFile)}`,
    );
    return r;
  });
  write(`\n${review.markdown}\n`);

  const verdict = guardPlanFile(planJson, { allow: options.allow ?? [] });
  return { stack, planFile, planJson, review, reviewFile, verdict };
}

/** Applies the saved plan and reads the outputs, as two phases. */
export async function applyPlanned(
  timer: PhaseTimer,
  target: Target,
  planned: PlannedStack,
  runner?: Runner,
): Promise<StackOutputs> {
  const { stack } = planned;
  await timer.run(`apply ${stack.name}`, async (note) => {
    await terraformApply(stack.dir, target.env, planned.planFile, {
      logFile: join(target.logDir, `apply-${stack.name}.log`),
      echoPrefix: `    [${stack.name}] `,
      runner,
    });
    const c = planned.review.counts;
    note(`${c.create} created, ${c.update} updated, ${c.replace} replaced, ${c.delete} deleted`);
  });
  return timer.run('outputs', async (note) => {
    const outputs = await readOutputs(stack.dir, target.env, { runner });
    note(
      `${Object.keys(outputs.values).length} outputs, ${outputs.sensitive.length} sensitive not shown`,
    );
    return outputs;
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

/** The message for a failed run: the phase, the cause, and the log to read. */
export function describeFailure(command: string, error: unknown): string {
  const phase = error instanceof PhaseError ? error.phase : 'setup';
  const cause = error instanceof PhaseError ? error.cause : error;
  const lines = [
    `${command} FAILED in phase "${phase}":`,
    cause instanceof Error ? cause.message : String(cause),
  ];
  if (cause instanceof CommandError && cause.logFile) lines.push(`(log: ${cause.logFile})`);
  return lines.join('\n');
}

/** The phase table and the result line printed at the end of every run. */
export function runSummary(timer: PhaseTimer, ok: boolean, suffix = ''): string {
  return [
    'Phases:',
    ...timer.summary(),
    `Result: ${ok ? 'OK' : 'FAILED'} in ${formatDuration(timer.elapsedMs())}${suffix}`,
  ].join('\n');
}

/** Starts the target as a timed phase: the emulator, or Terraform set up for AWS. */
export function startTargetPhase(
  timer: PhaseTimer,
  command: OpsCommand,
  options: Omit<TargetOptions, 'workDir'>,
): Promise<Target> {
  return timer.run(options.emulator ? 'start emulator' : 'prepare terraform', async (note) => {
    const target = await startTarget({
      ...options,
      workDir: workDirFor(command, options.emulator),
    });
    note(target.endpoint ?? `providers from ${target.terraform.mirrorRoot}`);
    return target;
  });
}

/**
 * Each command's own work folder: `.sandbox/<command>` (git-ignored) for emulator runs,
 * so that parallel runs (and the e2e suite's `.e2e/`) never share files; for AWS runs
 * `cdktf.out/.<command>` (logs and the Terraform CLI config only).
 */
export function workDirFor(command: OpsCommand, emulator: boolean, root = PROJECT_ROOT): string {
  return emulator ? join(root, '.sandbox', command) : join(root, 'cdktf.out', `.${command}`);
}

/** Runs a command's main and exits with its code; an unexpected error is printed and exits 1. */
export function exitWith(
  run: Promise<number>,
  exit: (code: number) => void = process.exit,
): Promise<void> {
  return run.then(
    (code) => exit(code),
    (error: unknown) => {
      console.error(error);
      exit(1);
    },
  );
}
