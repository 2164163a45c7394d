/**
 * The pre-deploy check: asks the target account and region, through the AWS SDK for
 * JavaScript v3, whether the configuration can be deployed there, before Terraform finds
 * out half-way through an apply.
 *
 * Each check ends in one of three states:
 * - pass: the target answered and the answer is yes;
 * - fail: the target answered and the answer is no (the fix says what to change);
 * - not-verified: the target could not answer (an API the emulator lacks, a missing
 *   permission, a network error) — never counted as a pass.
 *
 *   const result = await preflight(configs, { strict: false });
 *   console.log(result.text);
 *   if (!result.passed) process.exit(1);
 */
import { DescribeAvailabilityZonesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeCacheEngineVersionsCommand,
  DescribeReservedCacheNodesOfferingsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import {
  DBEngineVersion,
  DescribeDBEngineVersionsCommand,
  DescribeOrderableDBInstanceOptionsCommand,
  OrderableDBInstanceOption,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type {
  CacheSettings,
  DatabaseSettings,
  NetworkSettings,
  PlatformConfig,
} from '../../config/config';
import { POSTGRES_MAJOR_VERSIONS, SETTINGS } from '../../config/config';
import { table } from '../review/plan-guard';

export type CheckStatus = 'pass' | 'fail' | 'not-verified';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** What the target said (or why it could not say). */
  readonly detail: string;
  /** What to change: always set on fail, and on not-verified when something can be done. */
  readonly fix?: string;
}

/** The settings preflight reads: a PlatformConfig satisfies it. */
export interface PreflightConfig {
  readonly environment: PlatformConfig['environment'];
  readonly region: string;
  readonly database: Pick<DatabaseSettings, 'engineMajorVersion' | 'instanceClass'>;
  readonly cache: Pick<CacheSettings, 'nodeType' | 'engineVersion'>;
  readonly network: Pick<NetworkSettings, 'azCount'>;
}

/** SDK v3 clients for one region; inject stubs in tests. */
export interface PreflightClients {
  readonly sts: STSClient;
  readonly rds: RDSClient;
  readonly elasticache: ElastiCacheClient;
  readonly ec2: EC2Client;
}

export interface PreflightReport {
  readonly environment: string;
  readonly region: string;
  /** The account the credentials belong to, when STS answered. */
  readonly accountId?: string;
  readonly results: readonly CheckResult[];
}

export interface PreflightCounts {
  readonly pass: number;
  readonly fail: number;
  readonly notVerified: number;
}

export const CHECK_NAMES = {
  identity: 'credentials and region',
  engineVersion: 'PostgreSQL version',
  instanceClass: 'DB instance class',
  cacheNodeType: 'cache node type',
  cacheEngine: 'cache engine version',
  zones: 'availability zones',
} as const;

const ENGINE = 'postgres';
const CACHE_ENGINE = 'redis';
const MAX_PAGES = 20;
const SUGGESTIONS = 6;

/**
 * Builds the clients for one region. They honour the standard environment: credentials
 * chain, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> (the emulator), AWS_MAX_ATTEMPTS.
 */
export function createPreflightClients(region: string, maxAttempts = 2): PreflightClients {
  const config = { region, maxAttempts };
  return {
    sts: new STSClient(config),
    rds: new RDSClient(config),
    elasticache: new ElastiCacheClient(config),
    ec2: new EC2Client(config),
  };
}

/** Runs every check for one environment. Never throws: errors become results. */
export async function runPreflight(
  config: PreflightConfig,
  clients: PreflightClients,
): Promise<PreflightReport> {
  const identity = await checkIdentity(config, clients.sts);
  if (identity.result.status !== 'pass') {
    const skipped = Object.values(CHECK_NAMES)
      .filter((n) => n !== CHECK_NAMES.identity)
      .map((name) => ({
        name,
        status: 'not-verified' as const,
        detail: `skipped: the "${CHECK_NAMES.identity}" check failed`,
      }));
    return {
      environment: config.environment,
      region: config.region,
      results: [identity.result, ...skipped],
    };
  }
  const [database, cacheNodeType, cacheEngine, zones] = await Promise.all([
    checkDatabase(config, clients.rds),
    checkCacheNodeType(config, clients.elasticache),
    checkCacheEngine(config, clients.elasticache),
    checkZones(config, clients.ec2),
  ]);
  return {
    environment: config.environment,
    region: config.region,
    accountId: identity.accountId,
    results: [identity.result, ...database, cacheNodeType, cacheEngine, zones],
  };
}

export interface PreflightOptions {
  /** Treat not-verified as failure. @default false */
  readonly strict?: boolean;
  /** @default createPreflightClients(region) */
  readonly clientsFor?: (region: string) => PreflightClients;
}

export interface PreflightOutcome {
  readonly reports: readonly PreflightReport[];
  readonly counts: PreflightCounts;
  /** False on any fail, or on any not-verified when strict. */
  readonly passed: boolean;
  /** The printable table and summary. */
  readonly text: string;
}

/** Runs preflight for every configured environment (one client set per region). */
export async function preflight(
  configs: readonly PreflightConfig[],
  options: PreflightOptions = {},
): Promise<PreflightOutcome> {
  const clientsFor = options.clientsFor ?? ((region: string) => createPreflightClients(region));
  const byRegion = new Map<string, PreflightClients>();
  const reports: PreflightReport[] = [];
  for (const config of configs) {
    if (!byRegion.has(config.region)) byRegion.set(config.region, clientsFor(config.region));
    reports.push(await runPreflight(config, byRegion.get(config.region)!));
  }
  const strict = options.strict ?? false;
  const counts = countResults(reports);
  return {
    reports,
    counts,
    passed: counts.fail === 0 && (!strict || counts.notVerified === 0),
    text: formatPreflight(reports, strict),
  };
}

export function countResults(reports: readonly PreflightReport[]): PreflightCounts {
  const all = reports.flatMap((r) => r.results);
  return {
    pass: all.filter((r) => r.status === 'pass').length,
    fail: all.filter((r) => r.status === 'fail').length,
    notVerified: all.filter((r) => r.status === 'not-verified').length,
  };
}

const STATUS_LABEL: Record<CheckStatus, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  'not-verified': 'NOT VERIFIED',
};

/** The table an operator reads before a deploy, with a summary and the verdict. */
export function formatPreflight(reports: readonly PreflightReport[], strict = false): string {
  const rows = reports.flatMap((r) =>
    r.results.map((c) => [
      `${r.environment} (${r.region})`,
      c.name,
      STATUS_LABEL[c.status],
      wrap(c.fix ? `${c.detail}\nfix: ${c.fix}` : c.detail, DETAIL_WIDTH),
    ]),
  );
  const counts = countResults(reports);
  const failed = counts.fail > 0 || (strict && counts.notVerified > 0);
  const lines = [
    table(['ENVIRONMENT', 'CHECK', 'STATUS', 'DETAIL'], rows),
    '',
    `${counts.pass} passed, ${counts.fail} failed, ${counts.notVerified} not verified` +
      (strict ? ' (--strict: not verified counts as failed)' : ''),
  ];
  if (counts.notVerified > 0 && !strict) {
    lines.push(
      'NOT VERIFIED means the target could not answer that question; it is not a pass. Check those by hand, or use --strict to refuse them.',
    );
  }
  lines.push(failed ? 'Preflight: FAILED' : 'Preflight: OK');
  return lines.join('\n');
}

// --- checks -------------------------------------------------------------------------

async function checkIdentity(
  config: PreflightConfig,
  sts: STSClient,
): Promise<{ result: CheckResult; accountId?: string }> {
  const name = CHECK_NAMES.identity;
  const clientRegion = await sts.config.region();
  if (clientRegion !== config.region) {
    return {
      result: {
        name,
        status: 'fail',
        detail: `the SDK client targets ${clientRegion}, but the configuration deploys to ${config.region}`,
        fix: `build the clients for ${config.region} (createPreflightClients(config.region)), or set ${SETTINGS.region.envVar}`,
      },
    };
  }
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return {
      accountId: out.Account,
      result: {
        name,
        status: 'pass',
        detail: `account ${out.Account} as ${out.Arn}, region ${clientRegion}`,
      },
    };
  } catch (e) {
    const err = describeError(e);
    if (err.kind === 'credentials') {
      return {
        result: {
          name,
          status: 'fail',
          detail: `the credentials were refused or not found in ${clientRegion}: ${err.text}`,
          fix: 'provide valid credentials for the target account (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN]); refresh an expired SSO or session token',
        },
      };
    }
    if (err.kind === 'network') {
      return {
        result: {
          name,
          status: 'fail',
          detail: `region ${clientRegion} is not reachable: ${err.text}`,
          fix: `check ${SETTINGS.region.envVar} names a region enabled for the account, the network/proxy, and AWS_ENDPOINT_URL when targeting the emulator`,
        },
      };
    }
    return {
      result: {
        name,
        status: 'fail',
        detail: `STS GetCallerIdentity failed in ${clientRegion}: ${err.text}`,
        fix: 'check the credentials and that the region is enabled for the account',
      },
    };
  }
}

async function checkDatabase(config: PreflightConfig, rds: RDSClient): Promise<CheckResult[]> {
  const major = config.database.engineMajorVersion;
  const name = `${CHECK_NAMES.engineVersion} ${major}`;
  let versions: DBEngineVersion[];
  let version: CheckResult;
  let chosen: string | undefined;
  try {
    versions = await collect(async (Marker) => {
      const out = await rds.send(new DescribeDBEngineVersionsCommand({ Engine: ENGINE, Marker }));
      return { items: out.DBEngineVersions, marker: out.Marker };
    });
    const available = versions
      .filter((v) => v.Status === undefined || v.Status === 'available')
      .map((v) => v.EngineVersion)
      .filter(isDefined);
    const ofMajor = sortVersions(available.filter((v) => v.startsWith(`${major}.`)));
    if (ofMajor.length > 0) {
      chosen = ofMajor[ofMajor.length - 1];
      version = {
        name,
        status: 'pass',
        detail: `${config.region} offers ${ofMajor.join(', ')}; RDS uses its default ${major}.x minor for engine_version "${major}"`,
      };
    } else if (available.length === 0) {
      version = {
        name,
        status: 'not-verified',
        detail: `the target lists no ${ENGINE} engine versions at all (real RDS always does), so it cannot answer`,
      };
    } else {
      const majors = [...new Set(available.map(majorOf))];
      const usable = POSTGRES_MAJOR_VERSIONS.filter((m) => majors.includes(m));
      version = {
        name,
        status: 'fail',
        detail: `PostgreSQL ${major} is not available in ${config.region}; available majors: ${sortVersions(majors).join(', ')}`,
        fix:
          usable.length > 0
            ? `set ${SETTINGS.dbEngineMajorVersion.envVar} to one of ${usable.join(', ')}`
            : `none of the majors the platform supports (${POSTGRES_MAJOR_VERSIONS.join(', ')}) is available: choose another region (${SETTINGS.region.envVar})`,
      };
    }
  } catch (e) {
    version = notVerified(name, 'RDS DescribeDBEngineVersions', 'rds:DescribeDBEngineVersions', e);
  }
  return [version, await checkInstanceClass(config, rds, chosen)];
}

async function checkInstanceClass(
  config: PreflightConfig,
  rds: RDSClient,
  engineVersion: string | undefined,
): Promise<CheckResult> {
  const cls = config.database.instanceClass;
  const major = config.database.engineMajorVersion;
  const name = `${CHECK_NAMES.instanceClass} ${cls}`;
  // With a known version ask for exactly it; otherwise ask for the engine and keep the major.
  const target = engineVersion ?? `${major}.x`;
  const matches = (o: OrderableDBInstanceOption) =>
    engineVersion !== undefined || (o.EngineVersion ?? '').startsWith(`${major}.`);
  const list = (DBInstanceClass?: string) =>
    collect(async (Marker) => {
      const out = await rds.send(
        new DescribeOrderableDBInstanceOptionsCommand({
          Engine: ENGINE,
          EngineVersion: engineVersion,
          DBInstanceClass,
          Marker,
          MaxRecords: 1000,
        }),
      );
      return { items: out.OrderableDBInstanceOptions, marker: out.Marker };
    });
  try {
    const forClass = await list(cls);
    if (forClass.some((o) => o.DBInstanceClass === cls && matches(o))) {
      return {
        name,
        status: 'pass',
        detail: `orderable for ${ENGINE} ${target} in ${config.region}`,
      };
    }
    const all = await list();
    if (all.length === 0) {
      return {
        name,
        status: 'not-verified',
        detail: `the target lists no orderable ${ENGINE} instance classes at all (real RDS always does), so it cannot answer`,
      };
    }
    const classes = suggest(
      all.filter(matches).map((o) => o.DBInstanceClass),
      cls,
    );
    if (classes.length === 0) {
      return {
        name,
        status: 'fail',
        detail: `no instance class is orderable for ${ENGINE} ${target} in ${config.region}`,
        fix: `set ${SETTINGS.dbEngineMajorVersion.envVar} to a version the region offers (see the ${CHECK_NAMES.engineVersion} check)`,
      };
    }
    return {
      name,
      status: 'fail',
      detail: `${cls} is not orderable for ${ENGINE} ${target} in ${config.region}`,
      fix: `set ${SETTINGS.dbInstanceClass.envVar} to an orderable class such as ${classes.join(', ')}`,
    };
  } catch (e) {
    return notVerified(
      name,
      'RDS DescribeOrderableDBInstanceOptions',
      'rds:DescribeOrderableDBInstanceOptions',
      e,
    );
  }
}

/**
 * ElastiCache has no "orderable node types" API. The reserved-node offerings are the
 * region-scoped list of node types ElastiCache sells there, per engine, so a node type with
 * no offering for the engine is not offered in the region.
 */
async function checkCacheNodeType(
  config: PreflightConfig,
  ec: ElastiCacheClient,
): Promise<CheckResult> {
  const type = config.cache.nodeType;
  const name = `${CHECK_NAMES.cacheNodeType} ${type}`;
  const list = (CacheNodeType?: string) =>
    collect(async (Marker) => {
      const out = await ec.send(
        new DescribeReservedCacheNodesOfferingsCommand({
          CacheNodeType,
          ProductDescription: CACHE_ENGINE,
          Marker,
          MaxRecords: 100,
        }),
      );
      return { items: out.ReservedCacheNodesOfferings, marker: out.Marker };
    });
  try {
    if ((await list(type)).some((o) => o.CacheNodeType === type)) {
      return { name, status: 'pass', detail: `offered for ${CACHE_ENGINE} in ${config.region}` };
    }
    const all = await list();
    if (all.length === 0) {
      return {
        name,
        status: 'not-verified',
        detail: `the target lists no ${CACHE_ENGINE} node offerings at all (real ElastiCache always does), so it cannot answer`,
      };
    }
    return {
      name,
      status: 'fail',
      detail: `${type} is not offered for ${CACHE_ENGINE} in ${config.region}`,
      fix: `set ${SETTINGS.cacheNodeType.envVar} to an offered type such as ${suggest(
        all.map((o) => o.CacheNodeType),
        type,
      ).join(', ')}`,
    };
  } catch (e) {
    return notVerified(
      name,
      'ElastiCache DescribeReservedCacheNodesOfferings',
      'elasticache:DescribeReservedCacheNodesOfferings',
      e,
    );
  }
}

async function checkCacheEngine(
  config: PreflightConfig,
  ec: ElastiCacheClient,
): Promise<CheckResult> {
  const wanted = config.cache.engineVersion;
  const name = `${CHECK_NAMES.cacheEngine} ${CACHE_ENGINE} ${wanted}`;
  try {
    const versions = await collect(async (Marker) => {
      const out = await ec.send(
        new DescribeCacheEngineVersionsCommand({ Engine: CACHE_ENGINE, Marker, MaxRecords: 100 }),
      );
      return { items: out.CacheEngineVersions, marker: out.Marker };
    });
    const all = sortVersions([...new Set(versions.map((v) => v.EngineVersion).filter(isDefined))]);
    if (all.includes(wanted)) {
      return {
        name,
        status: 'pass',
        detail: `${CACHE_ENGINE} ${wanted} is offered in ${config.region}`,
      };
    }
    if (all.length === 0) {
      return {
        name,
        status: 'not-verified',
        detail: `the target lists no ${CACHE_ENGINE} engine versions at all (real ElastiCache always does), so it cannot answer`,
      };
    }
    return {
      name,
      status: 'fail',
      detail: `${CACHE_ENGINE} ${wanted} is not offered in ${config.region}; offered: ${all.join(', ')}`,
      fix: `change cache.engineVersion in config/config.ts to one of ${all.slice(-3).join(', ')}`,
    };
  } catch (e) {
    return notVerified(
      name,
      'ElastiCache DescribeCacheEngineVersions',
      'elasticache:DescribeCacheEngineVersions',
      e,
    );
  }
}

async function checkZones(config: PreflightConfig, ec2: EC2Client): Promise<CheckResult> {
  const wanted = config.network.azCount;
  const name = CHECK_NAMES.zones;
  try {
    const out = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    // Local and Wavelength zones the account opted into are listed too: keep real AZs.
    const zones = (out.AvailabilityZones ?? [])
      .filter(
        (z) =>
          z.State === 'available' && (z.ZoneType ?? 'availability-zone') === 'availability-zone',
      )
      .map((z) => z.ZoneName)
      .filter(isDefined)
      .sort();
    const listed = `${zones.length} available in ${config.region}${zones.length > 0 ? ` (${zones.join(', ')})` : ''}`;
    if (zones.length >= wanted) {
      return { name, status: 'pass', detail: `${listed}; ${SETTINGS.azCount.envVar} is ${wanted}` };
    }
    return {
      name,
      status: 'fail',
      detail: `${listed}, fewer than ${SETTINGS.azCount.envVar} ${wanted}`,
      fix:
        zones.length >= 2
          ? `set ${SETTINGS.azCount.envVar} to ${zones.length} or less, or choose a region with ${wanted} zones (${SETTINGS.region.envVar})`
          : `choose a region with at least ${wanted} available zones (${SETTINGS.region.envVar})`,
    };
  } catch (e) {
    return notVerified(name, 'EC2 DescribeAvailabilityZones', 'ec2:DescribeAvailabilityZones', e);
  }
}

// --- helpers --------------------------------------------------------------------------

type ErrorKind = 'unsupported' | 'denied' | 'credentials' | 'network' | 'other';

const CREDENTIAL_ERRORS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'AuthFailure',
  'CredentialsProviderError',
]);
const DENIED_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const UNSUPPORTED_ERRORS = new Set([
  'NotImplemented',
  'NotImplementedError',
  'InvalidAction',
  'UnknownOperationException',
  'InternalFailure',
]);
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/** Sorts an SDK or network error into what it means for a check, with a short text. */
export function describeError(e: unknown): { kind: ErrorKind; text: string } {
  const err = (e ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = err.name ?? 'Error';
  const status = err.$metadata?.httpStatusCode;
  const message = (err.message ?? String(e)).split('\n')[0].slice(0, 160);
  const label = [name === 'Error' ? undefined : name, status ? `HTTP ${status}` : undefined]
    .filter(Boolean)
    .join(', ');
  const text = label ? `${label}: ${message}` : message;
  let kind: ErrorKind = 'other';
  if (CREDENTIAL_ERRORS.has(name)) kind = 'credentials';
  else if (DENIED_ERRORS.has(name)) kind = 'denied';
  else if (UNSUPPORTED_ERRORS.has(name) || status === 500 || status === 501) kind = 'unsupported';
  else if (NETWORK_CODES.has(err.code ?? '') || name === 'TimeoutError') kind = 'network';
  return { kind, text };
}

function notVerified(name: string, operation: string, permission: string, e: unknown): CheckResult {
  const err = describeError(e);
  switch (err.kind) {
    case 'unsupported':
      return {
        name,
        status: 'not-verified',
        detail: `the target does not implement ${operation} (${err.text}); the local emulator lacks some APIs`,
      };
    case 'denied':
      return {
        name,
        status: 'not-verified',
        detail: `not permitted to call ${operation}: ${err.text}`,
        fix: `grant ${permission} to the deploying role`,
      };
    default:
      return { name, status: 'not-verified', detail: `${operation} failed: ${err.text}` };
  }
}

async function collect<T>(
  page: (marker: string | undefined) => Promise<{ items?: T[]; marker?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let marker: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const out = await page(marker);
    items.push(...(out.items ?? []));
    marker = out.marker;
    if (!marker) break;
  }
  return items;
}

const DETAIL_WIDTH = 100;

/** Wraps each line of text at word boundaries so the table stays readable. */
function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      const out: string[] = [];
      let current = '';
      for (const word of line.split(' ')) {
        if (current && current.length + 1 + word.length > width) {
          out.push(current);
          current = `  ${word}`;
        } else {
          current = current ? `${current} ${word}` : word;
        }
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined && value !== '';
}

function majorOf(version: string): string {
  return version.split('.')[0];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort(compareVersions);
}

/** A few distinct alternatives, same family (e.g. `db.r6g.`) first, then by name. */
function suggest(values: readonly (string | undefined)[], wanted: string): string[] {
  const family = wanted.split('.').slice(0, 2).join('.') + '.';
  const distinct = [...new Set(values.filter(isDefined))].sort();
  const same = distinct.filter((v) => v.startsWith(family));
  const other = distinct.filter((v) => !v.startsWith(family));
  return [...same, ...other].slice(0, SUGGESTIONS);
}
