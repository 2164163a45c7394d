/**
 * What the commands read before they start: the project's cdktf.json and the one stack they
 * work on (an environment's TapStack<env>, the account baseline, or the state bootstrap),
 * with every setting validated as synth validates it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  loadStateBackend,
  StateBackendSettings,
  stacksAwaitingStateKey,
} from '../../config/backend';
import { BASELINE_STACK_ID, BaselineConfig, loadBaselineConfig } from '../../config/baseline';
import { ConfigError, ConfigProblem, loadConfigs, PlatformConfig } from '../../config/config';
import type { DeployRole } from '../../config/deploy-role';
import { checkSettingNames } from '../../config/setting-names';
import type { Env } from '../core';
import { UsageError } from '../ops-args';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
/** The bootstrap stack: its own state is local, it creates the bucket, table and key. */
export const BOOTSTRAP_STACK = 'TapStateBackend';
/** The account baseline, deployed once per account and region before the environments. */
export const BASELINE_STACK = BASELINE_STACK_ID;

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

/** The one stack a command works on, with its validated settings. */
export type StackSelection =
  | {
      readonly kind: 'platform';
      readonly stackId: string;
      readonly region: string;
      readonly config: PlatformConfig;
      /** The caller's environment with ENVIRONMENT_SUFFIX set to the selected environment. */
      readonly env: Env;
    }
  | {
      readonly kind: 'baseline';
      readonly stackId: string;
      readonly region: string;
      readonly config: BaselineConfig;
      readonly env: Env;
    }
  | {
      readonly kind: 'bootstrap';
      readonly stackId: string;
      readonly region: string;
      readonly settings: StateBackendSettings;
      readonly env: Env;
    };

/** @deprecated name kept for the sandbox: a platform selection. */
export type Selection = Extract<StackSelection, { kind: 'platform' }>;

function plainEnv(baseEnv: Readonly<Record<string, string | undefined>>): Env {
  const env: Env = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  return env;
}

/** Loads every settings table as synth does; throws one ConfigError listing every problem. */
function loadAll(env: Env, context: Record<string, unknown>) {
  const sources = { env, context: (key: string) => context[key] };
  const problems: ConfigProblem[] = [];
  const load = <T>(loader: () => T): T | undefined => {
    try {
      return loader();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  load(() => checkSettingNames(sources, Object.keys(context)));
  const configs = load(() => loadConfigs(sources));
  const stateBackend = load(() => loadStateBackend(sources, { warn: () => undefined }));
  const baseline = load(() => loadBaselineConfig(sources));
  if (problems.length > 0 || !configs || !stateBackend || !baseline) {
    throw new ConfigError(problems);
  }
  return { configs, stateBackend, baseline };
}

/**
 * The stack a command works on: `--stack` when given (TapStack<env>, TapAccountBaseline,
 * TapStateBackend), else the one environment ENVIRONMENT_SUFFIX (or the context) names.
 * `defaultEnvironment` applies only when neither names one (the sandbox defaults to `dev`).
 */
export function selectStack(
  command: string,
  baseEnv: Readonly<Record<string, string | undefined>>,
  context: Record<string, unknown> = {},
  stack?: string,
  defaultEnvironment?: string,
): StackSelection {
  const env = plainEnv(baseEnv);
  const fromStack = stack?.startsWith('TapStack') ? stack.slice('TapStack'.length) : undefined;
  if (stack !== undefined && stack !== BASELINE_STACK && stack !== BOOTSTRAP_STACK && !fromStack) {
    throw new UsageError(
      `${command}: --stack ${stack} is not a stack of this app; use TapStack<env>, ${BASELINE_STACK} or ${BOOTSTRAP_STACK}`,
    );
  }
  if (fromStack) {
    const named = env.ENVIRONMENT_SUFFIX?.trim();
    if (named && named !== fromStack) {
      throw new UsageError(
        `${command}: --stack ${stack} and ENVIRONMENT_SUFFIX=${named} name different environments; give one of them`,
      );
    }
    env.ENVIRONMENT_SUFFIX = fromStack;
  } else if (defaultEnvironment && !env.ENVIRONMENT_SUFFIX?.trim() && context.env === undefined) {
    env.ENVIRONMENT_SUFFIX = defaultEnvironment;
  }
  const { configs, stateBackend, baseline } = loadAll(env, context);
  // Central state before STATE_KMS_KEY_ARN: the app writes the bootstrap alone; say why,
  // rather than "the app did not synthesize" after the synth.
  const awaiting = stacksAwaitingStateKey(stateBackend.s3);
  if (awaiting !== undefined && stack !== BOOTSTRAP_STACK) {
    const named = stack ?? configs.map((c) => c.stackId).join(', ');
    throw new UsageError(`${command}: ${named} is not synthesized yet. ${awaiting}.`);
  }
  if (stack === BASELINE_STACK) {
    return {
      kind: 'baseline',
      stackId: BASELINE_STACK,
      region: baseline.region,
      config: baseline,
      env,
    };
  }
  if (stack === BOOTSTRAP_STACK) {
    return {
      kind: 'bootstrap',
      stackId: BOOTSTRAP_STACK,
      region: stateBackend.s3.region,
      settings: stateBackend,
      env,
    };
  }
  if (configs.length !== 1) {
    const names = configs.map((c) => c.environment);
    throw new UsageError(
      `${command} works on one stack at a time, but ENVIRONMENT_SUFFIX=${env.ENVIRONMENT_SUFFIX} names ${names.length} (${names.join(', ')}).\n` +
        `Run it once per environment, e.g.: npm run ${command} -- --stack TapStack${names[0]}`,
    );
  }
  const config = configs[0];
  return {
    kind: 'platform',
    stackId: config.stackId,
    region: config.region,
    config,
    env: { ...env, ENVIRONMENT_SUFFIX: config.environment },
  };
}

/** The platform environment a command works on (the sandbox's; see selectStack). */
export function selectEnvironment(
  command: string,
  baseEnv: Readonly<Record<string, string | undefined>>,
  context: Record<string, unknown> = {},
  defaultEnvironment?: string,
): Selection {
  return selectStack(command, baseEnv, context, undefined, defaultEnvironment) as Selection;
}

/** Formats a ConfigError or UsageError for the terminal; rethrows anything else. */
export function describeStartError(error: unknown): string {
  if (error instanceof ConfigError || error instanceof UsageError) return error.message;
  throw error;
}

/** `TapStackprod (environment prod, production profile, eu-west-1)`. */
export function describeStack(selection: StackSelection): string {
  switch (selection.kind) {
    case 'platform': {
      const c = selection.config;
      return `${c.stackId} (environment ${c.environment}, ${c.profile} profile, ${c.region})`;
    }
    case 'baseline':
      return `${selection.stackId} (account baseline, ${selection.config.profile} profile, ${selection.region}, DR ${selection.config.drRegion})`;
    case 'bootstrap':
      return `${selection.stackId} (state bucket ${selection.settings.s3.bucket}, ${selection.region}; local state)`;
  }
}

/**
 * The role the stack's provider assumes, so the commands' SDK clients act in the same
 * account: the environment's DEPLOY_ROLE_ARN, the baseline's BASELINE_DEPLOY_ROLE_ARN; the
 * bootstrap none (the state backend keeps the caller's own credentials).
 */
export function deployRoleOf(selection: StackSelection): DeployRole | undefined {
  return selection.kind === 'bootstrap' ? undefined : selection.config.deployRole;
}

/** The profile that decides whether the guard refuses (none for the bootstrap: always). */
export function guardRoleOf(selection: StackSelection) {
  return {
    stackId: selection.stackId,
    profile: selection.kind === 'bootstrap' ? undefined : selection.config.profile,
  };
}
