/** Getting synthesized stacks: from a cdktf output folder, from a fresh synth of the app, or in-process. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import type { TerraformJson } from './terraform';

export interface SynthesizedStack {
  readonly name: string;
  readonly doc: TerraformJson;
}

/** Reads every stack listed in `<dir>/manifest.json`. */
export function readOutdir(dir: string): SynthesizedStack[] {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath))
    throw new Error(
      `${manifestPath} not found: run the synth first or pass the cdktf output folder with --dir`,
    );
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  return Object.entries(manifest.stacks).map(([name, s]) => ({
    name,
    doc: JSON.parse(readFileSync(resolve(dir, s.synthesizedStackPath), 'utf8')) as TerraformJson,
  }));
}

/** cdktf.json's app command (tools/synth/run-app.cjs), for any project folder. */
const APP_RUNNER = resolve(__dirname, '..', 'synth', 'run-app.cjs');

/**
 * Synthesizes the app (`node tools/synth/run-app.cjs main.ts`, as cdktf.json runs it) into
 * a fresh temporary folder: cdktf's App writes to `CDKTF_OUTDIR` when no outdir is passed.
 */
export function synthesizeApp(projectDir: string, env: Record<string, string>): string {
  const outdir = mkdtempSync(join(tmpdir(), 'policy-synth-'));
  const run = spawnSync(process.execPath, [APP_RUNNER, 'main.ts'], {
    cwd: projectDir,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  if (run.status !== 0)
    throw new Error(`synth failed (exit ${String(run.status)}):\n${run.stderr || run.stdout}`);
  return outdir;
}

/** One stack's Terraform JSON in-process, keeping the `//` metadata (Testing.synth drops it, and the waivers with it). */
export function synthesizeStack(stack: TerraformStack): TerraformJson {
  invokeAspects(stack);
  return JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
}
