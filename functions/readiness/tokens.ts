/**
 * Short-lived IAM auth tokens: the password the readiness user presents to PostgreSQL (RDS IAM
 * database authentication) and to Redis (ElastiCache IAM authentication). Both are SigV4
 * presigned requests that nobody sends: the server checks the signature.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { Signer } from '@aws-sdk/rds-signer';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Returns a fresh password for one connection attempt. */
export type TokenProvider = () => Promise<string>;

/** Lifetime AWS documents for ElastiCache IAM tokens (15 minutes). */
export const ELASTICACHE_TOKEN_EXPIRES_SECONDS = 900;

/** The execution role's credentials, which the Lambda runtime puts in the environment. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  }
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

export interface RdsTokenOptions {
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  readonly region: string;
  readonly credentials: () => Promise<AwsCredentials>;
}

/** RDS IAM token (`rds-db:connect`), valid 15 minutes, built by AWS's own signer. */
export function rdsTokenProvider(options: RdsTokenOptions): TokenProvider {
  const signer = new Signer({
    hostname: options.hostname,
    port: options.port,
    username: options.username,
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
  });
  return () => signer.getAuthToken();
}

export interface ElastiCacheTokenOptions {
  /** The replication group id (lower case), not an endpoint host name. */
  readonly replicationGroupId: string;
  /** The ElastiCache user id (IAM-enabled users must have user id = user name). */
  readonly userId: string;
  readonly region: string;
  readonly credentials: () => Promise<AwsCredentials>;
  /** @default - now */
  readonly signingDate?: () => Date;
}

/** RFC 3986 query encoding, as SigV4 canonicalizes it. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * ElastiCache IAM token: a SigV4-presigned `GET http://<replication group id>/?Action=connect&
 * User=<user id>` for service `elasticache`, expiring after 900 s, written without the scheme
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html).
 */
export function elastiCacheTokenProvider(options: ElastiCacheTokenOptions): TokenProvider {
  const signer = new SignatureV4({
    service: 'elasticache',
    region: options.region,
    credentials: options.credentials,
    sha256: Sha256,
    applyChecksum: false,
  });
  return async () => {
    const host = options.replicationGroupId;
    const signed = await signer.presign(
      {
        method: 'GET',
        protocol: 'http:',
        hostname: host,
        path: '/',
        query: { Action: 'connect', User: options.userId },
        headers: { host },
      },
      {
        expiresIn: ELASTICACHE_TOKEN_EXPIRES_SECONDS,
        signingDate: options.signingDate?.(),
      },
    );
    const query = Object.entries(signed.query ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => `${encode(key)}=${encode(String(value))}`)
      .join('&');
    return `${host}/?${query}`;
  };
}
