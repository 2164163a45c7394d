/**
 * Hand-written cdk.tf.json fixtures for the policy engine: one compliant stack (BASE) and,
 * per rule, the patch that breaks exactly that rule and the detail the failure must show.
 */
import type { TerraformJson } from '../../../tools/policy/terraform';
import type { PolicyProfile } from '../../../tools/policy/types';

export const KEY = '${aws_kms_key.k.arn}';
type Attrs = Record<string, unknown>;
/**
 * address → attributes; `null` removes the resource, an `undefined` attribute removes that
 * attribute. `provider.aws` patches the provider's default tags.
 */
export type Patch = Record<string, Attrs | null>;

const keyPolicy = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Root',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::123456789012:root' },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'Logs',
      Effect: 'Allow',
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Action: ['kms:Encrypt*', 'kms:Decrypt*'],
      Resource: '*',
      Condition: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:123456789012:*' },
      },
    },
  ],
});
const keep = { lifecycle: { prevent_destroy: true } };

export const BASE: Record<string, Attrs> = {
  'aws_kms_key.k': {
    enable_key_rotation: true,
    deletion_window_in_days: 30,
    policy: keyPolicy,
    ...keep,
  },
  'aws_db_parameter_group.pg': {
    name_prefix: 'healthcare-pg-prod-postgres16-',
    family: 'postgres16',
    description: 'PostgreSQL 16',
    lifecycle: { create_before_destroy: true },
    parameter: [
      { name: 'rds.force_ssl', value: '1' },
      { name: 'log_parameter_max_length', value: '0' },
      { name: 'log_parameter_max_length_on_error', value: '0' },
      { name: 'shared_preload_libraries', value: 'pg_stat_statements,pgaudit' },
      { name: 'pgaudit.log', value: 'ddl,role' },
      { name: 'pgaudit.log_parameter', value: '0' },
    ],
  },
  'aws_db_instance.db': {
    engine: 'postgres',
    storage_encrypted: true,
    kms_key_id: KEY,
    publicly_accessible: false,
    deletion_protection: true,
    skip_final_snapshot: false,
    final_snapshot_identifier: 'healthcare-db-prod-final',
    backup_retention_period: 35,
    iam_database_authentication_enabled: true,
    multi_az: true,
    enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
    performance_insights_enabled: true,
    performance_insights_kms_key_id: KEY,
    manage_master_user_password: true,
    master_user_secret_kms_key_id: KEY,
    parameter_group_name: '${aws_db_parameter_group.pg.name}',
    monitoring_interval: 60,
    monitoring_role_arn: '${aws_iam_role.mon.arn}',
    copy_tags_to_snapshot: true,
    // In AWS Backup's continuous plan (production): the rule owns retention and window.
    lifecycle: {
      prevent_destroy: true,
      ignore_changes: ['backup_retention_period', 'backup_window'],
    },
  },
  'aws_elasticache_parameter_group.epg': {
    // sha256("redis7\nRedis 7 for fixture"), first 8 hex digits.
    name: 'healthcare-redis-prod-redis7-c74b1c2d',
    family: 'redis7',
    description: 'Redis 7 for fixture',
    lifecycle: { create_before_destroy: true },
  },
  'aws_elasticache_replication_group.rg': {
    at_rest_encryption_enabled: 'true',
    kms_key_id: KEY,
    transit_encryption_enabled: true,
    user_group_ids: ['${aws_elasticache_user_group.ug.user_group_id}'],
    automatic_failover_enabled: true,
    multi_az_enabled: true,
    snapshot_retention_limit: 14,
    final_snapshot_identifier: 'healthcare-redis-prod-final',
    log_delivery_configuration: [
      {
        destination: '${aws_cloudwatch_log_group.lg.name}',
        destination_type: 'cloudwatch-logs',
        log_format: 'json',
        log_type: 'slow-log',
      },
    ],
    ...keep,
  },
  'aws_elasticache_user.dflt': {
    user_id: 'dflt',
    user_name: 'default',
    access_string: 'off -@all',
    no_password_required: true,
    engine: 'redis',
  },
  'aws_elasticache_user.app': {
    user_id: 'app',
    user_name: 'app',
    access_string: 'on ~app:* -@all +@read',
    authentication_mode: { type: 'iam' },
    engine: 'redis',
  },
  'aws_elasticache_user_group.ug': {
    user_group_id: 'ug',
    engine: 'redis',
    user_ids: ['${aws_elasticache_user.dflt.user_id}', '${aws_elasticache_user.app.user_id}'],
  },
  'aws_lambda_function.fn': {
    function_name: 'fn',
    runtime: 'nodejs22.x',
    role: '${aws_iam_role.mon.arn}',
    vpc_config: {
      subnet_ids: ['${aws_subnet.sn.id}'],
      security_group_ids: ['${aws_security_group.app.id}'],
    },
    environment: { variables: { DB_HOST: '${aws_db_instance.db.address}' } },
    kms_key_arn: KEY,
    tracing_config: { mode: 'Active' },
    reserved_concurrent_executions: 2,
    dead_letter_config: { target_arn: '${aws_sqs_queue.dlq.arn}' },
  },
  'aws_lambda_permission.invoke': {
    action: 'lambda:InvokeFunction',
    function_name: '${aws_lambda_function.fn.function_name}',
    principal: 'apigateway.amazonaws.com',
    source_arn: '${aws_api_gateway_rest_api.api.execution_arn}/prod/GET/ready',
  },
  'aws_sqs_queue.dlq': { kms_master_key_id: KEY },
  'aws_secretsmanager_secret.sec': { kms_key_id: KEY, recovery_window_in_days: 30, ...keep },
  'aws_cloudwatch_log_group.lg': { kms_key_id: KEY, retention_in_days: 2192 },
  'aws_cloudwatch_log_group.fnlogs': {
    name: '/aws/lambda/fn',
    kms_key_id: KEY,
    retention_in_days: 2192,
  },
  'aws_cloudwatch_log_data_protection_policy.fnlogs': {
    log_group_name: '${aws_cloudwatch_log_group.fnlogs.name}',
    policy_document: JSON.stringify({
      Name: 'phi',
      Version: '2021-06-01',
      Statement: [
        {
          Sid: 'audit',
          DataIdentifier: ['arn:aws:dataprotection::aws:data-identifier/EmailAddress'],
          Operation: { Audit: { FindingsDestination: {} } },
        },
        {
          Sid: 'mask',
          DataIdentifier: ['arn:aws:dataprotection::aws:data-identifier/EmailAddress'],
          Operation: { Deidentify: { MaskConfig: {} } },
        },
      ],
    }),
  },
  'aws_iam_role.unmask': {
    assume_role_policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::123456789012:root' },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    }),
  },
  'aws_iam_role_policy.unmask': {
    role: '${aws_iam_role.unmask.id}',
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['logs:Unmask', 'logs:GetLogEvents'],
          Resource: '${aws_cloudwatch_log_group.fnlogs.arn}',
        },
      ],
    }),
  },
  'aws_vpc.vpc': { cidr_block: '10.40.0.0/16' },
  'aws_subnet.sn': { vpc_id: '${aws_vpc.vpc.id}', map_public_ip_on_launch: false },
  'aws_default_security_group.dsg': { vpc_id: '${aws_vpc.vpc.id}' },
  'aws_security_group.db': {
    vpc_id: '${aws_vpc.vpc.id}',
    ingress: [
      {
        from_port: 5432,
        to_port: 5432,
        protocol: 'tcp',
        security_groups: ['${aws_security_group.app.id}'],
      },
    ],
  },
  'aws_security_group.app': { vpc_id: '${aws_vpc.vpc.id}' },
  'aws_vpc_security_group_ingress_rule.dbin': {
    security_group_id: '${aws_security_group.db.id}',
    from_port: 5432,
    to_port: 5432,
    ip_protocol: 'tcp',
    referenced_security_group_id: '${aws_security_group.app.id}',
  },
  'aws_security_group_rule.https': {
    type: 'ingress',
    from_port: 443,
    to_port: 443,
    protocol: 'tcp',
    cidr_blocks: ['10.40.0.0/16'],
    security_group_id: '${aws_security_group.app.id}',
  },
  'aws_security_group_rule.egress': {
    type: 'egress',
    from_port: 0,
    to_port: 0,
    protocol: '-1',
    cidr_blocks: ['0.0.0.0/0'],
    security_group_id: '${aws_security_group.app.id}',
  },
  'aws_flow_log.fl': {
    vpc_id: '${aws_vpc.vpc.id}',
    traffic_type: 'ALL',
    log_destination: '${aws_cloudwatch_log_group.lg.arn}',
  },
  'aws_api_gateway_stage.st': {
    stage_name: 'prod',
    xray_tracing_enabled: true,
    access_log_settings: {
      destination_arn: '${aws_cloudwatch_log_group.lg.arn}',
      format: '{"requestId":"$context.requestId"}',
    },
  },
  'aws_wafv2_web_acl_association.waf': {
    resource_arn: '${aws_api_gateway_stage.st.arn}',
    web_acl_arn: '${aws_wafv2_web_acl.acl.arn}',
  },
  'aws_api_gateway_method.m': {
    http_method: 'GET',
    authorization: 'AWS_IAM',
  },
  'aws_api_gateway_rest_api.api': {
    name: 'healthcare-api-prod',
    endpoint_configuration: { types: ['REGIONAL'] },
    disable_execute_api_endpoint: true,
  },
  'aws_api_gateway_domain_name.dn': {
    domain_name: 'api.example.org',
    regional_certificate_arn:
      'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
    endpoint_configuration: { types: ['REGIONAL'] },
    security_policy: 'TLS_1_2',
  },
  'aws_api_gateway_base_path_mapping.bpm': {
    api_id: '${aws_api_gateway_rest_api.api.id}',
    stage_name: '${aws_api_gateway_stage.st.stage_name}',
    domain_name: '${aws_api_gateway_domain_name.dn.domain_name}',
  },
  'aws_api_gateway_method_settings.ms': {
    stage_name: '${aws_api_gateway_stage.st.stage_name}',
    method_path: '*/*',
    settings: { data_trace_enabled: false, logging_level: 'INFO', metrics_enabled: true },
  },
  'aws_s3_bucket.state': { bucket: 'healthcare-tfstate', ...keep },
  'aws_s3_bucket_versioning.v': {
    bucket: '${aws_s3_bucket.state.id}',
    versioning_configuration: { status: 'Enabled' },
  },
  'aws_s3_bucket_server_side_encryption_configuration.sse': {
    bucket: '${aws_s3_bucket.state.id}',
    rule: [
      {
        apply_server_side_encryption_by_default: {
          sse_algorithm: 'aws:kms',
          kms_master_key_id: KEY,
        },
        bucket_key_enabled: true,
      },
    ],
  },
  'aws_s3_bucket_public_access_block.pab': {
    bucket: '${aws_s3_bucket.state.id}',
    block_public_acls: true,
    block_public_policy: true,
    ignore_public_acls: true,
    restrict_public_buckets: true,
  },
  'aws_s3_bucket_policy.bp': {
    bucket: '${aws_s3_bucket.state.id}',
    policy: '${data.aws_iam_policy_document.tls.json}',
  },
  'data.aws_iam_policy_document.tls': {
    statement: [
      {
        effect: 'Deny',
        actions: ['s3:*'],
        resources: ['${aws_s3_bucket.state.arn}', '${aws_s3_bucket.state.arn}/*'],
        principals: [{ type: '*', identifiers: ['*'] }],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
    ],
  },
  'aws_s3_bucket_ownership_controls.oc': {
    bucket: '${aws_s3_bucket.state.id}',
    rule: { object_ownership: 'BucketOwnerEnforced' },
  },
  'aws_dynamodb_table.lock': {
    hash_key: 'LockID',
    point_in_time_recovery: { enabled: true },
    server_side_encryption: { enabled: true, kms_key_arn: KEY },
    deletion_protection_enabled: true,
    ...keep,
  },
  'aws_sns_topic.t': { kms_master_key_id: '${aws_kms_key.k.id}' },
  'aws_iam_role.mon': {
    assume_role_policy:
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Principal" = {"Service" = "monitoring.rds.amazonaws.com"}, "Action" = "sts:AssumeRole"}]})}',
  },
  'aws_iam_role_policy.rp': {
    role: '${aws_iam_role.mon.name}',
    policy:
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = ["logs:PutLogEvents"], "Resource" = "${aws_cloudwatch_log_group.lg.arn}:*"}]})}',
  },
  'aws_iam_policy.p': {
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }],
    }),
  },
};

/** Builds a cdk.tf.json document from BASE plus a patch. */
export function doc(patch: Patch = {}, environment = 'prod'): TerraformJson {
  const { ['provider.aws']: providerTags, ...resourcePatch } = patch;
  const flat: Record<string, Attrs> = { ...BASE };
  for (const [address, attrs] of Object.entries(resourcePatch)) {
    if (attrs === null) delete flat[address];
    else
      flat[address] = Object.fromEntries(
        Object.entries({ ...(flat[address] ?? {}), ...attrs }).filter(([, v]) => v !== undefined),
      );
  }
  const out: {
    resource: Record<string, Record<string, Attrs>>;
    data: Record<string, Record<string, Attrs>>;
  } = { resource: {}, data: {} };
  for (const [address, attrs] of Object.entries(flat)) {
    const parts = address.split('.');
    const [bucket, type, name] =
      parts[0] === 'data'
        ? (['data', parts[1], parts[2]] as const)
        : (['resource', parts[0], parts[1]] as const);
    out[bucket][type] ??= {};
    out[bucket][type][name] = {
      ...attrs,
      '//': { metadata: { path: `Fixture/${name}`, uniqueId: name } },
    };
  }
  const tags = Object.fromEntries(
    Object.entries({
      Environment: environment,
      DataClassification: environment === 'prod' ? 'PHI' : 'synthetic',
      ...(providerTags ?? {}),
    }).filter(([, v]) => v !== undefined),
  );
  return {
    ...out,
    provider: {
      aws: [{ region: 'eu-west-1', default_tags: [{ tags }] }],
    },
  };
}

export interface FailCase {
  readonly target: string;
  readonly patch: Patch;
  readonly detail: RegExp;
  readonly profile?: PolicyProfile;
}

const db = 'aws_db_instance.db';
const rg = 'aws_elasticache_replication_group.rg';
const stage = 'aws_api_gateway_stage.st';
const ms = 'aws_api_gateway_method_settings.ms';
const bucket = 'aws_s3_bucket.state';
const table = 'aws_dynamodb_table.lock';

/** For every rule: the change that makes exactly it fail, and the detail the report must show. */
export const FAIL_CASES: Record<string, FailCase> = {
  'HIPAA-RDS-001': {
    target: db,
    patch: { [db]: { storage_encrypted: false } },
    detail: /storage_encrypted is not true/,
  },
  'HIPAA-RDS-002': {
    target: db,
    patch: { [db]: { publicly_accessible: true } },
    detail: /publicly_accessible = true/,
  },
  'HIPAA-RDS-003': {
    target: db,
    patch: { [db]: { deletion_protection: false } },
    detail: /deletion_protection is not true/,
  },
  'HIPAA-RDS-004': {
    target: db,
    patch: { [db]: { skip_final_snapshot: true } },
    detail: /skip_final_snapshot = true/,
  },
  'HIPAA-RDS-005': {
    target: db,
    patch: { [db]: { backup_retention_period: 3 } },
    detail: /backup_retention_period = 3 days; at least 7/,
  },
  'HIPAA-RDS-006': {
    target: db,
    patch: { [db]: { iam_database_authentication_enabled: false } },
    detail: /iam_database_authentication_enabled/,
  },
  'HIPAA-RDS-007': {
    target: db,
    patch: { [db]: { multi_az: false } },
    detail: /multi_az is not true/,
  },
  'HIPAA-RDS-008': {
    target: db,
    patch: { [db]: { enabled_cloudwatch_logs_exports: ['postgresql'] } },
    detail: /lacks upgrade/,
  },
  'HIPAA-RDS-009': {
    target: db,
    patch: { [db]: { performance_insights_kms_key_id: undefined } },
    detail: /performance_insights_kms_key_id is not set/,
  },
  'HIPAA-RDS-010': {
    target: db,
    patch: { [db]: { password: 'hunter2' } },
    detail: /`password` argument is set/,
  },
  'HIPAA-RDS-011': {
    target: db,
    patch: { [db]: { parameter_group_name: 'default.postgres16' } },
    detail: /default groups do not force TLS/,
  },
  'HIPAA-RDS-012': {
    target: db,
    patch: { [db]: { monitoring_interval: 0 } },
    detail: /monitoring_interval is 0/,
  },
  'HIPAA-RDS-013': {
    target: db,
    patch: { [db]: { auto_minor_version_upgrade: false } },
    detail: /auto_minor_version_upgrade = false/,
  },
  'HIPAA-RDS-014': {
    target: db,
    patch: { [db]: { copy_tags_to_snapshot: false } },
    detail: /copy_tags_to_snapshot/,
  },
  'HIPAA-EC-001': {
    target: rg,
    patch: { [rg]: { at_rest_encryption_enabled: 'false' } },
    detail: /at_rest_encryption_enabled is not true/,
  },
  'HIPAA-EC-002': {
    target: rg,
    patch: { [rg]: { transit_encryption_enabled: false } },
    detail: /transit_encryption_enabled is not true/,
  },
  'HIPAA-EC-003': {
    target: rg,
    patch: { [rg]: { user_group_ids: undefined } },
    detail: /neither auth_token nor user_group_ids/,
  },
  'HIPAA-EC-004': {
    target: rg,
    patch: { [rg]: { multi_az_enabled: false } },
    detail: /must both be true/,
  },
  'HIPAA-EC-005': {
    target: rg,
    patch: { [rg]: { snapshot_retention_limit: 1 } },
    detail: /at least 7/,
  },
  'HIPAA-EC-006': {
    target: rg,
    patch: { [rg]: { final_snapshot_identifier: undefined } },
    detail: /final_snapshot_identifier is not set/,
  },
  'HIPAA-EC-007': {
    target: rg,
    patch: { [rg]: { log_delivery_configuration: undefined } },
    detail: /slow-log/,
  },
  'HIPAA-EC-008': {
    target: rg,
    patch: {
      [rg]: {
        user_group_ids: undefined,
        auth_token: '${data.aws_secretsmanager_random_password.tok.random_password}',
      },
      'data.aws_secretsmanager_random_password.tok': { password_length: 64 },
    },
    detail:
      /auth_token comes from data\.aws_secretsmanager_random_password\.tok: the password is printed in the plan/,
  },
  'HIPAA-EC-009': {
    target: 'aws_elasticache_user.app',
    patch: {
      'aws_elasticache_user.app': {
        authentication_mode: undefined,
        no_password_required: true,
      },
    },
    detail: /no_password_required = true on an enabled user .*: anyone in the network can connect/,
  },
  'HIPAA-EC-010': {
    target: 'aws_elasticache_user_group.ug',
    patch: { 'aws_elasticache_user.dflt': { access_string: 'on ~* +@all' } },
    detail: /aws_elasticache_user\.dflt \(user_name default\) is enabled/,
  },
  'HIPAA-RDS-015': {
    target: 'aws_db_parameter_group.pg',
    patch: {
      'aws_db_parameter_group.pg': {
        parameter: [
          { name: 'rds.force_ssl', value: '1' },
          { name: 'log_parameter_max_length_on_error', value: '0' },
          { name: 'shared_preload_libraries', value: 'pgaudit' },
          { name: 'pgaudit.log', value: 'ddl,role' },
        ],
      },
    },
    detail: /log_parameter_max_length = \(unset, logs bind values\): bind values \(PHI\)/,
  },
  'HIPAA-RDS-017': {
    target: 'aws_db_parameter_group.pg',
    patch: {
      'aws_db_parameter_group.pg': {
        name_prefix: undefined,
        name: 'healthcare-pg-prod-postgres16',
      },
    },
    detail:
      /name = healthcare-pg-prod-postgres16 does not change when family or description does: .*DBParameterGroupAlreadyExists/,
  },
  'HIPAA-RDS-018': {
    target: db,
    patch: { [db]: { lifecycle: { prevent_destroy: true, ignore_changes: ['backup_window'] } } },
    detail: /lifecycle\.ignore_changes lacks backup_retention_period: Terraform would undo/,
  },
  'HIPAA-EC-011': {
    target: 'aws_elasticache_parameter_group.epg',
    patch: { 'aws_elasticache_parameter_group.epg': { name: 'healthcare-redis-prod-redis7' } },
    detail:
      /name = healthcare-redis-prod-redis7 does not change .* end the name with -redis7-c74b1c2d/,
  },
  'HIPAA-LOG-003': {
    target: 'aws_cloudwatch_log_group.fnlogs',
    patch: { 'aws_cloudwatch_log_data_protection_policy.fnlogs': null },
    detail:
      /\/aws\/lambda\/fn has no aws_cloudwatch_log_data_protection_policy: PHI in it would be kept unmasked/,
  },
  'HIPAA-IAM-004': {
    target: 'aws_iam_role_policy.unmask',
    patch: {
      'aws_iam_role.unmask': {
        assume_role_policy: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: 'arn:aws:iam::123456789012:root' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      },
    },
    detail: /grants logs:Unmask to aws_iam_role\.unmask, which can be assumed without MFA/,
  },
  'HIPAA-RDS-016': {
    target: 'aws_db_parameter_group.pg',
    patch: {
      'aws_db_parameter_group.pg': {
        parameter: [
          { name: 'rds.force_ssl', value: '1' },
          { name: 'log_parameter_max_length', value: '0' },
          { name: 'log_parameter_max_length_on_error', value: '0' },
          { name: 'shared_preload_libraries', value: 'pg_stat_statements' },
        ],
      },
    },
    detail: /shared_preload_libraries = pg_stat_statements does not load pgaudit/,
  },
  'HIPAA-LAMBDA-001': {
    target: 'aws_lambda_function.fn',
    patch: { 'aws_lambda_function.fn': { vpc_config: undefined } },
    detail: /runs outside the VPC/,
  },
  'HIPAA-LAMBDA-002': {
    target: 'aws_lambda_function.fn',
    patch: { 'aws_lambda_function.fn': { kms_key_arn: undefined } },
    detail: /kms_key_arn is not set: the AWS-managed key would be used/,
  },
  'HIPAA-LAMBDA-003': {
    target: 'aws_lambda_function.fn',
    patch: { 'aws_lambda_function.fn': { tracing_config: { mode: 'PassThrough' } } },
    detail: /tracing_config\.mode = PassThrough/,
  },
  'HIPAA-LAMBDA-004': {
    target: 'aws_lambda_function.fn',
    patch: { 'aws_lambda_function.fn': { reserved_concurrent_executions: -1 } },
    detail: /reserved_concurrent_executions = -1: at least 1 required/,
  },
  'HIPAA-LAMBDA-005': {
    target: 'aws_lambda_function.fn',
    patch: { 'aws_lambda_function.fn': { dead_letter_config: undefined } },
    detail: /dead_letter_config\.target_arn is not set/,
  },
  'HIPAA-LAMBDA-006': {
    target: 'aws_lambda_function.fn',
    patch: { 'aws_lambda_function.fn': { runtime: 'nodejs20.x' } },
    detail: /runtime nodejs20\.x was deprecated on 2026-04-30/,
  },
  'HIPAA-LAMBDA-007': {
    target: 'aws_lambda_permission.invoke',
    patch: { 'aws_lambda_permission.invoke': { source_arn: undefined } },
    detail: /principal apigateway\.amazonaws\.com may invoke the function from any resource/,
  },
  'HIPAA-SQS-001': {
    target: 'aws_sqs_queue.dlq',
    patch: { 'aws_sqs_queue.dlq': { kms_master_key_id: undefined, sqs_managed_sse_enabled: true } },
    detail: /sqs_managed_sse_enabled = true/,
  },
  'HIPAA-KMS-001': {
    target: 'aws_kms_key.k',
    patch: { 'aws_kms_key.k': { enable_key_rotation: false } },
    detail: /enable_key_rotation is not true/,
  },
  'HIPAA-KMS-002': {
    target: 'aws_kms_key.k',
    patch: { 'aws_kms_key.k': { deletion_window_in_days: 7 } },
    detail: /deletion_window_in_days = 7 days; at least 30/,
  },
  'HIPAA-KMS-003': {
    target: 'aws_kms_key.k',
    patch: {
      'aws_kms_key.k': {
        policy: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }],
        }),
      },
    },
    detail: /statement 1: allows Principal "\*" without a Condition/,
  },
  'HIPAA-KMS-004': {
    target: 'aws_kms_key.k',
    patch: { 'aws_kms_key.k': { policy: undefined } },
    detail: /default key policy applies/,
  },
  'HIPAA-SM-001': {
    target: 'aws_secretsmanager_secret.sec',
    patch: { 'aws_secretsmanager_secret.sec': { kms_key_id: undefined } },
    detail: /AWS-managed key/,
  },
  'HIPAA-SM-002': {
    target: 'aws_secretsmanager_secret.sec',
    patch: { 'aws_secretsmanager_secret.sec': { recovery_window_in_days: 0 } },
    detail: /recovery_window_in_days = 0 days/,
  },
  'HIPAA-LOG-001': {
    target: 'aws_cloudwatch_log_group.lg',
    patch: { 'aws_cloudwatch_log_group.lg': { kms_key_id: undefined } },
    detail: /kms_key_id is not set/,
  },
  'HIPAA-LOG-002': {
    target: 'aws_cloudwatch_log_group.lg',
    patch: { 'aws_cloudwatch_log_group.lg': { retention_in_days: 30 } },
    detail: /at least 365/,
  },
  'HIPAA-NET-001': {
    target: 'aws_subnet.sn',
    patch: { 'aws_subnet.sn': { map_public_ip_on_launch: true } },
    detail: /map_public_ip_on_launch = true/,
  },
  'HIPAA-NET-002': {
    target: 'aws_vpc.vpc',
    patch: {
      'aws_default_security_group.dsg': {
        ingress: [{ from_port: 0, to_port: 0, protocol: '-1', self: true }],
      },
    },
    detail: /declares 1 rule/,
  },
  'HIPAA-NET-003': {
    target: 'aws_security_group.db',
    patch: {
      'aws_security_group.db': {
        ingress: [{ from_port: 5432, to_port: 5432, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }],
      },
    },
    detail: /ingress\[0\] opens port 5432 to 0\.0\.0\.0\/0 \(includes PostgreSQL 5432\)/,
  },
  'HIPAA-NET-004': {
    target: 'aws_security_group_rule.https',
    patch: { 'aws_security_group_rule.https': { from_port: 6379, to_port: 6379 } },
    detail: /admits 10\.40\.0\.0\/16 on port 6379/,
  },
  'HIPAA-NET-005': {
    target: 'aws_vpc.vpc',
    patch: { 'aws_flow_log.fl': { traffic_type: 'REJECT' } },
    detail: /capture only REJECT/,
  },
  'HIPAA-API-001': {
    target: stage,
    patch: { [stage]: { xray_tracing_enabled: false } },
    detail: /xray_tracing_enabled is not true/,
  },
  'HIPAA-API-002': {
    target: stage,
    patch: { [stage]: { access_log_settings: undefined } },
    detail: /access_log_settings is not set/,
  },
  'HIPAA-API-003': {
    target: stage,
    patch: { 'aws_wafv2_web_acl_association.waf': null },
    detail: /no aws_wafv2_web_acl_association/,
  },
  'HIPAA-API-004': {
    target: ms,
    patch: {
      [ms]: {
        settings: { data_trace_enabled: true, logging_level: 'INFO', metrics_enabled: true },
      },
    },
    detail: /data_trace_enabled = true: request and response bodies \(PHI\)/,
  },
  'HIPAA-API-005': {
    target: stage,
    patch: { [ms]: { settings: { logging_level: 'OFF', metrics_enabled: true } } },
    detail: /logging_level OFF or unset/,
  },
  'HIPAA-API-006': {
    target: ms,
    patch: { [ms]: { settings: { logging_level: 'INFO' } } },
    detail: /metrics_enabled is not true/,
  },
  'HIPAA-API-007': {
    target: ms,
    patch: {
      [ms]: { settings: { logging_level: 'INFO', metrics_enabled: true, caching_enabled: true } },
    },
    detail: /caching_enabled without cache_data_encrypted/,
  },
  'HIPAA-API-008': {
    target: 'aws_api_gateway_method.m',
    patch: { 'aws_api_gateway_method.m': { http_method: 'GET', authorization: 'NONE' } },
    detail: /authorization = NONE and no API key required/,
  },
  'HIPAA-API-009': {
    target: 'aws_api_gateway_rest_api.api',
    patch: {
      'aws_api_gateway_rest_api.api': { disable_execute_api_endpoint: undefined },
      'aws_api_gateway_base_path_mapping.bpm': null,
    },
    detail:
      /disable_execute_api_endpoint is not true.*; no aws_api_gateway_base_path_mapping maps it to a custom domain name$/,
  },
  'HIPAA-API-010': {
    target: 'aws_api_gateway_domain_name.dn',
    patch: { 'aws_api_gateway_domain_name.dn': { security_policy: 'TLS_1_0' } },
    detail: /security_policy = TLS_1_0: clients may connect with TLS 1.0/,
  },
  'HIPAA-DATA-001': {
    target: 'provider.aws',
    patch: { 'provider.aws': { DataClassification: 'confidential' } },
    detail: /DataClassification = confidential: must be one of PHI, synthetic, audit/,
  },
  'HIPAA-S3-001': {
    target: bucket,
    patch: { 'aws_s3_bucket_versioning.v': { versioning_configuration: { status: 'Suspended' } } },
    detail: /status is Suspended/,
  },
  'HIPAA-S3-002': {
    target: bucket,
    patch: {
      'aws_s3_bucket_server_side_encryption_configuration.sse': {
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
      },
    },
    detail: /sse_algorithm is AES256/,
  },
  'HIPAA-S3-003': {
    target: bucket,
    patch: { 'aws_s3_bucket_public_access_block.pab': { restrict_public_buckets: false } },
    detail: /restrict_public_buckets not true/,
  },
  'HIPAA-S3-004': {
    target: bucket,
    patch: {
      'data.aws_iam_policy_document.tls': {
        statement: [
          {
            effect: 'Deny',
            actions: ['s3:DeleteBucket'],
            resources: ['*'],
            principals: [{ type: 'AWS', identifiers: ['*'] }],
          },
        ],
      },
    },
    detail: /no Deny on aws:SecureTransport = false/,
  },
  'HIPAA-S3-005': {
    target: bucket,
    patch: {
      'aws_s3_bucket_ownership_controls.oc': { rule: { object_ownership: 'ObjectWriter' } },
    },
    detail: /object_ownership is ObjectWriter/,
  },
  'HIPAA-DDB-001': {
    target: table,
    patch: { [table]: { point_in_time_recovery: { enabled: false } } },
    detail: /point_in_time_recovery is not enabled/,
  },
  'HIPAA-DDB-002': {
    target: table,
    patch: { [table]: { server_side_encryption: undefined } },
    detail: /server_side_encryption is not enabled/,
  },
  'HIPAA-DDB-003': {
    target: table,
    patch: { [table]: { deletion_protection_enabled: false } },
    detail: /deletion_protection_enabled is not true/,
  },
  'HIPAA-SNS-001': {
    target: 'aws_sns_topic.t',
    patch: { 'aws_sns_topic.t': { kms_master_key_id: 'alias/aws/sns' } },
    detail: /alias\/aws\/sns is not a customer-managed key/,
  },
  'HIPAA-IAM-001': {
    target: 'aws_iam_policy.p',
    patch: {
      'aws_iam_policy.p': {
        policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      },
    },
    detail: /statement 1: allows Action "\*" on Resource "\*"/,
  },
  'HIPAA-IAM-002': {
    target: 'aws_iam_role_policy.rp',
    patch: {
      'aws_iam_role_policy.rp': {
        policy:
          '${jsonencode({"Statement" = [{"Effect" = "Allow", "Action" = ["s3:*"], "Resource" = "*"}]})}',
      },
    },
    detail: /allows s3:\* on Resource "\*"/,
  },
  'HIPAA-IAM-003': {
    target: 'aws_iam_role.mon',
    patch: {
      'aws_iam_role.mon': {
        assume_role_policy: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
        }),
      },
    },
    detail: /allows Principal "\*" without a Condition/,
  },
  'HIPAA-KEEP-001': {
    target: db,
    patch: { [db]: { lifecycle: undefined } },
    detail: /prevent_destroy is not set/,
  },
  'HIPAA-KEEP-002': {
    target: rg,
    patch: { [rg]: { lifecycle: {} } },
    detail: /prevent_destroy is not set/,
  },
  'HIPAA-KEEP-003': {
    target: 'aws_kms_key.k',
    patch: { 'aws_kms_key.k': { lifecycle: undefined } },
    detail: /prevent_destroy is not set/,
  },
  'HIPAA-KEEP-004': {
    target: 'aws_secretsmanager_secret.sec',
    patch: { 'aws_secretsmanager_secret.sec': { lifecycle: undefined } },
    detail: /prevent_destroy is not set/,
  },
  'HIPAA-KEEP-005': {
    target: bucket,
    patch: { [bucket]: { lifecycle: undefined } },
    detail: /prevent_destroy is not set/,
  },
  'HIPAA-KEEP-006': {
    target: table,
    patch: { [table]: { lifecycle: { prevent_destroy: false } } },
    detail: /prevent_destroy is not set/,
  },
};
