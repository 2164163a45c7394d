import { BLANK_RULE, ConfigError, loadConfig, loadConfigs, SETTINGS } from '../../config/config';
import { tightestNameRule } from '../../config/names';

const load = (env: Record<string, string>, context: Record<string, unknown> = {}) =>
  loadConfig({ env, context: (key) => context[key] });

/** Returns the ConfigError thrown for this input, failing the test if none is. */
function problemsOf(env: Record<string, string>, context: Record<string, unknown> = {}) {
  try {
    loadConfigs({ env, context: (key) => context[key] });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('is prod in eu-west-1 with the production profile when nothing is set', () => {
    const config = load({});
    expect(config.environment).toBe('prod');
    expect(config.stackId).toBe('TapStackprod');
    expect(config.region).toBe('eu-west-1');
    expect(config.profile).toBe('production');
    expect(config.protectStatefulResources).toBe(true);
  });

  it('gives production Multi-AZ, deletion protection, final snapshot, NAT per AZ, long retention', () => {
    const config = load({});
    expect(config.database).toMatchObject({
      multiAz: true,
      deletionProtection: true,
      skipFinalSnapshot: false,
      backupRetentionDays: 35,
      instanceClass: 'db.r6g.large',
      engineMajorVersion: '16',
    });
    expect(config.network).toMatchObject({ azCount: 3, natGateways: 'one-per-az' });
    expect(config.logRetentionDays).toBe(2192);
    expect(config.kmsDeletionWindowDays).toBe(30);
    // HIPAA audit controls in production: reads and writes of PHI, DDL and role changes.
    expect(config.database.auditLog).toBe('ddl,role,read,write');
    expect(config.database.applyImmediately).toBe(false);
    // No ALARM_EMAIL: synthesis works, but preflight/deploy must refuse production.
    expect(config.alarmEmail).toBeUndefined();
    expect(config.alarmSubscriberRequired).toBe(true);
    expect(config.accountId).toBeUndefined();
  });

  it('gives other environments the cheaper standard profile', () => {
    const config = load({ ENVIRONMENT_SUFFIX: 'dev' });
    expect(config.stackId).toBe('TapStackdev');
    expect(config.profile).toBe('standard');
    expect(config.protectStatefulResources).toBe(false);
    expect(config.database).toMatchObject({
      multiAz: false,
      deletionProtection: false,
      skipFinalSnapshot: true,
      backupRetentionDays: 7,
      instanceClass: 'db.t4g.medium',
    });
    expect(config.network).toMatchObject({ azCount: 2, natGateways: 'single' });
    expect(config.cache.nodeType).toBe('cache.t4g.small');
    expect(config.logRetentionDays).toBe(30);
    expect(config.database.auditLog).toBe('ddl,role');
    expect(config.alarmSubscriberRequired).toBe(false);
  });

  it('puts the suffix in every resource name', () => {
    const { names } = load({ ENVIRONMENT_SUFFIX: 'qa-eu' });
    expect(names.database).toBe('healthcare-db-qa-eu');
    expect(names.cache).toBe('healthcare-redis-qa-eu');
    for (const name of Object.values(names)) expect(name).toContain('qa-eu');
  });

  it('carves one subnet per AZ and tier from the VPC CIDR without overlaps', () => {
    const { network } = load({});
    expect(network.vpcCidr).toBe('10.40.0.0/16');
    expect(network.publicSubnetCidrs).toEqual(['10.40.0.0/24', '10.40.1.0/24', '10.40.2.0/24']);
    expect(network.privateSubnetCidrs).toEqual(['10.40.16.0/20', '10.40.32.0/20', '10.40.48.0/20']);
    expect(network.isolatedSubnetCidrs).toEqual([
      '10.40.128.0/24',
      '10.40.129.0/24',
      '10.40.130.0/24',
    ]);
  });
});

describe('sources', () => {
  it('reads the cdktf context when no variable is set', () => {
    const config = load({}, { env: 'staging', region: 'us-east-1', azCount: 3 });
    expect(config.environment).toBe('staging');
    expect(config.region).toBe('us-east-1');
    expect(config.network.azCount).toBe(3);
  });

  it('prefers environment variables over context', () => {
    const config = load({ ENVIRONMENT_SUFFIX: 'dev', AWS_REGION: 'eu-central-1' }, { env: 'qa' });
    expect(config.environment).toBe('dev');
    expect(config.region).toBe('eu-central-1');
  });

  it('refuses a blank ENVIRONMENT_SUFFIX: a CI variable that expanded to nothing never means prod', () => {
    expect(problemsOf({ ENVIRONMENT_SUFFIX: '  ' })).toEqual([
      { setting: 'ENVIRONMENT_SUFFIX', value: '', rule: BLANK_RULE },
    ]);
  });

  it.each(Object.values(SETTINGS).map((spec) => [spec.envVar, spec.contextKey]))(
    'refuses %s (context "%s") when it is present but blank',
    (envVar, contextKey) => {
      expect(problemsOf({ [envVar]: '' })).toEqual([
        { setting: envVar, value: '', rule: BLANK_RULE },
      ]);
      expect(problemsOf({}, { [contextKey]: ' ' })).toEqual([
        { setting: `context "${contextKey}"`, value: '', rule: BLANK_RULE },
      ]);
    },
  );

  it('takes a /22 VPC when all three subnet lists are given (each /28 or larger)', () => {
    const config = load({
      ENVIRONMENT_SUFFIX: 'dev',
      VPC_CIDR: '10.0.0.0/22',
      AZ_COUNT: '2',
      PUBLIC_SUBNET_CIDRS: '10.0.0.0/28,10.0.0.16/28',
      PRIVATE_SUBNET_CIDRS: '10.0.1.0/24,10.0.2.0/24',
      ISOLATED_SUBNET_CIDRS: '10.0.3.0/28,10.0.3.16/28',
    });
    expect(config.network.vpcCidr).toBe('10.0.0.0/22');
    expect(config.network.isolatedSubnetCidrs).toEqual(['10.0.3.0/28', '10.0.3.16/28']);
  });

  it('applies every documented override', () => {
    const config = load({
      ENVIRONMENT_SUFFIX: 'dev',
      PLATFORM_PROFILE: 'production',
      VPC_CIDR: '10.8.0.0/20',
      AZ_COUNT: '2',
      NAT_GATEWAYS: 'single',
      DB_INSTANCE_CLASS: 'db.m7g.large',
      DB_ENGINE_MAJOR_VERSION: '17',
      DB_ALLOCATED_STORAGE_GIB: '50',
      DB_MAX_ALLOCATED_STORAGE_GIB: '60',
      // The production profile's database is in AWS Backup's continuous rule: 35 only.
      DB_BACKUP_RETENTION_DAYS: '35',
      CACHE_NODE_TYPE: 'cache.m7g.large',
      CACHE_SNAPSHOT_RETENTION_DAYS: '5',
      LOG_RETENTION_DAYS: '365',
      API_THROTTLING_RATE_LIMIT: '10',
      API_THROTTLING_BURST_LIMIT: '20',
      WAF_RATE_LIMIT: '500',
      DB_AUDIT_LOG: 'ddl, role, write, -misc',
      DB_APPLY_IMMEDIATELY: 'true',
      ALARM_EMAIL: 'oncall@example.org',
      AWS_ACCOUNT_ID: '123456789012',
    });
    expect(config.profile).toBe('production');
    expect(config.database.multiAz).toBe(true);
    expect(config.network).toMatchObject({
      vpcCidr: '10.8.0.0/20',
      azCount: 2,
      natGateways: 'single',
      publicSubnetCidrs: ['10.8.0.0/28', '10.8.0.16/28'],
      privateSubnetCidrs: ['10.8.1.0/24', '10.8.2.0/24'],
      isolatedSubnetCidrs: ['10.8.8.0/28', '10.8.8.16/28'],
    });
    expect(config.database).toMatchObject({
      instanceClass: 'db.m7g.large',
      engineMajorVersion: '17',
      allocatedStorageGiB: 50,
      maxAllocatedStorageGiB: 60,
      backupRetentionDays: 35,
    });
    expect(config.cache).toMatchObject({ nodeType: 'cache.m7g.large', snapshotRetentionDays: 5 });
    expect(config.logRetentionDays).toBe(365);
    expect(config.api).toEqual({
      throttlingRateLimit: 10,
      throttlingBurstLimit: 20,
      wafRateLimit: 500,
      customDomain: undefined,
      // The production profile (PLATFORM_PROFILE): a deploy needs API_DOMAIN_NAME.
      customDomainRequired: true,
    });
    expect(config.database.auditLog).toBe('ddl,role,write,-misc');
    expect(config.database.applyImmediately).toBe(true);
    expect(config.alarmEmail).toBe('oncall@example.org');
    expect(config.accountId).toBe('123456789012');
  });

  it("accepts explicit subnet CIDRs inside the environment's VPC (dev: 10.41.0.0/16)", () => {
    const config = load({
      ENVIRONMENT_SUFFIX: 'dev',
      PUBLIC_SUBNET_CIDRS: '10.41.200.0/24, 10.41.201.0/24',
      PRIVATE_SUBNET_CIDRS: '10.41.16.0/20,10.41.32.0/20',
      ISOLATED_SUBNET_CIDRS: '10.41.210.0/24,10.41.211.0/24',
    });
    expect(config.network.publicSubnetCidrs).toEqual(['10.41.200.0/24', '10.41.201.0/24']);
  });
});

describe('account pinning (AWS_ACCOUNT_ID)', () => {
  it('pins every environment of the run to a bare account id', () => {
    const configs = loadConfigs({
      env: { ENVIRONMENT_SUFFIX: 'dev,prod', AWS_ACCOUNT_ID: ' 123456789012 ' },
    });
    expect(configs.map((c) => c.accountId)).toEqual(['123456789012', '123456789012']);
  });

  it('pins each listed environment to its own account; unlisted ones stay unpinned', () => {
    const configs = loadConfigs({
      env: {
        ENVIRONMENT_SUFFIX: 'dev,prod,qa',
        AWS_ACCOUNT_ID: 'dev=111111111111, prod=222222222222, staging=333333333333',
      },
    });
    expect(configs.map((c) => [c.environment, c.accountId])).toEqual([
      ['dev', '111111111111'],
      ['prod', '222222222222'],
      ['qa', undefined],
    ]);
  });

  it('reads the context key accountId', () => {
    const config = loadConfigs({
      env: {},
      context: (k) => (k === 'accountId' ? 'prod=444444444444' : undefined),
    })[0];
    expect(config.accountId).toBe('444444444444');
  });

  it('refuses a variable set but blank even when the context has a value', () => {
    expect(problemsOf({ AWS_ACCOUNT_ID: ' ' }, { accountId: '123456789012' })).toEqual([
      {
        setting: 'AWS_ACCOUNT_ID',
        value: '',
        rule: 'is set but blank: unset it to use the default, or give a value',
      },
    ]);
  });
});

describe('several environments in one run', () => {
  it('builds one config per listed environment, with optional regions', () => {
    const configs = loadConfigs({ env: { ENVIRONMENT_SUFFIX: 'dev, prod, dr@us-east-1' } });
    expect(configs.map((c) => [c.stackId, c.region, c.profile])).toEqual([
      ['TapStackdev', 'eu-west-1', 'standard'],
      ['TapStackprod', 'eu-west-1', 'production'],
      ['TapStackdr', 'us-east-1', 'standard'],
    ]);
  });

  it('accepts a list in the context', () => {
    const configs = loadConfigs({
      env: {},
      context: (k) => (k === 'env' ? ['a1', 'b2'] : undefined),
    });
    expect(configs.map((c) => c.environment)).toEqual(['a1', 'b2']);
  });

  it('loadConfig refuses a list', () => {
    expect(() => load({ ENVIRONMENT_SUFFIX: 'dev,prod' })).toThrow(
      /ENVIRONMENT_SUFFIX = "dev,prod": exactly one environment expected here/,
    );
  });
});

describe('bad input names the setting, the value and the rule', () => {
  const cases: [string, Record<string, string>, string, string, RegExp][] = [
    ['empty item', { ENVIRONMENT_SUFFIX: 'dev,' }, 'ENVIRONMENT_SUFFIX', '', /lowercase letter/],
    [
      'upper case suffix',
      { ENVIRONMENT_SUFFIX: 'Prod' },
      'ENVIRONMENT_SUFFIX',
      'Prod',
      /lowercase/,
    ],
    [
      'suffix with symbols',
      { ENVIRONMENT_SUFFIX: 'dev_1' },
      'ENVIRONMENT_SUFFIX',
      'dev_1',
      /hyphens/,
    ],
    [
      'suffix starting with a digit',
      { ENVIRONMENT_SUFFIX: '1dev' },
      'ENVIRONMENT_SUFFIX',
      '1dev',
      /start with a lowercase letter/,
    ],
    [
      'double hyphen',
      { ENVIRONMENT_SUFFIX: 'qa--eu' },
      'ENVIRONMENT_SUFFIX',
      'qa--eu',
      /single hyphens/,
    ],
    [
      'trailing hyphen',
      { ENVIRONMENT_SUFFIX: 'qa-' },
      'ENVIRONMENT_SUFFIX',
      'qa-',
      /single hyphens/,
    ],
    [
      'two @',
      { ENVIRONMENT_SUFFIX: 'qa@eu-west-1@x' },
      'ENVIRONMENT_SUFFIX',
      'qa@eu-west-1@x',
      /@<region>/,
    ],
    [
      'unknown region after @',
      { ENVIRONMENT_SUFFIX: 'qa@mars-1' },
      'ENVIRONMENT_SUFFIX',
      'mars-1',
      /unknown AWS region/,
    ],
    [
      'duplicate environment',
      { ENVIRONMENT_SUFFIX: 'dev,dev' },
      'ENVIRONMENT_SUFFIX',
      'dev,dev',
      /listed twice/,
    ],
    [
      'unknown region',
      { AWS_REGION: 'eu-west-01' },
      'AWS_REGION',
      'eu-west-01',
      /commercial AWS region/,
    ],
    [
      'unknown profile',
      { PLATFORM_PROFILE: 'gold' },
      'PLATFORM_PROFILE',
      'gold',
      /one of production, standard/,
    ],
    ['malformed CIDR', { VPC_CIDR: '10.0.0.0/33' }, 'VPC_CIDR', '10.0.0.0/33', /IPv4 CIDR/],
    ['CIDR with host bits', { VPC_CIDR: '10.0.0.1/16' }, 'VPC_CIDR', '10.0.0.1/16', /no host bits/],
    ['CIDR too large', { VPC_CIDR: '10.0.0.0/8' }, 'VPC_CIDR', '10.0.0.0/8', /\/16 to \/22/],
    [
      // The default layout would cut /29 subnets, which AWS refuses (InvalidSubnet.Range).
      'CIDR too small for the default layout',
      { VPC_CIDR: '10.0.0.0/21' },
      'VPC_CIDR',
      '10.0.0.0/21',
      /cuts \/29 subnets from a \/21 VPC.*use a VPC of \/20 or larger, or give PUBLIC_SUBNET_CIDRS, PRIVATE_SUBNET_CIDRS, ISOLATED_SUBNET_CIDRS/,
    ],
    [
      'CIDR too small with one tier defaulted',
      {
        VPC_CIDR: '10.0.0.0/22',
        AZ_COUNT: '2',
        PUBLIC_SUBNET_CIDRS: '10.0.0.0/26,10.0.0.64/26',
        PRIVATE_SUBNET_CIDRS: '10.0.1.0/25,10.0.1.128/25',
      },
      'VPC_CIDR',
      '10.0.0.0/22',
      /cuts \/30 subnets.*or give ISOLATED_SUBNET_CIDRS \(each/,
    ],
    ['public CIDR', { VPC_CIDR: '8.8.0.0/16' }, 'VPC_CIDR', '8.8.0.0/16', /RFC 1918/],
    ['AZ count too low', { AZ_COUNT: '1' }, 'AZ_COUNT', '1', /integer from 2 to 4/],
    ['AZ count not a number', { AZ_COUNT: 'two' }, 'AZ_COUNT', 'two', /integer from 2 to 4/],
    ['NAT mode', { NAT_GATEWAYS: 'none' }, 'NAT_GATEWAYS', 'none', /one-per-az, single/],
    [
      'instance class',
      { DB_INSTANCE_CLASS: 'r6g.large' },
      'DB_INSTANCE_CLASS',
      'r6g.large',
      /RDS instance class/,
    ],
    [
      'engine version',
      { DB_ENGINE_MAJOR_VERSION: '16.1' },
      'DB_ENGINE_MAJOR_VERSION',
      '16.1',
      /one of 14, 15, 16, 17/,
    ],
    ['storage', { DB_ALLOCATED_STORAGE_GIB: '5' }, 'DB_ALLOCATED_STORAGE_GIB', '5', /20 to 65536/],
    [
      'max storage below allocated',
      { DB_ALLOCATED_STORAGE_GIB: '200', DB_MAX_ALLOCATED_STORAGE_GIB: '100' },
      'DB_MAX_ALLOCATED_STORAGE_GIB',
      '100',
      /must be at least 10% above the allocated storage \(200 GiB\): at least 220/,
    ],
    ['backups off', { DB_BACKUP_RETENTION_DAYS: '0' }, 'DB_BACKUP_RETENTION_DAYS', '0', /1 to 35/],
    [
      'node type',
      { CACHE_NODE_TYPE: 'large' },
      'CACHE_NODE_TYPE',
      'large',
      /ElastiCache node type/,
    ],
    [
      'snapshot retention',
      { CACHE_SNAPSHOT_RETENTION_DAYS: '36' },
      'CACHE_SNAPSHOT_RETENTION_DAYS',
      '36',
      /1 to 35/,
    ],
    ['log retention', { LOG_RETENTION_DAYS: '10' }, 'LOG_RETENTION_DAYS', '10', /one of 1, 3, 5/],
    [
      'rate limit',
      { API_THROTTLING_RATE_LIMIT: '0' },
      'API_THROTTLING_RATE_LIMIT',
      '0',
      /1 to 10000/,
    ],
    [
      'burst below rate',
      { API_THROTTLING_RATE_LIMIT: '100', API_THROTTLING_BURST_LIMIT: '50' },
      'API_THROTTLING_BURST_LIMIT',
      '50',
      /at least the rate limit \(100\)/,
    ],
    ['WAF limit', { WAF_RATE_LIMIT: '99' }, 'WAF_RATE_LIMIT', '99', /100 to 2000000000/],
    [
      'audit classes',
      { DB_AUDIT_LOG: 'ddl,everything' },
      'DB_AUDIT_LOG',
      'ddl,everything',
      /comma list of pgaudit classes/,
    ],
    ['audit log blank', { DB_AUDIT_LOG: '  ' }, 'DB_AUDIT_LOG', '', /set but blank/],
    [
      'apply immediately',
      { DB_APPLY_IMMEDIATELY: 'yes' },
      'DB_APPLY_IMMEDIATELY',
      'yes',
      /one of true, false/,
    ],
    ['account id blank', { AWS_ACCOUNT_ID: '' }, 'AWS_ACCOUNT_ID', '', /set but blank/],
    [
      'account id too short',
      { AWS_ACCOUNT_ID: '12345' },
      'AWS_ACCOUNT_ID',
      '12345',
      /12-digit AWS account id/,
    ],
    [
      'account id with letters',
      { AWS_ACCOUNT_ID: '12345678901a' },
      'AWS_ACCOUNT_ID',
      '12345678901a',
      /12-digit AWS account id/,
    ],
    [
      'account pair with a bad id',
      { AWS_ACCOUNT_ID: 'dev=111111111111,prod=2222' },
      'AWS_ACCOUNT_ID',
      'prod=2222',
      /account id of "prod" must be exactly 12 digits/,
    ],
    [
      'account pair without an id',
      { AWS_ACCOUNT_ID: 'dev=111111111111,prod' },
      'AWS_ACCOUNT_ID',
      'prod',
      /account id of "prod" must be exactly 12 digits/,
    ],
    [
      'account pair without an environment',
      { AWS_ACCOUNT_ID: 'dev=111111111111,=222222222222' },
      'AWS_ACCOUNT_ID',
      '=222222222222',
      /<environment>=<12-digit id>/,
    ],
    [
      'account pair listed twice',
      { AWS_ACCOUNT_ID: 'prod=111111111111,prod=222222222222' },
      'AWS_ACCOUNT_ID',
      'prod=222222222222',
      /listed twice/,
    ],
    ['alarm e-mail', { ALARM_EMAIL: 'oncall' }, 'ALARM_EMAIL', 'oncall', /e-mail address/],
    [
      'subnet count',
      { ENVIRONMENT_SUFFIX: 'dev', PUBLIC_SUBNET_CIDRS: '10.41.0.0/24' },
      'PUBLIC_SUBNET_CIDRS',
      '10.41.0.0/24',
      /exactly 2 CIDRs/,
    ],
    [
      'subnet malformed',
      { ENVIRONMENT_SUFFIX: 'dev', PUBLIC_SUBNET_CIDRS: '10.41.0.0/24,x' },
      'PUBLIC_SUBNET_CIDRS',
      'x',
      /IPv4 CIDR/,
    ],
    [
      // dev's range is 10.41.0.0/16: prod's old default range is outside it.
      'subnet outside VPC',
      { ENVIRONMENT_SUFFIX: 'dev', PUBLIC_SUBNET_CIDRS: '10.41.0.0/24,10.40.0.0/24' },
      'PUBLIC_SUBNET_CIDRS',
      '10.40.0.0/24',
      /inside the VPC CIDR 10.41.0.0\/16/,
    ],
    [
      'subnet too small',
      { ENVIRONMENT_SUFFIX: 'dev', PUBLIC_SUBNET_CIDRS: '10.41.0.0/24,10.41.1.0/29' },
      'PUBLIC_SUBNET_CIDRS',
      '10.41.1.0/29',
      /\/28 or larger/,
    ],
    [
      'overlapping subnets',
      { ENVIRONMENT_SUFFIX: 'dev', ISOLATED_SUBNET_CIDRS: '10.41.0.0/24,10.41.129.0/24' },
      'ISOLATED_SUBNET_CIDRS',
      '10.41.0.0/24',
      /overlaps 10.41.0.0\/24 \(PUBLIC_SUBNET_CIDRS\)/,
    ],
  ];

  it.each(cases)('%s', (_name, env, setting, value, rule) => {
    const problems = problemsOf(env);
    expect(problems).toContainEqual({ setting, value, rule: expect.stringMatching(rule) });
  });

  it('rejects a suffix too long for the shortest name limit it feeds', () => {
    const { maxSuffixLength, what } = tightestNameRule();
    expect(what).toBe('ElastiCache replication group id');
    expect(maxSuffixLength).toBe(23);
    expect(load({ ENVIRONMENT_SUFFIX: 'a'.repeat(23) }).names.cache).toHaveLength(40);
    const [problem] = problemsOf({ ENVIRONMENT_SUFFIX: 'a'.repeat(24) });
    expect(problem.rule).toMatch(
      /at most 23 characters: the ElastiCache replication group id .* 40-character limit/,
    );
  });

  it('refuses a blank context value of a strict setting, labelled by its key', () => {
    expect(problemsOf({}, { dbAuditLog: ' ', accountId: '' })).toEqual([
      {
        setting: 'context "accountId"',
        value: '',
        rule: 'is set but blank: unset it to use the default, or give a value',
      },
      {
        setting: 'context "dbAuditLog"',
        value: '',
        rule: 'is set but blank: unset it to use the default, or give a value',
      },
    ]);
  });

  it('labels context values by their key', () => {
    const [problem] = problemsOf({}, { region: 'nowhere' });
    expect(problem.setting).toBe('context "region"');
  });

  it('reports every problem at once in one message', () => {
    expect(() => loadConfigs({ env: { AWS_REGION: 'x', AZ_COUNT: '9' } })).toThrow(
      'Invalid configuration (2 problems); nothing was synthesized:\n' +
        '  - AWS_REGION = "x": must be a commercial AWS region such as eu-west-1 or us-east-1\n' +
        '  - AZ_COUNT = "9": must be an integer from 2 to 4',
    );
  });

  it('says "1 problem" for one', () => {
    expect(() => loadConfigs({ env: { AZ_COUNT: '9' } })).toThrow(
      /^Invalid configuration \(1 problem\);/,
    );
  });
});

describe('settings table', () => {
  it('documents a variable, a context key, a default and a rule for every setting', () => {
    for (const spec of Object.values(SETTINGS)) {
      expect(spec.envVar).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(spec.contextKey).toMatch(/^[a-z][A-Za-z]+$/);
      expect(spec.defaultText.length).toBeGreaterThan(0);
      expect(spec.ruleText.length).toBeGreaterThan(0);
    }
  });
});

describe('data classification (DATA_CLASSIFICATION)', () => {
  it('is PHI in the production profile and synthetic in the standard profile by default', () => {
    expect(load({}).dataClassification).toBe('PHI');
    expect(load({ ENVIRONMENT_SUFFIX: 'dev' }).dataClassification).toBe('synthetic');
    // The profile decides, not the name.
    expect(
      load({ ENVIRONMENT_SUFFIX: 'dev', PLATFORM_PROFILE: 'production' }).dataClassification,
    ).toBe('PHI');
  });

  it('lets a production environment declare synthetic data (a load-test copy of production)', () => {
    expect(load({ DATA_CLASSIFICATION: 'synthetic' }).dataClassification).toBe('synthetic');
  });

  it('refuses PHI in the standard profile with one clear message', () => {
    expect(problemsOf({ ENVIRONMENT_SUFFIX: 'dev', DATA_CLASSIFICATION: 'PHI' })).toEqual([
      {
        setting: 'DATA_CLASSIFICATION',
        value: 'PHI',
        rule: 'the standard profile may not hold PHI: its controls are below the production bar (single-AZ database, no deletion protection, 7-day backups, 30-day logs); set PLATFORM_PROFILE=production for an environment that holds PHI, or DATA_CLASSIFICATION=synthetic',
      },
    ]);
  });

  it('refuses a word outside the vocabulary (the spelling is exact)', () => {
    expect(problemsOf({ DATA_CLASSIFICATION: 'phi' })).toEqual([
      { setting: 'DATA_CLASSIFICATION', value: 'phi', rule: 'must be one of PHI, synthetic' },
    ]);
  });
});

describe('readiness reserved concurrency (READINESS_RESERVED_CONCURRENCY)', () => {
  it('reserves 2 by default in both profiles', () => {
    expect(load({}).readiness.reservedConcurrency).toBe(2);
    expect(load({ ENVIRONMENT_SUFFIX: 'dev' }).readiness.reservedConcurrency).toBe(2);
  });

  it('takes 0 (no reservation) in the standard profile, and up to 100', () => {
    expect(
      load({ ENVIRONMENT_SUFFIX: 'dev', READINESS_RESERVED_CONCURRENCY: '0' }).readiness
        .reservedConcurrency,
    ).toBe(0);
    expect(load({ READINESS_RESERVED_CONCURRENCY: '100' }).readiness.reservedConcurrency).toBe(100);
  });

  it('refuses 101 and -1', () => {
    for (const value of ['101', '-1']) {
      expect(problemsOf({ READINESS_RESERVED_CONCURRENCY: value })).toEqual([
        {
          setting: 'READINESS_RESERVED_CONCURRENCY',
          value,
          rule: 'must be an integer from 0 to 100',
        },
      ]);
    }
  });

  it('refuses 0 in the production profile, and accepts 1 there', () => {
    expect(problemsOf({ READINESS_RESERVED_CONCURRENCY: '0' })).toEqual([
      {
        setting: 'READINESS_RESERVED_CONCURRENCY',
        value: '0',
        rule: 'the production profile keeps a reservation (it caps the connections the function opens to the database and the cache; policy HIPAA-LAMBDA-004): request a Lambda concurrent executions quota of at least 101 in the region instead',
      },
    ]);
    expect(load({ READINESS_RESERVED_CONCURRENCY: '1' }).readiness.reservedConcurrency).toBe(1);
  });
});

describe('production deploy requirements', () => {
  it('marks the account pin, the alarm subscriber and the custom domain as required in production only', () => {
    const prod = load({});
    expect([
      prod.accountPinRequired,
      prod.alarmSubscriberRequired,
      prod.api.customDomainRequired,
    ]).toEqual([true, true, true]);
    const dev = load({ ENVIRONMENT_SUFFIX: 'dev' });
    expect([
      dev.accountPinRequired,
      dev.alarmSubscriberRequired,
      dev.api.customDomainRequired,
    ]).toEqual([false, false, false]);
  });
});
