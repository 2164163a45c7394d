/**
 * The readiness verdict: each dependency is checked at the same time, each under its own
 * timeout, and the answer names only the dependency, `ok`/`failed` and the latency. Never a
 * host name, a value, a token or an error text: the answer crosses the API boundary.
 */

export type CheckStatus = 'ok' | 'failed';

export interface CheckResult {
  readonly status: CheckStatus;
  /** Wall time of the check in whole milliseconds (the timeout when it timed out). */
  readonly latencyMs: number;
}

/** A dependency probe: resolves when the dependency answered correctly, rejects otherwise. */
export type Check = (signal: AbortSignal) => Promise<void>;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckResult>>;
}

/** Why a check failed, for the function's own log only (never the HTTP answer). */
export type FailureReason = 'timeout' | 'error';

export interface Clock {
  now(): number;
}

const systemClock: Clock = { now: () => performance.now() };

export class CheckTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`check timed out after ${timeoutMs} ms`);
    this.name = 'CheckTimeoutError';
  }
}

/**
 * Runs `check` and rejects with CheckTimeoutError after `timeoutMs`; the check's signal is
 * aborted then, so it can close its socket.
 */
export async function withTimeout(check: Check, timeoutMs: number): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Settle first: a check that rejects on abort must not win the race with its own error.
      reject(new CheckTimeoutError(timeoutMs));
      controller.abort();
    }, timeoutMs);
  });
  try {
    await Promise.race([check(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface RunChecksOptions {
  readonly timeoutMs: number;
  readonly clock?: Clock;
  /** Called once per failed check with a reason class (no error text leaves the function). */
  readonly onFailure?: (name: string, reason: FailureReason) => void;
}

/** Runs every check concurrently; never rejects. */
export async function runChecks(
  checks: Readonly<Record<string, Check>>,
  options: RunChecksOptions,
): Promise<ReadinessReport> {
  const clock = options.clock ?? systemClock;
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const started = clock.now();
      let status: CheckStatus = 'ok';
      try {
        await withTimeout(check, options.timeoutMs);
      } catch (error) {
        status = 'failed';
        options.onFailure?.(name, error instanceof CheckTimeoutError ? 'timeout' : 'error');
      }
      return [name, { status, latencyMs: Math.max(0, Math.round(clock.now() - started)) }];
    }),
  );
  const results = Object.fromEntries(entries);
  return { ready: entries.every(([, r]) => r.status === 'ok'), checks: results };
}

export interface ProxyResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** API Gateway proxy answer: 200 when every dependency is ok, 503 otherwise. */
export function toHttpResponse(report: ReadinessReport): ProxyResponse {
  return {
    statusCode: report.ready ? 200 : 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({ status: report.ready ? 'ready' : 'not-ready', checks: report.checks }),
  };
}

/** The structured log line the readiness-failure metric filter matches (`$.event`, `$.ready`). */
export function logLine(report: ReadinessReport, failures: Record<string, FailureReason>): string {
  return JSON.stringify({
    event: 'readiness',
    ready: report.ready,
    checks: report.checks,
    failures,
  });
}
