import { join } from 'node:path';
import { App } from 'cdktf';
import { ConfigError, ConfigProblem, ConfigSources, loadConfigs } from '../config/config';
import { loadStateBackend, PROJECT_ROOT } from '../config/backend';
import { loadBaselineConfig } from '../config/baseline';
import { ciStateProblems } from '../config/ci-access';
import { checkSettingNames } from '../config/setting-names';
import { AccountBaselineStack } from './account-baseline-stack';
import { PlatformStack } from './platform-stack';
import { copyProviderLock, PROVIDER_LOCK_FILE } from './provider-lock';
import { StateBackendStack } from './state-backend-stack';

export interface AppOptions {
  /** Where the settings come from (main.ts passes process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The output folder. @default `CDKTF_OUTDIR` of `env`, else cdktf's `cdktf.out` */
  readonly outdir?: string;
  /** The provider lock copied into every stack folder. @default `<project>/.terraform.lock.hcl` */
  readonly providerLockFile?: string;
}

export type AppResult =
  | { readonly ok: true; readonly outdir: string }
  | { readonly ok: false; readonly message: string };

/**
 * The whole app: reads and validates every setting before the App exists (the App creates
 * its output folder), so that bad input stops with one message and nothing written; then
 * one PlatformStack per environment, the state bootstrap and the account baseline.
 */
export function synthesizeApp(options: AppOptions): AppResult {
  let context: Record<string, unknown>;
  try {
    // The cdktf CLI passes cdktf.json's "context" here; new App() would read the same.
    context = JSON.parse(options.env.CDKTF_CONTEXT_JSON || '{}');
  } catch {
    return { ok: false, message: 'CDKTF_CONTEXT_JSON is not valid JSON; nothing was synthesized' };
  }
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    return {
      ok: false,
      message: 'CDKTF_CONTEXT_JSON must be a JSON object of context keys; nothing was synthesized',
    };
  }
  const sources: ConfigSources = { env: options.env, context: (key) => context[key] };
  // Every loader runs, so one message lists every bad setting of the platform, the state
  // backend and the baseline at once instead of one per attempt.
  const problems: ConfigProblem[] = [];
  const load = <T>(loader: (s: ConfigSources) => T): T | undefined => {
    try {
      return loader(sources);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  // A misspelled variable or an unknown context key would be ignored: refused instead.
  load((s) => checkSettingNames(s, Object.keys(context)));
  const configs = load(loadConfigs);
  const stateBackend = load(loadStateBackend);
  const baseline = load(loadBaselineConfig);
  // The CI roles' state access, checked against the state settings (both loaded above).
  if (baseline?.ci && stateBackend) problems.push(...ciStateProblems(stateBackend.s3));
  if (problems.length > 0 || !configs || !stateBackend || !baseline) {
    return { ok: false, message: new ConfigError(problems).message };
  }

  const app = new App({ outdir: options.outdir ?? options.env.CDKTF_OUTDIR, context });
  for (const config of configs) new PlatformStack(app, { config, stateBackend });
  // The one-time bootstrap of the remote state, itself on local state: `cdktf deploy TapStateBackend`.
  new StateBackendStack(app, { settings: stateBackend });
  // Once per account and region, after the bootstrap and before the environments.
  new AccountBaselineStack(app, { config: baseline, stateBackend });
  app.synth();
  copyProviderLock(app.outdir, options.providerLockFile ?? join(PROJECT_ROOT, PROVIDER_LOCK_FILE));
  return { ok: true, outdir: app.outdir };
}
