/**
 * The Terraform runner every tool shares: init, plan (saved plan plus its JSON), apply of
 * exactly that saved plan, and the outputs without their sensitive values. Child processes
 * run through run() (logged, killable); every function takes an injectable runner so the
 * command lines are unit-tested.
 */
import { writeFileSync } from 'node:fs';
import { CommandError, run, RunOptions, RunResult, stripAnsi } from './process';

/**
 * Lines of `terraform apply` worth echoing: what finished, errors, and a long operation at its
 * first mark (10 s: it has started and is waited on) and then once a minute.
 */
export const APPLY_PROGRESS =
  /(Creation|Destruction|Modifications) complete|Apply complete|Error|error:|Still (creating|destroying|modifying)\.\.\. \[(10s|[^\]]*[0-9]m0s) elapsed\]/;
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
  /** @default run() (core/process.ts) */
  readonly runner?: Runner;
}

export function exec(
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
  if (
    /could not connect to registry\.terraform\.io|Failed to query available provider packages/.test(
      text,
    )
  ) {
    return 'The public Terraform registry is not reachable from here: set TF_PROVIDER_MIRROR to a filesystem mirror that holds hashicorp/aws 5.100.0 (the folder containing registry.terraform.io/; docs/toolchain.md), or allow access to registry.terraform.io and releases.hashicorp.com.';
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
  options: StepOptions & {
    /** `-refresh-only`: what changed outside Terraform, nothing to change. @default false */
    readonly refreshOnly?: boolean;
  } = {},
): Promise<string> {
  await exec(
    [
      'plan',
      '-input=false',
      '-no-color',
      '-lock-timeout=60s',
      ...(options.refreshOnly ? ['-refresh-only'] : []),
      `-out=${planFile}`,
    ],
    stackDir,
    env,
    { echoFilter: PLAN_PROGRESS, ...options },
  );
  return terraformShow(stackDir, env, planFile, { runner: options.runner });
}

/** `terraform show -json` of a saved plan, written to `<planFile>.json`; returns that path. */
export async function terraformShow(
  stackDir: string,
  env: Env,
  planFile: string,
  options: Pick<StepOptions, 'runner'> = {},
): Promise<string> {
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
