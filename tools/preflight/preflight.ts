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
import { ACMClient } from '@aws-sdk/client-acm';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import type {
  ApiSettings,
  CacheSettings,
  DatabaseSettings,
  NetworkSettings,
  PlatformConfig,
  ReadinessSettings,
} from '../../config/config';
import type { DeployRole } from '../../config/deploy-role';
import type { ResourceNames } from '../../config/names';
import { table } from '../core';
import { DETAIL_WIDTH, wrap } from './aws-answers';
import {
  checkCacheEngine,
  checkCacheNodeType,
  checkDatabase,
  checkIdentity,
  checkZones,
} from './checks';
import { CERTIFICATE_CHECK, checkCertificate } from './certificate';
import { deployRoleCredentials } from './deploy-role';
import {
  checkAccountBaseline,
  checkAccountPin,
  checkAlarmSubscriber,
  checkCustomDomain,
  GATE_NAMES,
} from './deploy-gates';
import { checkElasticIps, checkLambdaConcurrency } from './quotas';

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
  readonly database: Pick<DatabaseSettings, 'engineMajorVersion' | 'instanceClass' | 'multiAz'>;
  readonly cache: Pick<CacheSettings, 'nodeType' | 'engineVersion'>;
  readonly network: Pick<NetworkSettings, 'azCount' | 'natGateways' | 'availabilityZones'>;
  readonly api: Pick<ApiSettings, 'customDomain' | 'customDomainRequired'>;
  readonly readiness: ReadinessSettings;
  readonly names: Pick<ResourceNames, 'readinessFunction' | 'dbSetupFunction'>;
  readonly profile: PlatformConfig['profile'];
  readonly alarmEmail?: string;
  readonly alarmSubscriberRequired: boolean;
  readonly accountId?: string;
  readonly accountPinRequired: boolean;
  /** The role the stack's provider assumes (DEPLOY_ROLE_ARN); preflight's clients assume it too. */
  readonly deployRole?: DeployRole;
}

/**
 * SDK v3 clients for one region; inject stubs in tests. Lambda, ACM and Service Quotas
 * clients are optional: without them preflight derives them from the STS client (same
 * region, credentials, endpoint and attempts), so a caller that builds its own five
 * (tools/deploy's emulator target) needs no change.
 */
export interface PreflightClients {
  readonly sts: STSClient;
  readonly rds: RDSClient;
  readonly elasticache: ElastiCacheClient;
  readonly ec2: EC2Client;
  readonly apigateway: APIGatewayClient;
  readonly lambda?: LambdaClient;
  readonly acm?: ACMClient;
  readonly serviceQuotas?: ServiceQuotasClient;
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

export const ENGINE = 'postgres';
export const CACHE_ENGINE = 'redis';
export const MAX_PAGES = 20;
export const SUGGESTIONS = 6;

/**
 * Builds the clients for one region. They honour the standard environment: credentials
 * chain, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> (the emulator), AWS_MAX_ATTEMPTS.
 * With `role` (the stack's deploy role) they act as that role, assumed through STS of the
 * same region and endpoint with the credentials of the chain, as the stack's provider does;
 * without it, as the credentials of the chain.
 */
export function createPreflightClients(
  region: string,
  maxAttempts = 2,
  role?: DeployRole,
): PreflightClients {
  const config = {
    region,
    maxAttempts,
    ...(role ? { credentials: deployRoleCredentials(role, { region, maxAttempts }) } : {}),
  };
  return {
    sts: new STSClient(config),
    rds: new RDSClient(config),
    elasticache: new ElastiCacheClient(config),
    ec2: new EC2Client(config),
    apigateway: new APIGatewayClient(config),
  };
}

/**
 * A client of another service for the place `sts` talks to: its region, credentials,
 * endpoint (the emulator's) and attempts. Undefined when `sts` carries no credentials
 * provider to share (a stub).
 */
export function sameTarget<C>(
  sts: STSClient,
  make: (config: {
    region: STSClient['config']['region'];
    credentials: STSClient['config']['credentials'];
    maxAttempts: STSClient['config']['maxAttempts'];
    endpoint?: STSClient['config']['endpoint'];
  }) => C,
): C | undefined {
  const c = sts.config;
  if (typeof c.credentials !== 'function') return undefined;
  return make({
    region: c.region,
    credentials: c.credentials,
    maxAttempts: c.maxAttempts,
    endpoint: c.isCustomEndpoint ? c.endpoint : undefined,
  });
}

/** Runs every check for one environment. Never throws: errors become results. */
export async function runPreflight(
  config: PreflightConfig,
  clients: PreflightClients,
): Promise<PreflightReport> {
  // Questions about the configuration alone: answered even when the credentials fail.
  const alarm = checkAlarmSubscriber(config);
  const domain = checkCustomDomain(config);
  const identity = await checkIdentity(config, clients.sts);
  if (identity.result.status !== 'pass') {
    const skipped = [
      ...Object.values(CHECK_NAMES).filter((n) => n !== CHECK_NAMES.identity),
      GATE_NAMES.accountPin,
      GATE_NAMES.accountBaseline,
      ...(config.api.customDomain ? [CERTIFICATE_CHECK] : []),
      GATE_NAMES.lambdaConcurrency,
      GATE_NAMES.elasticIps,
    ].map((name) => ({
      name,
      status: 'not-verified' as const,
      detail: `skipped: the "${CHECK_NAMES.identity}" check failed`,
    }));
    return {
      environment: config.environment,
      region: config.region,
      results: [identity.result, alarm, domain, ...skipped],
    };
  }
  const lambda = clients.lambda ?? sameTarget(clients.sts, (c) => new LambdaClient(c));
  const acm = clients.acm ?? sameTarget(clients.sts, (c) => new ACMClient(c));
  const serviceQuotas =
    clients.serviceQuotas ?? sameTarget(clients.sts, (c) => new ServiceQuotasClient(c));
  const [database, cacheNodeType, cacheEngine, zones, baseline, certificate, concurrency, eips] =
    await Promise.all([
      checkDatabase(config, clients.rds),
      checkCacheNodeType(config, clients.elasticache),
      checkCacheEngine(config, clients.elasticache),
      checkZones(config, clients.ec2),
      checkAccountBaseline(config, clients.apigateway),
      checkCertificate(config, acm),
      checkLambdaConcurrency(config, lambda),
      checkElasticIps(config, clients.ec2, serviceQuotas),
    ]);
  const pin = checkAccountPin(config, identity.accountId ?? '(unknown)');
  return {
    environment: config.environment,
    region: config.region,
    accountId: identity.accountId,
    results: [
      identity.result,
      pin,
      alarm,
      domain,
      ...(certificate ? [certificate] : []),
      baseline,
      ...database,
      cacheNodeType,
      cacheEngine,
      zones,
      concurrency,
      eips,
    ],
  };
}

/**
 * The clients for one region, acting as `role` when one is given (the stack's deploy role)
 * and as the caller's credentials otherwise.
 */
export type PreflightClientsFor = (region: string, role?: DeployRole) => PreflightClients;

export interface PreflightOptions {
  /** Treat not-verified as failure. @default false */
  readonly strict?: boolean;
  /** @default createPreflightClients(region, 2, role) */
  readonly clientsFor?: PreflightClientsFor;
}

export interface PreflightOutcome {
  readonly reports: readonly PreflightReport[];
  readonly counts: PreflightCounts;
  /** False on any fail, or on any not-verified when strict. */
  readonly passed: boolean;
  /** The printable table and summary. */
  readonly text: string;
}

/**
 * Runs preflight for every configured environment: one client set per region and deploy
 * role, so each environment is asked in the account its stack deploys into.
 */
export async function preflight(
  configs: readonly PreflightConfig[],
  options: PreflightOptions = {},
): Promise<PreflightOutcome> {
  const clientsFor: PreflightClientsFor =
    options.clientsFor ?? ((region, role) => createPreflightClients(region, undefined, role));
  const built = new Map<string, PreflightClients>();
  const reports: PreflightReport[] = [];
  for (const config of configs) {
    const role = config.deployRole;
    const key = JSON.stringify([config.region, role?.roleArn, role?.sessionName, role?.externalId]);
    if (!built.has(key)) built.set(key, clientsFor(config.region, role));
    reports.push(await runPreflight(config, built.get(key)!));
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

// --- helpers --------------------------------------------------------------------------
