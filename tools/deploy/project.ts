/**
 * What plan, deploy and sandbox read before they start: the project's cdktf.json, the one
 * selected environment, and each command's own work folder.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfigs, PlatformConfig } from '../../config/config';
import { checkSettingNames } from '../../config/setting-names';
import type { Env } from '../core';
import type { OpsCommand } from './args';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
/** The bootstrap stack: its own state is local, it creates the bucket, table and key. */
export const BOOTSTRAP_STACK = 'TapStateBackend';

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
  const sources = { env, context: (key: string) => context[key] };
  checkSettingNames(sources, Object.keys(context));
  const configs = loadConfigs(sources);
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

/**
 * Each command's own work folder: `.sandbox/<command>` (git-ignored) for emulator runs,
 * so that parallel runs (and the e2e suite's `.e2e/`) never share files; for AWS runs
 * `cdktf.out/.<command>` (logs and the Terraform CLI config only).
 */
export function workDirFor(command: OpsCommand, emulator: boolean, root = PROJECT_ROOT): string {
  return emulator ? join(root, '.sandbox', command) : join(root, 'cdktf.out', `.${command}`);
}
