import { ENV, readSettings } from '../../functions/readiness/settings';

const env = {
  [ENV.region]: 'eu-west-1',
  [ENV.dbHost]: 'db.example.internal',
  [ENV.dbPort]: '5432',
  [ENV.dbName]: 'postgres',
  [ENV.dbUser]: 'readiness',
  [ENV.cacheHost]: 'master.cache.example.internal',
  [ENV.cachePort]: '6379',
  [ENV.cacheReplicationGroupId]: 'healthcare-redis-prod',
  [ENV.cacheUserId]: 'healthcare-readiness-prod',
  [ENV.checkTimeoutMs]: '3000',
};

test('reads every setting', () => {
  expect(readSettings(env)).toEqual({
    region: 'eu-west-1',
    database: { host: 'db.example.internal', port: 5432, name: 'postgres', user: 'readiness' },
    cache: {
      host: 'master.cache.example.internal',
      port: 6379,
      replicationGroupId: 'healthcare-redis-prod',
      userId: 'healthcare-readiness-prod',
    },
    checkTimeoutMs: 3000,
  });
});

test('throws when a variable is missing, naming it', () => {
  const rest: NodeJS.ProcessEnv = { ...env };
  delete rest.DB_HOST;
  expect(() => readSettings(rest)).toThrow('readiness settings: DB_HOST is not set');
});

test('throws when a port is not an integer from 1 to 65535, without echoing the value', () => {
  expect(() => readSettings({ ...env, CACHE_PORT: '70000' })).toThrow(
    'readiness settings: CACHE_PORT must be an integer from 1 to 65535',
  );
  expect(() => readSettings({ ...env, DB_PORT: 'secret-ish' })).not.toThrow(/secret-ish/);
});

test('throws when the check timeout is outside 100 to 60000 ms', () => {
  expect(() => readSettings({ ...env, CHECK_TIMEOUT_MS: '50' })).toThrow(
    'CHECK_TIMEOUT_MS must be an integer from 100 to 60000',
  );
});
