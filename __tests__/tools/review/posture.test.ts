import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parsePlan,
  PlanReferences,
  postureOf,
  preventDestroyOf,
  ResourceChange,
  reviewPlan,
} from '../../../tools/review';

const FIRST_DEPLOY = join(__dirname, '..', '..', 'fixtures', 'plans', 'first-deploy-dev.json');
const firstDeploy = () => JSON.parse(readFileSync(FIRST_DEPLOY, 'utf8')) as unknown;

/** The posture cell of one resource's row. */
function postureRow(markdown: string, address: string): string {
  const line = markdown.split('\n').find((l) => l.startsWith(`| \`${address}\` |`));
  expect(line).toBeDefined();
  return line!.slice(`| \`${address}\` | `.length, -2);
}

describe('the review of a real first deploy (TapStackdev on the emulator)', () => {
  // Given the plan Terraform 1.11.4 made for the first deploy of TapStackdev
  const review = reviewPlan(firstDeploy(), { stack: 'TapStackdev' });
  const md = review.markdown;

  test('is short: one line per resource, no computed attributes', () => {
    expect(review.counts.create).toBe(105);
    expect(md.split('\n').length).toBeLessThan(130);
    for (const noise of ['owner_id', 'name_prefix', 'revoke_rules_on_delete', '| create |']) {
      expect(md).not.toContain(noise);
    }
    expect(md).toContain('## Security posture of new resources (59)');
    expect(md).toContain('## Security-relevant changes to existing resources (0)');
    expect(md).toContain('### Other new resources (46)');
  });

  test('names every new resource once: a posture row or a count by type', () => {
    const plan = parsePlan(firstDeploy());
    const other = md.slice(md.indexOf('### Other new resources'));
    for (const rc of plan.resource_changes!.filter((c) => c.mode === 'managed')) {
      const rows = md.split('\n').filter((l) => l.startsWith(`| \`${rc.address}\` |`)).length;
      expect(rows + (other.includes(`\`${rc.type}\``) ? 1 : 0)).toBeGreaterThanOrEqual(1);
      expect(rows).toBeLessThanOrEqual(1);
    }
  });

  test('the database: key by address and alias, private reach, IAM auth, protection, logs', () => {
    expect(postureRow(md, 'aws_db_instance.database_instance_D7FC2283').split('<br>')).toEqual([
      'at rest: `aws_kms_key.data-key_5D719C34` (alias/healthcare-data-dev)',
      'reach: private, subnets of `aws_db_subnet_group.database_subnet-group_706EB4D1`, security groups `aws_security_group.database_security-group_BF0DE645`',
      'access: IAM database authentication, master password managed by RDS (Secrets Manager)',
      'protection: no deletion protection, no final snapshot, backups 7 days',
      'logs: postgresql, upgrade → CloudWatch Logs, enhanced monitoring 60 s',
    ]);
    expect(postureRow(md, 'aws_db_parameter_group.database_parameter-group_33D396C4')).toBe(
      'in transit and audit: TLS required (rds.force_ssl = 1), no bind values in logs, pgaudit ddl,role',
    );
  });

  test('the cache: TLS required, RBAC with a disabled default user and an IAM user, no AUTH token', () => {
    const cache = postureRow(
      md,
      'aws_elasticache_replication_group.cache_replication-group_FA5C54CF',
    );
    expect(cache).toContain('in transit: TLS (required)');
    expect(cache).toContain(
      'RBAC user group `aws_elasticache_user_group.cache_user-group_99C09024`',
    );
    expect(cache).not.toContain('AUTH token');
    expect(cache).toContain('protection: snapshots 1 day');
    expect(postureRow(md, 'aws_elasticache_user.cache_default-user_25F2A90A')).toBe(
      'access: disabled user',
    );
    expect(postureRow(md, 'aws_elasticache_user.cache_iam-user_6519C47D')).toBe(
      'access: iam authentication',
    );
  });

  test('security-group rules name the peer group by address, not "known after apply"', () => {
    expect(
      postureRow(
        md,
        'aws_vpc_security_group_ingress_rule.database_ingress-from-application_619808BB',
      ),
    ).toBe(
      'rules on `aws_security_group.database_security-group_BF0DE645`: ingress tcp 5432 from aws_security_group.network_application-security-group_D515CCBC ("PostgreSQL from the application security group")',
    );
    expect(
      postureRow(md, 'aws_default_security_group.network_default-security-group_F40826B8'),
    ).toBe('rules: none (the default group denies all traffic)');
  });

  test('the readiness function, its permission, the WAF and the one flagged resource', () => {
    expect(postureRow(md, 'aws_lambda_permission.api_ready-invoke-permission_CF7D6880')).toBe(
      'access: invocable by apigateway.amazonaws.com from `aws_api_gateway_rest_api.api_rest-api_FFFBAE81`',
    );
    expect(postureRow(md, 'aws_lambda_function.readiness_function_D426CD7D')).toContain(
      'logs: logs → `aws_cloudwatch_log_group.readiness_log-group_957608E5`, X-Ray tracing',
    );
    expect(postureRow(md, 'aws_wafv2_web_acl_association.api_web-acl-association_2D8A1C56')).toBe(
      'reach: WAF `aws_wafv2_web_acl.api_web-acl_5DB355B7` in front of `aws_api_gateway_stage.api_stage_9CA2AE48`',
    );
    // GET /health is the waived public probe: the only ⚠️ of the first deploy.
    expect(md).toContain(
      '⚠️ 1 new resource(s) weaker than the platform defaults: `aws_api_gateway_method.api_health-get_FCF85C65`.',
    );
    expect(md.match(/⚠️/g)).toHaveLength(2);
  });

  test('IAM: trust with its conditions; a policy from a data source names it', () => {
    expect(postureRow(md, 'aws_iam_role.readiness_role_0ECD62B3')).toBe(
      'trusted by: Allow sts:AssumeRole on * for Service: lambda.amazonaws.com if {"StringEquals":{"aws:SourceAccount":"123456789012"}}',
    );
    expect(postureRow(md, 'aws_iam_role_policy.readiness_role-policy_B9E81F3F')).toBe(
      'policy: from `data.aws_iam_policy_document.readiness_permissions_B7097E8B` (known after apply)',
    );
    expect(
      postureRow(md, 'aws_iam_role_policy_attachment.database_monitoring-policy_A83EEE0F'),
    ).toBe('attaches `arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`');
  });

  test('prevent_destroy, which plan JSON does not carry, is read from the synthesized stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'posture-'));
    try {
      const cdk = join(dir, 'cdk.tf.json');
      writeFileSync(
        cdk,
        JSON.stringify({
          resource: {
            aws_kms_key: {
              'data-key_5D719C34': { lifecycle: { prevent_destroy: true } },
              other: { lifecycle: { create_before_destroy: true } },
            },
          },
        }),
      );
      const kept = preventDestroyOf(cdk);
      expect([...kept]).toEqual(['aws_kms_key.data-key_5D719C34']);
      const withKeep = reviewPlan(firstDeploy(), { preventDestroy: kept }).markdown;
      expect(postureRow(withKeep, 'aws_kms_key.data-key_5D719C34')).toMatch(
        /protection: deletion window 30 days<br>prevent_destroy$/,
      );
      expect(preventDestroyOf(join(dir, 'absent.json')).size).toBe(0);
      writeFileSync(cdk, '{}');
      expect(preventDestroyOf(cdk).size).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A created resource with its after values, and optional configuration references. */
function created(
  type: string,
  after: Record<string, unknown>,
  extra: {
    unknown?: Record<string, unknown>;
    sensitive?: Record<string, unknown>;
    references?: Record<string, unknown>;
  } = {},
) {
  const address = `${type}.x`;
  const rc = {
    address,
    mode: 'managed',
    type,
    name: 'x',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: {
      actions: ['create'],
      before: null,
      after,
      after_unknown: extra.unknown ?? {},
      after_sensitive: extra.sensitive ?? {},
    },
  } as unknown as ResourceChange;
  const plan = parsePlan({
    format_version: '1.2',
    resource_changes: [rc],
    configuration: {
      root_module: { resources: [{ address, expressions: extra.references ?? {} }] },
    },
  });
  return postureOf(rc, new PlanReferences(plan, [rc]));
}

describe('postureOf flags what is weaker than the platform defaults', () => {
  test.each([
    [
      'aws_db_instance',
      { storage_encrypted: false },
      'not encrypted at rest',
      'at rest: **unencrypted**',
    ],
    [
      'aws_db_instance',
      { publicly_accessible: true },
      'publicly accessible',
      'reach: **publicly accessible**',
    ],
    [
      'aws_elasticache_replication_group',
      { transit_encryption_enabled: false },
      'no TLS in transit',
      'in transit: **plaintext**',
    ],
    [
      'aws_elasticache_replication_group',
      { transit_encryption_enabled: true, transit_encryption_mode: 'preferred' },
      'TLS optional (preferred)',
      'in transit: TLS (preferred)',
    ],
    [
      'aws_elasticache_user',
      { access_string: 'on ~* +@all', no_password_required: true },
      'enabled user without a password',
      'access: password authentication',
    ],
    [
      'aws_subnet',
      { cidr_block: '10.0.0.0/24', map_public_ip_on_launch: true },
      'public IPs on launch',
      'reach: 10.0.0.0/24, **public IPs on launch**',
    ],
    ['aws_kms_key', { enable_key_rotation: false }, 'key rotation off', 'rotation off'],
    [
      'aws_db_parameter_group',
      { parameter: [{ name: 'log_statement', value: 'none' }] },
      'TLS not forced',
      'in transit and audit: **TLS not forced**',
    ],
    [
      'aws_api_gateway_method_settings',
      { settings: [{ logging_level: 'INFO', data_trace_enabled: true }] },
      'logs full request/response bodies (PHI)',
      'logs: execution logs INFO, **data trace on**',
    ],
    [
      'aws_lambda_permission',
      { principal: 'apigateway.amazonaws.com' },
      'any source may invoke',
      'access: invocable by apigateway.amazonaws.com from **any source**',
    ],
    [
      'aws_iam_policy',
      { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) },
      'allows `*` on `*`',
      'policy: Allow * on *',
    ],
    [
      'aws_security_group',
      { ingress: [{ from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }] },
      'open to the internet',
      'rules: ingress tcp 22 from 0.0.0.0/0',
    ],
  ])('%s %j: %s', (type, after, warning, facet) => {
    const posture = created(type, after)!;
    expect(posture.warnings).toEqual([warning]);
    expect(posture.facets).toContain(facet);
  });

  test('an AUTH token is flagged without printing it', () => {
    const posture = created(
      'aws_elasticache_replication_group',
      { transit_encryption_enabled: true, auth_token: 'n0t-for-print' },
      { sensitive: { auth_token: true } },
    )!;
    expect(posture.warnings).toEqual(['AUTH token (a shared password)']);
    expect(posture.facets.join(' ')).not.toContain('n0t-for-print');
  });

  test('keys: AWS-managed, SSE-SQS and a literal ARN; retention forever; no posture at all', () => {
    expect(created('aws_db_instance', { storage_encrypted: true })!.facets).toContain(
      'at rest: AWS-managed key',
    );
    expect(created('aws_sqs_queue', { sqs_managed_sse_enabled: true })!.facets).toEqual([
      'at rest: SQS-managed key (SSE-SQS)',
    ]);
    expect(
      created('aws_sns_topic', { kms_master_key_id: 'arn:aws:kms:eu-west-1:1:key/k' })!.facets,
    ).toEqual(['at rest: `arn:aws:kms:eu-west-1:1:key/k`']);
    expect(created('aws_cloudwatch_log_group', { retention_in_days: 0 })!.facets).toEqual([
      'protection: kept forever',
    ]);
    expect(created('aws_route_table', { vpc_id: 'vpc-1' })).toBeUndefined();
    expect(created('aws_api_gateway_rest_api', {}, { unknown: { policy: true } })).toBeUndefined();
  });

  test('protection, parameters and references in their other forms', () => {
    expect(
      created('aws_dynamodb_table', {
        deletion_protection_enabled: true,
        point_in_time_recovery: [{ enabled: true }],
      })!.facets,
    ).toEqual(['protection: deletion protection, point-in-time recovery']);
    expect(
      created('aws_db_instance', {
        skip_final_snapshot: false,
        final_snapshot_identifier: 'db-final',
        db_subnet_group_name: 'db-subnets',
        vpc_security_group_ids: ['sg-1'],
      })!.facets,
    ).toEqual([
      'reach: subnets of `db-subnets`, security groups `sg-1`',
      'protection: final snapshot on delete',
    ]);
    expect(created('aws_db_instance', { vpc_security_group_ids: [] })).toBeUndefined();
    expect(
      created('aws_db_parameter_group', {
        parameter: [
          { name: 'rds.force_ssl', value: '1' },
          { name: 'shared_preload_libraries', value: 'pgaudit' },
        ],
      })!.facets,
    ).toEqual(['in transit and audit: TLS required (rds.force_ssl = 1), pgaudit (no classes)']);
    expect(created('aws_db_parameter_group', {})!.warnings).toEqual(['TLS not forced']);
    expect(
      created(
        'aws_sqs_queue',
        {},
        {
          unknown: { kms_master_key_id: true },
          references: { kms_master_key_id: { references: ['aws_kms_key.k.arn', 'aws_kms_key.k'] } },
        },
      )!.facets,
    ).toEqual(['at rest: `aws_kms_key.k`']);
    expect(
      created(
        'aws_wafv2_web_acl_association',
        {},
        {
          unknown: { web_acl_arn: true },
          references: { web_acl_arn: { references: ['aws_wafv2_web_acl.acl.arn'] } },
        },
      )!.facets,
    ).toEqual(['reach: WAF `aws_wafv2_web_acl.acl` in front of (known after apply)']);
  });

  test('a review whose new resources are all at the platform defaults says so', () => {
    const rc = {
      address: 'aws_kms_key.k',
      mode: 'managed',
      type: 'aws_kms_key',
      name: 'k',
      provider_name: 'aws',
      change: { actions: ['create'], before: null, after: { enable_key_rotation: true } },
    };
    const { markdown } = reviewPlan({ format_version: '1.2', resource_changes: [rc] });
    expect(markdown).toContain(
      'No new resource is weaker than the platform defaults (no ⚠️ below).',
    );
    expect(markdown).toContain('| `aws_kms_key.k` | rotation on |');
  });

  test('references: a nested block, skipped variables, a value known only after apply', () => {
    const posture = created(
      'aws_lambda_function',
      { vpc_config: [{}], tracing_config: [{ mode: 'Active' }] },
      {
        unknown: { vpc_config: [{ subnet_ids: true, security_group_ids: true }] },
        references: {
          vpc_config: [
            {
              subnet_ids: { references: ['var.subnets', 'aws_subnet.a.id', 'aws_subnet.a'] },
            },
          ],
        },
      },
    )!;
    expect(posture.facets).toEqual(['reach: subnets `aws_subnet.a`', 'logs: X-Ray tracing']);
    expect(posture.group).toBe('edge');
  });
});
