import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  parseSetupArgs,
  readMasterSecret,
  setupDatabase,
  setupStatements,
} from '../../../tools/database/setup';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-abc';

describe('setupStatements', () => {
  test('creates the role only if missing, IAM-only, with CONNECT and pgaudit, in that order', () => {
    expect(setupStatements({ user: 'readiness', database: 'postgres' }).map((s) => s.sql)).toEqual([
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'readiness') THEN CREATE ROLE "readiness" LOGIN; END IF; END $$`,
      'ALTER ROLE "readiness" LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT 10 PASSWORD NULL',
      'GRANT rds_iam TO "readiness"',
      'GRANT CONNECT ON DATABASE "postgres" TO "readiness"',
      'CREATE EXTENSION IF NOT EXISTS pgaudit',
    ]);
  });

  test('uses the given connection limit', () => {
    expect(setupStatements({ user: 'r', database: 'd', connectionLimit: 3 })[1].sql).toContain(
      'CONNECTION LIMIT 3',
    );
  });

  test('throws when the user is not a plain lower-case identifier (never escapes input)', () => {
    expect(() =>
      setupStatements({ user: `x"; DROP ROLE postgres; --`, database: 'postgres' }),
    ).toThrow(`user 'x"; DROP ROLE postgres; --' must be a lower-case PostgreSQL identifier`);
  });

  test('throws when the user takes a reserved prefix', () => {
    expect(() => setupStatements({ user: 'rds_x', database: 'postgres' })).toThrow("user 'rds_x'");
  });

  test('throws when the database name is not a plain identifier', () => {
    expect(() => setupStatements({ user: 'readiness', database: 'My DB' })).toThrow(
      "database 'My DB'",
    );
  });

  test('throws when the connection limit is below 1', () => {
    expect(() => setupStatements({ user: 'r', database: 'd', connectionLimit: 0 })).toThrow(
      'connectionLimit 0 must be a whole number ≥ 1',
    );
  });
});

test('setupDatabase runs every statement in order and reports each step', async () => {
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
    'pgaudit extension',
  ]);
});

describe('readMasterSecret', () => {
  const sm = mockClient(SecretsManagerClient);
  afterEach(() => sm.reset());

  test('reads username and password from the RDS-managed secret', async () => {
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
      SecretString: '{"username":"master","password":"p"}',
    });
    await expect(
      readMasterSecret(new SecretsManagerClient({ region: 'eu-west-1' }), ARN),
    ).resolves.toEqual({
      username: 'master',
      password: 'p',
    });
  });

  test.each([['not json'], ['{"username":"master"}'], [undefined]])(
    'throws without echoing the secret when it is not a master secret (%s)',
    async (secretString) => {
      sm.on(GetSecretValueCommand).resolves({ SecretString: secretString });
      const error = await readMasterSecret(
        new SecretsManagerClient({ region: 'eu-west-1' }),
        ARN,
      ).catch((e) => e);
      expect(error.message).toBe(
        `secret ${ARN} is not an RDS master user secret (a JSON object with string "username" and "password")`,
      );
    },
  );
});

describe('parseSetupArgs', () => {
  test('reads flags, with defaults for port, database and user', () => {
    expect(parseSetupArgs(['--secret-arn', ARN, '--host', 'db.internal'], {})).toEqual({
      secretArn: ARN,
      host: 'db.internal',
      port: 5432,
      database: 'postgres',
      user: 'readiness',
      servername: undefined,
    });
  });

  test('falls back to the environment and accepts a tunnel with the real server name', () => {
    expect(
      parseSetupArgs(['--servername', 'db.rds.amazonaws.com', '--port', '15432'], {
        DATABASE_MASTER_SECRET_ARN: ARN,
        DATABASE_HOST: '127.0.0.1',
      }),
    ).toMatchObject({ host: '127.0.0.1', port: 15432, servername: 'db.rds.amazonaws.com' });
  });

  test('throws naming every missing setting', () => {
    expect(() => parseSetupArgs([], {})).toThrow(
      /--secret-arn \(or DATABASE_MASTER_SECRET_ARN\) is required[\s\S]*--host \(or DATABASE_HOST\) is required[\s\S]*usage: npm run db:setup/,
    );
  });

  test('throws when the port is not a port', () => {
    expect(() =>
      parseSetupArgs(['--secret-arn', ARN, '--host', 'h', '--port', '99999'], {}),
    ).toThrow('--port 99999 must be an integer from 1 to 65535');
  });

  test('throws on an unknown option or a flag without a value', () => {
    expect(() => parseSetupArgs(['--secret-arn', ARN, '--password', 'x'], {})).toThrow(
      'unknown option --password',
    );
    expect(() => parseSetupArgs(['--host'], {})).toThrow("unexpected argument '--host'");
  });
});
