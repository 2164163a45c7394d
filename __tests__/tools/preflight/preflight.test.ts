import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import {
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeCacheEngineVersionsCommand,
  DescribeReservedCacheNodesOfferingsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import {
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  DescribeDBEngineVersionsCommand,
  DescribeOrderableDBInstanceOptionsCommand,
  OrderableDBInstanceOption,
  RDSClient,
} from '@aws-sdk/client-rds';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockAws } from '../../support/aws-mock';
import { loadConfig, loadConfigs } from '../../../config/config';
import {
  CheckResult,
  PreflightReport,
  createPreflightClients,
  formatPreflight,
  preflight,
  runPreflight,
} from '../../../tools/preflight/preflight';
import { describeError } from '../../../tools/preflight/aws-answers';
import { gateText, zonesMessage } from '../../../constructs/safety-nets/gate-messages';

const sts = mockAws(STSClient);
const rds = mockAws(RDSClient);
const elasticache = mockAws(ElastiCacheClient);
const ec2 = mockAws(EC2Client);
const apigateway = mockAws(APIGatewayClient);
const acm = mockAws(ACMClient);
const lambda = mockAws(LambdaClient);
const quotas = mockAws(ServiceQuotasClient);

/** An SDK-shaped error: what a service (or the emulator) throws. */
function awsError(name: string, message: string, httpStatusCode?: number, code?: string): Error {
  return Object.assign(new Error(message), {
    name,
    code,
    $metadata: httpStatusCode ? { httpStatusCode } : {},
  });
}

/** What moto answers for an API it does not implement: an HTML 500 page. */
const emulator500 = () => awsError('Error', '@aws-sdk XML parse error: mismatched tags', 500);

/** An orderable option with gp3 storage and every feature the database uses. */
const option = (cls: string, version: string): OrderableDBInstanceOption => ({
  DBInstanceClass: cls,
  EngineVersion: version,
  StorageType: 'gp3',
  SupportsStorageEncryption: true,
  SupportsIAMDatabaseAuthentication: true,
  SupportsPerformanceInsights: true,
  SupportsEnhancedMonitoring: true,
  SupportsStorageAutoscaling: true,
  MultiAZCapable: true,
});

const CERT = 'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

/**
 * A region that offers PostgreSQL 15-17, the usual classes and node types, three AZs, an
 * issued certificate for api.example.org, Lambda concurrency 1000, five Elastic IPs.
 */
function realRegion(): void {
  apigateway.on(GetAccountCommand).resolves({ cloudwatchRoleArn: BASELINE_ROLE });
  sts.on(GetCallerIdentityCommand).resolves({
    Account: '111122223333',
    Arn: 'arn:aws:sts::111122223333:assumed-role/deployer/ci',
  });
  rds.on(DescribeDBEngineVersionsCommand).resolves({
    DBEngineVersions: [
      { Engine: 'postgres', EngineVersion: '13.20', Status: 'deprecated' },
      { Engine: 'postgres', EngineVersion: '15.8', Status: 'available' },
      { Engine: 'postgres', EngineVersion: '16.10' },
    ],
    Marker: 'page-2',
  });
  rds.on(DescribeDBEngineVersionsCommand, { Marker: 'page-2' }).resolves({
    DBEngineVersions: [
      { Engine: 'postgres', EngineVersion: '16.9', Status: 'available' },
      { Engine: 'postgres', EngineVersion: '17.2', Status: 'available' },
    ],
  });
  rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({
    OrderableDBInstanceOptions: [
      option('db.m7g.large', '16.10'),
      option('db.r6g.large', '16.10'),
      option('db.r6g.xlarge', '16.10'),
      option('db.t4g.medium', '16.10'),
      option('db.t4g.medium', '15.8'),
    ],
  });
  rds.on(DescribeOrderableDBInstanceOptionsCommand, { DBInstanceClass: 'db.r6g.large' }).resolves({
    OrderableDBInstanceOptions: [
      { ...option('db.r6g.large', '16.10'), StorageType: 'io1' },
      option('db.r6g.large', '16.10'),
    ],
  });
  elasticache.on(DescribeReservedCacheNodesOfferingsCommand).resolves({
    ReservedCacheNodesOfferings: [
      { CacheNodeType: 'cache.m7g.large' },
      { CacheNodeType: 'cache.r7g.large' },
      { CacheNodeType: 'cache.r7g.xlarge' },
      { CacheNodeType: 'cache.t4g.small' },
    ],
  });
  elasticache
    .on(DescribeReservedCacheNodesOfferingsCommand, { CacheNodeType: 'cache.r7g.large' })
    .resolves({ ReservedCacheNodesOfferings: [{ CacheNodeType: 'cache.r7g.large' }] });
  elasticache.on(DescribeCacheEngineVersionsCommand).resolves({
    CacheEngineVersions: [
      { EngineVersion: '7.0' },
      { EngineVersion: '7.1' },
      { EngineVersion: '6.2' },
    ],
  });
  ec2.on(DescribeAvailabilityZonesCommand).resolves({
    AvailabilityZones: [
      { ZoneName: 'eu-west-1b', State: 'available', ZoneType: 'availability-zone' },
      { ZoneName: 'eu-west-1a', State: 'available', ZoneType: 'availability-zone' },
      { ZoneName: 'eu-west-1c', State: 'available' },
      { ZoneName: 'eu-west-1-lhr-1a', State: 'available', ZoneType: 'local-zone' },
    ],
  });
  ec2.on(DescribeAddressesCommand).resolves({ Addresses: [] });
  acm.on(DescribeCertificateCommand).resolves({
    Certificate: {
      DomainName: 'example.org',
      SubjectAlternativeNames: ['example.org', '*.example.org'],
      Status: 'ISSUED',
    },
  });
  lambda.on(GetAccountSettingsCommand).resolves({
    AccountLimit: { ConcurrentExecutions: 1000, UnreservedConcurrentExecutions: 1000 },
  });
  lambda
    .on(GetFunctionConcurrencyCommand)
    .rejects(awsError('ResourceNotFoundException', 'Function not found', 404));
  quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
}

const BASELINE_ROLE = 'arn:aws:iam::111122223333:role/healthcare-apigateway-cloudwatch';

/** A production deploy that may happen: an alarm subscriber, the account pinned, a custom domain. */
const DEPLOYABLE = {
  ALARM_EMAIL: 'oncall@example.org',
  AWS_ACCOUNT_ID: '111122223333',
  API_DOMAIN_NAME: 'api.example.org',
  API_CERTIFICATE_ARN: CERT,
};

/** prod (production profile) in eu-west-1 unless the environment says otherwise. */
const prod = (env: Record<string, string> = {}) => loadConfig({ env: { ...DEPLOYABLE, ...env } });
const clients = (region = 'eu-west-1') => createPreflightClients(region);
const byName = (report: PreflightReport, prefix: string): CheckResult =>
  report.results.find((r) => r.name.startsWith(prefix))!;

beforeEach(() => {
  sts.reset();
  rds.reset();
  elasticache.reset();
  ec2.reset();
  apigateway.reset();
  acm.reset();
  lambda.reset();
  quotas.reset();
});

describe('preflight against a region that can take the deploy', () => {
  test('every check passes and the report names the account and region', async () => {
    realRegion();
    const report = await runPreflight(prod(), clients());

    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['credentials and region', 'pass'],
      ['account pin', 'pass'],
      ['alarm subscriber', 'pass'],
      ['API custom domain', 'pass'],
      ['API certificate', 'pass'],
      ['account baseline', 'pass'],
      ['PostgreSQL version 16', 'pass'],
      ['DB instance class db.r6g.large', 'pass'],
      ['DB instance class features', 'pass'],
      ['cache node type cache.r7g.large', 'pass'],
      ['cache engine version redis 7.1', 'pass'],
      ['availability zones', 'pass'],
      ['Lambda concurrency', 'pass'],
      ['Elastic IPs', 'pass'],
    ]);
    // The gp3 option is the one checked (io1 comes first in the answer).
    expect(byName(report, 'DB instance class features').detail).toBe(
      'db.r6g.large with gp3 supports storage encryption, IAM database authentication, Performance Insights, Enhanced Monitoring, storage autoscaling, Multi-AZ',
    );
    expect(report.accountId).toBe('111122223333');
    expect(byName(report, 'credentials').detail).toContain('account 111122223333');
    expect(byName(report, 'credentials').detail).toContain('region eu-west-1');
    expect(byName(report, 'PostgreSQL').detail).toContain('offers 16.9, 16.10');
    expect(byName(report, 'availability zones').detail).toBe(
      '3 in eu-west-1 (eu-west-1a, eu-west-1b, eu-west-1c); AZ_COUNT is 3',
    );
    // The class is checked against the newest minor of the chosen major, paging through.
    expect(rds.commandCalls(DescribeDBEngineVersionsCommand)[1].args[0].input).toMatchObject({
      Marker: 'page-2',
    });
    expect(
      rds.commandCalls(DescribeOrderableDBInstanceOptionsCommand)[0].args[0].input,
    ).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '16.10',
      DBInstanceClass: 'db.r6g.large',
    });
    expect(
      elasticache.commandCalls(DescribeReservedCacheNodesOfferingsCommand)[0].args[0].input,
    ).toMatchObject({
      CacheNodeType: 'cache.r7g.large',
      ProductDescription: 'redis',
    });
  });

  test('preflight() over several environments builds clients once per region', async () => {
    realRegion();
    const configs = loadConfigs({
      env: {
        ENVIRONMENT_SUFFIX: 'prod,qa,dev@us-east-1',
        AZ_COUNT: '2',
        ...DEPLOYABLE,
        API_DOMAIN_NAME: 'prod=api.example.org',
        API_CERTIFICATE_ARN: `prod=${CERT}`,
      },
    });
    const regions: string[] = [];
    const outcome = await preflight(configs, {
      clientsFor: (region) => {
        regions.push(region);
        return createPreflightClients(region);
      },
    });
    expect(regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(outcome.reports.map((r) => r.environment)).toEqual(['prod', 'qa', 'dev']);
    // qa and dev use db.t4g.medium / cache.t4g.small, answered by the unfiltered stubs; they
    // have no custom domain, so no certificate row: 14 + 13 + 13.
    expect(outcome.counts).toEqual({ pass: 40, fail: 0, notVerified: 0 });
    expect(outcome.passed).toBe(true);
    expect(outcome.text).toContain('40 passed, 0 failed, 0 not verified');
    expect(outcome.text).toMatch(/Preflight: OK$/);
  });
});

describe('preflight failures say what to change', () => {
  test('an engine version the region does not offer fails, listing the majors that exist', async () => {
    realRegion();
    const report = await runPreflight(prod({ DB_ENGINE_MAJOR_VERSION: '14' }), clients());
    expect(byName(report, 'PostgreSQL')).toEqual({
      name: 'PostgreSQL version 14',
      status: 'fail',
      detail: 'PostgreSQL 14 is not available in eu-west-1; available majors: 15, 16, 17',
      fix: 'set DB_ENGINE_MAJOR_VERSION to one of 15, 16, 17',
    });
    // Without a version the class check asks for the engine and finds nothing for 14.x.
    expect(byName(report, 'DB instance class')).toMatchObject({
      status: 'fail',
      detail: 'no instance class is orderable for postgres 14.x in eu-west-1',
      fix: 'set DB_ENGINE_MAJOR_VERSION to a version the region offers (see the PostgreSQL version check)',
    });
    expect(formatPreflight([report])).toContain(
      'fix: set DB_ENGINE_MAJOR_VERSION to one of 15, 16, 17',
    );
  });

  test('when no supported major is offered, the fix is another region', async () => {
    realRegion();
    rds.on(DescribeDBEngineVersionsCommand).resolves({
      DBEngineVersions: [{ EngineVersion: '18.1' }, { EngineVersion: '19.0' }],
    });
    const report = await runPreflight(prod(), clients());
    expect(byName(report, 'PostgreSQL')).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining('available majors: 18, 19'),
      fix: 'none of the majors the platform supports (14, 15, 16, 17) is available: choose another region (AWS_REGION)',
    });
  });

  test('an instance class that is not orderable fails, suggesting orderable ones of the same family first', async () => {
    realRegion();
    const report = await runPreflight(prod({ DB_INSTANCE_CLASS: 'db.r6g.huge' }), clients());
    expect(byName(report, 'DB instance class')).toEqual({
      name: 'DB instance class db.r6g.huge',
      status: 'fail',
      detail: 'db.r6g.huge is not orderable for postgres 16.10 in eu-west-1',
      fix: 'set DB_INSTANCE_CLASS to an orderable class such as db.r6g.large, db.r6g.xlarge, db.m7g.large, db.t4g.medium',
    });
  });

  test('a class checked without a known version is matched on the major', async () => {
    realRegion();
    rds.on(DescribeDBEngineVersionsCommand).rejects(emulator500());
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand, { DBInstanceClass: 'db.t4g.medium' })
      .resolves({
        OrderableDBInstanceOptions: [{ DBInstanceClass: 'db.t4g.medium', EngineVersion: '15.8' }],
      });
    const report = await runPreflight(prod({ DB_INSTANCE_CLASS: 'db.t4g.medium' }), clients());
    expect(byName(report, 'DB instance class')).toMatchObject({
      status: 'fail',
      detail: 'db.t4g.medium is not orderable for postgres 16.x in eu-west-1',
      fix: expect.stringContaining('db.t4g.medium'),
    });
    const ok = await runPreflight(
      prod({ DB_INSTANCE_CLASS: 'db.t4g.medium', DB_ENGINE_MAJOR_VERSION: '15' }),
      clients(),
    );
    expect(byName(ok, 'DB instance class')).toMatchObject({
      status: 'pass',
      detail: 'orderable for postgres 15.x in eu-west-1',
    });
  });

  test('a cache node type that is not offered fails, listing offered types', async () => {
    realRegion();
    const report = await runPreflight(prod({ CACHE_NODE_TYPE: 'cache.r9g.large' }), clients());
    expect(byName(report, 'cache node type')).toEqual({
      name: 'cache node type cache.r9g.large',
      status: 'fail',
      detail: 'cache.r9g.large is not offered for redis in eu-west-1',
      fix: 'set CACHE_NODE_TYPE to an offered type such as cache.m7g.large, cache.r7g.large, cache.r7g.xlarge, cache.t4g.small',
    });
  });

  test('a cache engine version that is not offered fails, naming the offered ones', async () => {
    realRegion();
    elasticache.on(DescribeCacheEngineVersionsCommand).resolves({
      CacheEngineVersions: [
        { EngineVersion: '7.0' },
        { EngineVersion: '6' },
        { EngineVersion: '6.2' },
        {},
      ],
    });
    const report = await runPreflight(prod(), clients());
    expect(byName(report, 'cache engine')).toMatchObject({
      status: 'fail',
      detail: 'redis 7.1 is not offered in eu-west-1; offered: 6, 6.2, 7.0',
      fix: 'change cache.engineVersion in config/config.ts to one of 6, 6.2, 7.0',
    });
  });

  test("too few availability zones fails with the gate's words: lower AZ_COUNT or pick another region", async () => {
    realRegion();
    const four = await runPreflight(prod({ AZ_COUNT: '4' }), clients());
    expect(byName(four, 'availability zones')).toEqual({
      name: 'availability zones',
      status: 'fail',
      detail:
        'eu-west-1 has 3 availability zones (eu-west-1a, eu-west-1b, eu-west-1c), fewer than AZ_COUNT 4',
      fix: 'lower AZ_COUNT to the number of zones the region has (the platform needs at least 2), or choose a region with 4 zones (AWS_REGION)',
    });
    // The same words as the plan's gate, with the values Terraform would have read.
    expect(
      gateText(
        zonesMessage({
          region: 'eu-west-1',
          azCount: 4,
          zoneCount: 3,
          zoneList: 'eu-west-1a, eu-west-1b, eu-west-1c',
        }),
      ),
    ).toBe(
      `${byName(four, 'availability zones').detail}\nfix: ${byName(four, 'availability zones').fix}`,
    );
  });

  test('an impaired zone still counts, as in the plan (the zone list keeps its order)', async () => {
    realRegion();
    ec2.on(DescribeAvailabilityZonesCommand).resolves({
      AvailabilityZones: [
        { ZoneName: 'eu-west-1a', State: 'available', OptInStatus: 'opt-in-not-required' },
        { ZoneName: 'eu-west-1b', State: 'impaired', OptInStatus: 'opt-in-not-required' },
        { ZoneName: 'eu-west-1c', State: 'available', OptInStatus: 'opt-in-not-required' },
        { ZoneName: 'eu-west-1-lhr-1a', State: 'available', OptInStatus: 'opted-in' },
      ],
    });
    const report = await runPreflight(prod(), clients());
    expect(byName(report, 'availability zones')).toEqual({
      name: 'availability zones',
      status: 'pass',
      detail:
        '3 in eu-west-1 (eu-west-1a, eu-west-1b, eu-west-1c); AZ_COUNT is 3 (now: eu-west-1b impaired)',
    });
  });

  test('pinned zones must all exist in the region', async () => {
    realRegion();
    const ok = await runPreflight(
      prod({ AZ_COUNT: '2', AVAILABILITY_ZONES: 'eu-west-1c,eu-west-1a' }),
      clients(),
    );
    expect(byName(ok, 'availability zones')).toMatchObject({
      status: 'pass',
      detail: 'AVAILABILITY_ZONES eu-west-1c, eu-west-1a: all in eu-west-1',
    });
    const missing = await runPreflight(
      prod({ AZ_COUNT: '2', AVAILABILITY_ZONES: 'eu-west-1a,eu-west-1d' }),
      clients(),
    );
    expect(byName(missing, 'availability zones')).toEqual({
      name: 'availability zones',
      status: 'fail',
      detail:
        'AVAILABILITY_ZONES names eu-west-1d, which this account does not have in eu-west-1 (its zones: eu-west-1a, eu-west-1b, eu-west-1c)',
      fix: "list zones of eu-west-1 from that list in AVAILABILITY_ZONES, or unset it to use the region's first AZ_COUNT zones",
    });
  });

  test("a class without what the database uses fails with the gate's words", async () => {
    realRegion();
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand, { DBInstanceClass: 'db.r6g.large' })
      .resolves({
        OrderableDBInstanceOptions: [
          {
            ...option('db.r6g.large', '16.10'),
            SupportsPerformanceInsights: false,
            MultiAZCapable: false,
          },
        ],
      });
    const report = await runPreflight(prod(), clients());
    expect(byName(report, 'DB instance class features')).toEqual({
      name: 'DB instance class features',
      status: 'fail',
      detail:
        'db.r6g.large (PostgreSQL 16.10, gp3) in eu-west-1 does not support what the database uses: Performance Insights, Multi-AZ',
      fix: 'set DB_INSTANCE_CLASS to a current-generation class that supports them (preflight lists orderable classes)',
    });
    // Multi-AZ is asked of the production profile only.
    const dev = await runPreflight(
      loadConfig({ env: { ENVIRONMENT_SUFFIX: 'dev', DB_INSTANCE_CLASS: 'db.r6g.large' } }),
      clients(),
    );
    expect(byName(dev, 'DB instance class features').detail).toMatch(/: Performance Insights$/);
  });

  test('a class orderable only with other storage than gp3 fails', async () => {
    realRegion();
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand, { DBInstanceClass: 'db.r6g.large' })
      .resolves({
        OrderableDBInstanceOptions: [{ ...option('db.r6g.large', '16.10'), StorageType: 'gp2' }],
      });
    const report = await runPreflight(prod(), clients());
    expect(byName(report, 'DB instance class features')).toMatchObject({
      status: 'fail',
      detail:
        'db.r6g.large is orderable in eu-west-1, but not with gp3 storage, which the database uses',
    });
  });

  test('bad credentials fail clearly, and the other checks are not run', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        awsError(
          'InvalidClientTokenId',
          'The security token included in the request is invalid.',
          403,
        ),
      );
    const outcome = await preflight([prod()]);
    const [report] = outcome.reports;
    expect(report.results[0]).toEqual({
      name: 'credentials and region',
      status: 'fail',
      detail:
        'the credentials were refused or not found in eu-west-1: InvalidClientTokenId, HTTP 403: The security token included in the request is invalid.',
      fix: expect.stringContaining('provide valid credentials for the target account'),
    });
    // The alarm subscriber and the custom domain are questions about the configuration:
    // they are answered anyway.
    expect(report.results[1]).toMatchObject({ name: 'alarm subscriber', status: 'pass' });
    expect(report.results[2]).toMatchObject({ name: 'API custom domain', status: 'pass' });
    expect(report.results.slice(3).every((r) => r.status === 'not-verified')).toBe(true);
    expect(report.results.slice(3).map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'account baseline',
        'API certificate',
        'Lambda concurrency',
        'Elastic IPs',
      ]),
    );
    expect(report.results[3].detail).toBe('skipped: the "credentials and region" check failed');
    expect(rds.calls()).toHaveLength(0);
    expect(outcome.passed).toBe(false);
    expect(outcome.text).toMatch(/Preflight: FAILED$/);
  });

  test('missing credentials, an unreachable region and other STS errors fail too', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        awsError('CredentialsProviderError', 'Could not load credentials from any providers'),
      );
    const missing = await runPreflight(prod(), clients());
    expect(missing.results[0].detail).toBe(
      'the credentials were refused or not found in eu-west-1: CredentialsProviderError: Could not load credentials from any providers',
    );

    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        awsError(
          'Error',
          'getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com',
          undefined,
          'ENOTFOUND',
        ),
      );
    const unreachable = await runPreflight(prod(), clients());
    expect(unreachable.results[0]).toMatchObject({
      status: 'fail',
      detail:
        'region eu-west-1 is not reachable: getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com',
      fix: expect.stringContaining('AWS_ENDPOINT_URL'),
    });

    sts
      .on(GetCallerIdentityCommand)
      .rejects(awsError('RegionDisabledException', 'STS is not activated in this region', 403));
    const disabled = await runPreflight(prod(), clients());
    expect(disabled.results[0]).toMatchObject({
      status: 'fail',
      detail: expect.stringContaining(
        'STS GetCallerIdentity failed in eu-west-1: RegionDisabledException',
      ),
    });
  });

  test('clients built for another region than the configuration fail the first check', async () => {
    const report = await runPreflight(prod(), clients('us-east-1'));
    expect(report.results[0]).toMatchObject({
      status: 'fail',
      detail: 'the SDK client targets us-east-1, but the configuration deploys to eu-west-1',
    });
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('what the target cannot answer is "not verified", never a pass', () => {
  /** The emulator: STS and EC2 work, the RDS/ElastiCache catalogue APIs do not. */
  function emulator(): void {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '123456789012', Arn: 'arn:aws:sts::123456789012:user/moto' });
    rds.on(DescribeDBEngineVersionsCommand).rejects(emulator500());
    rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [] });
    elasticache
      .on(DescribeReservedCacheNodesOfferingsCommand)
      .rejects(awsError('NotImplemented', 'not yet implemented', 501));
    elasticache.on(DescribeCacheEngineVersionsCommand).rejects(emulator500());
    ec2.on(DescribeAvailabilityZonesCommand).resolves({
      AvailabilityZones: ['a', 'b', 'c'].map((z) => ({
        ZoneName: `eu-west-1${z}`,
        State: 'available',
      })),
    });
    apigateway.on(GetAccountCommand).rejects(emulator500());
    // moto 5.2.1 answers no quota and no Lambda account settings (docs/e2e.md).
    ec2.on(DescribeAddressesCommand).resolves({ Addresses: [] });
    acm.on(DescribeCertificateCommand).rejects(emulator500());
    lambda.on(GetAccountSettingsCommand).rejects(awsError('Error', 'Not yet implemented', 404));
    quotas
      .on(GetServiceQuotaCommand)
      .rejects(awsError('NoSuchResourceException', 'no such quota', 400));
  }
  const onEmulator = () =>
    prod({
      AWS_ACCOUNT_ID: '123456789012',
      API_CERTIFICATE_ARN: CERT.replace('111122223333', '123456789012'),
    });

  test('HTTP 500 / NotImplemented and empty catalogues give not-verified with the reason', async () => {
    emulator();
    const outcome = await preflight([onEmulator()]);
    const [report] = outcome.reports;
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['credentials and region', 'pass'],
      ['account pin', 'pass'],
      ['alarm subscriber', 'pass'],
      ['API custom domain', 'pass'],
      ['API certificate', 'not-verified'],
      ['account baseline', 'not-verified'],
      ['PostgreSQL version 16', 'not-verified'],
      ['DB instance class db.r6g.large', 'not-verified'],
      ['DB instance class features', 'not-verified'],
      ['cache node type cache.r7g.large', 'not-verified'],
      ['cache engine version redis 7.1', 'not-verified'],
      ['availability zones', 'pass'],
      ['Lambda concurrency', 'not-verified'],
      ['Elastic IPs', 'not-verified'],
    ]);
    expect(byName(report, 'PostgreSQL').detail).toBe(
      'the target does not implement RDS DescribeDBEngineVersions (HTTP 500: @aws-sdk XML parse error: mismatched tags); the local emulator lacks some APIs',
    );
    expect(byName(report, 'DB instance class').detail).toContain(
      'lists no orderable postgres instance classes at all',
    );
    expect(byName(report, 'cache node type').detail).toContain(
      '(NotImplemented, HTTP 501: not yet implemented)',
    );
    // Not verified does not fail the run, but it is counted and explained.
    expect(outcome.passed).toBe(true);
    expect(byName(report, 'account baseline').detail).toContain(
      'the target does not implement API Gateway GetAccount',
    );
    expect(outcome.counts).toEqual({ pass: 5, fail: 0, notVerified: 9 });
    expect(outcome.text).toContain('NOT VERIFIED');
    expect(outcome.text).toContain('5 passed, 0 failed, 9 not verified');
    expect(outcome.text).toContain(
      'NOT VERIFIED means the target could not answer that question; it is not a pass.',
    );
  });

  test('--strict turns not-verified into a failed run', async () => {
    emulator();
    const outcome = await preflight([prod()], { strict: true });
    expect(outcome.passed).toBe(false);
    expect(outcome.text).toContain('(--strict: not verified counts as failed)');
    expect(outcome.text).toMatch(/Preflight: FAILED$/);
  });

  test('empty answers for the whole engine are not taken as "no"', async () => {
    realRegion();
    rds.on(DescribeDBEngineVersionsCommand).resolves({});
    elasticache.on(DescribeReservedCacheNodesOfferingsCommand).resolves({});
    elasticache.on(DescribeCacheEngineVersionsCommand).resolves({});
    const report = await runPreflight(prod(), clients());
    expect(byName(report, 'PostgreSQL')).toMatchObject({
      status: 'not-verified',
      detail:
        'the target lists no postgres engine versions at all (real RDS always does), so it cannot answer',
    });
    expect(byName(report, 'cache node type').status).toBe('not-verified');
    expect(byName(report, 'cache engine').status).toBe('not-verified');
    // The class check still ran, by major, and passed.
    expect(byName(report, 'DB instance class').status).toBe('pass');
  });

  test('a missing permission is not-verified with the permission to grant; other errors are not-verified', async () => {
    realRegion();
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand)
      .rejects(awsError('AccessDenied', 'not authorized', 403));
    elasticache
      .on(DescribeReservedCacheNodesOfferingsCommand)
      .rejects(awsError('ThrottlingException', 'Rate exceeded', 400));
    ec2
      .on(DescribeAvailabilityZonesCommand)
      .rejects(awsError('UnauthorizedOperation', 'You are not authorized', 403));
    const report = await runPreflight(prod(), clients());
    expect(byName(report, 'DB instance class')).toEqual({
      name: 'DB instance class db.r6g.large',
      status: 'not-verified',
      detail:
        'not permitted to call RDS DescribeOrderableDBInstanceOptions: AccessDenied, HTTP 403: not authorized',
      fix: 'grant rds:DescribeOrderableDBInstanceOptions to the deploying role',
    });
    expect(byName(report, 'cache node type')).toEqual({
      name: 'cache node type cache.r7g.large',
      status: 'not-verified',
      detail:
        'ElastiCache DescribeReservedCacheNodesOfferings failed: ThrottlingException, HTTP 400: Rate exceeded',
    });
    expect(byName(report, 'availability zones').fix).toBe(
      'grant ec2:DescribeAvailabilityZones to the deploying role',
    );
  });
});

describe('preflight reads sparse SDK answers safely', () => {
  test('entries without the optional fields are ignored, not crashed on', async () => {
    realRegion();
    rds
      .on(DescribeDBEngineVersionsCommand)
      .resolves({ DBEngineVersions: [{}, { EngineVersion: '15.8' }] });
    rds
      .on(DescribeOrderableDBInstanceOptionsCommand)
      .resolves({ OrderableDBInstanceOptions: [{}, { DBInstanceClass: 'db.m7g.large' }] });
    elasticache
      .on(DescribeReservedCacheNodesOfferingsCommand)
      .resolves({ ReservedCacheNodesOfferings: [{}, { CacheNodeType: 'cache.t4g.small' }] });
    ec2
      .on(DescribeAvailabilityZonesCommand)
      .resolves({ AvailabilityZones: [{ State: 'available' }, {}] });
    const report = await runPreflight(
      prod({ DB_INSTANCE_CLASS: 'db.t4g.medium', CACHE_NODE_TYPE: 'cache.t4g.medium' }),
      clients(),
    );
    expect(report.results.map((r) => [r.name, r.status])).toEqual([
      ['credentials and region', 'pass'],
      ['account pin', 'pass'],
      ['alarm subscriber', 'pass'],
      ['API custom domain', 'pass'],
      ['API certificate', 'pass'],
      ['account baseline', 'pass'],
      ['PostgreSQL version 16', 'fail'],
      ['DB instance class db.t4g.medium', 'fail'],
      ['DB instance class features', 'not-verified'],
      ['cache node type cache.t4g.medium', 'fail'],
      ['cache engine version redis 7.1', 'pass'],
      ['availability zones', 'fail'],
      ['Lambda concurrency', 'pass'],
      ['Elastic IPs', 'pass'],
    ]);
    expect(byName(report, 'PostgreSQL').fix).toBe('set DB_ENGINE_MAJOR_VERSION to one of 15');
    expect(byName(report, 'cache node type').fix).toBe(
      'set CACHE_NODE_TYPE to an offered type such as cache.t4g.small',
    );
    expect(byName(report, 'availability zones').detail).toBe(
      'eu-west-1 has 0 availability zones (none), fewer than AZ_COUNT 3',
    );
    expect(byName(report, 'DB instance class features').detail).toBe(
      'skipped: the "DB instance class db.t4g.medium" check did not pass',
    );
  });
});

describe('preflight helpers', () => {
  test.each([
    ['ExpiredToken', awsError('ExpiredToken', 'expired', 403), 'credentials'],
    ['AccessDeniedException', awsError('AccessDeniedException', 'no', 400), 'denied'],
    ['InternalFailure', awsError('InternalFailure', 'boom', 400), 'unsupported'],
    ['HTTP 501', awsError('Error', 'x', 501), 'unsupported'],
    ['TimeoutError', awsError('TimeoutError', 'socket timeout'), 'network'],
    [
      'ECONNREFUSED',
      awsError('Error', 'connect ECONNREFUSED', undefined, 'ECONNREFUSED'),
      'network',
    ],
    ['ValidationError', awsError('ValidationError', 'bad', 400), 'other'],
  ])('describeError(%s) is %s', (_label, error, kind) => {
    expect(describeError(error).kind).toBe(kind);
  });

  test('describeError copes with non-Error values', () => {
    expect(describeError('plain text')).toEqual({ kind: 'other', text: 'plain text' });
    expect(describeError(undefined)).toEqual({ kind: 'other', text: 'undefined' });
  });

  test('long details wrap inside the table', () => {
    const report: PreflightReport = {
      environment: 'prod',
      region: 'eu-west-1',
      results: [{ name: 'x', status: 'fail', detail: 'word '.repeat(30).trim(), fix: 'do it' }],
    };
    const text = formatPreflight([report]);
    expect(text).toContain(
      '\n' + ' '.repeat('prod (eu-west-1)  x      FAIL    '.length) + '  word',
    );
    expect(text).toContain('fix: do it');
    expect(text).not.toContain('NOT VERIFIED means');
  });
});
