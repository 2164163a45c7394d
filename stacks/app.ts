import { join } from 'node:path';
import { App } from 'cdktf';
import {
  ConfigError,
  ConfigProblem,
  ConfigSources,
  loadConfigs,
  readEnvironmentAccounts,
} from '../config/config';
import { centralStateProblems, crossAccountStates } from '../config/central-state';
import { loadStateBackend, PROJECT_ROOT, stacksAwaitingStateKey } from '../config/backend';
import { loadBaselineConfig } from '../config/baseline';
import { checkSettingNames } from '../config/setting-names';
import { AccountBaselineStack } from './account-baseline-stack';
import { PlatformStack } from './platform-stack';
import { copyProviderLock, PROVIDER_LOCK_FILE, requireProviderLock } from './provider-lock';
import { STATE_BACKEND_STACK_ID, StateBackendStack } from './state-backend-stack';

export interface AppOptions {
  /** Where the settings come from (main.ts passes process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The output folder. @default `CDKTF_OUTDIR` of `env`, else cdktf's `cdktf.out` */
  readonly outdir?: string;
  /** The provider lock copied into every stack folder. @default `<project>/.terraform.lock.hcl` */
  readonly providerLockFile?: string;
}

export type AppResult =
  | {
      readonly ok: true;
      readonly outdir: string;
      /** Why only the bootstrap was synthesized (printed on stderr; the synth still succeeds). */
      readonly note?: string;
    }
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
  // Central state: the baselines of several accounts share the bucket, each under its account.
  // Not asked of the bootstrap alone (before STATE_KMS_KEY_ARN), which writes no baseline.
  const awaiting = stateBackend && stacksAwaitingStateKey(stateBackend.s3);
  if (
    stateBackend?.s3.accountId !== undefined &&
    awaiting === undefined &&
    baseline &&
    baseline.accountId === undefined
  ) {
    problems.push({
      setting: 'BASELINE_ACCOUNT_ID',
      value: undefined,
      rule: 'is required with STATE_ACCOUNT_ID: the baselines of several accounts share the state bucket, each under healthcare/account-<id>/',
    });
  }
  if (stateBackend && baseline) {
    problems.push(
      ...centralStateProblems({
        stateAccountId: stateBackend.s3.accountId,
        accountSetting: options.env.AWS_ACCOUNT_ID ?? undefined,
        accounts: readEnvironmentAccounts(sources),
        // A bootstrap-only synth writes no baseline: its CI roles are not this run's.
        baselineAccountId: awaiting === undefined ? baseline.accountId : undefined,
        ci: baseline.ci,
      }),
    );
  }
  if (problems.length > 0 || !configs || !stateBackend || !baseline) {
    return { ok: false, message: new ConfigError(problems).message };
  }

  // Checked before anything is written: a missing lock stops the synth with nothing on disk.
  const providerLockFile = requireProviderLock(
    options.providerLockFile ?? join(PROJECT_ROOT, PROVIDER_LOCK_FILE),
  );
  const app = new App({
    outdir: options.outdir ?? options.env.CDKTF_OUTDIR,
    context,
    // cdktf's construct validations run `terraform version` on this machine for every
    // terraform_data resource and moved block (0.1 s each). Each stack's required_version
    // (terraform-version.ts) has Terraform check itself, wherever it runs; that every stack
    // configures the providers its resources use is unit-tested (__tests__/stacks/app.test.ts).
    skipValidation: true,
  });
  // Central state with the key's ARN not yet known: the bootstrap alone, which must be
  // deployed first (every other stack names the key by the ARN it outputs).
  if (awaiting === undefined) {
    for (const config of configs) new PlatformStack(app, { config, stateBackend });
  }
  // The one-time bootstrap of the remote state, itself on local state: `cdktf deploy TapStateBackend`.
  new StateBackendStack(app, {
    settings: stateBackend,
    crossAccount: crossAccountStates(stateBackend.s3, readEnvironmentAccounts(sources)),
  });
  // Once per account and region, after the bootstrap and before the environments.
  if (awaiting === undefined) new AccountBaselineStack(app, { config: baseline, stateBackend });
  app.synth();
  copyProviderLock(app.outdir, providerLockFile);
  if (awaiting !== undefined) {
    return {
      ok: true,
      outdir: app.outdir,
      note: `NOTE: only ${STATE_BACKEND_STACK_ID} was synthesized. ${awaiting}, and synthesize again.`,
    };
  }
  return { ok: true, outdir: app.outdir };
}
