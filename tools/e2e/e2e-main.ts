/**
 * The body of `npm run test:e2e` (e2e.command.ts): deploys the synthesized stacks for real, with Terraform and the
 * installed AWS provider, against a local AWS emulator; runs the integration tests
 * (e2e/) on the outputs; proves the plan converges and that teardown leaves nothing.
 * The run is the declared list E2E_PHASES (phases.ts); the report is written from it.
 * See docs/e2e.md. Every phase is timed; the first failure names its phase and exits 1.
 *
 * Settings (environment):
 *   E2E_ENVIRONMENTS  platform environments to deploy, comma-separated (default: dev).
 *                     A production-profile one (e.g. prod) is protected by
 *                     prevent_destroy: the run shows destroy is refused, then resets.
 *   E2E_REGION        region of the run (default: eu-west-1)
 *   E2E_APP           app command (default: cdktf.json "app")
 *   E2E_SKIP_PLATFORM=1  bootstrap stack only (exercises the machinery alone)
 *   TF_PROVIDER_MIRROR, MOTO_PYTHON: see tools/core/terraform.ts, tools/emulator/emulator.ts
 */
import {
  CommandError,
  installInterrupts,
  killActiveChildren,
  PhaseError,
  PhaseTimer,
  runningChildren,
} from '../core';
import { E2eRun, readSettings } from './e2e-run';
import { E2E_PHASES } from './phases';
import { formatE2eReport, ProvenClaim, runPhases } from './procedure';

/** The whole run; resolves with the exit code. */
export async function e2eMain(): Promise<number> {
  // Node 20 is this project's runtime (docs): the SDK's notice about Node 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const e2e = new E2eRun(readSettings());
  const timer = new PhaseTimer();
  const proven: ProvenClaim[] = [];
  const { interrupts } = installInterrupts({
    children: runningChildren,
    write: (text) => process.stderr.write(text),
    exit: (code) => process.exit(code),
    cleanup: () => e2e.emulator?.stop(),
  });
  try {
    await runPhases(E2E_PHASES, e2e, timer, proven);
    return interrupts.exitCode(0);
  } catch (error) {
    const phase = error instanceof PhaseError ? error.phase : 'setup';
    const cause = error instanceof PhaseError ? error.cause : error;
    process.stderr.write(
      `\nE2E FAILED in phase "${phase}":\n${cause instanceof Error ? cause.message : String(cause)}\n`,
    );
    if (cause instanceof CommandError && cause.logFile)
      process.stderr.write(`(log: ${cause.logFile})\n`);
    const died = e2e.emulator?.died();
    if (died) process.stderr.write(`Cause: ${died}.\n`);
    writeEmulatorErrors(e2e.emulator?.errors() ?? []);
    return interrupts.exitCode(1);
  } finally {
    killActiveChildren();
    if (e2e.emulator) await e2e.emulator.stop();
    // The emulator is gone, so the bootstrap state describes nothing that exists.
    if (e2e.createdBootstrapState) e2e.removeBootstrapState();
    for (const line of formatE2eReport(timer, e2e.findings, proven))
      process.stdout.write(`${line}\n`);
  }
}

/** The emulator's 5xx answers (the last 20): which call it could not answer, if any. */
function writeEmulatorErrors(errors: readonly string[]): void {
  if (errors.length === 0) return;
  process.stderr.write(`The emulator answered HTTP 5xx ${errors.length} time(s) in this run:\n`);
  for (const line of errors.slice(-20)) process.stderr.write(`  ${line}\n`);
}
