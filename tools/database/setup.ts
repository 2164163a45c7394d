/**
 * `npm run db:setup`'s arguments and the invocation of the deployed db-setup function. The SQL
 * and the master-secret reader are the product's (functions/db-setup): the tool and the
 * function run the same statements.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DbSetupResult } from '../../functions/db-setup/handler';
import type { SetupOptions } from '../../functions/db-setup/statements';

export { readMasterSecret } from '../../functions/db-setup/master-secret';
export { setupDatabase, setupStatements } from '../../functions/db-setup/statements';
export type { Queryable, SetupOptions } from '../../functions/db-setup/statements';
export type { DbSetupResult } from '../../functions/db-setup/handler';

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

const USAGE =
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
      throw new Error(`unexpected argument '${flag}'\n${USAGE}`);
    }
    flags[flag.slice(2)] = value;
  }
  const known = ['invoke', 'secret-arn', 'host', 'port', 'database', 'user', 'servername'];
  const unknown = Object.keys(flags).filter((f) => !known.includes(f));
  if (unknown.length > 0) throw new Error(`unknown option --${unknown[0]}\n${USAGE}`);
  const invoke = flags.invoke;
  const direct = ['secret-arn', 'host', 'port', 'servername'].filter((f) => f in flags);
  if (invoke !== undefined && direct.length > 0) {
    throw new Error(
      `--invoke runs the deployed function, which reads the secret and connects itself: drop --${direct.join(', --')}\n${USAGE}`,
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
  if (problems.length > 0) throw new Error(`${problems.join('\n')}\n${USAGE}`);
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

/**
 * Runs the deployed db-setup function (RequestResponse) with the role's definition and returns
 * its answer; a function error becomes an error with the function's own message.
 */
export async function invokeSetupFunction(
  client: LambdaClient,
  functionName: string,
  role: SetupOptions,
): Promise<DbSetupResult> {
  const answer = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      InvocationType: 'RequestResponse',
      Payload: new TextEncoder().encode(JSON.stringify(role)),
    }),
  );
  const text = new TextDecoder().decode(answer.Payload ?? new Uint8Array());
  let payload: { errorMessage?: unknown } & Partial<DbSetupResult> = {};
  try {
    payload = JSON.parse(text);
  } catch {
    // Reported below with the raw answer.
  }
  if (answer.FunctionError !== undefined) {
    const why = typeof payload.errorMessage === 'string' ? payload.errorMessage : text;
    throw new Error(`${functionName} failed: ${why}`);
  }
  if (payload.status !== 'ok') {
    throw new Error(`${functionName} answered something other than a db-setup result: ${text}`);
  }
  return payload as DbSetupResult;
}
