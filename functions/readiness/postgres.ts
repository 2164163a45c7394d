/**
 * The PostgreSQL probe: TLS with the server certificate verified against the CA bundle we
 * pass (the RDS CAs in AWS), the IAM token as password, `SELECT 1`, close. Exercised against
 * a real PostgreSQL by `npm run test:app`.
 */
import { Client } from 'pg';
import type { Check } from './checks';
import type { TokenProvider } from './tokens';

export interface PostgresCheckOptions {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: TokenProvider;
  /** PEM CA certificates the server certificate must chain to. */
  readonly ca: string | readonly string[];
  readonly timeoutMs: number;
}

export function postgresCheck(options: PostgresCheckOptions): Check {
  return async (signal) => {
    const password = await options.password();
    const client = new Client({
      host: options.host,
      port: options.port,
      database: options.database,
      user: options.user,
      password,
      ssl: { ca: [...[options.ca].flat()], rejectUnauthorized: true, minVersion: 'TLSv1.2' },
      connectionTimeoutMillis: options.timeoutMs,
      query_timeout: options.timeoutMs,
      application_name: 'readiness',
    });
    // A late socket error after an abort must not crash the runtime.
    client.on('error', () => undefined);
    const abort = () => void client.end().catch(() => undefined);
    signal.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
      const result = await client.query<{ ok: number }>('SELECT 1 AS ok');
      if (result.rows[0]?.ok !== 1) throw new Error('unexpected answer to SELECT 1');
    } finally {
      signal.removeEventListener('abort', abort);
      await client.end().catch(() => undefined);
    }
  };
}
