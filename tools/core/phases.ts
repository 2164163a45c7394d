/**
 * A tiny phase timer shared by the deploy, e2e and sandbox commands: it prints which
 * phase starts, how long it took and whether it failed, and keeps the list for the
 * final report. A failure is rethrown as a PhaseError that names the phase, so the
 * caller's single catch can say exactly where the run stopped.
 */

export type PhaseStatus = 'ok' | 'failed' | 'skipped';

export interface PhaseResult {
  readonly name: string;
  readonly status: PhaseStatus;
  readonly durationMs: number;
  /** Free text shown next to the phase in the summary (e.g. "42 resources"). */
  readonly note?: string;
  /** Why a failed phase failed: the message of what it threw. */
  readonly error?: string;
}

export class PhaseError extends Error {
  constructor(
    readonly phase: string,
    readonly cause: unknown,
  ) {
    super(`phase "${phase}" failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'PhaseError';
  }
}

export interface PhaseTimerOptions {
  /** Where progress lines go. @default process.stdout */
  readonly write?: (line: string) => void;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/** "850 ms", "12.3 s", "4 min 05 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

const MARK: Record<PhaseStatus, string> = { ok: 'ok', failed: 'FAILED', skipped: 'skipped' };

/** Renders phase results as an aligned table with a total line. */
export function formatPhaseTable(results: readonly PhaseResult[], totalMs?: number): string[] {
  const width = Math.max(5, ...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    const time = r.status === 'skipped' ? '-' : formatDuration(r.durationMs);
    const note = r.note ? `  ${r.note}` : '';
    return `  ${r.name.padEnd(width)}  ${MARK[r.status].padEnd(7)}  ${time.padStart(10)}${note}`;
  });
  const total = totalMs ?? results.reduce((sum, r) => sum + r.durationMs, 0);
  lines.push(`  ${'total'.padEnd(width)}  ${''.padEnd(7)}  ${formatDuration(total).padStart(10)}`);
  return lines;
}

export class PhaseTimer {
  readonly results: PhaseResult[] = [];
  private readonly write: (line: string) => void;
  private readonly now: () => number;
  private readonly startedAt: number;

  constructor(options: PhaseTimerOptions = {}) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  /**
   * Runs one phase. The callback may return a value and may set a note through the
   * `note` function it receives (shown in the summary).
   */
  async run<T>(name: string, fn: (note: (text: string) => void) => Promise<T> | T): Promise<T> {
    let note: string | undefined;
    const start = this.now();
    this.write(`==> ${name}`);
    try {
      const value = await fn((text) => {
        note = text;
      });
      const durationMs = this.now() - start;
      this.results.push({ name, status: 'ok', durationMs, note });
      this.write(`<== ${name}: ok in ${formatDuration(durationMs)}${note ? ` (${note})` : ''}`);
      return value;
    } catch (error) {
      const durationMs = this.now() - start;
      const cause = error instanceof PhaseError ? error.cause : error;
      this.results.push({
        name,
        status: 'failed',
        durationMs,
        note,
        error: cause instanceof Error ? cause.message : String(cause),
      });
      this.write(`<== ${name}: FAILED after ${formatDuration(durationMs)}`);
      throw error instanceof PhaseError ? error : new PhaseError(name, error);
    }
  }

  /** Records a phase that was not run, with the reason. */
  skip(name: string, reason: string): void {
    this.results.push({ name, status: 'skipped', durationMs: 0, note: reason });
    this.write(`--- ${name}: skipped (${reason})`);
  }

  /** The first failed phase, if any. */
  get failed(): PhaseResult | undefined {
    return this.results.find((r) => r.status === 'failed');
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  summary(): string[] {
    return formatPhaseTable(this.results, this.elapsedMs());
  }
}
