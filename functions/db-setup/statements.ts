/**
 * The database side of the readiness check, as SQL: the PostgreSQL role the readiness
 * function's IAM token logs in as, and the pgaudit objects. Run by the db-setup function
 * (deploy) and by `npm run db:setup` (tools/database). Idempotent: every statement may run
 * again on a database that already has what it creates.
 */

/** The part of a `pg` client the setup uses. */
export interface Queryable {
  query(sql: string): Promise<unknown>;
}

/** The role to create or update: the readiness function's `DB_USER`. */
export interface SetupOptions {
  /** Role to create (the function's `DB_USER`). */
  readonly user: string;
  /** Database the role may connect to (and where the pgaudit extension is created). */
  readonly database: string;
  /** Most connections the role may hold at once. @default 10 */
  readonly connectionLimit?: number;
}

export const DEFAULT_CONNECTION_LIMIT = 10;
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A plain lower-case identifier, double-quoted; anything else is refused, never escaped. */
function identifier(setting: string, value: string): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value) || /^(pg_|rds)/.test(value)) {
    throw new Error(
      `${setting} '${String(value)}' must be a lower-case PostgreSQL identifier (a-z, 0-9, _; ≤ 63 characters) not starting with 'pg_' or 'rds'`,
    );
  }
  return `"${value}"`;
}

/** `DO` block that creates a role only when it does not exist (CREATE ROLE has no IF NOT EXISTS). */
const createRoleIfMissing = (name: string, quoted: string, attributes: string) =>
  `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '${name}') THEN CREATE ROLE ${quoted} ${attributes}; END IF; END $$`;

/** The statements, in order; each is safe to repeat. */
export function setupStatements(options: SetupOptions): { what: string; sql: string }[] {
  const user = identifier('user', options.user);
  const database = identifier('database', options.database);
  const limit = options.connectionLimit ?? DEFAULT_CONNECTION_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new Error(`connectionLimit ${limit} must be a whole number ≥ 1`);
  }
  return [
    {
      what: `role ${options.user} (login, no password: IAM tokens only)`,
      sql: createRoleIfMissing(options.user, user, 'LOGIN'),
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
    {
      // pgaudit.role = rds_pgaudit (the parameter group): the role object auditing grants to.
      what: 'pgaudit object-audit role (rds_pgaudit, no login)',
      sql: createRoleIfMissing('rds_pgaudit', 'rds_pgaudit', 'NOLOGIN'),
    },
    { what: 'pgaudit extension', sql: 'CREATE EXTENSION IF NOT EXISTS pgaudit' },
  ];
}

/** Runs every statement; returns what was done. A failure names the step it stopped at. */
export async function setupDatabase(client: Queryable, options: SetupOptions): Promise<string[]> {
  const done: string[] = [];
  for (const step of setupStatements(options)) {
    try {
      await client.query(step.sql);
    } catch (error) {
      throw new Error(`${step.what}: ${(error as Error).message}`);
    }
    done.push(step.what);
  }
  return done;
}
