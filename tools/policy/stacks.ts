/** Getting synthesized stacks: from a cdktf output folder, from a fresh synth of the app, or in-process. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TerraformStack } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { runApp } from '../synth';
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

/** Synthesizes the app (tools/synth runApp) into a fresh temporary folder, with `env` over this process's environment. */
export function synthesizeApp(projectDir: string, env: Record<string, string>): string {
  const outdir = mkdtempSync(join(tmpdir(), 'policy-synth-'));
  runApp({ projectDir, outdir, env: { ...process.env, ...env } });
  return outdir;
}

/** One stack's Terraform JSON in-process, keeping the `//` metadata (Testing.synth drops it, and the waivers with it). */
export function synthesizeStack(stack: TerraformStack): TerraformJson {
  invokeAspects(stack);
  return JSON.parse(JSON.stringify(stack.toTerraform())) as TerraformJson;
}
