/**
 * The state of one e2e run and the operations its phases share: settings, the emulator,
 * Terraform set-up, the synthesized stacks, and deploying/destroying with the cdktf CLI.
 * Exercised end to end by `npm run test:e2e` (it starts real processes).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CommandError, run, RunOptions, TerraformSetup } from '../core';
import { EMULATOR_OVERRIDE_FILE, emulatorOverride } from '../deploy';
import type { Emulator } from '../emulator';
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
 * Baseline settings of every emulator synth (docs/account-baseline.md §7): the standard
 * profile (production's prevent_destroy would stop the teardown) and no account-wide
 * settings (the S3 account public access block calls S3 Control at <account>.<host>,
 * which does not resolve to the emulator).
 */
export const EMULATOR_BASELINE_SETTINGS: Readonly<Record<string, string>> = {
  BASELINE_PROFILE: 'standard',
  BASELINE_ACCOUNT_WIDE: 'off',
};
/** Lines of cdktf deploy/destroy worth echoing. */
export const PROGRESS =
  /(Creation|Destruction|Modifications) complete|Apply complete|Destroy complete|Error:|error:|Still (creating|destroying)\.\.\. \[[^\]]*[0-9]m0s/;

export interface StackInfo {
  readonly name: string;
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
  /** The environment the day-2 lifecycle runs on (change, upgrade, re-create), if deployed. */
  readonly lifecycleEnvironment: string;
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
  const cdktfJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8'));
  return {
    environments,
    lifecycleEnvironment: env.E2E_LIFECYCLE_ENVIRONMENT ?? 'dev',
    region: env.E2E_REGION ?? 'eu-west-1',
    app: env.E2E_APP ?? (cdktfJson.app as string),
    context: cdktfJson.context ?? {},
    skipPlatform: env.E2E_SKIP_PLATFORM === '1',
  };
}

/** Reads a synthesized stack and the addresses it protects with prevent_destroy. */
export function readStack(
  name: string,
  dir: string,
  outdir = OUTDIR,
  settings: Readonly<Record<string, string>> = {},
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
  return { name, dir, outdir, settings, json, protectedResources };
}

export class E2eRun {
  readonly findings: E2eFindings = { resources: {}, limitations: [], drift: [] };
  readonly stacks = new Map<string, StackInfo>();
  readonly bootstrapState = path.join(ROOT, `terraform.${BOOTSTRAP}.tfstate`);
  readonly platformStacks: readonly string[];
  readonly outputsFile = path.join(WORK, 'outputs.json');
  emulator?: Emulator;
  tf?: TerraformSetup;
  createdBootstrapState = false;
  protectedDeployed = false;
  outputs: Record<string, Record<string, unknown>> = {};
  /** Platform stacks destroyed by a lifecycle phase (the final destroy skips them). */
  readonly destroyed = new Set<string>();
  /** Every secret value read back from the emulator and the states (never printed). */
  readonly secrets: SecretValue[] = [];
  /** Per credential-bearing attribute in a state: held or not, and why. */
  readonly stateSecretEntries: StateSecretEntry[] = [];
  /** Per stack, the secret-scan report lines (filled by captureSecrets). */
  readonly secretSources: string[] = [];

  constructor(readonly settings: E2eSettings) {
    this.platformStacks = settings.skipPlatform
      ? []
      : settings.environments.map((e) => `TapStack${e}`);
  }

  /** The bootstrap stack first, then the account baseline, then the platform stacks. */
  get allStacks(): readonly string[] {
    return [BOOTSTRAP, ...this.baselineStacks, ...this.platformStacks];
  }

  /** The account baseline, unless only the bootstrap runs (E2E_SKIP_PLATFORM=1). */
  get baselineStacks(): readonly string[] {
    return this.settings.skipPlatform ? [] : [BASELINE];
  }

  stack(name: string): StackInfo {
    return this.stacks.get(name)!;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.emulator!.env(this.tf!.env), ...extra };
  }

  opts(log: string, extra: Partial<RunOptions> = {}): RunOptions {
    return { cwd: ROOT, env: this.env(), logFile: path.join(LOGS, log), ...extra };
  }

  clientSettings() {
    return {
      region: this.settings.region,
      endpoint: this.emulator!.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
  }

  /** The stack's `terraform.backend.s3` block, if it has one. */
  backendOf(name: string): Record<string, string> | undefined {
    const terraform = this.stack(name).json.terraform as Record<string, unknown> | undefined;
    return (terraform?.backend as Record<string, Record<string, string>> | undefined)?.s3;
  }

  async countResources(stack: StackInfo): Promise<number> {
    const r = await run('terraform', ['state', 'list'], {
      ...this.opts(`state-${stack.name}.log`),
      cwd: stack.dir,
    });
    return r.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('data.')).length;
  }

  /** `cdktf deploy` of one stack; its outputs go to `<work>/outputs-<stack>.json`. */
  async deploy(stack: StackInfo): Promise<void> {
    const outputsFile = path.join(WORK, `outputs-${stack.name}.json`);
    const args = [
      ...['deploy', stack.name, '--skip-synth', '-o', stack.outdir, '--auto-approve'],
      ...['--skip-provider-lock', '--outputs-file', outputsFile],
      ...['--outputs-file-include-sensitive-outputs', 'false'],
    ];
    const log = `deploy-${stack.name}.log`;
    try {
      await run(
        CDKTF,
        args,
        this.opts(log, { echoPrefix: `    [${stack.name}] `, echoFilter: PROGRESS }),
      );
    } catch (error) {
      if (error instanceof CommandError && /Apply complete!/.test(error.result.stdout)) {
        await this.explainEmptyOutputs(stack, log, error);
      }
      throw error;
    }
    this.findings.resources[stack.name] = await this.countResources(stack);
  }

  /**
   * cdktf-cli 0.21 crashes ("Cannot convert undefined or null to object") while writing
   * --outputs-file when an output is null: name those outputs instead.
   */
  private async explainEmptyOutputs(stack: StackInfo, log: string, error: Error): Promise<void> {
    const shown = await run('terraform', ['output', '-json'], {
      ...this.opts(log),
      cwd: stack.dir,
    }).catch(() => undefined);
    if (!shown) return;
    const values = JSON.parse(shown.stdout) as Record<string, { value: unknown }>;
    // Terraform keeps no null output in state, so a declared output missing here is null.
    const declared = Object.keys((stack.json.output ?? {}) as Record<string, unknown>);
    const empty = declared.filter(
      (name) =>
        values[name] === undefined || values[name].value === null || values[name].value === '',
    );
    if (empty.length > 0) {
      throw new Error(
        `${stack.name} applied, but these outputs are null or empty: ${empty.join(', ')}\n${error.message}`,
      );
    }
  }

  /** One outputs file in the `cdktf deploy --outputs-file` format: { stack: { output: value } }. */
  writeOutputsFile(): void {
    this.outputs = {};
    for (const name of this.allStacks) {
      Object.assign(
        this.outputs,
        JSON.parse(fs.readFileSync(path.join(WORK, `outputs-${name}.json`), 'utf8')),
      );
    }
    fs.writeFileSync(this.outputsFile, JSON.stringify(this.outputs, null, 2));
  }

  /**
   * Runs the app into `outdir` for the given environments with extra settings, writes the
   * emulator override next to each stack, and records the stacks (replacing older synths).
   */
  async synthInto(
    outdir: string,
    environments: readonly string[],
    settings: Readonly<Record<string, string>>,
    log: string,
  ): Promise<StackInfo[]> {
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(outdir), { recursive: true });
    await run('sh', ['-c', this.settings.app], {
      ...this.opts(log),
      env: this.env({
        ...EMULATOR_BASELINE_SETTINGS,
        ...settings,
        CDKTF_OUTDIR: outdir,
        CDKTF_CONTEXT_JSON: JSON.stringify(this.settings.context),
        // No environment (E2E_ENVIRONMENTS=): the app's default stack is synthesized but not
        // deployed; a blank ENVIRONMENT_SUFFIX is refused by the configuration.
        ...(environments.length > 0 ? { ENVIRONMENT_SUFFIX: environments.join(',') } : {}),
      }),
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const stacks: StackInfo[] = [];
    for (const [name, s] of Object.entries(
      manifest.stacks as Record<string, { workingDirectory: string }>,
    )) {
      const dir = path.join(outdir, s.workingDirectory);
      fs.writeFileSync(path.join(dir, EMULATOR_OVERRIDE_FILE), emulatorOverride());
      stacks.push(readStack(name, dir, outdir, settings));
    }
    return stacks;
  }

  /** `cdktf destroy` of one stack. */
  async destroy(stack: StackInfo, log = `destroy-${stack.name}.log`): Promise<void> {
    await run(
      CDKTF,
      [
        ...['destroy', stack.name, '--skip-synth', '-o', stack.outdir],
        ...['--auto-approve', '--skip-provider-lock'],
      ],
      this.opts(log, { echoPrefix: `    [${stack.name}] `, echoFilter: PROGRESS }),
    );
    this.destroyed.add(stack.name);
  }

  /**
   * Reads back every secret the stack owns while it exists: each secret in Secrets Manager
   * (GetSecretValue; the RDS-managed master secret among them) and every value the state
   * holds at a sensitive path. `terraform state pull` runs unlogged: its output is the
   * secret-bearing input of the scan and stays in memory.
   */
  async captureSecrets(stack: StackInfo): Promise<void> {
    const pulled = await run('terraform', ['state', 'pull'], { cwd: stack.dir, env: this.env() });
    const fromState = stateSecrets(stack.name, pulled.stdout);
    this.secrets.push(...fromState.values);
    this.stateSecretEntries.push(...fromState.entries);
    const sm = new SecretsManagerClient({ ...this.clientSettings(), maxAttempts: 2 });
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
      `after ${stack.name}: ${listed} Secrets Manager value(s), ${fromState.values.length} sensitive value(s) in state`,
    );
  }

  /** `terraform plan -destroy` must fail on prevent_destroy: the protection works. */
  async expectDestroyRefused(stack: StackInfo): Promise<void> {
    const result = await run(
      'terraform',
      ['plan', '-destroy', '-input=false', '-no-color', '-lock-timeout=60s'],
      { ...this.opts(`destroy-${stack.name}.log`), cwd: stack.dir, okCodes: [0, 1, 2] },
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

  /** Deletes the e2e run's own local bootstrap state (the emulator it described is gone). */
  removeBootstrapState(): void {
    fs.rmSync(this.bootstrapState, { force: true });
    fs.rmSync(`${this.bootstrapState}.backup`, { force: true });
    this.createdBootstrapState = false;
  }
}
