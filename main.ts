import { App } from 'cdktf';
import { ConfigError, ConfigProblem, dedupe, loadConfigs } from './config/config';
import { loadStateBackend } from './config/backend';
import { loadBaselineConfig } from './config/baseline';
import { AccountBaselineStack } from './stacks/account-baseline-stack';
import { PlatformStack } from './stacks/platform-stack';
import { StateBackendStack } from './stacks/state-backend-stack';

/**
 * Reads and validates every setting before the App exists (the App creates its output
 * folder), so that bad input stops with one message, a non-zero exit and nothing written.
 */
function main(): void {
  let context: Record<string, unknown>;
  try {
    // The cdktf CLI passes cdktf.json's "context" here; new App() would read the same.
    context = JSON.parse(process.env.CDKTF_CONTEXT_JSON || '{}');
  } catch {
    return fail('CDKTF_CONTEXT_JSON is not valid JSON; nothing was synthesized');
  }
  const sources = { env: process.env, context: (key: string) => context[key] };
  // Every loader runs, so one message lists every bad setting of the platform, the state
  // backend and the baseline at once instead of one per attempt.
  const problems: ConfigProblem[] = [];
  const load = <T>(loader: (s: typeof sources) => T): T | undefined => {
    try {
      return loader(sources);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const configs = load(loadConfigs);
  const stateBackend = load(loadStateBackend);
  const baseline = load(loadBaselineConfig);
  if (!configs || !stateBackend || !baseline)
    return fail(new ConfigError(dedupe(problems)).message);

  const app = new App();
  for (const config of configs) new PlatformStack(app, { config, stateBackend });
  // The one-time bootstrap of the remote state, itself on local state: `cdktf deploy TapStateBackend`.
  new StateBackendStack(app, { settings: stateBackend });
  // Once per account and region, after the bootstrap and before the environments.
  new AccountBaselineStack(app, { config: baseline, stateBackend });
  app.synth();
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

main();
