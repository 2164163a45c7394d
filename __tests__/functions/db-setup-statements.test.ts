import { setupDatabase, setupStatements } from '../../functions/db-setup/statements';

describe('setupStatements', () => {
  test('creates the role only if missing, IAM-only, with CONNECT, then the pgaudit role and extension', () => {
    expect(setupStatements({ user: 'readiness', database: 'postgres' }).map((s) => s.sql)).toEqual([
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'readiness') THEN CREATE ROLE "readiness" LOGIN; END IF; END $$`,
      'ALTER ROLE "readiness" LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT 10 PASSWORD NULL',
      'GRANT rds_iam TO "readiness"',
      'GRANT CONNECT ON DATABASE "postgres" TO "readiness"',
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'rds_pgaudit') THEN CREATE ROLE rds_pgaudit NOLOGIN; END IF; END $$`,
      'CREATE EXTENSION IF NOT EXISTS pgaudit',
    ]);
  });

  test('uses the given connection limit, 1 included', () => {
    expect(setupStatements({ user: 'r', database: 'd', connectionLimit: 3 })[1].sql).toContain(
      'CONNECTION LIMIT 3 ',
    );
    expect(setupStatements({ user: 'r', database: 'd', connectionLimit: 1 })[1].sql).toContain(
      'CONNECTION LIMIT 1 ',
    );
  });

  test('accepts a 63-character identifier and refuses 64', () => {
    const ok = 'a'.repeat(63);
    expect(setupStatements({ user: ok, database: 'd' })[2].sql).toBe(`GRANT rds_iam TO "${ok}"`);
    expect(() => setupStatements({ user: 'a'.repeat(64), database: 'd' })).toThrow(
      `user '${'a'.repeat(64)}' must be a lower-case PostgreSQL identifier`,
    );
  });

  test('throws when the user is not a plain lower-case identifier (never escapes input)', () => {
    expect(() =>
      setupStatements({ user: `x"; DROP ROLE postgres; --`, database: 'postgres' }),
    ).toThrow(`user 'x"; DROP ROLE postgres; --' must be a lower-case PostgreSQL identifier`);
  });

  test.each(['rds_x', 'pg_x'])('throws when the user takes the reserved prefix of %p', (user) => {
    expect(() => setupStatements({ user, database: 'postgres' })).toThrow(
      `user '${user}' must be a lower-case PostgreSQL identifier (a-z, 0-9, _; ≤ 63 characters) not starting with 'pg_' or 'rds'`,
    );
  });

  test('throws when the database name is not a plain identifier', () => {
    expect(() => setupStatements({ user: 'readiness', database: 'My DB' })).toThrow(
      "database 'My DB'",
    );
  });

  test('throws when a value is not a string (an event field of the wrong type)', () => {
    expect(() => setupStatements({ user: 42 as unknown as string, database: 'postgres' })).toThrow(
      "user '42' must be a lower-case PostgreSQL identifier",
    );
  });

  test.each([0, 2.5])('throws when the connection limit is %p', (connectionLimit) => {
    expect(() => setupStatements({ user: 'r', database: 'd', connectionLimit })).toThrow(
      `connectionLimit ${connectionLimit} must be a whole number ≥ 1`,
    );
  });
});

describe('setupDatabase', () => {
  test('runs every statement in order and reports each step', async () => {
    const sql: string[] = [];
    const done = await setupDatabase(
      { query: async (q: string) => sql.push(q) },
      { user: 'readiness', database: 'postgres' },
    );
    expect(sql).toEqual(
      setupStatements({ user: 'readiness', database: 'postgres' }).map((s) => s.sql),
    );
    expect(done).toEqual([
      'role readiness (login, no password: IAM tokens only)',
      'no privileges beyond login, no password',
      'RDS IAM authentication (rds_iam)',
      'connect to postgres',
      'pgaudit object-audit role (rds_pgaudit, no login)',
      'pgaudit extension',
    ]);
  });

  test('stops at the first failing statement and names its step', async () => {
    const sql: string[] = [];
    const error = await setupDatabase(
      {
        query: async (q: string) => {
          sql.push(q);
          if (q.startsWith('GRANT rds_iam')) throw new Error('role "rds_iam" does not exist');
        },
      },
      { user: 'readiness', database: 'postgres' },
    ).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'RDS IAM authentication (rds_iam): role "rds_iam" does not exist',
    );
    expect(sql).toHaveLength(3);
  });
});
