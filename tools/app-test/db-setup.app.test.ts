/**
 * The db-setup function's handler against a real PostgreSQL 15 (TLS from a throwaway CA,
 * pgaudit loaded): it connects as the "master user" over verified TLS, creates the readiness
 * role, runs again without error, and the role then logs in. The master secret is the only
 * stand-in (a function returning the superuser's credentials instead of Secrets Manager).
 * Also shows what the parameter group's logging settings let into the PostgreSQL log: statement
 * text with its literals, never bind values (docs/phi-in-logs.md).
 */
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { connectWithTls, createDbSetupHandler } from '../../functions/db-setup/handler';
import type { DbSetupSettings } from '../../functions/db-setup/settings';
import {
  makePki,
  makeTempRoot,
  requireServers,
  startPostgres,
  type Pki,
  type RunningPostgres,
} from './servers';

let temp: ReturnType<typeof makeTempRoot>;
let pki: Pki;
let pg: RunningPostgres;

const settings = (): DbSetupSettings => ({
  host: '127.0.0.1',
  port: pg.port,
  masterSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-test',
  connectTimeoutMs: 5000,
});

function handlerWith(ca: string, lines: string[] = []) {
  return createDbSetupHandler({
    settings,
    readSecret: async () => ({ username: pg.admin.user, password: pg.admin.password }),
    connect: (s, database, credentials) => connectWithTls(s, database, credentials, ca),
    log: (line) => lines.push(line),
  });
}

async function asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    host: '127.0.0.1',
    port: pg.port,
    database: 'postgres',
    user: pg.admin.user,
    password: pg.admin.password,
    ssl: { ca: pki.caPem, rejectUnauthorized: true },
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  requireServers();
  temp = makeTempRoot();
  pki = makePki(temp.root);
  pg = await startPostgres(temp.root, pki);
  // What RDS has and a vanilla PostgreSQL lacks: the rds_iam role.
  await asAdmin((c) => c.query('CREATE ROLE rds_iam NOLOGIN'));
}, 60000);

afterAll(() => {
  pg?.stop();
  temp?.remove();
});

describe('db-setup function against PostgreSQL 15 (TLS, pgaudit)', () => {
  test('creates the readiness role with rds_iam, CONNECT, rds_pgaudit and pgaudit; a second run changes nothing', async () => {
    const lines: string[] = [];
    const run = handlerWith(pki.caPem, lines);
    const first = await run({ user: 'readiness', database: 'postgres' });
    const second = await run({ user: 'readiness', database: 'postgres', connectionLimit: 10 });
    expect(second).toEqual(first);
    expect(first.steps).toHaveLength(6);
    const role = await asAdmin((c) =>
      c.query(
        `SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolconnlimit, rolpassword IS NULL AS nopw,
                pg_has_role(rolname, 'rds_iam', 'MEMBER') AS iam,
                has_database_privilege(rolname, 'postgres', 'CONNECT') AS can_connect
           FROM pg_authid WHERE rolname = 'readiness'`,
      ),
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
    const objects = await asAdmin((c) =>
      c.query(
        `SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'pgaudit')::int AS ext,
                (SELECT rolcanlogin FROM pg_roles WHERE rolname = 'rds_pgaudit') AS audit_role_login`,
      ),
    );
    expect(objects.rows).toEqual([{ ext: 1, audit_role_login: false }]);
    // The answer and the log line hold no password.
    expect(JSON.stringify(first) + lines.join('')).not.toContain(pg.admin.password);
  });

  test('updates an existing role to the definition (connection limit), idempotently', async () => {
    await handlerWith(pki.caPem)({ user: 'readiness', database: 'postgres', connectionLimit: 3 });
    const limit = await asAdmin((c) =>
      c.query("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'readiness'"),
    );
    expect(limit.rows).toEqual([{ rolconnlimit: 3 }]);
    await handlerWith(pki.caPem)({ user: 'readiness', database: 'postgres' });
  });

  test('the role it creates logs in over TLS (a password stands in for the IAM token)', async () => {
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    await asAdmin((c) => c.query(`ALTER ROLE readiness PASSWORD '${password}'`));
    const client = new Client({
      host: '127.0.0.1',
      port: pg.port,
      database: 'postgres',
      user: 'readiness',
      password,
      ssl: { ca: pki.caPem, rejectUnauthorized: true },
    });
    await client.connect();
    const answer = await client.query('SELECT current_user AS who');
    await client.end();
    expect(answer.rows).toEqual([{ who: 'readiness' }]);
    // The next setup takes the password away again: IAM tokens only.
    await handlerWith(pki.caPem)({ user: 'readiness', database: 'postgres' });
    const nopw = await asAdmin((c) =>
      c.query("SELECT rolpassword IS NULL AS nopw FROM pg_authid WHERE rolname = 'readiness'"),
    );
    expect(nopw.rows).toEqual([{ nopw: true }]);
  });

  test('refuses a server certificate its CA bundle did not sign (no setup without verified TLS)', async () => {
    await expect(
      handlerWith(pki.otherCaPem)({ user: 'probe', database: 'postgres' }),
    ).rejects.toThrow(/^cannot connect to 127\.0\.0\.1:\d+\/postgres as the master user: /);
    const probe = await asAdmin((c) => c.query("SELECT 1 FROM pg_roles WHERE rolname = 'probe'"));
    expect(probe.rows).toEqual([]);
  });

  test('refuses a wrong master password, naming no password', async () => {
    const run = createDbSetupHandler({
      settings,
      readSecret: async () => ({ username: pg.admin.user, password: 'not-the-password' }),
      connect: (s, database, credentials) => connectWithTls(s, database, credentials, pki.caPem),
      log: () => undefined,
    });
    const error = (await run({ user: 'readiness', database: 'postgres' }).catch((e) => e)) as Error;
    expect(error.message).toMatch(/password authentication failed/);
    expect(error.message).not.toContain('not-the-password');
  });
});

describe('what the parameter group lets into the PostgreSQL log (pgaudit read,write; slow queries; errors)', () => {
  test('statement text and its literals reach the log; bind values only where an error message quotes its input', async () => {
    const literal = 'LITERAL-PATIENT-4711';
    const bound = 'BOUND-PATIENT-0815';
    const unique = 'UNIQUE-PATIENT-4242';
    const badInput = 'BAD-INPUT-PATIENT-1234';
    await asAdmin(async (c) => {
      await c.query('CREATE TABLE patients (name text UNIQUE)');
      // The parameter group's settings, for this session (dynamic parameters on RDS).
      await c.query("SET pgaudit.log = 'read,write'");
      await c.query('SET pgaudit.log_parameter = off');
      await c.query('SET log_min_duration_statement = 0');
      await c.query("SET log_statement = 'none'");
      await c.query('SET log_parameter_max_length = 0');
      await c.query('SET log_parameter_max_length_on_error = 0');
      await c.query("SET log_error_verbosity = 'terse'");
      await c.query(`INSERT INTO patients VALUES ('${literal}')`);
      await c.query('INSERT INTO patients VALUES ($1)', [bound]);
      await c.query('SELECT name FROM patients WHERE name = $1', [bound]);
      // A unique violation: its DETAIL ("Key (name)=(...) already exists") is not logged.
      await c.query('INSERT INTO patients VALUES ($1)', [unique]);
      await c.query('INSERT INTO patients VALUES ($1)', [unique]).catch(() => undefined);
      // A value the server cannot parse is quoted by the error message itself.
      await c.query('SELECT $1::int', [badInput]).catch(() => undefined);
    });
    const log = readFileSync(pg.logFile, 'utf8');
    expect(log).toMatch(
      /AUDIT: SESSION,\d+,\d+,WRITE,INSERT,,,"?INSERT INTO patients VALUES \('LITERAL-PATIENT-4711'\)/,
    );
    expect(log).toMatch(
      /AUDIT: SESSION,\d+,\d+,WRITE,INSERT,,,"?INSERT INTO patients VALUES \(\$1\)/,
    );
    expect(log).toMatch(
      /AUDIT: SESSION,\d+,\d+,READ,SELECT,,,"?SELECT name FROM patients WHERE name = \$1/,
    );
    expect(log).toContain(literal);
    expect(log).not.toContain(bound);
    expect(log).not.toContain(unique);
    expect(log).toMatch(
      /ERROR: {2}duplicate key value violates unique constraint "patients_name_key"\n/,
    );
    expect(log.split('\n').filter((line) => line.includes(badInput))).toEqual([
      expect.stringMatching(
        /ERROR: {2}invalid input syntax for type integer: "BAD-INPUT-PATIENT-1234"$/,
      ),
    ]);
  });
});
