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
export { DB_SETUP_USAGE, parseSetupArgs } from './args';
export type { SetupArgs } from './args';

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
