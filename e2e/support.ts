/**
 * Shared by the integration tests. Nothing here knows about the emulator: the AWS SDK
 * clients read AWS_REGION and AWS_ENDPOINT_URL from the environment like Terraform
 * does, so the same tests run against a real account when those point there.
 *
 *   E2E_OUTPUTS_FILE   the file `cdktf deploy --outputs-file` wrote (required)
 *   E2E_STACK          the platform stack to check (default: the one TapStack* in the file)
 *   E2E_BOOTSTRAP_STACK  the bootstrap stack (default: TapStateBackend)
 *   E2E_STATE_KEY      the platform stack's state object key (default: searched in the bucket)
 *   E2E_LIMITATIONS_FILE  where limitations are recorded (default: only printed)
 */
import * as fs from 'node:fs';

export type Outputs = Record<string, unknown>;

function readAll(): Record<string, Outputs> {
  const file = process.env.E2E_OUTPUTS_FILE;
  if (!file) {
    throw new Error(
      'E2E_OUTPUTS_FILE is not set: point it at the file written by `cdktf deploy --outputs-file <file>` (npm run test:e2e does this)',
    );
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export const bootstrapStackId = process.env.E2E_BOOTSTRAP_STACK ?? 'TapStateBackend';

/** The platform stack's outputs, or undefined when only the bootstrap was deployed. */
export function platformOutputs(): Outputs | undefined {
  if (process.env.E2E_SKIP_PLATFORM === '1') return undefined;
  const all = readAll();
  const id = process.env.E2E_STACK ?? Object.keys(all).find((k) => k.startsWith('TapStack'));
  if (!id) return undefined;
  if (!all[id]) throw new Error(`no outputs for stack ${id} in ${process.env.E2E_OUTPUTS_FILE}`);
  return all[id];
}

export function bootstrapOutputs(): Outputs | undefined {
  return readAll()[bootstrapStackId];
}

/** A string output that must be present and non-empty. */
export function str(outputs: Outputs, name: string): string {
  const value = outputs[name];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`output ${name} is ${JSON.stringify(value)}; expected a non-empty string`);
  }
  return value;
}

/** A list output of non-empty strings. */
export function list(outputs: Outputs, name: string): string[] {
  const value = outputs[name];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
    throw new Error(`output ${name} is ${JSON.stringify(value)}; expected a list of ids`);
  }
  return value as string[];
}

/** SDK client settings: region from the environment; path-style S3 for emulators. */
export function clientConfig(): { region: string; maxAttempts: number; forcePathStyle?: boolean } {
  return {
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'eu-west-1',
    maxAttempts: Number(process.env.AWS_MAX_ATTEMPTS ?? 3),
    ...(process.env.STATE_USE_PATH_STYLE === 'true' ? { forcePathStyle: true } : {}),
  };
}

/**
 * Records that the environment cannot answer a check (a named, documented emulator
 * limitation, see docs/e2e.md). The test still asserts everything else it can.
 */
export function recordLimitation(name: string, detail: string): void {
  const line = `${name}: ${detail}`;
  process.stderr.write(`limitation ${line}\n`);
  const file = process.env.E2E_LIMITATIONS_FILE;
  if (file) fs.appendFileSync(file, `${line}\n`);
}

/** `describe` when the platform stack was deployed, else `describe.skip`. */
export const describePlatform = (name: string, fn: (outputs: Outputs) => void): void => {
  const outputs = platformOutputs();
  if (outputs) describe(name, () => fn(outputs));
  else describe.skip(`${name} (platform stack not deployed)`, () => it('skipped', () => undefined));
};

/**
 * The configuration the deployed stack was synthesized from: the same loader main.ts
 * uses, for the environment in the stack id (TapStack<environment>) and this process's
 * environment variables (so overrides such as VPC_CIDR must match the deploy's).
 */
export function deployedConfig(): import('../config/config').PlatformConfig {
  // Required lazily: the config module reads terraform-backend.tf.json only when asked.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadConfig } = require('../config/config') as typeof import('../config/config');
  const all = readAll();
  const id = process.env.E2E_STACK ?? Object.keys(all).find((k) => k.startsWith('TapStack'));
  const environment = (id ?? '').replace(/^TapStack/, '');
  return loadConfig({ env: { ...process.env, ENVIRONMENT_SUFFIX: environment } });
}
