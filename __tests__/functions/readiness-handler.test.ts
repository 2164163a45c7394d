import {
  buildProbe,
  createHandler,
  DEPENDENCIES,
  productionProbe,
} from '../../functions/readiness/handler';
import type { ReadinessSettings } from '../../functions/readiness/settings';

const settings: ReadinessSettings = {
  region: 'eu-west-1',
  database: { host: 'db.internal', port: 5432, name: 'postgres', user: 'readiness' },
  cache: { host: 'cache.internal', port: 6379, replicationGroupId: 'g', userId: 'u' },
  checkTimeoutMs: 200,
};

test('answers 200 and logs one readiness line when every check passes', async () => {
  const lines: string[] = [];
  const handler = createHandler({
    probe: () => ({
      timeoutMs: 100,
      checks: { database: async () => undefined, cache: async () => undefined },
    }),
    log: (l) => lines.push(l),
  });
  const answer = await handler();
  expect(answer.statusCode).toBe(200);
  expect(lines.map((l) => JSON.parse(l))).toEqual([
    expect.objectContaining({ event: 'readiness', ready: true, failures: {} }),
  ]);
});

test('builds the probe once per execution environment', async () => {
  const probe = jest.fn(() => ({ timeoutMs: 100, checks: {} }));
  const handler = createHandler({ probe, log: () => undefined });
  await handler();
  await handler();
  expect(probe).toHaveBeenCalledTimes(1);
});

test('answers 503 naming no value when the settings are broken, and logs the variable names', async () => {
  const lines: string[] = [];
  const handler = createHandler({
    probe: () => {
      throw new Error('readiness settings: DB_HOST is not set');
    },
    log: (l) => lines.push(l),
  });
  const answer = await handler();
  expect(answer.statusCode).toBe(503);
  expect(JSON.parse(answer.body)).toEqual({
    status: 'not-ready',
    checks: {
      database: { status: 'failed', latencyMs: 0 },
      cache: { status: 'failed', latencyMs: 0 },
    },
  });
  expect(JSON.parse(lines[0])).toEqual({
    event: 'readiness-config',
    error: 'readiness settings: DB_HOST is not set',
  });
  expect(JSON.parse(lines[1])).toMatchObject({ event: 'readiness', ready: false });
});

test('writes raw JSON lines to stdout by default (what the metric filter reads)', async () => {
  const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    await createHandler({ probe: () => ({ timeoutMs: 100, checks: {} }) })();
    expect(write).toHaveBeenCalledWith(
      '{"event":"readiness","ready":true,"checks":{},"failures":{}}\n',
    );
  } finally {
    write.mockRestore();
  }
});

test('buildProbe and productionProbe check the two dependencies under the configured timeout', () => {
  const probe = buildProbe(settings, {
    databaseToken: async () => 't',
    cacheToken: async () => 't',
    databaseCa: 'pem',
  });
  expect(Object.keys(probe.checks)).toEqual([...DEPENDENCIES]);
  expect(probe.timeoutMs).toBe(200);
  const production = productionProbe(settings, {
    AWS_ACCESS_KEY_ID: 'a',
    AWS_SECRET_ACCESS_KEY: 'b',
  });
  expect(Object.keys(production.checks)).toEqual(['database', 'cache']);
});

test('the real probes fail (not hang, not throw) when nothing listens', async () => {
  const closed = {
    ...settings,
    database: { ...settings.database, host: '127.0.0.1', port: 1 },
    cache: { ...settings.cache, host: '127.0.0.1', port: 1 },
  };
  const handler = createHandler({
    probe: () => productionProbe(closed, { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }),
    log: () => undefined,
  });
  const answer = await handler();
  expect(answer.statusCode).toBe(503);
});
