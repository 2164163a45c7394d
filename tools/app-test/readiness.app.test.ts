/**
 * The readiness handler against real servers: PostgreSQL 15 and Redis 7 on 127.0.0.1 with TLS
 * from a throwaway CA. Passwords stand in for the IAM tokens through the same token-provider
 * path; the database role is the one `npm run db:setup` creates.
 */
import { Client } from 'pg';
import { createHandler, buildProbe, type ProbeSecrets } from '../../functions/readiness/handler';
import type { ReadinessSettings } from '../../functions/readiness/settings';
import { setupDatabase, setupStatements } from '../database';
import {
  makePki,
  makeTempRoot,
  requireServers,
  startHangingServer,
  startPostgres,
  startRedis,
  freePort,
  type Pki,
  type RunningPostgres,
  type RunningRedis,
} from './servers';

const READINESS_USER = 'readiness';
const CACHE_USER = 'healthcare-readiness-test';
const CHECK_TIMEOUT_MS = 1500;

let temp: ReturnType<typeof makeTempRoot>;
let pki: Pki;
let pg: RunningPostgres;
let redis: RunningRedis;
const readinessPassword = `pw-${Math.random().toString(36).slice(2)}`;

function adminClient(): Client {
  return new Client({
    host: '127.0.0.1',
    port: pg.port,
    database: 'postgres',
    user: pg.admin.user,
    password: pg.admin.password,
    ssl: { ca: pki.caPem, rejectUnauthorized: true },
  });
}

beforeAll(async () => {
  requireServers();
  temp = makeTempRoot();
  pki = makePki(temp.root);
  [pg, redis] = await Promise.all([
    startPostgres(temp.root, pki),
    startRedis(temp.root, pki, CACHE_USER),
  ]);
  // What RDS has and a vanilla PostgreSQL lacks: the rds_iam role.
  const admin = adminClient();
  await admin.connect();
  await admin.query('CREATE ROLE rds_iam NOLOGIN');
  await admin.end();
}, 60000);

afterAll(() => {
  pg?.stop();
  redis?.stop();
  temp?.remove();
});

function settings(over: { dbPort?: number; cachePort?: number } = {}): ReadinessSettings {
  return {
    region: 'eu-west-1',
    database: {
      host: '127.0.0.1',
      port: over.dbPort ?? pg.port,
      name: 'postgres',
      user: READINESS_USER,
    },
    cache: {
      host: '127.0.0.1',
      port: over.cachePort ?? redis.port,
      replicationGroupId: 'healthcare-redis-test',
      userId: CACHE_USER,
    },
    checkTimeoutMs: CHECK_TIMEOUT_MS,
  };
}

function secrets(over: Partial<ProbeSecrets> = {}): ProbeSecrets {
  return {
    databaseToken: async () => readinessPassword,
    cacheToken: async () => redis.user.password,
    databaseCa: pki.caPem,
    cacheCa: pki.caPem,
    ...over,
  };
}

/** The raw failure of one check, to prove why it failed (the answer never says). */
async function failure(s: ReadinessSettings, sec: ProbeSecrets, name: 'database' | 'cache') {
  const check = buildProbe(s, sec).checks[name];
  return check(new AbortController().signal).then(
    () => 'no error',
    (error: Error) => error.message,
  );
}

async function ready(s: ReadinessSettings, sec: ProbeSecrets) {
  const lines: string[] = [];
  const handler = createHandler({ probe: () => buildProbe(s, sec), log: (l) => lines.push(l) });
  const started = performance.now();
  const answer = await handler();
  const elapsedMs = performance.now() - started;
  return { answer, body: JSON.parse(answer.body), lines, elapsedMs };
}

describe('database setup (npm run db:setup) against PostgreSQL 15', () => {
  test('creates the readiness role with rds_iam, CONNECT and pgaudit, and is idempotent', async () => {
    const admin = adminClient();
    await admin.connect();
    try {
      const first = await setupDatabase(admin, { user: READINESS_USER, database: 'postgres' });
      const second = await setupDatabase(admin, { user: READINESS_USER, database: 'postgres' });
      expect(second).toEqual(first);
      expect(first).toHaveLength(
        setupStatements({ user: READINESS_USER, database: 'postgres' }).length,
      );
      const role = await admin.query(
        `SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolconnlimit, rolpassword IS NULL AS nopw,
                pg_has_role(rolname, 'rds_iam', 'MEMBER') AS iam,
                has_database_privilege(rolname, 'postgres', 'CONNECT') AS can_connect
           FROM pg_authid WHERE rolname = $1`,
        [READINESS_USER],
      );
      expect(role.rows).toEqual([
        {
          rolcanlogin: true,
          rolsuper: false,
          rolcreaterole: false,
          rolcreatedb: false,
          rolconnlimit: 10,
          nopw: true,
          iam: true,
          can_connect: true,
        },
      ]);
      const ext = await admin.query("SELECT extname FROM pg_extension WHERE extname = 'pgaudit'");
      expect(ext.rows).toEqual([{ extname: 'pgaudit' }]);
      // Stand-in for the IAM token: RDS checks the token; here a password on the same path.
      await admin.query(`ALTER ROLE ${READINESS_USER} PASSWORD '${readinessPassword}'`);
    } finally {
      await admin.end();
    }
  });
});

describe('readiness handler against real PostgreSQL 15 and Redis 7 (TLS)', () => {
  test('both up: 200, both ok', async () => {
    const { answer, body, lines } = await ready(settings(), secrets());
    expect(answer.statusCode).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.database.status).toBe('ok');
    expect(body.checks.cache.status).toBe('ok');
    expect(JSON.parse(lines[0])).toMatchObject({ event: 'readiness', ready: true, failures: {} });
  });

  test('database down: 503, database failed, cache ok', async () => {
    const { answer, body, lines } = await ready(settings({ dbPort: await freePort() }), secrets());
    expect(answer.statusCode).toBe(503);
    expect(body.checks).toMatchObject({ database: { status: 'failed' }, cache: { status: 'ok' } });
    expect(JSON.parse(lines[0]).failures).toEqual({ database: 'error' });
    expect(await failure(settings({ dbPort: await freePort() }), secrets(), 'database')).toMatch(
      /ECONNREFUSED/,
    );
  });

  test('cache down: 503, cache failed, database ok', async () => {
    const { answer, body } = await ready(settings({ cachePort: await freePort() }), secrets());
    expect(answer.statusCode).toBe(503);
    expect(body.checks).toMatchObject({ database: { status: 'ok' }, cache: { status: 'failed' } });
    expect(await failure(settings({ cachePort: await freePort() }), secrets(), 'cache')).toMatch(
      // ioredis reports a refused connection as closed when retries are off.
      /ECONNREFUSED|Connection is closed/,
    );
  });

  test('both hang (accept, never answer): 503 within the check timeout', async () => {
    const hang = await startHangingServer();
    try {
      const { answer, body, lines, elapsedMs } = await ready(
        settings({ dbPort: hang.port, cachePort: hang.port }),
        secrets(),
      );
      expect(answer.statusCode).toBe(503);
      expect(body.checks).toMatchObject({
        database: { status: 'failed' },
        cache: { status: 'failed' },
      });
      expect(elapsedMs).toBeGreaterThanOrEqual(CHECK_TIMEOUT_MS - 50);
      expect(elapsedMs).toBeLessThan(CHECK_TIMEOUT_MS + 1000);
      expect(body.checks.database.latencyMs).toBeGreaterThanOrEqual(CHECK_TIMEOUT_MS - 50);
      expect(JSON.parse(lines[0]).failures).toEqual({ database: 'timeout', cache: 'timeout' });
    } finally {
      await hang.stop();
    }
  });

  test('server certificates signed by another CA: both failed (TLS verification)', async () => {
    const { answer, body } = await ready(
      settings(),
      secrets({ databaseCa: pki.otherCaPem, cacheCa: pki.otherCaPem }),
    );
    expect(answer.statusCode).toBe(503);
    expect(body.checks).toMatchObject({
      database: { status: 'failed' },
      cache: { status: 'failed' },
    });
  });

  test('wrong tokens: both failed (authentication)', async () => {
    const { answer, body } = await ready(
      settings(),
      secrets({
        databaseToken: async () => 'not-the-token',
        cacheToken: async () => 'not-the-token',
      }),
    );
    expect(answer.statusCode).toBe(503);
    expect(body.checks).toMatchObject({
      database: { status: 'failed' },
      cache: { status: 'failed' },
    });
  });

  test('no secret, host, user or error text in the answer', async () => {
    const down = await ready(
      settings({ dbPort: await freePort() }),
      secrets({ cacheCa: pki.otherCaPem }),
    );
    const up = await ready(settings(), secrets());
    for (const { answer } of [down, up]) {
      const text = answer.body;
      for (const leak of [
        readinessPassword,
        redis.user.password,
        '127.0.0.1',
        'localhost',
        READINESS_USER,
        CACHE_USER,
        String(pg.port),
        String(redis.port),
        'ECONNREFUSED',
        'certificate',
        'Error',
        'password',
      ]) {
        expect(text).not.toContain(leak);
      }
      expect(Object.keys(JSON.parse(text))).toEqual(['status', 'checks']);
      for (const check of Object.values(JSON.parse(text).checks) as object[]) {
        expect(Object.keys(check).sort()).toEqual(['latencyMs', 'status']);
      }
    }
    // The log line classifies failures but carries no error text either.
    expect(down.lines.join('\n')).not.toMatch(/ECONN|certificate|127\.0\.0\.1|pw-/);
  });
});
