/** The function's settings, read once from its environment (set by constructs/application). */

export interface ReadinessSettings {
  readonly region: string;
  readonly database: {
    readonly host: string;
    readonly port: number;
    readonly name: string;
    readonly user: string;
  };
  readonly cache: {
    readonly host: string;
    readonly port: number;
    readonly replicationGroupId: string;
    readonly userId: string;
  };
  /** Per-check timeout. */
  readonly checkTimeoutMs: number;
}

/** Environment variable names the construct sets; one place so both sides agree. */
export const ENV = {
  region: 'AWS_REGION',
  dbHost: 'DB_HOST',
  dbPort: 'DB_PORT',
  dbName: 'DB_NAME',
  dbUser: 'DB_USER',
  cacheHost: 'CACHE_HOST',
  cachePort: 'CACHE_PORT',
  cacheReplicationGroupId: 'CACHE_REPLICATION_GROUP_ID',
  cacheUserId: 'CACHE_USER_ID',
  checkTimeoutMs: 'CHECK_TIMEOUT_MS',
} as const;

/**
 * Reads and checks every setting; the error names each bad variable and its rule but never
 * echoes a value.
 */
export function readSettings(env: NodeJS.ProcessEnv): ReadinessSettings {
  const problems: string[] = [];
  const text = (name: string): string => {
    const value = env[name];
    if (!value) problems.push(`${name} is not set`);
    return value ?? '';
  };
  const integer = (name: string, min: number, max: number): number => {
    const raw = text(name);
    const value = Number(raw);
    if (raw && !(Number.isInteger(value) && value >= min && value <= max)) {
      problems.push(`${name} must be an integer from ${min} to ${max}`);
    }
    return value;
  };
  const settings: ReadinessSettings = {
    region: text(ENV.region),
    database: {
      host: text(ENV.dbHost),
      port: integer(ENV.dbPort, 1, 65535),
      name: text(ENV.dbName),
      user: text(ENV.dbUser),
    },
    cache: {
      host: text(ENV.cacheHost),
      port: integer(ENV.cachePort, 1, 65535),
      replicationGroupId: text(ENV.cacheReplicationGroupId),
      userId: text(ENV.cacheUserId),
    },
    checkTimeoutMs: integer(ENV.checkTimeoutMs, 100, 60000),
  };
  if (problems.length > 0) {
    throw new Error(`readiness settings: ${problems.join('; ')}`);
  }
  return settings;
}
