/**
 * functions/readiness/redis.ts against nothing listening (the real Redis: `npm run test:app`).
 */
import { redisCheck } from '../../functions/readiness/redis';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

test('a probe that cannot connect fails at once and leaves no timer holding the process', async () => {
  const check = redisCheck({
    host: '127.0.0.1',
    port: 1,
    username: 'readiness',
    password: async () => 'token',
    timeoutMs: 1000,
  });
  const before = timers();
  const started = Date.now();
  await expect(check(new AbortController().signal)).rejects.toThrow('Connection is closed.');
  expect(Date.now() - started).toBeLessThan(1000);
  // ioredis's disconnect() of an ended connection left a 2 s timer: a Lambda, or jest, waited for it.
  expect(timers()).toBe(before);
});
