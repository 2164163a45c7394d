import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { mockAws } from '../../support/aws-mock';
import { readMasterSecret as productReader } from '../../../functions/db-setup/master-secret';
import { setupStatements as productStatements } from '../../../functions/db-setup/statements';
import {
  invokeSetupFunction,
  parseSetupArgs,
  readMasterSecret,
  setupStatements,
} from '../../../tools/database/setup';

const ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-abc';

describe('parseSetupArgs', () => {
  test('reads flags, with defaults for port, database and user', () => {
    expect(parseSetupArgs(['--secret-arn', ARN, '--host', 'db.internal'], {})).toEqual({
      invoke: undefined,
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

test('the tool runs the SQL and the secret reader of the product (functions/db-setup)', () => {
  expect(setupStatements).toBe(productStatements);
  expect(readMasterSecret).toBe(productReader);
});

describe('parseSetupArgs --invoke', () => {
  test('needs only the function name; user and database keep their defaults', () => {
    expect(parseSetupArgs(['--invoke', 'healthcare-db-setup-prod'], {})).toEqual({
      invoke: 'healthcare-db-setup-prod',
      secretArn: '',
      host: '',
      port: 5432,
      database: 'postgres',
      user: 'readiness',
      servername: undefined,
    });
  });

  test('passes --user and --database on to the function', () => {
    expect(
      parseSetupArgs(['--invoke', 'f', '--user', 'probe', '--database', 'app'], {}),
    ).toMatchObject({ invoke: 'f', user: 'probe', database: 'app' });
  });

  test('refuses the direct-connection flags, which the function does not use', () => {
    expect(() => parseSetupArgs(['--invoke', 'f', '--secret-arn', ARN, '--host', 'h'], {})).toThrow(
      '--invoke runs the deployed function, which reads the secret and connects itself: drop --secret-arn, --host',
    );
  });
});

describe('invokeSetupFunction', () => {
  const lambda = mockAws(LambdaClient);
  afterEach(() => lambda.reset());
  // The SDK's Payload type is its blob adapter; the client reads the bytes.
  const bytes = (text: string) =>
    new TextEncoder().encode(text) as unknown as InvokeCommandOutput['Payload'];
  const encode = (v: unknown) => bytes(JSON.stringify(v));
  const RESULT = { status: 'ok', user: 'readiness', database: 'postgres', steps: ['a', 'b'] };

  test('invokes the function synchronously with the role and returns its answer', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: encode(RESULT) });
    await expect(
      invokeSetupFunction(new LambdaClient({ region: 'eu-west-1' }), 'healthcare-db-setup-prod', {
        user: 'readiness',
        database: 'postgres',
      }),
    ).resolves.toEqual(RESULT);
    const call = lambda.commandCalls(InvokeCommand)[0].args[0].input;
    expect(call.FunctionName).toBe('healthcare-db-setup-prod');
    expect(call.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(call.Payload as Uint8Array))).toEqual({
      user: 'readiness',
      database: 'postgres',
    });
  });

  test("a function error becomes an error with the function's message", async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: encode({ errorType: 'Error', errorMessage: 'pgaudit extension: not loaded' }),
    });
    await expect(
      invokeSetupFunction(new LambdaClient({ region: 'eu-west-1' }), 'f', {
        user: 'readiness',
        database: 'postgres',
      }),
    ).rejects.toThrow('f failed: pgaudit extension: not loaded');
  });

  test('a function error without a JSON payload shows the raw answer', async () => {
    lambda.on(InvokeCommand).resolves({
      FunctionError: 'Unhandled',
      Payload: bytes('Task timed out'),
    });
    await expect(
      invokeSetupFunction(new LambdaClient({ region: 'eu-west-1' }), 'f', {
        user: 'r',
        database: 'd',
      }),
    ).rejects.toThrow('f failed: Task timed out');
  });

  test('an answer that is not a setup result is refused', async () => {
    lambda.on(InvokeCommand).resolves({ Payload: encode({ statusCode: 200 }) });
    await expect(
      invokeSetupFunction(new LambdaClient({ region: 'eu-west-1' }), 'f', {
        user: 'r',
        database: 'd',
      }),
    ).rejects.toThrow('f answered something other than a db-setup result: {"statusCode":200}');
  });

  test('an empty answer is refused', async () => {
    lambda.on(InvokeCommand).resolves({});
    await expect(
      invokeSetupFunction(new LambdaClient({ region: 'eu-west-1' }), 'f', {
        user: 'r',
        database: 'd',
      }),
    ).rejects.toThrow('f answered something other than a db-setup result: ');
  });
});
