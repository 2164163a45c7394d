/** The RDS-managed master user secret, read from Secrets Manager and never printed. */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface MasterCredentials {
  readonly username: string;
  readonly password: string;
}

/** The RDS-managed master secret: `{"username": …, "password": …}`. */
export async function readMasterSecret(
  client: SecretsManagerClient,
  secretArn: string,
): Promise<MasterCredentials> {
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
