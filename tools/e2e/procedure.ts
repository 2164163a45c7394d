/**
 * The e2e run as a declared list of phases: each phase has a name, what it proves and the


 */
import { formatDuration, PhaseTimer } from '../core';

export interface E2ePhase<R> {
  /** The phase name; a per-stack phase gets the stack name. */
  readonly name: string | ((run: R, stack: string) => string);
  /** What a passing phase proves, printed in the report. */
  readonly proves: string;
  /** For a per-stack phase: the stacks to run it for, in order. @default run once */
  readonly forEachStack?: (run: R) => readonly string[];
  /** Why the phase does not apply to this run, or undefined to run it. @default always run */
  readonly skipWhen?: (run: R, stack: string) => string | undefined;
  /** Does the work; throws when the claim does not hold. `note` sets the summary note. */
  readonly run: (run: R, note: (text: string) => void, stack: string) => Promise<void>;
}

/**
 * Phases that run side by side, each lane in its own order: most of a deploy is the
 * provider polling, so two environments' work overlaps well on one emulator. A failure in
 * one lane stops the others at their next phase; the run fails with the first failure.
 */
export interface E2eLanes<R> {
  /** Lane name → its phases; a phase's name is shown as `[lane] name`. */
  readonly lanes: Readonly<Record<string, readonly E2ePhase<R>[]>>;
}

/** One entry of the run: a phase, or lanes run side by side. */
export type E2eStep<R> = E2ePhase<R> | E2eLanes<R>;

/** One phase that ran and passed, with what it proved. */
export interface ProvenClaim {
  readonly phase: string;
  readonly proves: string;
}

function phaseName<R>(phase: E2ePhase<R>, run: R, stack: string): string {
  return typeof phase.name === 'string' ? phase.name : phase.name(run, stack);
}

/** Set when a lane fails: the other lanes stop before their next phase. */
interface Stop {
  reason?: string;
}

async function runSequence<R>(
  phases: readonly E2ePhase<R>[],
  run: R,
  timer: PhaseTimer,
  proven: ProvenClaim[],
  lane: string | undefined,
  stop: Stop,
): Promise<void> {
  for (const phase of phases) {
    for (const stack of phase.forEachStack?.(run) ?? ['']) {
      const base = phaseName(phase, run, stack);
      const name = lane ? `[${lane}] ${base}` : base;
      const reason = stop.reason ?? phase.skipWhen?.(run, stack);
      if (reason !== undefined) {
        timer.skip(name, reason);
        continue;
      }
      try {
        await timer.run(name, (note) => phase.run(run, note, stack));
      } catch (error) {
        stop.reason ??= `stopped: "${name}" failed`;
        throw error;
      }
      proven.push({ phase: name, proves: phase.proves });
    }
  }
}

/**
 * Runs the steps in order on one timer (lanes side by side); stops at the first failure
 * (rethrown as the timer's PhaseError). Returns the claims of the phases that passed.
 */
export async function runPhases<R>(
  steps: readonly E2eStep<R>[],
  run: R,
  timer: PhaseTimer,
  proven: ProvenClaim[] = [],
): Promise<ProvenClaim[]> {
  for (const step of steps) {
    if (!('lanes' in step)) {
      await runSequence([step], run, timer, proven, undefined, {});
      continue;
    }
    const stop: Stop = {};
    const settled = await Promise.allSettled(
      Object.entries(step.lanes).map(([lane, phases]) =>
        runSequence(phases, run, timer, proven, lane, stop),
      ),
    );
    // The lane that failed first is the one whose phase the timer recorded as failed first.
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failures.length > 0) {
      const first = timer.failed?.name;
      const match = failures.find((f) => (f.reason as { phase?: string }).phase === first);
      throw (match ?? failures[0]).reason;
    }
  }
  return proven;
}

/** What the run found besides the phases: resources, integration tests, limitations, drift. */
export interface E2eFindings {
  readonly resources: Record<string, number>;
  tests?: { passed: number; failed: number; skipped: number; total: number };
  limitations: string[];
  readonly drift: string[];
  /** Where the scanned secret values came from, and per credential attribute whether state holds it. */
  secrets?: string[];
}

/** The final report: findings, what each passed phase proved, the phase table, the result. */
/** How much of a failed phase's message the report repeats at its end. */
const REPORTED_CAUSE_LINES = 15;

export function formatE2eReport(
  timer: PhaseTimer,
  findings: E2eFindings,
  proven: readonly ProvenClaim[],
): string[] {
  const out: string[] = ['', 'E2E report', 'Resources created per stack:'];
  for (const [stack, count] of Object.entries(findings.resources)) out.push(`  ${stack}: ${count}`);
  if (findings.tests) {
    const t = findings.tests;
    out.push(
      `Integration tests: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (of ${t.total})`,
    );
  }
  if (findings.limitations.length > 0) {
    out.push('Emulator limitations recorded by the tests:');
    for (const l of findings.limitations) out.push(`  ${l}`);
  }
  if (findings.drift.length > 0) out.push('Plan after deploy:', ...findings.drift);
  if (findings.secrets && findings.secrets.length > 0) {
    out.push('Secrets (read back, then searched for in every log and artifact):');
    for (const s of findings.secrets) out.push(`  ${s}`);
  }
  if (proven.length > 0) {
    out.push('Proved:');
    for (const p of proven) out.push(`  ${p.phase}: ${p.proves}`);
  }
  out.push('Phases:', ...timer.summary());
  const failed = timer.failed;
  if (!failed) return [...out, `Result: passed in ${formatDuration(timer.elapsedMs())}`];
  // The cause again, last: CI shows the tail of a run, and stderr's copy is far above it.
  const why = (failed.error ?? '').split('\n').filter(Boolean);
  const shown = why.slice(0, REPORTED_CAUSE_LINES).map((l) => `  ${l}`);
  if (why.length > shown.length)
    shown.push(`  … ${why.length - shown.length} more line(s) above, under "E2E FAILED"`);
  return [
    ...out,
    `Result: FAILED in "${failed.name}" after ${formatDuration(timer.elapsedMs())}`,
    ...(shown.length > 0 ? ['Why:', ...shown] : []),
  ];
}
