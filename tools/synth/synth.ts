/**
 * The app in a child process, exactly as cdktf.json's "app" runs it
 * (`node tools/synth/run-app.cjs main.ts`): for tools that need the synthesized stacks
 * of a configuration other than their own process's (the diagram's defaults, the policy
 * gate's environments). cdktf's App writes to `CDKTF_OUTDIR` when it is given no outdir.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** cdktf.json's app command. */
export const APP_RUNNER = resolve(__dirname, 'run-app.cjs');

export interface RunAppOptions {
  /** The project folder: the one holding main.ts. */
  readonly projectDir: string;
  /** Where the stacks are written (CDKTF_OUTDIR). */
  readonly outdir: string;
  /** The app's whole environment; CDKTF_OUTDIR is set from `outdir`. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Where a successful app's stderr goes: its notes and warnings (main.ts prints why only
   * TapStateBackend was written; local state prints a warning). @default this process's stderr
   */
  readonly stderr?: (text: string) => void;
}

/**
 * Synthesizes the app into `outdir`; throws with the exit status and the app's output when it
 * fails. When it succeeds, whatever it wrote on stderr is passed to `stderr`, so its notes reach
 * the user.
 */
export function runApp({ projectDir, outdir, env, stderr }: RunAppOptions): void {
  const result = spawnSync(process.execPath, [APP_RUNNER, 'main.ts'], {
    cwd: projectDir,
    env: { ...env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    const appOutput = (result.stderr || result.stdout).trimEnd();
    throw Object.assign(
      new Error(
        `synthesis failed (node tools/synth/run-app.cjs main.ts, exit ${String(result.status)}):\n${appOutput}`,
      ),
      { appOutput },
    );
  }
  if (result.stderr) (stderr ?? ((text: string) => process.stderr.write(text)))(result.stderr);
}
