/**
 * functions/readiness/redis.ts against nothing listening (the real Redis: `npm run test:app`).
 */
import { createHook } from 'node:async_hooks';
import { redisCheck } from '../../functions/readiness/redis';

/**
 * How many of the timers `work` starts are still pending once it has settled. Counted by
 * async id, so timers of anything else in the process do not count.
 */
async function timersLeftBy(work: () => Promise<unknown>): Promise<number> {
  const pending = new Set<number>();
  const hook = createHook({
    init: (id, type) => {
      if (type === 'Timeout') pending.add(id);
    },
    destroy: (id) => pending.delete(id),
  });
  hook.enable();
  try {
    await work();
    // Node reports a cleared timer's end after the current turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    hook.disable();
  }
  return pending.size;
}

test('a probe that cannot connect fails at once and leaves no timer holding the process', async () => {
  const check = redisCheck({
    host: '127.0.0.1',
    port: 1,
    username: 'readiness',
    password: async () => 'token',
    timeoutMs: 1000,
  });
  const started = Date.now();
  let failure: unknown;
  const left = await timersLeftBy(() =>
    check(new AbortController().signal).catch((error: unknown) => (failure = error)),
  );
  expect(failure).toEqual(new Error('Connection is closed.'));
  expect(Date.now() - started).toBeLessThan(1000);
  // ioredis's disconnect() of an ended connection left a 2 s timer: a Lambda, or jest, waited for it.
  expect(left).toBe(0);
});
