import { loadConfig } from '../../config/config';
import { platformTags } from '../../stacks/platform-stack';
import { json } from '../support/synthesized';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const synthStack = (env: Record<string, string>): Json => json('platform', env);

const resources = (tf: Json, type: string): Json[] => Object.values(tf.resource[type] ?? {});

/**
 * Resources of which an AWS account (or account and region) has exactly one, or that
 * configure the whole account: they belong to the TapAccountBaseline stack. Created by
 * every environment, each environment would overwrite the others' setting and the
 * first destroy would remove it for all.
 */
const ACCOUNT_SINGLETONS = [
  'aws_api_gateway_account',
  'aws_ebs_encryption_by_default',
  'aws_ebs_default_kms_key',
  'aws_s3_account_public_access_block',
  'aws_guardduty_detector',
  'aws_securityhub_account',
  'aws_securityhub_standards_subscription',
  'aws_config_configuration_recorder',
  'aws_config_configuration_recorder_status',
  'aws_config_delivery_channel',
  'aws_cloudtrail',
  'aws_iam_account_password_policy',
  'aws_iam_account_alias',
  'aws_macie2_account',
  'aws_accessanalyzer_analyzer',
  'aws_inspector2_enabler',
  'aws_detective_graph',
  'aws_ec2_serial_console_access',
  'aws_ec2_image_block_public_access',
  'aws_emr_block_public_access_configuration',
  'aws_account_alternate_contact',
];
const only = (tf: Json, type: string): Json => {
  const all = resources(tf, type);
  expect(all).toHaveLength(1);
  return all[0];
};

describe('PlatformStack, production profile (the default)', () => {
  let tf: Json;
  beforeAll(() => {
    tf = synthStack({});
  });

  it('is TapStackprod in eu-west-1 with the compliance tags on every resource', () => {
    expect(tf.provider.aws).toEqual([
      {
        region: 'eu-west-1',
        default_tags: [
          {
            tags: {
              Project: 'healthcare-platform',
              Environment: 'prod',
              ManagedBy: 'cdktf',
              DataClassification: 'PHI',
              Compliance: 'HIPAA',
            },
          },
        ],
      },
    ]);
    expect(tf.terraform.backend.s3.key).toBe('healthcare/prod/TapStackprod.tfstate');
  });

  it('protects stateful data: Multi-AZ, deletion protection, final snapshot, prevent_destroy', () => {
    const db = only(tf, 'aws_db_instance');
    expect(db).toMatchObject({
      identifier: 'healthcare-db-prod',
      multi_az: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      // Unique per instance lifetime: AWS keeps snapshot names after the instance is gone.
      final_snapshot_identifier:
        'healthcare-db-prod-final-${formatdate("YYYYMMDDhhmmss", plantimestamp())}',
      // Created with the continuous backup rule's retention; AWS Backup owns both after.
      backup_retention_period: 35,
      backup_window: '03:00-04:00',
      delete_automated_backups: false,
      lifecycle: {
        prevent_destroy: true,
        ignore_changes: ['final_snapshot_identifier', 'backup_retention_period', 'backup_window'],
      },
    });
    expect(only(tf, 'aws_elasticache_replication_group')).toMatchObject({
      final_snapshot_identifier:
        'healthcare-redis-prod-final-${formatdate("YYYYMMDDhhmmss", plantimestamp())}',
      lifecycle: { prevent_destroy: true, ignore_changes: ['final_snapshot_identifier'] },
    });
    for (const key of resources(tf, 'aws_kms_key')) {
      expect(key).toMatchObject({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        lifecycle: { prevent_destroy: true },
      });
    }
    // The only secret is the RDS-managed master secret (RDS owns its lifecycle): no
    // secret name outlives a destroyed environment.
    expect(resources(tf, 'aws_secretsmanager_secret')).toEqual([]);
  });

  it('runs one NAT gateway per AZ across three AZs', () => {
    expect(resources(tf, 'aws_nat_gateway')).toHaveLength(3);
    expect(resources(tf, 'aws_subnet')).toHaveLength(9);
    for (const eip of resources(tf, 'aws_eip')) {
      expect(eip.domain).toBe('vpc');
      expect(eip).not.toHaveProperty('vpc');
    }
  });

  it('keeps logs six years', () => {
    for (const group of resources(tf, 'aws_cloudwatch_log_group')) {
      expect(group.retention_in_days).toBe(2192);
      expect(group.kms_key_id).toMatch(/^\$\{aws_kms_key\.logs-key_\w+\.arn\}$/);
    }
  });

  it('wires every data store to the data key and every log group to the logs key', () => {
    const dataKeyArn = expect.stringMatching(/^\$\{aws_kms_key\.data-key_\w+\.arn\}$/);
    expect(only(tf, 'aws_db_instance')).toMatchObject({
      kms_key_id: dataKeyArn,
      performance_insights_kms_key_id: dataKeyArn,
      master_user_secret_kms_key_id: dataKeyArn,
    });
    expect(only(tf, 'aws_elasticache_replication_group').kms_key_id).toEqual(dataKeyArn);
    for (const secret of resources(tf, 'aws_secretsmanager_secret'))
      expect(secret.kms_key_id).toEqual(dataKeyArn);
    expect(only(tf, 'aws_sns_topic').kms_master_key_id).toMatch(/aws_kms_key\.logs-key_/);
  });

  it('admits the data stores only from the application security group', () => {
    const ingress = resources(tf, 'aws_vpc_security_group_ingress_rule');
    const dataPorts = ingress.filter((r) => r.from_port === 5432 || r.from_port === 6379);
    expect(dataPorts).toHaveLength(2);
    for (const rule of dataPorts) {
      expect(rule.referenced_security_group_id).toMatch(
        /aws_security_group\.network_application-security-group_\w+\.id/,
      );
      expect(rule).not.toHaveProperty('cidr_ipv4');
    }
    for (const rule of ingress) expect(rule.cidr_ipv4).not.toBe('0.0.0.0/0');
  });

  it('exposes the outputs others need, and no secret value', () => {
    expect(Object.keys(tf.output).sort()).toEqual([
      'alarm_topic_arn',
      'api_health_url',
      'api_id',
      'api_ready_caller_policy_arn',
      'api_ready_url',
      'api_stage_name',
      'application_security_group_id',
      'database_endpoint_address',
      'database_master_secret_arn',
      'database_port',
      'db_setup_function_name',
      'isolated_subnet_ids',
      'kms_key_arn',
      'kms_key_id',
      'kms_logs_key_arn',
      'log_unmask_role_arn',
      'private_subnet_ids',
      'public_subnet_ids',
      'readiness_database_user',
      'readiness_function_name',
      'redis_port',
      'redis_primary_endpoint_address',
      'redis_reader_endpoint_address',
      'redis_user_id',
      'redis_user_name',
      'vpc_id',
    ]);
    expect(tf.output.database_port.value).toBe(5432);
    expect(tf.output.redis_port.value).toBe(6379);
    expect(tf.output.database_master_secret_arn.value).toMatch(
      /\.master_user_secret\[0\]\.secret_arn\}$/,
    );
    expect(tf.output.redis_user_id.value).toMatch(
      /^\$\{aws_elasticache_user\.cache_iam-user_\w+\.user_id\}$/,
    );
    expect(tf.output.redis_user_name.value).toBe(tf.output.redis_user_id.value);
    const outputs = JSON.stringify(tf.output);
    expect(outputs).not.toMatch(/secret_string|auth_token|password|random_password/);
  });

  it('prints no secret in any plan: no generated password data source, no AUTH token', () => {
    // data.aws_secretsmanager_random_password's id IS the password in provider 5.100.
    expect(tf.data?.aws_secretsmanager_random_password).toBeUndefined();
    const redis = only(tf, 'aws_elasticache_replication_group');
    expect(redis).not.toHaveProperty('auth_token');
    expect(redis.user_group_ids).toEqual([
      expect.stringMatching(
        /^\$\{aws_elasticache_user_group\.cache_user-group_\w+\.user_group_id\}$/,
      ),
    ]);
    expect(only(tf, 'aws_elasticache_user_group')).toMatchObject({
      user_group_id: 'healthcare-redis-prod',
    });
    const users = resources(tf, 'aws_elasticache_user').map((u) => [u.user_id, u.user_name]);
    expect(users.sort()).toEqual([
      ['healthcare-app-prod', 'healthcare-app-prod'],
      ['healthcare-dflt-prod', 'default'],
    ]);
  });

  it('runs the readiness function in the private subnets and app security group, wired to the DB, cache, API and alarms', () => {
    const fn = resources(tf, 'aws_lambda_function').find(
      (f) => f.function_name === 'healthcare-readiness-prod',
    )!;
    expect(fn.function_name).toBe('healthcare-readiness-prod');
    expect(fn.vpc_config.subnet_ids).toEqual(
      [0, 1, 2].map((i) =>
        expect.stringMatching(
          new RegExp(`^\\$\\{aws_subnet\\.network_private-subnet-${i}_\\w+\\.id\\}$`),
        ),
      ),
    );
    expect(fn.vpc_config.security_group_ids).toEqual([
      expect.stringMatching(
        /^\$\{aws_security_group\.network_application-security-group_\w+\.id\}$/,
      ),
    ]);
    expect(fn.kms_key_arn).toMatch(/^\$\{aws_kms_key\.data-key_\w+\.arn\}$/);
    expect(fn.environment.variables.DB_HOST).toMatch(
      /aws_db_instance\.database_instance_\w+\.address/,
    );
    expect(fn.environment.variables.CACHE_HOST).toMatch(/\.primary_endpoint_address\}$/);
    const permissions = Object.entries(tf.data.aws_iam_policy_document).find(([k]) =>
      k.startsWith('readiness_permissions'),
    )![1] as Json;
    const byId = Object.fromEntries(
      permissions.statement.map((st: Json) => [st.sid, st.resources]),
    );
    // rds-db:connect names the instance's resource_id (db-…), not its identifier.
    expect(byId.ConnectToDatabaseAsOneUser).toEqual([
      expect.stringMatching(
        /^arn:\$\{data\.aws_partition\.data-key_partition_\w+\.partition\}:rds-db:\$\{data\.aws_region\.data-key_region_\w+\.name\}:\$\{data\.aws_caller_identity\.data-key_caller-identity_\w+\.account_id\}:dbuser:\$\{aws_db_instance\.database_instance_\w+\.resource_id\}\/readiness$/,
      ),
    ]);
    expect(byId.ConnectToCacheAsOneUser).toEqual([
      expect.stringMatching(
        /^\$\{aws_elasticache_replication_group\.cache_replication-group_\w+\.arn\}$/,
      ),
      expect.stringMatching(/^\$\{aws_elasticache_user\.cache_iam-user_\w+\.arn\}$/),
    ]);
    const proxy = resources(tf, 'aws_api_gateway_integration').find((i) => i.type === 'AWS_PROXY')!;
    expect(proxy.uri).toMatch(/^\$\{aws_lambda_function\.readiness_function_\w+\.invoke_arn\}$/);
    const readinessAlarms = resources(tf, 'aws_cloudwatch_metric_alarm').filter((a) =>
      a.alarm_name.startsWith('healthcare-prod-readiness-'),
    );
    // The topic policy's aws:SourceArn admits only alarms named healthcare-prod-*.
    expect(readinessAlarms.map((a) => a.alarm_name).sort()).toEqual(
      ['dead-letters', 'errors', 'not-ready', 'throttles'].map(
        (w) => `healthcare-prod-readiness-${w}`,
      ),
    );
    for (const alarm of readinessAlarms) {
      expect(alarm.alarm_actions).toEqual([
        expect.stringMatching(/^\$\{aws_sns_topic\.alarms_topic_\w+\.arn\}$/),
      ]);
    }
  });

  it('reads the Redis primary endpoint, never the cluster-mode configuration endpoint', () => {
    expect(tf.output.redis_primary_endpoint_address.value).toMatch(
      /^\$\{aws_elasticache_replication_group\.cache_replication-group_\w+\.primary_endpoint_address\}$/,
    );
    expect(tf.output.redis_reader_endpoint_address.value).toMatch(/\.reader_endpoint_address\}$/);
    expect(JSON.stringify(tf)).not.toContain('configuration_endpoint_address');
  });

  it('uses the current provider arguments (no renamed or removed ones)', () => {
    const redis = only(tf, 'aws_elasticache_replication_group');
    expect(redis.description).toMatch(/\S/);
    expect(redis).not.toHaveProperty('replication_group_description');
    expect(redis).not.toHaveProperty('auth_token_enabled');
    expect(redis).toMatchObject({
      num_cache_clusters: 2,
      automatic_failover_enabled: true,
      multi_az_enabled: true,
      at_rest_encryption_enabled: 'true', // a string in provider 5.100
      transit_encryption_enabled: true,
    });
  });

  it('asks RDS for a major version only, so the region resolves a minor that exists', () => {
    const db = only(tf, 'aws_db_instance');
    expect(db.engine).toBe('postgres');
    expect(db.engine_version).toBe('16');
    expect(db.auto_minor_version_upgrade).toBe(true);
    expect(only(tf, 'aws_db_parameter_group').family).toBe('postgres16');
  });

  it('creates the /health integration response only after its integration and method response', () => {
    const response = only(tf, 'aws_api_gateway_integration_response');
    expect(response.depends_on).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^aws_api_gateway_integration\./),
        expect.stringMatching(/^aws_api_gateway_method_response\./),
      ]),
    );
    expect(only(tf, 'aws_api_gateway_stage').stage_name).toBe('prod');
    expect(tf.output.api_health_url.value).toMatch(/\.invoke_url\}\/health$/);
  });

  it('names the parameter groups so a replacement never collides (family in the name)', () => {
    const dbGroup = only(tf, 'aws_db_parameter_group');
    expect(dbGroup).toMatchObject({
      name_prefix: 'healthcare-pg-prod-postgres16-',
      lifecycle: { create_before_destroy: true },
    });
    expect(dbGroup).not.toHaveProperty('name');
    expect(only(tf, 'aws_elasticache_parameter_group')).toMatchObject({
      // sha256("redis7\nRedis 7 for healthcare-redis-prod"), first 8 hex digits.
      name: 'healthcare-redis-prod-redis7-c3a82fea',
      lifecycle: { create_before_destroy: true },
    });
    expect(only(tf, 'aws_db_instance').allow_major_version_upgrade).toBe(true);
  });

  it('audits reads and writes with pgaudit in production, without parameters', () => {
    const parameters = only(tf, 'aws_db_parameter_group').parameter as Json[];
    const value = (name: string) => parameters.find((p) => p.name === name)?.value;
    expect(value('pgaudit.log')).toBe('ddl,role,read,write');
    expect(value('pgaudit.log_parameter')).toBe('0');
    expect(value('log_parameter_max_length')).toBe('0');
    expect(value('log_parameter_max_length_on_error')).toBe('0');
  });

  it('keeps all tags identical to platformTags()', () => {
    const config = loadConfig({ env: {} });
    expect(tf.provider.aws[0].default_tags[0].tags).toEqual(platformTags(config));
  });
});

describe.each(['prod', 'dev'])('PlatformStack %s and account-level resources', (environment) => {
  it('contains no account or region singleton (they belong to TapAccountBaseline)', () => {
    const tf = synthStack({ ENVIRONMENT_SUFFIX: environment });
    const types = Object.keys(tf.resource);
    expect(types.length).toBeGreaterThan(20);
    expect(types.filter((type) => ACCOUNT_SINGLETONS.includes(type))).toEqual([]);
  });
});

describe('PlatformStack account pinning', () => {
  it('passes AWS_ACCOUNT_ID to the provider as allowed_account_ids', () => {
    const tf = synthStack({ AWS_ACCOUNT_ID: 'dev=111111111111,prod=222222222222' });
    expect(tf.provider.aws[0].allowed_account_ids).toEqual(['222222222222']);
  });

  it('leaves the provider unpinned without the setting', () => {
    expect(synthStack({ ENVIRONMENT_SUFFIX: 'dev' }).provider.aws[0]).not.toHaveProperty(
      'allowed_account_ids',
    );
  });
});

describe('PlatformStack, standard profile (dev)', () => {
  let tf: Json;
  beforeAll(() => {
    tf = synthStack({ ENVIRONMENT_SUFFIX: 'dev' });
  });

  it('is cheaper: single AZ database, one NAT gateway, two AZs, short retention', () => {
    expect(only(tf, 'aws_db_instance')).toMatchObject({
      identifier: 'healthcare-db-dev',
      multi_az: false,
      deletion_protection: false,
      skip_final_snapshot: true,
      delete_automated_backups: true,
      instance_class: 'db.t4g.medium',
      backup_retention_period: 7,
    });
    expect(resources(tf, 'aws_nat_gateway')).toHaveLength(1);
    expect(resources(tf, 'aws_subnet')).toHaveLength(6);
    for (const group of resources(tf, 'aws_cloudwatch_log_group'))
      expect(group.retention_in_days).toBe(30);
  });

  it('does not add prevent_destroy, so a dev environment can be torn down', () => {
    for (const type of [
      'aws_db_instance',
      'aws_elasticache_replication_group',
      'aws_kms_key',
      'aws_secretsmanager_secret',
    ]) {
      for (const r of resources(tf, type))
        expect(r.lifecycle?.prevent_destroy ?? false).toBe(false);
    }
  });

  it('still encrypts everything and still keeps the Redis cache Multi-AZ', () => {
    expect(only(tf, 'aws_db_instance').storage_encrypted).toBe(true);
    expect(only(tf, 'aws_elasticache_replication_group')).toMatchObject({
      multi_az_enabled: true,
      at_rest_encryption_enabled: 'true', // a string in provider 5.100
      transit_encryption_enabled: true,
    });
    expect(tf.terraform.backend.s3.key).toBe('healthcare/dev/TapStackdev.tfstate');
    expect(only(tf, 'aws_api_gateway_stage').stage_name).toBe('dev');
  });
});

describe('PlatformStack data classification', () => {
  it('tags production PHI and the standard profile synthetic (provider default tags)', () => {
    const tag = (env: Record<string, string>) =>
      synthStack(env).provider.aws[0].default_tags[0].tags.DataClassification;
    expect(tag({})).toBe('PHI');
    expect(tag({ ENVIRONMENT_SUFFIX: 'dev' })).toBe('synthetic');
    expect(tag({ DATA_CLASSIFICATION: 'synthetic' })).toBe('synthetic');
  });

  it('platformTags() follows the configuration', () => {
    expect(platformTags(loadConfig({ env: { ENVIRONMENT_SUFFIX: 'qa' } }))).toEqual({
      Project: 'healthcare-platform',
      Environment: 'qa',
      ManagedBy: 'cdktf',
      DataClassification: 'synthetic',
      Compliance: 'HIPAA',
    });
  });
});

describe('PlatformStack network: addresses stay put', () => {
  // Today's production subnets: the addresses (construct ids), CIDRs and zones of an existing
  // production VPC. Dropping the zones' state filter must not change any of them.
  it('keeps every production subnet at its address, CIDR and zone index', () => {
    const tf = synthStack({});
    const zones = Object.keys(tf.data.aws_availability_zones);
    expect(zones).toEqual(['network_availability-zones_A2EF1126']);
    const subnets = Object.fromEntries(
      Object.entries(tf.resource.aws_subnet as Record<string, Json>).map(([name, s]) => [
        name,
        [s.cidr_block, s.availability_zone],
      ]),
    );
    const az = (i: number) =>
      `\${element(data.aws_availability_zones.network_availability-zones_A2EF1126.names, ${i})}`;
    expect(subnets).toEqual({
      'network_public-subnet-0_3247A438': ['10.40.0.0/24', az(0)],
      'network_public-subnet-1_63BED862': ['10.40.1.0/24', az(1)],
      'network_public-subnet-2_7DE9A83A': ['10.40.2.0/24', az(2)],
      'network_private-subnet-0_0C797916': ['10.40.16.0/20', az(0)],
      'network_private-subnet-1_F0ACDF2C': ['10.40.32.0/20', az(1)],
      'network_private-subnet-2_1AC61B04': ['10.40.48.0/20', az(2)],
      'network_isolated-subnet-0_D1F49F8C': ['10.40.128.0/24', az(0)],
      'network_isolated-subnet-1_3CC71061': ['10.40.129.0/24', az(1)],
      'network_isolated-subnet-2_93A86BD9': ['10.40.130.0/24', az(2)],
    });
    expect(only(tf, 'aws_vpc').cidr_block).toBe('10.40.0.0/16');
    // Every zone whatever its state (an impaired zone does not re-index the list).
    expect(
      tf.data.aws_availability_zones['network_availability-zones_A2EF1126'],
    ).not.toHaveProperty('state');
  });

  it('pins the zones by name with AVAILABILITY_ZONES', () => {
    const tf = synthStack({
      ENVIRONMENT_SUFFIX: 'dev',
      AVAILABILITY_ZONES: 'eu-west-1b,eu-west-1c',
    });
    const zones = resources(tf, 'aws_subnet').map((s) => s.availability_zone);
    expect(zones.sort()).toEqual([
      'eu-west-1b',
      'eu-west-1b',
      'eu-west-1b',
      'eu-west-1c',
      'eu-west-1c',
      'eu-west-1c',
    ]);
    expect(tf.resource.terraform_data.deploy_gates.input.gates).not.toContain('availability zones');
  });
});

describe('PlatformStack API custom domain', () => {
  const CERT =
    'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

  it('serves the API on the domain with TLS_1_2 and turns the execute-api endpoint off', () => {
    const tf = synthStack({ API_DOMAIN_NAME: 'api.example.org', API_CERTIFICATE_ARN: CERT });
    expect(only(tf, 'aws_api_gateway_domain_name')).toMatchObject({
      domain_name: 'api.example.org',
      regional_certificate_arn: CERT,
      security_policy: 'TLS_1_2',
      endpoint_configuration: { types: ['REGIONAL'] },
    });
    expect(only(tf, 'aws_api_gateway_rest_api').disable_execute_api_endpoint).toBe(true);
    const domain = /^https:\/\/\$\{aws_api_gateway_domain_name\.api_domain-name_\w+\.domain_name\}/;
    expect(tf.output.api_health_url.value).toMatch(new RegExp(`${domain.source}/health$`));
    expect(tf.output.api_ready_url.value).toMatch(new RegExp(`${domain.source}/ready$`));
    expect(tf.output.api_domain_target.value).toMatch(/\.regional_domain_name\}$/);
    expect(tf.output.api_domain_zone_id.value).toMatch(/\.regional_zone_id\}$/);
    expect(tf.output.api_domain_target.description).toMatch(/the record is yours to create/);
    expect(tf.locals.deploy_facts.api_domain_name).toBe('api.example.org');
  });

  it('without one, keeps the execute-api URLs and has no DNS target output', () => {
    const tf = synthStack({ ENVIRONMENT_SUFFIX: 'dev' });
    expect(tf.output.api_health_url.value).toMatch(/\.invoke_url\}\/health$/);
    expect(tf.output).not.toHaveProperty('api_domain_target');
    expect(tf.resource.aws_api_gateway_domain_name).toBeUndefined();
  });
});

describe('PlatformStack deploy gates', () => {
  it('gates every environment on the baseline, the region and the quotas, production on its requirements', () => {
    const tf = synthStack({});
    expect(tf.resource.terraform_data.deploy_gates.input.gates).toEqual([
      'alarm subscriber',
      'account pin',
      'account baseline',
      'API custom domain',
      'availability zones',
      'DB instance class features',
      'Lambda concurrency',
      'Elastic IPs',
    ]);
    expect(tf.locals.deploy_facts).toEqual({
      environment: 'prod',
      region: 'eu-west-1',
      production: true,
      alarm_subscribers: [],
      pinned_account: '',
      api_domain_name: '',
      az_count: 3,
      multi_az: true,
      // readiness 2 + database setup 1
      reserved_concurrency: 3,
      nat_gateways: 3,
    });
    expect(tf.data.aws_iam_roles.account_baseline.name_regex).toBe('^healthcare-apigw-cloudwatch$');
    expect(tf.data.aws_eips.this_environment.tags).toEqual({
      Project: 'healthcare-platform',
      Environment: 'prod',
    });
  });

  it('reads what the settings say: subscriber, pin, class, NAT gateways, reservation', () => {
    const tf = synthStack({
      ENVIRONMENT_SUFFIX: 'dev',
      ALARM_EMAIL: 'oncall@example.org',
      AWS_ACCOUNT_ID: '111122223333',
      DB_INSTANCE_CLASS: 'db.m7g.large',
      READINESS_RESERVED_CONCURRENCY: '0',
    });
    expect(tf.locals.deploy_facts).toMatchObject({
      production: false,
      alarm_subscribers: ['oncall@example.org'],
      pinned_account: '111122223333',
      multi_az: false,
      nat_gateways: 1,
      // readiness none + database setup 1
      reserved_concurrency: 1,
    });
    expect(tf.data.aws_rds_orderable_db_instance.database_class.instance_class).toBe(
      'db.m7g.large',
    );
    // The setup function still reserves one: the quota gate stays.
    expect(tf.resource.terraform_data.deploy_gates.input.gates).toContain('Lambda concurrency');
    const readiness = resources(tf, 'aws_lambda_function').find(
      (f: Json) => f.function_name === 'healthcare-readiness-dev',
    );
    expect(readiness).not.toHaveProperty('reserved_concurrent_executions');
  });
});
