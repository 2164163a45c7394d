import { Testing, TerraformStack } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { waivePolicy } from '../../../constructs/policy/waiver';
import { evaluateStack } from '../../../tools/policy/engine';
import { parseHclExpression, parseJsonencode } from '../../../tools/policy/hcl';
import {
  formatFailures,
  formatReport,
  formatWaivers,
  rulesMarkdown,
  summarize,
  toJson,
} from '../../../tools/policy/report';
import {
  LAMBDA_RUNTIMES,
  LAMBDA_RUNTIMES_CHECKED,
  RULES,
  UNKNOWN_WAIVER_RULE_ID,
} from '../../../tools/policy/rules';
import { synthesizeStack } from '../../../tools/policy/stacks';
import { buildContext, inferProfile, listResources } from '../../../tools/policy/terraform';
import type { PolicyResult } from '../../../tools/policy/types';
import { doc, FAIL_CASES, KEY, Patch } from './fixtures';

const ruleById = (id: string) => RULES.find((r) => r.id === id)!;
const run = (patch: Patch = {}, environment = 'prod', ids?: string[]) =>
  evaluateStack(doc(patch, environment), {
    stackName: 'Fixture',
    rules: ids ? ids.map(ruleById) : RULES,
  });
const one = (results: PolicyResult[], ruleId: string, address: string) => {
  const found = results.filter((r) => r.ruleId === ruleId && r.address === address);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('policy rules table', () => {
  test('every rule has a unique id, a control reference and a failing fixture', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^HIPAA-[A-Z0-9]+-\d{3}$/);
      // Every rule cites the HIPAA section it serves; the other references, where given, in
      // the form their tools print them.
      expect(rule.control.hipaa).toMatch(/^164\.\d{3}\([a-z0-9]+\)/);
      if (rule.control.checkov) expect(rule.control.checkov).toMatch(/^CKV2?_AWS_\d+$/);
      if (rule.control.securityHub) expect(rule.control.securityHub).toMatch(/^[A-Za-z0-9]+\.\d+$/);
      if (rule.control.configRule)
        expect(rule.control.configRule).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(FAIL_CASES[rule.id]).toBeDefined();
    }
  });

  test('the compliant fixture passes every rule in production and standard', () => {
    for (const environment of ['prod', 'dev']) {
      const results = run({}, environment);
      expect(results.filter((r) => r.status !== 'PASS')).toEqual([]);
    }
    // Every rule applies to something in the fixture in production.
    expect(new Set(run().map((r) => r.ruleId))).toEqual(new Set(RULES.map((r) => r.id)));
  });

  describe.each(RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    const c = FAIL_CASES[id];
    test('passes on the compliant fixture', () => {
      expect(one(run({}, 'prod', [id]), id, c.target).status).toBe('PASS');
    });
    test('fails on the broken fixture with a detail that says why', () => {
      const result = one(run(c.patch, 'prod', [id]), id, c.target);
      expect(result).toMatchObject({
        status: 'FAIL',
        severity: rule.severity,
        title: rule.title,
        stack: 'Fixture',
        profile: 'production',
      });
      expect(result.detail).toMatch(c.detail);
    });
  });
});

describe('the refusals the issue names', () => {
  test('an unencrypted database is refused', () => {
    const results = run({
      'aws_db_instance.db': { storage_encrypted: false, kms_key_id: undefined },
    });
    expect(one(results, 'HIPAA-RDS-001', 'aws_db_instance.db')).toMatchObject({
      status: 'FAIL',
      severity: 'critical',
    });
  });
  test('a database encrypted with the AWS-managed key is refused', () => {
    const r = one(
      run({ 'aws_db_instance.db': { kms_key_id: undefined } }),
      'HIPAA-RDS-001',
      'aws_db_instance.db',
    );
    expect(r.detail).toBe('kms_key_id is not set: the AWS-managed key would be used');
  });
  test.each([
    [
      'inline ingress',
      {
        'aws_security_group.db': {
          ingress: [
            { from_port: 5432, to_port: 5432, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] },
          ],
        },
      },
      'aws_security_group.db',
    ],
    [
      'aws_security_group_rule',
      {
        'aws_security_group_rule.https': {
          from_port: 5432,
          to_port: 5432,
          cidr_blocks: ['0.0.0.0/0'],
        },
      },
      'aws_security_group_rule.https',
    ],
    [
      'aws_vpc_security_group_ingress_rule',
      {
        'aws_vpc_security_group_ingress_rule.dbin': {
          referenced_security_group_id: undefined,
          cidr_ipv4: '0.0.0.0/0',
        },
      },
      'aws_vpc_security_group_ingress_rule.dbin',
    ],
    [
      'IPv6 ::/0, all protocols',
      {
        'aws_vpc_security_group_ingress_rule.dbin': {
          referenced_security_group_id: undefined,
          ip_protocol: '-1',
          cidr_ipv6: '::/0',
        },
      },
      'aws_vpc_security_group_ingress_rule.dbin',
    ],
  ])('a security group open to the world on 5432 is refused (%s)', (_label, patch, address) => {
    const results = run(patch as Patch);
    const r = one(results, 'HIPAA-NET-003', address);
    expect(r.status).toBe('FAIL');
    expect(r.detail).toMatch(/(0\.0\.0\.0\/0|::\/0) \(includes PostgreSQL 5432/);
    expect(one(results, 'HIPAA-NET-004', address).status).toBe('FAIL');
  });
  test('egress to the world and ingress from a security group are fine', () => {
    const results = run();
    expect(one(results, 'HIPAA-NET-003', 'aws_security_group_rule.egress').status).toBe('PASS');
    expect(one(results, 'HIPAA-NET-004', 'aws_vpc_security_group_ingress_rule.dbin').status).toBe(
      'PASS',
    );
  });
  test('a log group without a key is refused', () => {
    const r = one(
      run({ 'aws_cloudwatch_log_group.lg': { kms_key_id: undefined } }),
      'HIPAA-LOG-001',
      'aws_cloudwatch_log_group.lg',
    );
    expect(r).toMatchObject({
      status: 'FAIL',
      detail: 'kms_key_id is not set: the AWS-managed key would be used',
    });
  });
  test('an API stage with data trace on is refused', () => {
    const r = one(
      run(FAIL_CASES['HIPAA-API-004'].patch),
      'HIPAA-API-004',
      'aws_api_gateway_method_settings.ms',
    );
    expect(r).toMatchObject({ status: 'FAIL', severity: 'critical' });
  });
});

describe('rule details', () => {
  test('production-only rules are not applied to a standard stack', () => {
    const ids = new Set(
      run(
        {
          'aws_db_instance.db': {
            multi_az: false,
            deletion_protection: false,
            lifecycle: undefined,
          },
        },
        'dev',
      ).map((r) => r.ruleId),
    );
    expect(ids.has('HIPAA-RDS-007')).toBe(false);
    expect(ids.has('HIPAA-KEEP-001')).toBe(false);
    expect(ids.has('HIPAA-RDS-001')).toBe(true);
  });
  test('standard thresholds are lower but still enforced', () => {
    const results = run(
      {
        'aws_db_instance.db': { backup_retention_period: 1 },
        'aws_cloudwatch_log_group.lg': { retention_in_days: 30 },
        'aws_kms_key.k': { deletion_window_in_days: 7 },
      },
      'dev',
    );
    expect(results.filter((r) => r.status === 'FAIL')).toEqual([]);
    const missing = run(
      {
        'aws_db_instance.db': { backup_retention_period: undefined },
        'aws_cloudwatch_log_group.lg': { retention_in_days: undefined },
      },
      'dev',
    );
    expect(one(missing, 'HIPAA-RDS-005', 'aws_db_instance.db').detail).toBe(
      'backup_retention_period is not set (at least 1 days required)',
    );
    expect(one(missing, 'HIPAA-LOG-002', 'aws_cloudwatch_log_group.lg').detail).toMatch(
      /kept forever/,
    );
  });
  test('customer-managed key: alias of a stack key and literal key ARN pass; other references fail', () => {
    const alias = run({
      'aws_kms_alias.a': { target_key_id: '${aws_kms_key.k.key_id}' },
      'aws_sns_topic.t': { kms_master_key_id: '${aws_kms_alias.a.name}' },
    });
    expect(one(alias, 'HIPAA-SNS-001', 'aws_sns_topic.t').detail).toMatch(
      /alias of aws_kms_key\.k/,
    );
    const arn = run({
      'aws_sns_topic.t': {
        kms_master_key_id:
          'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
    });
    expect(one(arn, 'HIPAA-SNS-001', 'aws_sns_topic.t').status).toBe('PASS');
    const data = run({ 'aws_sns_topic.t': { kms_master_key_id: '${data.aws_kms_key.x.arn}' } });
    expect(one(data, 'HIPAA-SNS-001', 'aws_sns_topic.t').status).toBe('FAIL');
    const dangling = run({
      'aws_kms_alias.b': { target_key_id: 'abc' },
      'aws_sns_topic.t': { kms_master_key_id: '${aws_kms_alias.b.name}' },
    });
    expect(one(dangling, 'HIPAA-SNS-001', 'aws_sns_topic.t').status).toBe('FAIL');
  });
  test('RDS: PI off passes; RBAC passes; a literal auth token fails; preferred transit fails', () => {
    expect(
      one(
        run({ 'aws_db_instance.db': { performance_insights_enabled: false } }),
        'HIPAA-RDS-009',
        'aws_db_instance.db',
      ).detail,
    ).toMatch(/off/);
    const rbac = run({
      'aws_elasticache_replication_group.rg': {
        auth_token: undefined,
        user_group_ids: ['${aws_elasticache_user_group.g.id}'],
      },
    });
    expect(one(rbac, 'HIPAA-EC-003', 'aws_elasticache_replication_group.rg').status).toBe('PASS');
    const literal = run({
      'aws_elasticache_replication_group.rg': {
        auth_token: 'plaintext-token-123',
        user_group_ids: undefined,
      },
    });
    expect(one(literal, 'HIPAA-EC-003', 'aws_elasticache_replication_group.rg').detail).toMatch(
      /literal/,
    );
    const preferred = run({
      'aws_elasticache_replication_group.rg': { transit_encryption_mode: 'preferred' },
    });
    expect(one(preferred, 'HIPAA-EC-002', 'aws_elasticache_replication_group.rg').status).toBe(
      'FAIL',
    );
  });
  test('RDS: no final snapshot name, no managed password, parameter group without force_ssl, no exports, other engines', () => {
    const r = run({
      'aws_db_instance.db': {
        final_snapshot_identifier: undefined,
        manage_master_user_password: undefined,
        enabled_cloudwatch_logs_exports: undefined,
      },
    });
    expect(one(r, 'HIPAA-RDS-004', 'aws_db_instance.db').detail).toMatch(
      /final_snapshot_identifier is not set/,
    );
    expect(one(r, 'HIPAA-RDS-010', 'aws_db_instance.db').detail).toMatch(
      /manage_master_user_password is not true/,
    );
    expect(one(r, 'HIPAA-RDS-008', 'aws_db_instance.db').detail).toMatch(/is empty/);
    const pg = run({
      'aws_db_parameter_group.pg': { parameter: [{ name: 'log_connections', value: '1' }] },
    });
    expect(one(pg, 'HIPAA-RDS-011', 'aws_db_instance.db').detail).toMatch(
      /does not set rds.force_ssl/,
    );
    const mysql = run({
      'aws_db_instance.db': { engine: 'mysql', enabled_cloudwatch_logs_exports: ['error'] },
    });
    expect(one(mysql, 'HIPAA-RDS-008', 'aws_db_instance.db').status).toBe('PASS');
  });
  test('network: missing default SG, missing flow log', () => {
    const r = run({ 'aws_default_security_group.dsg': null, 'aws_flow_log.fl': null });
    expect(one(r, 'HIPAA-NET-002', 'aws_vpc.vpc').detail).toMatch(/no aws_default_security_group/);
    expect(one(r, 'HIPAA-NET-005', 'aws_vpc.vpc').detail).toBe('no aws_flow_log for this VPC');
  });
  test('API: missing method settings, missing format, destination that is not a log group, literal log ARN', () => {
    const r = run({
      'aws_api_gateway_method_settings.ms': null,
      'aws_api_gateway_stage.st': {
        access_log_settings: { destination_arn: '${aws_s3_bucket.state.arn}', format: 'x' },
      },
    });
    expect(one(r, 'HIPAA-API-005', 'aws_api_gateway_stage.st').detail).toMatch(
      /no aws_api_gateway_method_settings/,
    );
    expect(one(r, 'HIPAA-API-002', 'aws_api_gateway_stage.st').detail).toMatch(
      /is not a log group/,
    );
    const noFormat = run({
      'aws_api_gateway_stage.st': {
        access_log_settings: { destination_arn: 'arn:aws:logs:eu-west-1:1:log-group:x' },
      },
    });
    expect(one(noFormat, 'HIPAA-API-002', 'aws_api_gateway_stage.st').detail).toMatch(
      /format is empty/,
    );
    const literal = run({
      'aws_api_gateway_stage.st': {
        access_log_settings: {
          destination_arn: 'arn:aws:logs:eu-west-1:1:log-group:x',
          format: 'y',
        },
      },
    });
    expect(one(literal, 'HIPAA-API-002', 'aws_api_gateway_stage.st').status).toBe('PASS');
    const cached = run({
      'aws_api_gateway_method_settings.ms': {
        settings: {
          logging_level: 'ERROR',
          metrics_enabled: true,
          caching_enabled: true,
          cache_data_encrypted: true,
        },
      },
    });
    expect(cached.filter((x) => x.status === 'FAIL')).toEqual([]);
  });
  test('S3 and DynamoDB: missing companion resources', () => {
    const r = run({
      'aws_s3_bucket_versioning.v': null,
      'aws_s3_bucket_server_side_encryption_configuration.sse': null,
      'aws_s3_bucket_public_access_block.pab': null,
      'aws_s3_bucket_policy.bp': null,
      'aws_s3_bucket_ownership_controls.oc': null,
      'aws_dynamodb_table.lock': { server_side_encryption: { enabled: true } },
    });
    const details = r.filter((x) => x.status === 'FAIL').map((x) => `${x.ruleId}: ${x.detail}`);
    expect(details).toEqual(
      expect.arrayContaining([
        'HIPAA-S3-001: no aws_s3_bucket_versioning for this bucket',
        'HIPAA-S3-002: no aws_s3_bucket_server_side_encryption_configuration for this bucket (SSE-S3 default)',
        'HIPAA-S3-003: no aws_s3_bucket_public_access_block for this bucket',
        'HIPAA-S3-004: no aws_s3_bucket_policy for this bucket',
        'HIPAA-S3-005: no aws_s3_bucket_ownership_controls for this bucket',
        'HIPAA-DDB-002: server_side_encryption.kms_key_arn is not set: the AWS-managed key would be used',
      ]),
    );
    const badPolicy = run({ 'aws_s3_bucket_policy.bp': { policy: '${file("policy.json")}' } });
    expect(one(badPolicy, 'HIPAA-S3-004', 'aws_s3_bucket.state').detail).toMatch(/neither JSON/);
  });
  test('KMS: a separate aws_kms_key_policy counts as explicit and is itself checked; window defaults to 30', () => {
    const r = run({
      'aws_kms_key.k': { policy: undefined, deletion_window_in_days: undefined },
      'aws_kms_key_policy.kp': {
        key_id: '${aws_kms_key.k.id}',
        policy: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:*', Resource: '*' }],
        }),
      },
    });
    expect(one(r, 'HIPAA-KMS-004', 'aws_kms_key.k').detail).toBe(
      'policy is set by aws_kms_key_policy.kp',
    );
    expect(one(r, 'HIPAA-KMS-002', 'aws_kms_key.k').status).toBe('PASS');
    expect(one(r, 'HIPAA-KMS-003', 'aws_kms_key_policy.kp').status).toBe('FAIL');
    expect(one(r, 'HIPAA-KMS-003', 'aws_kms_key.k').status).toBe('PASS');
  });
});

describe('rule details: Lambda, SQS, ElastiCache RBAC, PostgreSQL parameters', () => {
  const fn = 'aws_lambda_function.fn';
  const detail = (patch: Patch, id: string, address: string) => one(run(patch), id, address);

  test('a function without environment variables needs no key; a container image pins its runtime', () => {
    expect(
      detail({ [fn]: { environment: undefined, kms_key_arn: undefined } }, 'HIPAA-LAMBDA-002', fn),
    ).toMatchObject({ status: 'PASS', detail: 'no environment variables' });
    expect(
      detail({ [fn]: { package_type: 'Image', runtime: undefined } }, 'HIPAA-LAMBDA-006', fn),
    ).toMatchObject({ status: 'PASS', detail: 'container image: the image pins its runtime' });
  });

  test('an unknown runtime fails and names the table; a supported one says until when', () => {
    expect(detail({ [fn]: { runtime: 'nodejs8.10' } }, 'HIPAA-LAMBDA-006', fn).detail).toBe(
      'runtime nodejs8.10 is not in the supported-runtime table (tools/policy/rules.ts LAMBDA_RUNTIMES)',
    );
    expect(detail({}, 'HIPAA-LAMBDA-006', fn).detail).toBe(
      'runtime nodejs22.x is supported until 2027-04-30',
    );
    expect(LAMBDA_RUNTIMES_CHECKED).toBe('2026-12-01');
    expect(LAMBDA_RUNTIMES['nodejs20.x'].deprecated < LAMBDA_RUNTIMES_CHECKED).toBe(true);
  });

  test('unset tracing and reserved concurrency 0 fail with their values', () => {
    expect(detail({ [fn]: { tracing_config: undefined } }, 'HIPAA-LAMBDA-003', fn).detail).toBe(
      'tracing_config.mode = (unset, PassThrough)',
    );
    expect(
      detail({ [fn]: { reserved_concurrent_executions: 0 } }, 'HIPAA-LAMBDA-004', fn),
    ).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/= 0: at least 1/) });
    expect(
      detail({ [fn]: { reserved_concurrent_executions: undefined } }, 'HIPAA-LAMBDA-004', fn)
        .detail,
    ).toMatch(/= \(unset\)/);
  });

  test('an SQS queue with the AWS-managed key fails', () => {
    expect(
      detail(
        { 'aws_sqs_queue.dlq': { kms_master_key_id: 'alias/aws/sqs' } },
        'HIPAA-SQS-001',
        'aws_sqs_queue.dlq',
      ).status,
    ).toBe('FAIL');
  });

  test('a literal AUTH token and a group without RBAC fail EC-008', () => {
    const rg = 'aws_elasticache_replication_group.rg';
    expect(detail({ [rg]: { auth_token: 'x'.repeat(32) } }, 'HIPAA-EC-008', rg).detail).toBe(
      'auth_token is set: a shared password in state; use user_group_ids (RBAC) with IAM-authenticated users',
    );
    expect(detail({ [rg]: { user_group_ids: [] } }, 'HIPAA-EC-008', rg).detail).toBe(
      'user_group_ids is not set: no RBAC user group decides who may connect',
    );
  });

  test('users with passwords fail; a disabled user passes; an enabled user must use IAM', () => {
    const app = 'aws_elasticache_user.app';
    expect(detail({ [app]: { passwords: ['${var.pw}'] } }, 'HIPAA-EC-009', app).detail).toMatch(
      /has passwords/,
    );
    expect(
      detail({ [app]: { authentication_mode: { type: 'password' } } }, 'HIPAA-EC-009', app).status,
    ).toBe('FAIL');
    expect(detail({}, 'HIPAA-EC-009', 'aws_elasticache_user.dflt').detail).toBe(
      'disabled user (access_string "off …"), no password',
    );
    expect(detail({ [app]: { authentication_mode: undefined } }, 'HIPAA-EC-009', app).detail).toBe(
      'an enabled user without authentication_mode { type = "iam" }',
    );
  });

  test("a user group without its own 'default' user fails EC-010", () => {
    const ug = 'aws_elasticache_user_group.ug';
    expect(
      detail(
        { [ug]: { user_ids: ['default', '${aws_elasticache_user.app.user_id}'] } },
        'HIPAA-EC-010',
        ug,
      ).detail,
    ).toMatch(/^no user of this stack named 'default' is in the group/);
  });

  test('PostgreSQL parameter rules: audit bind values, missing classes, other engines', () => {
    const pg = 'aws_db_parameter_group.pg';
    const withParameters = (parameter: Array<{ name: string; value: string }>) => ({
      [pg]: { parameter },
    });
    const logged = withParameters([
      { name: 'log_parameter_max_length', value: '0' },
      { name: 'log_parameter_max_length_on_error', value: '-1' },
      { name: 'pgaudit.log_parameter', value: '1' },
    ]);
    expect(detail(logged, 'HIPAA-RDS-015', pg).detail).toBe(
      'log_parameter_max_length_on_error = -1; pgaudit.log_parameter = 1: bind values (PHI) would be written to the logs',
    );
    const noRole = withParameters([
      { name: 'shared_preload_libraries', value: 'pgaudit' },
      { name: 'pgaudit.log', value: 'ddl' },
    ]);
    expect(detail(noRole, 'HIPAA-RDS-016', pg).detail).toBe('pgaudit.log = ddl lacks role');
    const all = withParameters([
      { name: 'shared_preload_libraries', value: 'pgaudit' },
      { name: 'pgaudit.log', value: 'all' },
    ]);
    expect(detail(all, 'HIPAA-RDS-016', pg).status).toBe('PASS');
    for (const id of ['HIPAA-RDS-015', 'HIPAA-RDS-016']) {
      expect(detail({ [pg]: { family: 'mysql8.0', parameter: [] } }, id, pg)).toMatchObject({
        status: 'PASS',
        detail: 'family mysql8.0 is not PostgreSQL',
      });
    }
  });
});

describe('IAM policy documents', () => {
  const iam = (policy: unknown) =>
    one(run({ 'aws_iam_policy.p': { policy } }), 'HIPAA-IAM-001', 'aws_iam_policy.p');

  test('reads JSON, jsonencode(...) and aws_iam_policy_document references', () => {
    expect(
      iam('${jsonencode({Statement = [{Effect = "Allow", Action = "*", Resource = ["*"]}]})}')
        .status,
    ).toBe('FAIL');
    expect(
      iam(
        '${jsonencode({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": aws_kms_key.k.arn}]})}',
      ).status,
    ).toBe('PASS');
    expect(
      iam(JSON.stringify({ Statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' } }))
        .detail,
    ).toMatch(/NotAction iam:\*/);
    expect(
      iam(JSON.stringify({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] })).status,
    ).toBe('PASS');
    const viaData = run({
      'data.aws_iam_policy_document.admin': { statement: [{ actions: ['*'], resources: ['*'] }] },
      'data.aws_iam_policy_document.merged': {
        source_policy_documents: ['${data.aws_iam_policy_document.admin.json}'],
      },
      'aws_iam_policy.p': { policy: '${data.aws_iam_policy_document.merged.json}' },
    });
    expect(one(viaData, 'HIPAA-IAM-001', 'aws_iam_policy.p').status).toBe('FAIL');
    expect(one(viaData, 'HIPAA-IAM-001', 'data.aws_iam_policy_document.admin').status).toBe('FAIL');
    expect(one(viaData, 'HIPAA-IAM-001', 'data.aws_iam_policy_document.merged').status).toBe(
      'FAIL',
    );
  });
  test('a policy that cannot be read fails instead of passing silently', () => {
    expect(iam('${jsonencode({Statement = [{Effect = "Allow"').detail).toMatch(
      /cannot read the jsonencode/,
    );
    expect(iam('not json').detail).toMatch(/neither JSON/);
    expect(iam(JSON.stringify(['x'])).detail).toMatch(/not an object/);
    expect(iam(undefined).status).toBe('PASS');
    const nested = run({
      'data.aws_iam_policy_document.bad': { source_policy_documents: ['not json'] },
      'aws_iam_policy.p': { policy: '${data.aws_iam_policy_document.bad.json}' },
    });
    expect(one(nested, 'HIPAA-IAM-001', 'aws_iam_policy.p').detail).toMatch(/neither JSON/);
  });
  test('a self-referencing policy document is cut off', () => {
    const loop = run({
      'data.aws_iam_policy_document.loop': {
        source_policy_documents: ['${data.aws_iam_policy_document.loop.json}'],
      },
    });
    expect(one(loop, 'HIPAA-IAM-001', 'data.aws_iam_policy_document.loop').detail).toMatch(
      /nest too deeply/,
    );
  });
  test('inline_policy blocks of a role and principals of a policy document', () => {
    const r = run({
      'aws_iam_role.mon': {
        inline_policy: [
          {
            name: 'x',
            policy: JSON.stringify({
              Statement: [{ Effect: 'Allow', Action: 'ec2:*', Resource: '*' }],
            }),
          },
        ],
      },
      'data.aws_iam_policy_document.pub': {
        statement: [
          {
            actions: ['s3:GetObject'],
            resources: ['*'],
            principals: [{ type: 'AWS', identifiers: ['*'] }],
          },
        ],
      },
      'aws_sns_topic_policy.tp': {
        arn: '${aws_sns_topic.t.arn}',
        policy: '${data.aws_iam_policy_document.pub.json}',
      },
      'aws_cloudwatch_log_resource_policy.lp': {
        policy_document: '${data.aws_iam_policy_document.tls.json}',
      },
    });
    expect(one(r, 'HIPAA-IAM-002', 'aws_iam_role.mon').detail).toMatch(
      /inline_policy\[0\] statement 1: allows ec2:\*/,
    );
    expect(one(r, 'HIPAA-IAM-003', 'aws_sns_topic_policy.tp').status).toBe('FAIL');
    expect(one(r, 'HIPAA-IAM-003', 'aws_cloudwatch_log_resource_policy.lp').status).toBe('PASS');
  });
});

describe('hcl reader', () => {
  test('reads the expressions cdktf writes for Fn.jsonencode', () => {
    expect(
      parseJsonencode(
        '${jsonencode({"a" = [1, -2.5, true, false, null, "x\\"y\\n\\t"], b = f(x, [1]), "c" = "${var.x}"})}',
      ),
    ).toEqual({
      a: [1, -2.5, true, false, null, 'x"y\n\t'],
      b: '${f(x, [1])}',
      c: '${var.x}',
    });
    expect(parseJsonencode('not an expression')).toBeUndefined();
    expect(() => parseHclExpression('{"a" = 1} extra')).toThrow(/unexpected text/);
    expect(() => parseHclExpression('{"a" 1}')).toThrow(/expected "="/);
    expect(() => parseHclExpression('{1 = 2}')).toThrow(/expected an object key/);
    expect(() => parseHclExpression('"open')).toThrow(/unterminated/);
    expect(() => parseHclExpression('[,]')).toThrow(/expected a value/);
    expect(() => parseHclExpression('')).toThrow(/expected a value/);
  });
});

describe('terraform helpers', () => {
  test('profile inference: prod and untagged stacks are production, others standard', () => {
    expect(inferProfile(doc({}, 'prod'))).toBe('production');
    expect(inferProfile(doc({}, 'dev'))).toBe('standard');
    expect(inferProfile({ resource: {} })).toBe('production');
    expect(evaluateStack(doc({}, 'dev'), { stackName: 'x', rules: [] })).toEqual([]);
  });
  test('context: reference resolution and type lookup', () => {
    const resources = listResources(doc());
    const ctx = buildContext('s', 'production', resources);
    expect(ctx.resolve(KEY)?.address).toBe('aws_kms_key.k');
    expect(ctx.resolve('${aws_kms_key.nope.arn}')).toBeUndefined();
    expect(ctx.resolve(42)).toBeUndefined();
    expect(ctx.ofType('data.aws_iam_policy_document').map((r) => r.address)).toEqual([
      'data.aws_iam_policy_document.tls',
    ]);
    expect(ctx.policy({ Statement: [] })).toEqual({ ok: true, statements: [] });
    expect(resources.find((r) => r.address === 'aws_kms_key.k')?.constructPath).toBe('Fixture/k');
    expect(listResources({})).toEqual([]);
  });
});

describe('waivers', () => {
  function keyStack(): { stack: TerraformStack; key: KmsKey } {
    const stack = new TerraformStack(Testing.app(), 'WaiverStack');
    new AwsProvider(stack, 'aws', {
      region: 'eu-west-1',
      defaultTags: [{ tags: { Environment: 'prod' } }],
    });
    const key = new KmsKey(stack, 'key', {
      enableKeyRotation: false,
      policy: '{"Statement": []}',
      lifecycle: { preventDestroy: true },
    });
    return { stack, key };
  }

  test('a waiver without a reason throws', () => {
    const { key } = keyStack();
    expect(() => waivePolicy(key, 'HIPAA-KMS-001', '  ')).toThrow(
      'waivePolicy: waiving HIPAA-KMS-001 on WaiverStack/key needs a written reason',
    );
    expect(() => waivePolicy(key, 'kms rotation', 'because')).toThrow(/is not a policy rule id/);
  });

  test('a waiver is merged into the // metadata and the waived result shows its reason', () => {
    const { stack, key } = keyStack();
    waivePolicy(key, 'HIPAA-KMS-001', 'Asymmetric signing key: KMS cannot rotate it');
    const json = synthesizeStack(stack);
    const body = Object.values(json.resource!['aws_kms_key'])[0] as Record<
      string,
      Record<string, unknown>
    >;
    expect(body['//']).toEqual({
      metadata: { path: 'WaiverStack/key', uniqueId: 'key' },
      policy_waivers: { 'HIPAA-KMS-001': 'Asymmetric signing key: KMS cannot rotate it' },
    });
    const results = evaluateStack(json, { stackName: 'WaiverStack' });
    const waived = results.find((r) => r.ruleId === 'HIPAA-KMS-001')!;
    expect(waived).toMatchObject({
      status: 'WAIVED',
      waiverReason: 'Asymmetric signing key: KMS cannot rotate it',
      detail: 'enable_key_rotation is not true',
    });
    expect(formatReport(results)).toContain(
      'waived: Asymmetric signing key: KMS cannot rotate it [finding: enable_key_rotation is not true]',
    );
    expect(formatWaivers(results)).toMatch(
      /WaiverStack\s+HIPAA-KMS-001\s+aws_kms_key\.key\s+Asymmetric signing key/,
    );
  });

  test('an unneeded waiver is flagged on the pass; a waiver for an unknown rule fails', () => {
    const { stack, key } = keyStack();
    waivePolicy(key, 'HIPAA-KMS-002', 'not needed');
    waivePolicy(key, 'HIPAA-KMS-999', 'typo');
    const results = evaluateStack(synthesizeStack(stack), { stackName: 'WaiverStack' });
    expect(results.find((r) => r.ruleId === 'HIPAA-KMS-002')!.detail).toMatch(
      /waiver for this rule is present but not needed/,
    );
    expect(results.find((r) => r.ruleId === UNKNOWN_WAIVER_RULE_ID)).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('HIPAA-KMS-999'),
    });
  });
});

describe('report', () => {
  const results = [
    ...run(FAIL_CASES['HIPAA-RDS-001'].patch),
    ...run({}, 'dev').map((r) => ({ ...r, stack: 'FixtureDev' })),
  ];

  test('table lists failures first with rule, resource and detail; summary counts per stack', () => {
    const text = formatReport(results);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Stack Fixture (profile production)');
    expect(lines[1]).toMatch(/^STATUS\s+SEVERITY\s+RULE\s+RESOURCE\s+DETAIL \/ WAIVER REASON$/);
    expect(lines[3]).toMatch(
      /^FAIL\s+critical\s+HIPAA-RDS-001\s+aws_db_instance\.db\s+RDS storage is encrypted/,
    );
    expect(text).toContain('Stack FixtureDev (profile standard)');
    expect(text).toMatch(/Summary \(\d+ rules applied\)/);
    const summary = summarize(results);
    expect(summary.byStack['Fixture'].FAIL).toBe(1);
    expect(summary.byStack['FixtureDev']).toMatchObject({
      FAIL: 0,
      WAIVED: 0,
      profile: 'standard',
    });
    expect(formatWaivers(results)).toBe('Waivers: none');
  });
  test("the failures are listed again with their rule's reason; none, nothing", () => {
    const result = (status: 'FAIL' | 'PASS', ruleId: string, stack: string) => ({
      stack,
      profile: 'production' as const,
      ruleId,
      title: `title of ${ruleId}`,
      severity: 'high' as const,
      address: `aws_thing.${ruleId.toLowerCase()}`,
      status,
      detail: 'detail',
    });
    const rules = [
      { id: 'R-1', rationale: 'set SETTING_ONE', check: () => ({ ok: true }) },
      { id: 'R-2', check: () => ({ ok: true }) },
    ] as never;
    expect(
      formatFailures(
        [result('PASS', 'R-1', 'A'), result('FAIL', 'R-1', 'B'), result('FAIL', 'R-2', 'C')],
        rules,
      ),
    ).toBe(
      [
        'Failed (2): fix these, then run again',
        '  B  R-1  aws_thing.r-1',
        '    title of R-1',
        '    why and how to fix: set SETTING_ONE',
        '  C  R-2  aws_thing.r-2',
        '    title of R-2',
      ].join('\n'),
    );
    expect(formatFailures([result('PASS', 'R-1', 'A')], rules)).toBe('');
  });
  test('JSON output has the summary and every result', () => {
    const parsed = JSON.parse(toJson(results));
    expect(parsed.summary.total.FAIL).toBe(1);
    expect(parsed.results).toHaveLength(results.length);
    expect(parsed.results[0]).toMatchObject({ status: 'FAIL', ruleId: 'HIPAA-RDS-001' });
  });
  test('docs/policy.md rule table is generated from the rules', () => {
    const md = rulesMarkdown();
    expect(md).toContain(
      '| HIPAA-RDS-001 | RDS storage is encrypted with a customer-managed KMS key | critical | `aws_db_instance` | all | CKV_AWS_16 | rds-storage-encrypted | RDS.3 | 164.312(a)(2)(iv) |',
    );
    expect(md.split('\n').filter((l) => l.startsWith('| HIPAA-'))).toHaveLength(RULES.length);
    expect(md).toContain('- **HIPAA-KMS-002**:');
  });
});

describe('transport and data classification rules', () => {
  const ruleIds = ['HIPAA-API-009', 'HIPAA-API-010', 'HIPAA-DATA-001'];

  test('a standard-profile stack tagged PHI is refused', () => {
    const results = run({ 'provider.aws': { DataClassification: 'PHI' } }, 'dev', ruleIds);
    expect(one(results, 'HIPAA-DATA-001', 'provider.aws')).toMatchObject({
      status: 'FAIL',
      profile: 'standard',
      detail:
        'DataClassification = PHI in the standard profile: its controls are below the production bar; tag it synthetic or build it with the production profile',
    });
  });

  test('an untagged stack is refused; audit (the baseline) passes in any profile', () => {
    expect(
      one(
        run({ 'provider.aws': { DataClassification: undefined } }, 'prod', ruleIds),
        'HIPAA-DATA-001',
        'provider.aws',
      ).detail,
    ).toBe('default_tags DataClassification = (unset): must be one of PHI, synthetic, audit');
    expect(
      one(
        run({ 'provider.aws': { DataClassification: 'audit' } }, 'dev', ruleIds),
        'HIPAA-DATA-001',
        'provider.aws',
      ).status,
    ).toBe('PASS');
  });

  test('each provider configuration (aliases too) is checked', () => {
    const base = doc({}, 'prod');
    const aws = (base.provider as { aws: Record<string, unknown>[] }).aws;
    aws.push({ ...aws[0], alias: 'dr', default_tags: [{ tags: {} }] });
    const results = evaluateStack(base, {
      stackName: 'Fixture',
      rules: [ruleById('HIPAA-DATA-001')],
    });
    expect(results.map((r) => [r.address, r.status])).toEqual([
      ['provider.aws', 'PASS'],
      ['provider.aws.dr', 'FAIL'],
    ]);
  });

  test('a production API whose domain keeps TLS_1_0 fails, naming the domain', () => {
    const results = run(
      { 'aws_api_gateway_domain_name.dn': { security_policy: undefined } },
      'prod',
      ruleIds,
    );
    expect(one(results, 'HIPAA-API-009', 'aws_api_gateway_rest_api.api').detail).toBe(
      'aws_api_gateway_domain_name.dn has security_policy (unset, TLS_1_0), not TLS_1_2',
    );
    expect(one(results, 'HIPAA-API-010', 'aws_api_gateway_domain_name.dn').status).toBe('FAIL');
    expect(
      one(run({}, 'prod', ruleIds), 'HIPAA-API-009', 'aws_api_gateway_rest_api.api').detail,
    ).toBe('served only on api.example.org (TLS_1_2); execute-api endpoint disabled');
  });

  test('a standard API may keep the execute-api host (HIPAA-API-009 is production only)', () => {
    const results = run(
      {
        'aws_api_gateway_rest_api.api': { disable_execute_api_endpoint: undefined },
        'aws_api_gateway_base_path_mapping.bpm': null,
        'aws_api_gateway_domain_name.dn': null,
      },
      'dev',
      ruleIds,
    );
    expect(results.filter((r) => r.ruleId === 'HIPAA-API-009')).toEqual([]);
  });
});
