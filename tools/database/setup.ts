/**
 * The database side of the readiness check: the PostgreSQL role the function's IAM token logs
 * in as. Idempotent: every statement may run again on a database that already has it.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** The part of a `pg` client the setup uses. */
export interface Queryable {
  query(sql: string): Promise<unknown>;
}

export interface SetupOptions {
  /** Role to create (the function's `DB_USER`). */
  readonly user: string;
  /** Database the role may connect to. */
  readonly database: string;
  /** Most connections the role may hold at once. @default 10 */
  readonly connectionLimit?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A plain lower-case identifier, double-quoted; anything else is refused, never escaped. */
function identifier(setting: string, value: string): string {
  if (!IDENTIFIER.test(value) || /^(pg_|rds)/.test(value)) {
    throw new Error(
      `${setting} '${value}' must be a lower-case PostgreSQL identifier (a-z, 0-9, _; ≤ 63 characters) not starting with 'pg_' or 'rds'`,
    );
  }
  return `"${value}"`;
}

/** The statements, in order; each is safe to repeat. */
export function setupStatements(options: SetupOptions): { what: string; sql: string }[] {
  const user = identifier('user', options.user);
  const database = identifier('database', options.database);
  const limit = options.connectionLimit ?? 10;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`connectionLimit ${limit} must be a whole number ≥ 1`);
  }
  const literal = `'${options.user}'`;
  return [
    {
      what: `role ${options.user} (login, no password: IAM tokens only)`,
      sql: `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${literal}) THEN CREATE ROLE ${user} LOGIN; END IF; END $$`,
    },
    {
      // SUPERUSER/REPLICATION stay at CREATE ROLE's defaults (off): only a superuser may
      // name them, and the RDS master user is not one.
      what: 'no privileges beyond login, no password',
      sql: `ALTER ROLE ${user} LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT ${limit} PASSWORD NULL`,
    },
    { what: 'RDS IAM authentication (rds_iam)', sql: `GRANT rds_iam TO ${user}` },
    {
      what: `connect to ${options.database}`,
      sql: `GRANT CONNECT ON DATABASE ${database} TO ${user}`,
    },
    { what: 'pgaudit extension', sql: 'CREATE EXTENSION IF NOT EXISTS pgaudit' },
  ];
}

/** Runs every statement; returns what was done, for the log. */
export async function setupDatabase(client: Queryable, options: SetupOptions): Promise<string[]> {
  const done: string[] = [];
  for (const step of setupStatements(options)) {
    await client.query(step.sql);
    done.push(step.what);
  }
  return done;
}

/** The RDS-managed master secret: `{"username": …, "password": …}`. */
export async function readMasterSecret(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<{ username: string; password: string }> {
  const answer = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
  let parsed: { username?: unknown; password?: unknown } = {};
  try {
    parsed = JSON.parse(answer.SecretString ?? '');
  } catch {
    // Reported below without echoing the secret.
  }
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
    throw new Error(
      `secret ${secretArn} is not an RDS master user secret (a JSON object with string "username" and "password")`,
    );
  }
  return { username: parsed.username, password: parsed.password };
}

export interface SetupArgs {
  readonly secretArn: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** TLS server name to verify when `host` is a tunnel (SSM port forward to 127.0.0.1). */
  readonly servername?: string;
}

const USAGE =
  'usage: npm run db:setup -- --secret-arn <database_master_secret_arn> --host <database_endpoint_address> [--port 5432] [--database postgres] [--user readiness] [--servername <endpoint when --host is a tunnel>]';

/** Flags first, then DATABASE_MASTER_SECRET_ARN / DATABASE_HOST / DATABASE_PORT. */
export function parseSetupArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SetupArgs {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!flag.startsWith('--') || value === undefined || value.startsWith('--')) {
      throw new Error(`unexpected argument '${flag}'\n${USAGE}`);
    }
    flags[flag.slice(2)] = value;
  }
  const known = ['secret-arn', 'host', 'port', 'database', 'user', 'servername'];
  const unknown = Object.keys(flags).filter((f) => !known.includes(f));
  if (unknown.length > 0) throw new Error(`unknown option --${unknown[0]}\n${USAGE}`);
  const secretArn = flags['secret-arn'] ?? env.DATABASE_MASTER_SECRET_ARN;
  const host = flags.host ?? env.DATABASE_HOST;
  const port = Number(flags.port ?? env.DATABASE_PORT ?? '5432');
  const problems = [
    !secretArn &&
      '--secret-arn (or DATABASE_MASTER_SECRET_ARN) is required: the database_master_secret_arn output',
    !host &&
      '--host (or DATABASE_HOST) is required: the database_endpoint_address output, or 127.0.0.1 through a tunnel',
    !(Number.isInteger(port) && port >= 1 && port <= 65535) &&
      `--port ${port} must be an integer from 1 to 65535`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\n${USAGE}`);
  return {
    secretArn: secretArn!,
    host: host!,
    port,
    database: flags.database ?? 'postgres',
    user: flags.user ?? 'readiness',
    servername: flags.servername,
  };
}
