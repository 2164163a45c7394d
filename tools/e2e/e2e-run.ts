/**
 * The state of one e2e run and the operations its phases share: settings, the emulator and
 * its accounts, Terraform set-up, the synthesized stacks (one synth per environment: its
 * platform stack and its account's baseline), and deploying/destroying them with the
 * credentials of whoever deploys each. Exercised end to end by `npm run test:e2e`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { run, RunOptions, TerraformSetup } from '../core';
import { EMULATOR_OVERRIDE_FILE, emulatorOverride } from '../deploy';
import type { Emulator } from '../emulator';
import {
  accountOwner,
  credentialEnv,
  Credentials,
  EmulatorClientSettings,
  environmentAccount,
  OrganizationServices,
  environmentSettings,
  runAccountSettings,
  TOOLING_ACCOUNT,
} from './accounts';
import type { E2eFindings } from './procedure';
import { SecretValue, secretsIn } from './secret-scan';
import { StateSecretEntry, stateSecrets } from './state-secrets';

export const ROOT = path.resolve(__dirname, '..', '..');
export const WORK = path.join(ROOT, '.e2e');
export const OUTDIR = path.join(WORK, 'cdktf.out');
export const LOGS = path.join(WORK, 'logs');
/** Plan JSON and plan reviews of the lifecycle steps (examples for docs/plan-review.md). */
export const PLANS = path.join(WORK, 'plans');
export const CDKTF = path.join(ROOT, 'node_modules', '.bin', 'cdktf');
export const JEST = path.join(ROOT, 'node_modules', '.bin', 'jest');
export const BOOTSTRAP = 'TapStateBackend';
/** The account baseline, deployed once per account and region between bootstrap and environments. */
export const BASELINE = 'TapAccountBaseline';
/**
 * Baseline settings of every emulator synth (docs/account-baseline.md §7): no account-wide
 * settings (the S3 account public access block calls S3 Control at <account>.<host>, which
 * does not resolve to the emulator). Each account's profile and services: accounts.ts.
 */
export const EMULATOR_BASELINE_SETTINGS: Readonly<Record<string, string>> = {
  BASELINE_ACCOUNT_WIDE: 'off',
};
/** Lines of cdktf deploy/destroy worth echoing. */
export const PROGRESS =
  /(Creation|Destruction|Modifications) complete|Apply complete|Destroy complete|Error:|error:|Still (creating|destroying)\.\.\. \[[^\]]*[0-9]m0s/;

/** The label of an environment account's baseline: one TapAccountBaseline per account. */
export const baselineLabel = (environment: string) => `${BASELINE}[${environment}]`;
export const platformStack = (environment: string) => `TapStack${environment}`;

export interface StackInfo {
  /** The cdktf stack id (what `cdktf deploy` takes). */
  readonly name: string;
  /** Unique in the run: the stack id, or `TapAccountBaseline[<env>]` for an account's baseline. */
  readonly label: string;
  /** The environment whose synth wrote it (platform stacks and baselines). */
  readonly environment?: string;
  readonly dir: string;
  /** The synth output folder the stack is in (cdktf deploy/destroy -o). */
  readonly outdir: string;
  /** Settings it was synthesized with besides the run's (e.g. DB_ENGINE_MAJOR_VERSION). */
  readonly settings: Readonly<Record<string, string>>;
  readonly json: Record<string, unknown>;
  readonly protectedResources: string[];
}

export interface E2eSettings {
  readonly environments: string[];
  /** The environment the day-2 lifecycle runs on (change, upgrade), if deployed. */
  readonly lifecycleEnvironment: string;
  /**
   * The fault drill's environment (in another environment's account, beside its day-2
   * lifecycle), or undefined for none.
   */
  readonly drillEnvironment?: string;
  readonly region: string;
  readonly app: string;
  readonly context: Record<string, unknown>;
  readonly skipPlatform: boolean;
}

/** E2E_ENVIRONMENTS, E2E_REGION, E2E_APP, E2E_SKIP_PLATFORM (see e2e.command.ts). */
export function readSettings(env = process.env): E2eSettings {
  const environments = (env.E2E_ENVIRONMENTS ?? 'dev,prod')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const environment of environments) environmentAccount(environment);
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
  return {
    environments,
    lifecycleEnvironment: env.E2E_LIFECYCLE_ENVIRONMENT ?? 'dev',
    drillEnvironment: drillEnvironmentOf(env.E2E_DRILL_ENVIRONMENT ?? 'drill', environments),
    region: env.E2E_REGION ?? 'eu-west-1',
    app: env.E2E_APP ?? (cdktfJson.app as string),
    context: cdktfJson.context ?? {},
    skipPlatform: env.E2E_SKIP_PLATFORM === '1',
  };
}

/**
 * E2E_DRILL_ENVIRONMENT: blank for none; else an environment the e2e knows that shares the
 * account of one the run deploys (its baseline must be there) and is not one of them.
 */
function drillEnvironmentOf(value: string, environments: readonly string[]): string | undefined {
  const drill = value.trim();
  if (!drill) return undefined;
  const owner = accountOwner(drill);
  if (owner === drill || environments.includes(drill)) {
    throw new Error(
      `E2E_DRILL_ENVIRONMENT=${drill}: the drill needs an environment of its own in another environment's account (drill, in dev's)`,
    );
  }
  return environments.includes(owner) ? drill : undefined;
}

/** Reads a synthesized stack and the addresses it protects with prevent_destroy. */
export function readStack(
  name: string,
  dir: string,
  outdir = OUTDIR,
  settings: Readonly<Record<string, string>> = {},
  label = name,
  environment?: string,
): StackInfo {
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
  return { name, label, environment, dir, outdir, settings, json, protectedResources };
}

const TOOLING_CREDENTIALS: Credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export class E2eRun {
  readonly findings: E2eFindings = { resources: {}, limitations: [], drift: [] };
  /** By label. */
  readonly stacks = new Map<string, StackInfo>();
  readonly bootstrapState = path.join(ROOT, `terraform.${BOOTSTRAP}.tfstate`);
  readonly platformStacks: readonly string[];
  /** When the run began: run folders made since are part of the secret scan. */
  readonly startedAt = Date.now();
  emulator?: Emulator;
  tf?: TerraformSetup;
  createdBootstrapState = false;
  protectedDeployed = false;
  /** Per environment: its account's administrator (OrganizationAccountAccessRole). */
  readonly admins = new Map<string, Credentials>();
  /** Per environment deployed by CI: the plan and apply roles' credentials. */
  readonly ci = new Map<string, { plan: Credentials; apply: Credentials }>();
  /** Per member account: what its organization runs there (created before the baseline). */
  readonly organizationServices = new Map<string, OrganizationServices>();
  /** Per production environment: the imported certificate of its API domain. */
  readonly certificates: Record<string, string> = {};
  /** The bootstrap's output state_kms_key_arn: the environments' STATE_KMS_KEY_ARN. */
  stateKeyArn?: string;
  /** Per label: what `terraform output` read after its deploy. */
  outputs: Record<string, Record<string, unknown>> = {};
  /** Stacks destroyed by a lifecycle phase (the final destroy skips them). */
  readonly destroyed = new Set<string>();
  /** Every secret value read back from the emulator and the states (never printed). */
  readonly secrets: SecretValue[] = [];
  /** Per credential-bearing attribute in a state: held or not, and why. */
  readonly stateSecretEntries: StateSecretEntry[] = [];
  /** Per stack, the secret-scan report lines (filled by captureSecrets). */
  readonly secretSources: string[] = [];

  constructor(readonly settings: E2eSettings) {
    this.platformStacks = settings.skipPlatform ? [] : settings.environments.map(platformStack);
  }

  /** Every environment with an account in the run's settings: the deployed ones, the drill's. */
  get accountEnvironments(): readonly string[] {
    const { environments, drillEnvironment } = this.settings;
    return drillEnvironment ? [...environments, drillEnvironment] : environments;
  }

  /** The bootstrap stack first, then the accounts' baselines, then the platform stacks. */
  get allStacks(): readonly string[] {
    return [BOOTSTRAP, ...this.baselineStacks, ...this.platformStacks];
  }

  /** One baseline per environment's account. */
  get baselineStacks(): readonly string[] {
    return this.settings.environments.map(baselineLabel);
  }

  stack(label: string): StackInfo {
    const stack = this.stacks.get(label);
    if (!stack) throw new Error(`no stack ${label} was synthesized`);
    return stack;
  }

  /** The emulator's variables with the tooling account's credentials, plus `extra`. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.emulator!.env(this.tf!.env), ...extra };
  }

  /**
   * Who deploys a stack: the tooling account for the bootstrap and the baselines (their
   * providers assume OrganizationAccountAccessRole), an environment's CI apply role or the
   * operator (tooling, with DEPLOY_ROLE_ARN) for a platform stack.
   */
  deployerOf(stack: StackInfo): Credentials {
    if (stack.name !== platformStack(stack.environment ?? '')) return TOOLING_CREDENTIALS;
    const ci = this.ci.get(stack.environment!);
    return environmentAccount(stack.environment!).deployedBy === 'ci' && ci
      ? ci.apply
      : TOOLING_CREDENTIALS;
  }

  /** The environment a stack's commands run with: its deployer's credentials. */
  envOf(stack: StackInfo, extra: Record<string, string> = {}): Record<string, string> {
    return this.env({ ...credentialEnv(this.deployerOf(stack)), ...extra });
  }

  opts(log: string, extra: Partial<RunOptions> = {}): RunOptions {
    return { cwd: ROOT, env: this.env(), logFile: path.join(LOGS, log), ...extra };
  }

  /** Options to run a command for `stack` in its folder with its deployer's credentials. */
  stackOpts(stack: StackInfo, log: string, extra: Partial<RunOptions> = {}): RunOptions {
    return { ...this.opts(log), cwd: stack.dir, env: this.envOf(stack), ...extra };
  }

  /** SDK settings in the tooling account, or as an environment account's administrator. */
  clientSettings(environment?: string): EmulatorClientSettings {
    const credentials = environment
      ? this.admins.get(accountOwner(environment))
      : TOOLING_CREDENTIALS;
    if (!credentials) throw new Error(`the ${environment} account was not set up`);
    return { region: this.settings.region, endpoint: this.emulator!.endpoint, credentials };
  }

  /**
   * Every setting of an environment's synth (accounts, state, its own, the step's); the
   * state key's ARN once the bootstrap is deployed.
   */
  synthSettings(
    environment: string | undefined,
    extra: Readonly<Record<string, string>> = {},
  ): Record<string, string> {
    return {
      ...EMULATOR_BASELINE_SETTINGS,
      ...runAccountSettings(this.accountEnvironments, this.stateKeyArn),
      ...(environment ? environmentSettings(environment, this.certificates[environment]) : {}),
      ...extra,
    };
  }

  /** The stack's `terraform.backend.s3` block, if it has one. */
  backendOf(label: string): Record<string, string> | undefined {
    const terraform = this.stack(label).json.terraform as Record<string, unknown> | undefined;
    return (terraform?.backend as Record<string, Record<string, string>> | undefined)?.s3;
  }

  async countResources(stack: StackInfo): Promise<number> {
    const r = await run(
      'terraform',
      ['state', 'list'],
      this.stackOpts(stack, `state-${stack.label}.log`),
    );
    return r.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('data.')).length;
  }

  /** `terraform init` in the stack's folder (after a deploy made from another folder). */
  async init(stack: StackInfo): Promise<void> {
    await run(
      'terraform',
      ['init', '-input=false', '-no-color', '-lockfile=readonly'],
      this.stackOpts(stack, `init-${stack.label}.log`),
    );
  }

  /** `cdktf deploy` of one stack; then its outputs and resource count. */
  async deploy(stack: StackInfo): Promise<void> {
    const args = [
      ...['deploy', stack.name, '--skip-synth', '-o', stack.outdir, '--auto-approve'],
      '--skip-provider-lock',
    ];
    await run(
      CDKTF,
      args,
      this.stackOpts(stack, `deploy-${stack.label}.log`, {
        cwd: ROOT,
        echoPrefix: `    [${stack.label}] `,
        echoFilter: PROGRESS,
      }),
    );
    await this.recordDeployed(stack);
  }

  /** After a deploy by any path: the outputs (none null or empty), the resource count. */
  async recordDeployed(stack: StackInfo): Promise<void> {
    this.outputs[stack.label] = await this.readOutputs(stack);
    this.findings.resources[stack.label] = await this.countResources(stack);
  }

  /**
   * `terraform output -json` of a deployed stack, sensitive ones left out, as
   * `{ name: value }`. A declared output missing or empty is a defect (Terraform keeps no
   * null output in state, so a declared output missing there is null).
   */
  async readOutputs(stack: StackInfo): Promise<Record<string, unknown>> {
    const shown = await run(
      'terraform',
      ['output', '-json'],
      this.stackOpts(stack, `outputs-${stack.label}.log`),
    );
    const values = JSON.parse(shown.stdout) as Record<
      string,
      { value: unknown; sensitive: boolean }
    >;
    const declared = Object.keys((stack.json.output ?? {}) as Record<string, unknown>);
    const empty = declared.filter(
      (name) =>
        values[name] === undefined || values[name].value === null || values[name].value === '',
    );
    if (empty.length > 0) {
      throw new Error(
        `${stack.label} applied, but these outputs are null or empty: ${empty.join(', ')}`,
      );
    }
    const outputs: Record<string, unknown> = {};
    for (const [name, o] of Object.entries(values)) if (!o.sensitive) outputs[name] = o.value;
    return outputs;
  }

  /**
   * The outputs file the integration tests read for one environment (or the bootstrap
   * alone): `{ "<stack id>": { "<output>": value } }`, that environment's account baseline
   * under its stack id.
   */
  writeOutputsFile(environment?: string): string {
    const file = path.join(WORK, `outputs-${environment ?? BOOTSTRAP}.json`);
    const content: Record<string, Record<string, unknown>> = {
      [BOOTSTRAP]: this.outputs[BOOTSTRAP] ?? {},
    };
    if (environment) {
      const baseline = this.outputs[baselineLabel(environment)];
      if (baseline) content[BASELINE] = baseline;
      const platform = this.outputs[platformStack(environment)];
      if (platform) content[platformStack(environment)] = platform;
    }
    fs.writeFileSync(file, JSON.stringify(content, null, 2));
    return file;
  }

  /**
   * Runs the app into `outdir` for one environment (or none: before STATE_KMS_KEY_ARN is
   * known, the bootstrap alone), writes the emulator override next to each stack, and returns them
   * labelled (an account's baseline as `TapAccountBaseline[<env>]`).
   */
  async synthInto(
    outdir: string,
    environment: string | undefined,
    stepSettings: Readonly<Record<string, string>>,
    log: string,
  ): Promise<StackInfo[]> {
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    await run('sh', ['-c', this.settings.app], {
      ...this.opts(log),
      env: this.env({
        ...this.synthSettings(environment, stepSettings),
        CDKTF_OUTDIR: outdir,
        CDKTF_CONTEXT_JSON: JSON.stringify(this.settings.context),
        // No environment (E2E_ENVIRONMENTS=): the app's default stack is synthesized but not
        // deployed; a blank ENVIRONMENT_SUFFIX is refused by the configuration.
        ...(environment ? { ENVIRONMENT_SUFFIX: environment } : {}),
      }),
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const stacks: StackInfo[] = [];
    for (const [name, s] of Object.entries(
      manifest.stacks as Record<string, { workingDirectory: string }>,
    )) {
      const dir = path.join(outdir, s.workingDirectory);
      fs.writeFileSync(path.join(dir, EMULATOR_OVERRIDE_FILE), emulatorOverride());
      const label = name === BASELINE && environment ? baselineLabel(environment) : name;
      stacks.push(readStack(name, dir, outdir, stepSettings, label, environment));
    }
    return stacks;
  }

  /** `cdktf destroy` of one stack. */
  async destroy(stack: StackInfo, log = `destroy-${stack.label}.log`): Promise<void> {
    await run(
      CDKTF,
      [
        ...['destroy', stack.name, '--skip-synth', '-o', stack.outdir],
        ...['--auto-approve', '--skip-provider-lock'],
      ],
      this.stackOpts(stack, log, {
        cwd: ROOT,
        echoPrefix: `    [${stack.label}] `,
        echoFilter: PROGRESS,
      }),
    );
    this.destroyed.add(stack.label);
  }

  /**
   * Reads back every secret the stack owns while it exists: each secret in Secrets Manager
   * of its account (GetSecretValue; the RDS-managed master secret among them) and every
   * value the state holds at a sensitive path. `terraform state pull` runs unlogged: its
   * output is the secret-bearing input of the scan and stays in memory.
   */
  async captureSecrets(stack: StackInfo): Promise<void> {
    const pulled = await run('terraform', ['state', 'pull'], {
      cwd: stack.dir,
      env: this.envOf(stack),
    });
    const fromState = stateSecrets(stack.label, pulled.stdout);
    this.secrets.push(...fromState.values);
    this.stateSecretEntries.push(...fromState.entries);
    const account = stack.name === BOOTSTRAP ? undefined : stack.environment;
    const sm = new SecretsManagerClient({ ...this.clientSettings(account), maxAttempts: 2 });
    let listed = 0;
    for (let token: string | undefined, first = true; first || token; first = false) {
      const page = await sm.send(new ListSecretsCommand({ NextToken: token }));
      token = page.NextToken;
      for (const entry of page.SecretList ?? []) {
        const value = await sm.send(new GetSecretValueCommand({ SecretId: entry.ARN }));
        if (value.SecretString === undefined) continue;
        listed++;
        this.secrets.push(
          ...secretsIn(`secret ${entry.Name} (Secrets Manager)`, value.SecretString),
        );
      }
    }
    this.secretSources.push(
      `after ${stack.label}: ${listed} Secrets Manager value(s) in account ${account ? environmentAccount(account).accountId : TOOLING_ACCOUNT}, ${fromState.values.length} sensitive value(s) in state`,
    );
  }

  /** `terraform plan -destroy` must fail on prevent_destroy: the protection works. */
  async expectDestroyRefused(stack: StackInfo): Promise<void> {
    const result = await run(
      'terraform',
      ['plan', '-destroy', '-input=false', '-no-color', '-lock-timeout=60s'],
      this.stackOpts(stack, `destroy-${stack.label}.log`, { okCodes: [0, 1, 2] }),
    );
    const text = result.stdout + result.stderr;
    if (
      result.code !== 1 ||
      !/Instance cannot be destroyed/.test(text) ||
      !/prevent_destroy/.test(text)
    ) {
      throw new Error(
        `destroy of ${stack.label} was not refused by prevent_destroy (exit ${result.code})`,
      );
    }
  }

  /** Deletes the e2e run's own local bootstrap state (the emulator it described is gone). */
  removeBootstrapState(): void {
    fs.rmSync(this.bootstrapState, { force: true });
    fs.rmSync(`${this.bootstrapState}.backup`, { force: true });
    this.createdBootstrapState = false;
  }
}
