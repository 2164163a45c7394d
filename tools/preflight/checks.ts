/** The preflight checks, one per question: who am I, is the engine version offered, is the class orderable, is the node type offered, are there enough AZs. */
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
import { POSTGRES_MAJOR_VERSIONS, SETTINGS } from '../../config/config';
import {
  DATABASE_STORAGE_TYPE,
  databaseClassMessage,
  GATE_NAMES,
  pinnedZonesMessage,
  zonesMessage,
} from '../../constructs/safety-nets/gate-messages';
import {
  collect,
  describeError,
  isDefined,
  majorOf,
  notVerified,
  sortVersions,
  suggest,
} from './aws-answers';
import {
  DeployRoleRefused,
  deployRoleRefusedResult,
  DeployRoleSettings,
  PLATFORM_ROLE_SETTINGS,
} from './deploy-role';
import { CACHE_ENGINE, CHECK_NAMES, CheckResult, ENGINE, PreflightConfig } from './preflight';

/**
 * Who the clients act as, in the configured region (STS GetCallerIdentity). When the clients
 * assume a deploy role and AWS refuses it, one row names `roleSettings` (the setting of that
 * role, @default DEPLOY_ROLE_ARN / DEPLOY_EXTERNAL_ID), the role and AWS's answer.
 */
export async function checkIdentity(
  config: Pick<PreflightConfig, 'region'>,
  sts: STSClient,
  roleSettings: DeployRoleSettings = PLATFORM_ROLE_SETTINGS,
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
    if (e instanceof DeployRoleRefused) {
      return { result: deployRoleRefusedResult(name, clientRegion, e, roleSettings) };
    }
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

export async function checkDatabase(
  config: PreflightConfig,
  rds: RDSClient,
): Promise<CheckResult[]> {
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
  const { result, options } = await checkInstanceClass(config, rds, chosen);
  return [version, result, checkClassFeatures(config, result, options)];
}

/** What the Database construct turns on, and the orderable option's flag for it. */
const CLASS_FEATURES: readonly [keyof OrderableDBInstanceOption, string][] = [
  ['SupportsStorageEncryption', 'storage encryption'],
  ['SupportsIAMDatabaseAuthentication', 'IAM database authentication'],
  ['SupportsPerformanceInsights', 'Performance Insights'],
  ['SupportsEnhancedMonitoring', 'Enhanced Monitoring'],
  ['SupportsStorageAutoscaling', 'storage autoscaling'],
];

/**
 * The class with the database's storage type supports what the database uses: the same
 * question the plan's "DB instance class features" gate asks of the orderable option.
 */
function checkClassFeatures(
  config: PreflightConfig,
  classCheck: CheckResult,
  options: readonly OrderableDBInstanceOption[],
): CheckResult {
  const name = GATE_NAMES.databaseClass;
  if (classCheck.status !== 'pass') {
    return {
      name,
      status: 'not-verified',
      detail: `skipped: the "${classCheck.name}" check did not pass`,
    };
  }
  const cls = config.database.instanceClass;
  const option = options.find((o) => o.StorageType === DATABASE_STORAGE_TYPE);
  if (!option) {
    return {
      name,
      status: 'fail',
      detail: `${cls} is orderable in ${config.region}, but not with ${DATABASE_STORAGE_TYPE} storage, which the database uses`,
      fix: `set ${SETTINGS.dbInstanceClass.envVar} to a current-generation class (preflight lists orderable classes)`,
    };
  }
  const missing = CLASS_FEATURES.filter(([flag]) => option[flag] !== true).map(([, what]) => what);
  if (config.database.multiAz && option.MultiAZCapable !== true) missing.push('Multi-AZ');
  const used = [
    ...CLASS_FEATURES.map(([, what]) => what),
    ...(config.database.multiAz ? ['Multi-AZ'] : []),
  ];
  if (missing.length === 0) {
    return {
      name,
      status: 'pass',
      detail: `${cls} with ${DATABASE_STORAGE_TYPE} supports ${used.join(', ')}`,
    };
  }
  const message = databaseClassMessage({
    instanceClass: cls,
    engineVersion: option.EngineVersion ?? `${config.database.engineMajorVersion}.x`,
    region: config.region,
    missing: missing.join(', '),
  });
  return { name, status: 'fail', detail: message.detail, fix: message.fix };
}

async function checkInstanceClass(
  config: PreflightConfig,
  rds: RDSClient,
  engineVersion: string | undefined,
): Promise<{ result: CheckResult; options: OrderableDBInstanceOption[] }> {
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
  const verdict = (result: CheckResult, options: OrderableDBInstanceOption[] = []) => ({
    result,
    options,
  });
  try {
    const forClass = (await list(cls)).filter((o) => o.DBInstanceClass === cls && matches(o));
    if (forClass.length > 0) {
      return verdict(
        { name, status: 'pass', detail: `orderable for ${ENGINE} ${target} in ${config.region}` },
        forClass,
      );
    }
    const all = await list();
    if (all.length === 0) {
      return verdict({
        name,
        status: 'not-verified',
        detail: `the target lists no orderable ${ENGINE} instance classes at all (real RDS always does), so it cannot answer`,
      });
    }
    const classes = suggest(
      all.filter(matches).map((o) => o.DBInstanceClass),
      cls,
    );
    if (classes.length === 0) {
      return verdict({
        name,
        status: 'fail',
        detail: `no instance class is orderable for ${ENGINE} ${target} in ${config.region}`,
        fix: `set ${SETTINGS.dbEngineMajorVersion.envVar} to a version the region offers (see the ${CHECK_NAMES.engineVersion} check)`,
      });
    }
    return verdict({
      name,
      status: 'fail',
      detail: `${cls} is not orderable for ${ENGINE} ${target} in ${config.region}`,
      fix: `set ${SETTINGS.dbInstanceClass.envVar} to an orderable class such as ${classes.join(', ')}`,
    });
  } catch (e) {
    return verdict(
      notVerified(
        name,
        'RDS DescribeOrderableDBInstanceOptions',
        'rds:DescribeOrderableDBInstanceOptions',
        e,
      ),
    );
  }
}

/**
 * ElastiCache has no "orderable node types" API. The reserved-node offerings are the
 * region-scoped list of node types ElastiCache sells there, per engine, so a node type with
 * no offering for the engine is not offered in the region.
 */
export async function checkCacheNodeType(
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

export async function checkCacheEngine(
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

/**
 * The zones the network uses: as the plan reads them (every zone the account has that needs
 * no opt-in, whatever its state, in AWS's order), against AZ_COUNT or the pinned names.
 */
export async function checkZones(config: PreflightConfig, ec2: EC2Client): Promise<CheckResult> {
  const wanted = config.network.azCount;
  const name = CHECK_NAMES.zones;
  try {
    const out = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    // Local and Wavelength zones the account opted into are listed too: keep real AZs.
    const zones = (out.AvailabilityZones ?? []).filter(
      (z) =>
        (z.ZoneType ?? 'availability-zone') === 'availability-zone' &&
        (z.OptInStatus ?? 'opt-in-not-required') === 'opt-in-not-required' &&
        isDefined(z.ZoneName),
    );
    const names = zones.map((z) => z.ZoneName!).sort();
    const notAvailable = zones
      .filter((z) => z.State !== undefined && z.State !== 'available')
      .map((z) => `${z.ZoneName} ${z.State}`);
    const states = notAvailable.length > 0 ? ` (now: ${notAvailable.join(', ')})` : '';
    const pinned = config.network.availabilityZones;
    if (pinned) {
      const missing = pinned.filter((z) => !names.includes(z));
      if (missing.length === 0) {
        return {
          name,
          status: 'pass',
          detail: `${SETTINGS.availabilityZones.envVar} ${pinned.join(', ')}: all in ${config.region}${states}`,
        };
      }
      const message = pinnedZonesMessage({
        region: config.region,
        missing: missing.join(', '),
        zoneList: names.join(', '),
      });
      return { name, status: 'fail', detail: message.detail, fix: message.fix };
    }
    if (names.length >= wanted) {
      return {
        name,
        status: 'pass',
        detail: `${names.length} in ${config.region} (${names.join(', ')}); ${SETTINGS.azCount.envVar} is ${wanted}${states}`,
      };
    }
    const message = zonesMessage({
      region: config.region,
      azCount: wanted,
      zoneCount: names.length,
      zoneList: names.join(', ') || 'none',
    });
    return { name, status: 'fail', detail: message.detail, fix: message.fix };
  } catch (e) {
    return notVerified(name, 'EC2 DescribeAvailabilityZones', 'ec2:DescribeAvailabilityZones', e);
  }
}
