/**
 * The Redis probe: TLS with certificate verification, AUTH as the IAM-enabled user with its
 * token, PING, close; no retries, no offline queue. Exercised against a real Redis by
 * `npm run test:app`.
 */
import Redis from 'ioredis';
import type { Check } from './checks';
import type { TokenProvider } from './tokens';

export interface RedisCheckOptions {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: TokenProvider;
  /** PEM CA certificates; @default - Node's public CAs (ElastiCache certificates chain to Amazon's public CAs) */
  readonly ca?: string | readonly string[];
  readonly timeoutMs: number;
}

export function redisCheck(options: RedisCheckOptions): Check {
  return async (signal) => {
    const password = await options.password();
    const client = new Redis({
      host: options.host,
      port: options.port,
      username: options.username,
      password,
      tls: {
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
        ...(options.ca === undefined ? {} : { ca: [...[options.ca].flat()] }),
      },
      lazyConnect: true,
      // The ready check sends INFO, which a least-privilege cache user may not run.
      enableReadyCheck: false,
      connectTimeout: options.timeoutMs,
      commandTimeout: options.timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
      reconnectOnError: () => false,
    });
    // Errors surface through connect()/ping(); without a listener ioredis prints them.
    client.on('error', () => undefined);
    const abort = () => client.disconnect();
    signal.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
      const answer = await client.ping();
      if (answer !== 'PONG') throw new Error('unexpected answer to PING');
    } finally {
      signal.removeEventListener('abort', abort);
      // A connection that has already ended is left alone: ioredis's disconnect() would wait
      // its disconnectTimeout (2 s) for a close event that has passed, holding the process.
      if (client.status !== 'end') client.disconnect();
    }
  };
}
