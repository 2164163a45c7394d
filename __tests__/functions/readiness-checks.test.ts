import {
  CheckTimeoutError,
  logLine,
  runChecks,
  toHttpResponse,
  withTimeout,
  type Check,
} from '../../functions/readiness/checks';

const ok: Check = async () => undefined;
const refused: Check = async () => {
  throw new Error('connect ECONNREFUSED 10.0.0.1:5432 password=hunter2');
};
const hangs: Check = (signal) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));

/** A clock that advances 7 ms per reading. */
function steppingClock() {
  let t = 1000;
  return { now: () => (t += 7) };
}

describe('withTimeout', () => {
  test('resolves when the check answers in time', async () => {
    await expect(withTimeout(ok, 1000)).resolves.toBeUndefined();
  });

  test('rejects with CheckTimeoutError and aborts the check when it hangs', async () => {
    let aborted = false;
    const check: Check = (signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return new Promise(() => undefined);
    };
    const error = await withTimeout(check, 20).catch((e) => e);
    expect(error).toBeInstanceOf(CheckTimeoutError);
    expect(error.message).toBe('check timed out after 20 ms');
    expect(aborted).toBe(true);
  });

  test("passes the check's own error through", async () => {
    await expect(withTimeout(refused, 1000)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('runChecks', () => {
  test('all ok: ready, each ok with its latency', async () => {
    const report = await runChecks(
      { database: ok, cache: ok },
      { timeoutMs: 100, clock: steppingClock() },
    );
    expect(report.ready).toBe(true);
    expect(report.checks).toEqual({
      database: { status: 'ok', latencyMs: 14 },
      cache: { status: 'ok', latencyMs: 14 },
    });
  });

  test('one error, one timeout: not ready, reasons reported separately from the answer', async () => {
    const failures: Record<string, string> = {};
    const report = await runChecks(
      { database: refused, cache: hangs },
      { timeoutMs: 30, onFailure: (name, reason) => (failures[name] = reason) },
    );
    expect(report.ready).toBe(false);
    expect(report.checks.database.status).toBe('failed');
    expect(report.checks.cache.status).toBe('failed');
    expect(report.checks.cache.latencyMs).toBeGreaterThanOrEqual(25);
    expect(failures).toEqual({ database: 'error', cache: 'timeout' });
  });

  test('works without an onFailure callback and with the system clock', async () => {
    const report = await runChecks({ database: refused }, { timeoutMs: 50 });
    expect(report).toEqual({
      ready: false,
      checks: { database: { status: 'failed', latencyMs: expect.any(Number) } },
    });
  });
});

describe('toHttpResponse', () => {
  test('200 and "ready" when every check is ok', () => {
    const answer = toHttpResponse({
      ready: true,
      checks: { database: { status: 'ok', latencyMs: 3 } },
    });
    expect(answer).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"status":"ready","checks":{"database":{"status":"ok","latencyMs":3}}}',
    });
  });

  test('503 and "not-ready" otherwise', () => {
    const answer = toHttpResponse({
      ready: false,
      checks: { cache: { status: 'failed', latencyMs: 9 } },
    });
    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({
      status: 'not-ready',
      checks: { cache: { status: 'failed', latencyMs: 9 } },
    });
  });
});

test('logLine is one JSON object the metric filter can match ($.event, $.ready)', () => {
  const line = logLine(
    { ready: false, checks: { cache: { status: 'failed', latencyMs: 1 } } },
    { cache: 'timeout' },
  );
  expect(JSON.parse(line)).toEqual({
    event: 'readiness',
    ready: false,
    checks: { cache: { status: 'failed', latencyMs: 1 } },
    failures: { cache: 'timeout' },
  });
  expect(line).not.toContain('\n');
});
