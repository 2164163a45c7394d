import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockAws } from '../support/aws-mock';
import {
  connectWithTls,
  createDbSetupHandler,
  handler,
  type SetupConnection,
} from '../../functions/db-setup/handler';
import { readMasterSecret } from '../../functions/db-setup/master-secret';
import type { DbSetupSettings } from '../../functions/db-setup/settings';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-abc';
const SETTINGS: DbSetupSettings = {
  host: 'db.internal',
  port: 5432,
  masterSecretArn: ARN,
  connectTimeoutMs: 1000,
};
const MASTER = { username: 'healthcare_admin', password: 'very-secret-password' };
const sm = mockAws(SecretsManagerClient);
afterEach(() => sm.reset());

/** A connection that records statements and whether it was closed. */
function fakeConnection(fail?: (sql: string) => Error | undefined) {
  const sql: string[] = [];
  let ended = 0;
  const connection: SetupConnection = {
    query: async (q: string) => {
      sql.push(q);
      const error = fail?.(q);
      if (error) throw error;
    },
    end: async () => {
      ended += 1;
    },
  };
  return { connection, sql, ended: () => ended };
}

describe('createDbSetupHandler', () => {
  test('reads the master secret, connects to the role database, runs the setup and closes', async () => {
    const fake = fakeConnection();
    const lines: string[] = [];
    const connect = jest.fn(async () => fake.connection);
    const readSecret = jest.fn(async () => MASTER);
    const run = createDbSetupHandler({
      settings: () => SETTINGS,
      readSecret,
      connect,
      log: (l) => lines.push(l),
    });

    const result = await run({ user: 'readiness', database: 'postgres' });

    expect(readSecret).toHaveBeenCalledWith(ARN);
    expect(connect).toHaveBeenCalledWith(SETTINGS, 'postgres', MASTER);
    expect(result).toEqual({
      status: 'ok',
      user: 'readiness',
      database: 'postgres',
      steps: [
        'role readiness (login, no password: IAM tokens only)',
        'no privileges beyond login, no password',
        'RDS IAM authentication (rds_iam)',
        'connect to postgres',
        'pgaudit object-audit role (rds_pgaudit, no login)',
        'pgaudit extension',
      ],
    });
    expect(fake.sql).toHaveLength(6);
    expect(fake.ended()).toBe(1);
    expect(JSON.parse(lines[0])).toEqual({ event: 'db-setup', ...result, status: undefined });
    // Neither the answer (kept in Terraform state) nor the log holds the password.
    expect(JSON.stringify(result) + lines.join('')).not.toContain(MASTER.password);
  });

  test('a failing statement fails the invocation, names the step, and still closes', async () => {
    const fake = fakeConnection((q) =>
      q.startsWith('CREATE EXTENSION')
        ? new Error('pgaudit must be loaded via shared_preload_libraries')
        : undefined,
    );
    const run = createDbSetupHandler({
      settings: () => SETTINGS,
      readSecret: async () => MASTER,
      connect: async () => fake.connection,
      log: () => undefined,
    });
    await expect(run({ user: 'readiness', database: 'postgres' })).rejects.toThrow(
      'pgaudit extension: pgaudit must be loaded via shared_preload_libraries',
    );
    expect(fake.ended()).toBe(1);
  });

  test('a refused connection names the endpoint and database, never the password', async () => {
    const run = createDbSetupHandler({
      settings: () => SETTINGS,
      readSecret: async () => MASTER,
      connect: async () => {
        throw new Error('self-signed certificate in certificate chain');
      },
    });
    const error = (await run({ user: 'readiness', database: 'postgres' }).catch((e) => e)) as Error;
    expect(error.message).toBe(
      'cannot connect to db.internal:5432/postgres as the master user: self-signed certificate in certificate chain',
    );
    expect(error.message).not.toContain(MASTER.password);
  });

  test('a bad event fails before any secret is read', async () => {
    const readSecret = jest.fn(async () => MASTER);
    const run = createDbSetupHandler({
      settings: () => SETTINGS,
      readSecret,
      connect: async () => fakeConnection().connection,
    });
    await expect(run({ user: 'Readiness; DROP', database: 'postgres' })).rejects.toThrow(
      "user 'Readiness; DROP' must be a lower-case PostgreSQL identifier",
    );
    await expect(run({ database: 'postgres' })).rejects.toThrow('"user" (a string) is required');
    expect(readSecret).not.toHaveBeenCalled();
  });
});

describe('the deployed handler', () => {
  // Restored in place: the unit tests share one process (jest-light-runner), and its
  // process.env must stay the object Node gave it.
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  test('names the missing settings when its environment is empty', async () => {
    for (const name of ['DB_HOST', 'DB_PORT', 'DB_MASTER_SECRET_ARN', 'CONNECT_TIMEOUT_MS'])
      delete process.env[name];
    await expect(handler({ user: 'readiness', database: 'postgres' })).rejects.toThrow(
      'db-setup settings: DB_HOST is not set; DB_PORT is not set; DB_MASTER_SECRET_ARN is not set; CONNECT_TIMEOUT_MS is not set',
    );
  });

  test('reads the secret from Secrets Manager, then connects over TLS (refused here: nothing listens)', async () => {
    Object.assign(process.env, {
      DB_HOST: '127.0.0.1',
      DB_PORT: '1',
      DB_MASTER_SECRET_ARN: ARN,
      CONNECT_TIMEOUT_MS: '1000',
    });
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
      SecretString: JSON.stringify(MASTER),
    });
    const error = (await handler({ user: 'readiness', database: 'postgres' }).catch(
      (e) => e,
    )) as Error;
    expect(error.message).toMatch(
      /^cannot connect to 127\.0\.0\.1:1\/postgres as the master user: .*ECONNREFUSED/,
    );
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });
});

test('connectWithTls closes the client when the connection fails', async () => {
  await expect(
    connectWithTls({ ...SETTINGS, host: '127.0.0.1', port: 1 }, 'postgres', MASTER, 'no-ca'),
  ).rejects.toThrow(/ECONNREFUSED/);
});

describe('readMasterSecret', () => {
  test('reads username and password from the RDS-managed secret', async () => {
    sm.on(GetSecretValueCommand, { SecretId: ARN }).resolves({
      SecretString: '{"username":"master","password":"p"}',
    });
    await expect(
      readMasterSecret(new SecretsManagerClient({ region: 'eu-west-1' }), ARN),
    ).resolves.toEqual({ username: 'master', password: 'p' });
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
