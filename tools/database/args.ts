/**
 * `npm run db:setup`'s arguments and usage, apart from the AWS SDK and the PostgreSQL client so
 * that the command answers `--help` and a wrong argument before loading them.
 */

export interface SetupArgs {
  /** `--invoke <db_setup_function_name>`: run the deployed function instead of connecting. */
  readonly invoke?: string;
  readonly secretArn: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** TLS server name to verify when `host` is a tunnel (SSM port forward to 127.0.0.1). */
  readonly servername?: string;
}

export const DB_SETUP_USAGE =
  'usage: npm run db:setup -- --invoke <db_setup_function_name> [--database postgres] [--user readiness]\n' +
  '   or: npm run db:setup -- --secret-arn <database_master_secret_arn> --host <database_endpoint_address> [--port 5432] [--database postgres] [--user readiness] [--servername <endpoint when --host is a tunnel>]';

/**
 * Flags first, then DATABASE_MASTER_SECRET_ARN / DATABASE_HOST / DATABASE_PORT. With --invoke
 * the deployed function connects (from inside the VPC), so no secret or host is needed here.
 */
export function parseSetupArgs(argv: readonly string[], env: NodeJS.ProcessEnv): SetupArgs {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!flag.startsWith('--') || value === undefined || value.startsWith('--')) {
      throw new Error(`unexpected argument '${flag}'\n${DB_SETUP_USAGE}`);
    }
    flags[flag.slice(2)] = value;
  }
  const known = ['invoke', 'secret-arn', 'host', 'port', 'database', 'user', 'servername'];
  const unknown = Object.keys(flags).filter((f) => !known.includes(f));
  if (unknown.length > 0) throw new Error(`unknown option --${unknown[0]}\n${DB_SETUP_USAGE}`);
  const invoke = flags.invoke;
  const direct = ['secret-arn', 'host', 'port', 'servername'].filter((f) => f in flags);
  if (invoke !== undefined && direct.length > 0) {
    throw new Error(
      `--invoke runs the deployed function, which reads the secret and connects itself: drop --${direct.join(', --')}\n${DB_SETUP_USAGE}`,
    );
  }
  const secretArn = flags['secret-arn'] ?? env.DATABASE_MASTER_SECRET_ARN ?? '';
  const host = flags.host ?? env.DATABASE_HOST ?? '';
  const port = Number(flags.port ?? env.DATABASE_PORT ?? '5432');
  const problems =
    invoke !== undefined
      ? []
      : [
          !secretArn &&
            '--secret-arn (or DATABASE_MASTER_SECRET_ARN) is required: the database_master_secret_arn output',
          !host &&
            '--host (or DATABASE_HOST) is required: the database_endpoint_address output, or 127.0.0.1 through a tunnel',
          !(Number.isInteger(port) && port >= 1 && port <= 65535) &&
            `--port ${port} must be an integer from 1 to 65535`,
        ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\n${DB_SETUP_USAGE}`);
  return {
    invoke,
    secretArn,
    host,
    port,
    database: flags.database ?? 'postgres',
    user: flags.user ?? 'readiness',
    servername: flags.servername,
  };
}
