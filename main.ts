import { App } from 'cdktf';
import { ConfigError, loadConfigs } from './config/config';
import { loadStateBackend } from './config/backend';
import { PlatformStack } from './stacks/platform-stack';
import { StateBackendStack } from './stacks/state-backend-stack';

/**
 * Reads and validates every setting first, so that bad input stops here with one
 * message and a non-zero exit, before any stack is written.
 */
function main(): void {
  const app = new App();
  const sources = { env: process.env, context: (key: string) => app.node.tryGetContext(key) };
  try {
    const configs = loadConfigs(sources);
    const stateBackend = loadStateBackend(sources);
    for (const config of configs) new PlatformStack(app, { config, stateBackend });
    // The one-time bootstrap of the remote state (local state): `cdktf deploy TapStateBackend`.
    new StateBackendStack(app, { settings: stateBackend });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  app.synth();
}

main();
