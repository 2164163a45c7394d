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
  collect,
  describeError,
  isDefined,
  majorOf,
  notVerified,
  sortVersions,
  suggest,
} from './aws-answers';
import { CACHE_ENGINE, CHECK_NAMES, CheckResult, ENGINE, PreflightConfig } from './preflight';

export async function checkIdentity(
  config: Pick<PreflightConfig, 'region'>,
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

export async function checkZones(config: PreflightConfig, ec2: EC2Client): Promise<CheckResult> {
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
