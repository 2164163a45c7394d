/**
 * The db-setup function's settings (its environment, set by constructs/database/db-setup.ts)
 * and its event (the role to create, sent by Terraform's aws_lambda_invocation or by
 * `npm run db:setup -- --invoke`).
 */
import { DEFAULT_CONNECTION_LIMIT, type SetupOptions } from './statements';

export interface DbSetupSettings {
  readonly host: string;
  readonly port: number;
  /** ARN of the RDS-managed master user secret. */
  readonly masterSecretArn: string;
  readonly connectTimeoutMs: number;
}

/** Environment variable names the construct sets; one place so both sides agree. */
export const DB_SETUP_ENV = {
  host: 'DB_HOST',
  port: 'DB_PORT',
  masterSecretArn: 'DB_MASTER_SECRET_ARN',
  connectTimeoutMs: 'CONNECT_TIMEOUT_MS',
} as const;

/** Reads and checks every setting; the error names each bad variable, never its value. */
export function readDbSetupSettings(env: NodeJS.ProcessEnv): DbSetupSettings {
  const problems: string[] = [];
  const text = (name: string): string => {
    const value = env[name];
    if (!value) problems.push(`${name} is not set`);
    return value ?? '';
  };
  const integer = (name: string, min: number, max: number): number => {
    const raw = text(name);
    const value = Number(raw);
    if (raw && !(/^\d+$/.test(raw) && value >= min && value <= max)) {
      problems.push(`${name} must be an integer from ${min} to ${max}`);
    }
    return value;
  };
  const settings = {
    host: text(DB_SETUP_ENV.host),
    port: integer(DB_SETUP_ENV.port, 1, 65535),
    masterSecretArn: text(DB_SETUP_ENV.masterSecretArn),
    connectTimeoutMs: integer(DB_SETUP_ENV.connectTimeoutMs, 1000, 60000),
  };
  if (problems.length > 0) throw new Error(`db-setup settings: ${problems.join('; ')}`);
  return settings;
}

/**
 * The event: `{"user": "readiness", "database": "postgres", "connectionLimit": 10}`. Unknown
 * keys are refused, so a typo cannot silently fall back to a default. The values themselves
 * are checked by setupStatements.
 */
export function parseSetupEvent(event: unknown): Required<SetupOptions> {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new Error(
      'the event must be a JSON object such as {"user": "readiness", "database": "postgres"}',
    );
  }
  const fields = event as Record<string, unknown>;
  const unknown = Object.keys(fields).filter(
    (k) => !['user', 'database', 'connectionLimit'].includes(k),
  );
  const problems = [
    unknown.length > 0 && `unknown event field(s) ${unknown.join(', ')}`,
    typeof fields.user !== 'string' && '"user" (a string) is required',
    typeof fields.database !== 'string' && '"database" (a string) is required',
    fields.connectionLimit !== undefined &&
      typeof fields.connectionLimit !== 'number' &&
      '"connectionLimit" must be a number',
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) throw new Error(`db-setup event: ${problems.join('; ')}`);
  return {
    user: fields.user as string,
    database: fields.database as string,
    connectionLimit: (fields.connectionLimit as number | undefined) ?? DEFAULT_CONNECTION_LIMIT,
  };
}
