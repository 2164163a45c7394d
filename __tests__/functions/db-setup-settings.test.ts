import { parseSetupEvent, readDbSetupSettings } from '../../functions/db-setup/settings';

const ENV = {
  DB_HOST: 'db.internal',
  DB_PORT: '5432',
  DB_MASTER_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-1',
  CONNECT_TIMEOUT_MS: '10000',
};

describe('readDbSetupSettings', () => {
  test('reads every setting', () => {
    expect(readDbSetupSettings(ENV)).toEqual({
      host: 'db.internal',
      port: 5432,
      masterSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-1',
      connectTimeoutMs: 10000,
    });
  });

  test('accepts the boundaries (port 1 and 65535, timeout 1000 and 60000)', () => {
    expect(readDbSetupSettings({ ...ENV, DB_PORT: '1', CONNECT_TIMEOUT_MS: '1000' })).toMatchObject(
      { port: 1, connectTimeoutMs: 1000 },
    );
    expect(
      readDbSetupSettings({ ...ENV, DB_PORT: '65535', CONNECT_TIMEOUT_MS: '60000' }),
    ).toMatchObject({ port: 65535, connectTimeoutMs: 60000 });
  });

  test('names every missing or bad variable, never a value', () => {
    expect(() =>
      readDbSetupSettings({ DB_PORT: '65536', CONNECT_TIMEOUT_MS: '999', DB_HOST: 'secret-host' }),
    ).toThrow(
      'db-setup settings: DB_PORT must be an integer from 1 to 65535; DB_MASTER_SECRET_ARN is not set; CONNECT_TIMEOUT_MS must be an integer from 1000 to 60000',
    );
  });

  test('refuses a port that is not a whole number', () => {
    expect(() => readDbSetupSettings({ ...ENV, DB_PORT: '54.5' })).toThrow(
      'DB_PORT must be an integer from 1 to 65535',
    );
  });
});

describe('parseSetupEvent', () => {
  test('reads the role and defaults the connection limit to 10', () => {
    expect(parseSetupEvent({ user: 'readiness', database: 'postgres' })).toEqual({
      user: 'readiness',
      database: 'postgres',
      connectionLimit: 10,
    });
    expect(
      parseSetupEvent({ user: 'readiness', database: 'postgres', connectionLimit: 2 }),
    ).toEqual({ user: 'readiness', database: 'postgres', connectionLimit: 2 });
  });

  test.each([null, 'readiness', [1], 3])('refuses %p: the event must be an object', (event) => {
    expect(() => parseSetupEvent(event)).toThrow(
      'the event must be a JSON object such as {"user": "readiness", "database": "postgres"}',
    );
  });

  test('names every problem: unknown fields, missing user and database, a non-number limit', () => {
    expect(() => parseSetupEvent({ usr: 'x', connectionLimit: '5' })).toThrow(
      'db-setup event: unknown event field(s) usr; "user" (a string) is required; "database" (a string) is required; "connectionLimit" must be a number',
    );
  });
});
