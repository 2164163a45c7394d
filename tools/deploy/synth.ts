/** Synthesis for plan, deploy and sandbox, and the override files only emulator runs write. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { exec, Env, StepOptions } from '../core';
import { PROJECT_ROOT, readProject } from './project';

/** Written next to each synthesized stack for emulator runs only (see emulatorOverride). */
export const EMULATOR_OVERRIDE_FILE = 'emulator_override.tf.json';
/** Emulator runs only: moves the bootstrap's local state out of the project root. */
export const BOOTSTRAP_STATE_OVERRIDE_FILE = 'bootstrap_state_override.tf.json';
/** Override files these commands write; synth() removes stale ones so AWS runs never see them. */
export const OPS_OVERRIDE_FILES = [EMULATOR_OVERRIDE_FILE, BOOTSTRAP_STATE_OVERRIDE_FILE];

export interface SynthesizedStack {
  readonly name: string;
  /** The stack's working directory (holds cdk.tf.json). */
  readonly dir: string;
}

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: ReadonlyMap<string, SynthesizedStack>;
}

/** Reads `<outdir>/manifest.json` as cdktf writes it. */
export function readManifest(outdir: string): SynthResult {
  const file = join(outdir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    stacks?: Record<string, { workingDirectory: string }>;
  };
  const stacks = new Map<string, SynthesizedStack>();
  for (const [name, s] of Object.entries(manifest.stacks ?? {})) {
    stacks.set(name, { name, dir: join(outdir, s.workingDirectory) });
  }
  return { outdir, stacks };
}

/** The stack, or an error naming what was synthesized instead. */
export function stackOf(result: SynthResult, name: string): SynthesizedStack {
  const stack = result.stacks.get(name);
  if (!stack) {
    throw new Error(
      `the app did not synthesize ${name} (got ${[...result.stacks.keys()].join(', ') || 'nothing'})`,
    );
  }
  return stack;
}

export interface SynthOptions extends StepOptions {
  /** @default PROJECT_ROOT */
  readonly root?: string;
}

/**
 * Runs the app (cdktf.json "app", as `cdktf synth` would, without the CLI's start-up)
 * into `outdir` with `env`, and removes override files left by an earlier emulator run
 * so that they can never reach a run against AWS.
 */
export async function synth(
  outdir: string,
  env: Env,
  options: SynthOptions = {},
): Promise<SynthResult> {
  const root = options.root ?? PROJECT_ROOT;
  const project = readProject(root);
  await exec(
    ['-c', project.app],
    root,
    { ...env, CDKTF_OUTDIR: outdir, CDKTF_CONTEXT_JSON: JSON.stringify(project.context) },
    options,
    'sh',
  );
  const result = readManifest(outdir);
  for (const stack of result.stacks.values()) {
    for (const file of OPS_OVERRIDE_FILES) rmSync(join(stack.dir, file), { force: true });
  }
  return result;
}

/** The emulator-only override: few provider retries, so unimplemented calls fail fast. */
export function emulatorOverride(): string {
  // hashicorp/aws 5.100 does not read AWS_MAX_ATTEMPTS (max_retries defaults to 25, and
  // the emulator answers unimplemented calls with HTTP 500): only the argument works.
  return `${JSON.stringify({ provider: { aws: { max_retries: 2 } } }, null, 2)}\n`;
}

/** Terraform override that keeps the bootstrap's local state at `statePath`. */
export function bootstrapStateOverride(statePath: string): string {
  return `${JSON.stringify({ terraform: { backend: { local: { path: statePath } } } }, null, 2)}\n`;
}
