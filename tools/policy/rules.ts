/**
 * The policy rules, as data: each restates a public control (checkov, AWS Config, Security
 * Hub, HIPAA Security Rule) against the synthesized Terraform JSON. Ids are stable: a
 * retired rule's id is never reused. docs/policy.md is generated from this table.
 */
import { cacheParameterGroupName } from '../../constructs/cache/cache';
import { AWS_BACKUP_OWNED_ATTRIBUTES } from '../../constructs/database/database';
import { CONTINUOUS_BACKUP_RETENTION_DAYS } from '../../config/settings';
import { attr, fail, HIPAA, pass } from './checks';
import { asList, blocks, first, isTrue } from './terraform';
import type { CheckResult, PolicyStatement, Rule, RuleContext, TfResource } from './types';

/**
 * The DataClassification vocabulary: `PHI` (production profile), `synthetic` (test data,
 * standard profile) and `audit` (the account baseline's own records).
 */
export const DATA_CLASSES = ['PHI', 'synthetic', 'audit'] as const;

/**
 * A key attribute names a customer-managed key: a reference to an `aws_kms_key` (or an
 * alias of one) created in this stack, or a literal key ARN. Unset means the AWS-managed
 * key, which a key policy of ours cannot restrict and CloudTrail cannot attribute.
 */
export function customerManagedKey(ctx: RuleContext, value: unknown, what: string): CheckResult {
  if (value === undefined || value === null || value === '')
    return fail(`${what} is not set: the AWS-managed key would be used`);
  const target = ctx.resolve(value);
  if (
    target?.mode === 'managed' &&
    (target.type === 'aws_kms_key' || target.type === 'aws_kms_replica_key')
  ) {
    return pass(`${what} is the customer-managed key ${target.address}`);
  }
  if (target?.mode === 'managed' && target.type === 'aws_kms_alias') {
    const key = ctx.resolve(target.attrs['target_key_id']);
    if (key?.type === 'aws_kms_key')
      return pass(`${what} is ${target.address}, an alias of ${key.address}`);
  }
  const text = String(value);
  if (/^arn:aws[a-z-]*:kms:[^:]+:\d{12}:key\/[0-9a-f-]+$/.test(text))
    return pass(`${what} is the key ARN ${text}`);
  return fail(
    `${what} = ${text} is not a customer-managed key created in this stack (aws_kms_key reference or key ARN expected)`,
  );
}

function atLeast(value: unknown, min: number, what: string, unit = 'days'): CheckResult {
  if (value === undefined || value === null)
    return fail(`${what} is not set (at least ${min} ${unit} required)`);
  const n = Number(value);
  return Number.isFinite(n) && n >= min
    ? pass(`${what} = ${n} ${unit} (≥ ${min})`)
    : fail(`${what} = ${String(value)} ${unit}; at least ${min} required`);
}

function preventDestroy(r: TfResource): CheckResult {
  const lifecycle = first(attr(r, 'lifecycle')) as Record<string, unknown> | undefined;
  return isTrue(lifecycle?.['prevent_destroy'])
    ? pass('lifecycle.prevent_destroy = true')
    : fail(
        'lifecycle.prevent_destroy is not set: `terraform destroy` or a replacing change would delete it',
      );
}

/** The first resource of `type` whose attribute `attrName` references `target`, as one block. */
function related(
  ctx: RuleContext,
  type: string,
  attrName: string,
  target: TfResource,
): TfResource | undefined {
  return ctx.referencing(type, attrName, target)[0];
}

// ---------------------------------------------------------------- network helpers

const WORLD = ['0.0.0.0/0', '::/0'];
const DATA_PORTS: Record<number, string> = { 5432: 'PostgreSQL', 6379: 'Redis' };

interface IngressRule {
  readonly where: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrs: readonly string[];
  readonly prefixLists: readonly string[];
}

/** Every ingress rule a resource declares: inline blocks, `aws_security_group_rule`, or `aws_vpc_security_group_ingress_rule`. */
export function ingressRules(r: TfResource): IngressRule[] {
  const ports = (b: Record<string, unknown>, protocolKey: string): [number, number] => {
    const protocol = String(b[protocolKey] ?? '');
    if (protocol === '-1' || protocol === 'all') return [0, 65535];
    return [Number(b['from_port'] ?? 0), Number(b['to_port'] ?? b['from_port'] ?? 65535)];
  };
  if (r.type === 'aws_security_group') {
    return blocks(attr(r, 'ingress')).map((b, i) => {
      const [fromPort, toPort] = ports(b, 'protocol');
      return {
        where: `ingress[${i}]`,
        fromPort,
        toPort,
        cidrs: [...asList(b['cidr_blocks']), ...asList(b['ipv6_cidr_blocks'])],
        prefixLists: asList(b['prefix_list_ids']),
      };
    });
  }
  if (r.type === 'aws_security_group_rule') {
    if (attr(r, 'type') !== 'ingress') return [];
    const [fromPort, toPort] = ports(r.attrs, 'protocol');
    return [
      {
        where: 'rule',
        fromPort,
        toPort,
        cidrs: [...asList(attr(r, 'cidr_blocks')), ...asList(attr(r, 'ipv6_cidr_blocks'))],
        prefixLists: asList(attr(r, 'prefix_list_ids')),
      },
    ];
  }
  const [fromPort, toPort] = ports(r.attrs, 'ip_protocol');
  return [
    {
      where: 'rule',
      fromPort,
      toPort,
      cidrs: [...asList(attr(r, 'cidr_ipv4')), ...asList(attr(r, 'cidr_ipv6'))],
      prefixLists: asList(attr(r, 'prefix_list_id')),
    },
  ];
}

const portText = (rule: IngressRule) =>
  rule.fromPort === rule.toPort ? `port ${rule.fromPort}` : `ports ${rule.fromPort}-${rule.toPort}`;
const SECURITY_GROUP_TYPES = [
  'aws_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
];

// ---------------------------------------------------------------- IAM helpers

const IDENTITY_POLICY_TYPES = [
  'aws_iam_policy',
  'aws_iam_role_policy',
  'aws_iam_user_policy',
  'aws_iam_group_policy',
  'aws_iam_role',
];

/** The policy documents a resource carries, as [label, value] pairs. */
function identityPolicies(r: TfResource): [string, unknown][] {
  if (r.type === 'aws_iam_role')
    return blocks(attr(r, 'inline_policy')).map((b, i) => [`inline_policy[${i}]`, b['policy']]);
  return [['policy', attr(r, 'policy')]];
}

function checkStatements(
  ctx: RuleContext,
  docs: [string, unknown][],
  bad: (s: PolicyStatement) => string | undefined,
  okText: string,
): CheckResult {
  const problems: string[] = [];
  for (const [label, value] of docs) {
    const parsed = ctx.policy(value);
    if (!parsed.ok) {
      problems.push(`${label}: ${parsed.reason}`);
      continue;
    }
    parsed.statements.forEach((s, i) => {
      const why = bad(s);
      if (why) problems.push(`${label} statement ${i + 1}: ${why}`);
    });
  }
  return problems.length > 0 ? fail(problems.join('; ')) : pass(okText);
}

const adminStatement = (s: PolicyStatement) =>
  s.effect === 'Allow' &&
  (s.actions.includes('*') || s.notActions.length > 0) &&
  s.resources.includes('*')
    ? `allows ${s.notActions.length > 0 ? `NotAction ${s.notActions.join(',')}` : 'Action "*"'} on Resource "*"`
    : undefined;

const serviceWildcardStatement = (s: PolicyStatement) => {
  const wild = s.actions.filter((a) => /^[a-z0-9-]+:\*$/.test(a));
  return s.effect === 'Allow' && wild.length > 0 && s.resources.includes('*')
    ? `allows ${wild.join(', ')} on Resource "*"`
    : undefined;
};

const publicStatement = (s: PolicyStatement) =>
  s.effect === 'Allow' &&
  (s.principals === '*' || (Array.isArray(s.principals) && s.principals.includes('*'))) &&
  !s.hasCondition
    ? 'allows Principal "*" without a Condition'
    : undefined;

const RESOURCE_POLICY_ATTRS: Record<string, string> = {
  aws_s3_bucket_policy: 'policy',
  aws_sns_topic_policy: 'policy',
  aws_secretsmanager_secret_policy: 'policy',
  aws_sqs_queue_policy: 'policy',
  aws_cloudwatch_log_resource_policy: 'policy_document',
  aws_iam_role: 'assume_role_policy',
  aws_kms_key: 'policy',
  aws_kms_key_policy: 'policy',
};

// ---------------------------------------------------------------- the rules

// ---------------------------------------------------------------- Lambda runtimes

/**
 * Lambda-managed runtimes and the day AWS deprecates them (no more security patches), from
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html as of 2026-12-01. A
 * runtime not listed fails: add it here, with its date, when AWS lists it and the
 * installed provider accepts it.
 */
export const LAMBDA_RUNTIMES: Readonly<Record<string, { deprecated: string }>> = {
  'nodejs18.x': { deprecated: '2025-09-01' },
  'nodejs20.x': { deprecated: '2026-04-30' },
  'nodejs22.x': { deprecated: '2027-04-30' },
  'nodejs24.x': { deprecated: '2028-04-30' },
  'python3.9': { deprecated: '2025-12-15' },
  'python3.12': { deprecated: '2028-10-31' },
  'python3.13': { deprecated: '2029-06-30' },
  'provided.al2023': { deprecated: '2029-06-30' },
};

/** The day the runtime table was last checked against AWS: a runtime deprecated by then fails. */
export const LAMBDA_RUNTIMES_CHECKED = '2026-12-01';

function lambdaRuntime(r: TfResource): CheckResult {
  if (attr(r, 'package_type') === 'Image')
    return pass('container image: the image pins its runtime');
  const runtime = String(attr(r, 'runtime') ?? '');
  const known = LAMBDA_RUNTIMES[runtime];
  if (!known)
    return fail(
      `runtime ${runtime || '(unset)'} is not in the supported-runtime table (tools/policy/rules.ts LAMBDA_RUNTIMES)`,
    );
  return known.deprecated > LAMBDA_RUNTIMES_CHECKED
    ? pass(`runtime ${runtime} is supported until ${known.deprecated}`)
    : fail(
        `runtime ${runtime} was deprecated on ${known.deprecated}: no security patches, and AWS then blocks creating and updating functions on it`,
      );
}

/** ElastiCache users of this stack that a user group lists. */
function groupUsers(ctx: RuleContext, group: TfResource): TfResource[] {
  return asList(group.attrs['user_ids'])
    .map((id) => ctx.resolve(id))
    .filter((u): u is TfResource => u?.type === 'aws_elasticache_user');
}

const userEnabled = (user: TfResource) =>
  !/^\s*off(\s|$)/.test(String(attr(user, 'access_string') ?? ''));
const authenticationType = (user: TfResource) =>
  (first(attr(user, 'authentication_mode')) as Record<string, unknown> | undefined)?.['type'];

/** A parameter of an aws_db_parameter_group, as text. */
function dbParameter(group: TfResource, name: string): string | undefined {
  const found = blocks(group.attrs['parameter']).find((p) => p['name'] === name);
  return found === undefined ? undefined : String(found['value']);
}

// ---------------------------------------------------------------- data tier helpers

/**
 * A parameter group's replacement (its family or description changed: both replace-only) is
 * created before the old one is deleted, which only works when the new group's name differs:
 * `name_prefix` (Terraform appends a unique suffix) or a name ending in `-<family>-<hash of
 * family and description>` (constructs/cache/cache.ts cacheParameterGroupName).
 */
function replacementSafeParameterGroup(r: TfResource): CheckResult {
  const lifecycle = first(attr(r, 'lifecycle')) as Record<string, unknown> | undefined;
  if (!isTrue(lifecycle?.['create_before_destroy']))
    return fail(
      'lifecycle.create_before_destroy is not set: a replacement would delete the group first, which RDS/ElastiCache refuse while an instance uses it',
    );
  const prefix = attr(r, 'name_prefix');
  if (prefix !== undefined && attr(r, 'name') === undefined)
    return pass(`name_prefix = ${String(prefix)}: every replacement gets a new, unique name`);
  const name = String(attr(r, 'name') ?? '');
  const suffix = cacheParameterGroupName(
    '',
    String(attr(r, 'family') ?? ''),
    String(attr(r, 'description') ?? ''),
  );
  return name.endsWith(suffix)
    ? pass(`name ${name} ends with a hash of family and description (${suffix})`)
    : fail(
        `name = ${name} does not change when family or description does: the replacement would be refused as already existing (DBParameterGroupAlreadyExists / CacheParameterGroupAlreadyExists) in the middle of the apply; use name_prefix or end the name with ${suffix}`,
      );
}

/** Log groups that can carry statement text or request data (by the names AWS and the platform give them). */
export const DATA_BEARING_LOG_GROUPS: readonly RegExp[] = [
  /^\/aws\/rds\/instance\/[^/]+\/postgresql$/,
  /^\/aws\/lambda\//,
  /^\/aws\/apigateway\//,
  /^API-Gateway-Execution-Logs_/,
  /^aws-waf-logs-/,
];

/** What is wrong with a data protection policy document; undefined when it audits and masks the same identifiers. */
function dataProtectionProblem(document: unknown): string | undefined {
  let doc: { Version?: unknown; Statement?: unknown };
  try {
    doc = JSON.parse(String(document));
  } catch {
    return 'policy_document is not JSON the check can read';
  }
  if (doc.Version !== '2021-06-01') return `Version is ${String(doc.Version)}, not 2021-06-01`;
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : []) as {
    DataIdentifier?: unknown;
    Operation?: Record<string, Record<string, unknown>>;
  }[];
  const audit = statements.filter((st) => st.Operation?.['Audit'] !== undefined);
  const mask = statements.filter((st) => st.Operation?.['Deidentify'] !== undefined);
  if (statements.length !== 2 || audit.length !== 1 || mask.length !== 1)
    return 'the document must have exactly one Audit and one Deidentify statement';
  if (JSON.stringify(mask[0].Operation?.['Deidentify']) !== '{"MaskConfig":{}}')
    return 'the Deidentify statement must be {"MaskConfig": {}}';
  const ids = (st: { DataIdentifier?: unknown }) => JSON.stringify(st.DataIdentifier ?? []);
  if (ids(audit[0]) !== ids(mask[0]))
    return 'the Audit and Deidentify statements name different DataIdentifier lists';
  if (ids(mask[0]) === '[]') return 'no DataIdentifier is masked';
  return undefined;
}

/** IAM's `*`/`?` wildcards in an action name, case-insensitive. */
function actionMatches(pattern: string, action: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(action);
}

/** True when an Allow statement grants `action` (by Action, or by a NotAction that leaves it in). */
function grants(s: PolicyStatement, action: string): boolean {
  if (s.effect !== 'Allow') return false;
  if (s.actions.some((a) => actionMatches(a, action))) return true;
  return s.notActions.length > 0 && !s.notActions.some((a) => actionMatches(a, action));
}

/** Every Allow statement of a trust policy requires an MFA-authenticated session. */
function trustRequiresMfa(ctx: RuleContext, role: TfResource): boolean {
  const trust = ctx.policy(attr(role, 'assume_role_policy'));
  if (!trust.ok) return false;
  const allows = trust.statements.filter((s) => s.effect === 'Allow');
  return (
    allows.length > 0 &&
    allows.every((s) =>
      s.conditions.some(
        (c) =>
          c.test === 'Bool' &&
          c.variable.toLowerCase() === 'aws:multifactorauthpresent' &&
          c.values.length === 1 &&
          c.values[0] === 'true',
      ),
    )
  );
}

export const RULES: readonly Rule[] = [
  // ------------------------------------------------------------ RDS
  {
    id: 'HIPAA-RDS-001',
    title: 'RDS storage is encrypted with a customer-managed KMS key',
    severity: 'critical',
    resourceTypes: ['aws_db_instance'],
    control: {
      checkov: 'CKV_AWS_16',
      configRule: 'rds-storage-encrypted',
      securityHub: 'RDS.3',
      hipaa: HIPAA.encryption,
    },
    check: (r, ctx) =>
      !isTrue(attr(r, 'storage_encrypted'))
        ? fail(
            'storage_encrypted is not true: the database, its snapshots and replicas would be unencrypted',
          )
        : customerManagedKey(ctx, attr(r, 'kms_key_id'), 'kms_key_id'),
  },
  {
    id: 'HIPAA-RDS-002',
    title: 'RDS instance is not publicly accessible',
    severity: 'critical',
    resourceTypes: ['aws_db_instance'],
    control: {
      checkov: 'CKV_AWS_17',
      configRule: 'rds-instance-public-access-check',
      securityHub: 'RDS.2',
      hipaa: HIPAA.access,
    },
    check: (r) =>
      isTrue(attr(r, 'publicly_accessible'))
        ? fail('publicly_accessible = true: the endpoint resolves to a public IP')
        : pass('publicly_accessible is false'),
  },
  {
    id: 'HIPAA-RDS-003',
    title: 'RDS deletion protection is on (production)',
    severity: 'high',
    profile: 'production',
    resourceTypes: ['aws_db_instance'],
    control: {
      checkov: 'CKV_AWS_293',
      configRule: 'rds-instance-deletion-protection-enabled',
      securityHub: 'RDS.8',
      hipaa: HIPAA.backup,
    },
    check: (r) =>
      isTrue(attr(r, 'deletion_protection'))
        ? pass('deletion_protection = true')
        : fail('deletion_protection is not true'),
  },
  {
    id: 'HIPAA-RDS-004',
    title: 'RDS takes a final snapshot before deletion (production)',
    severity: 'high',
    profile: 'production',
    resourceTypes: ['aws_db_instance'],
    control: { hipaa: HIPAA.backup },
    check: (r) =>
      isTrue(attr(r, 'skip_final_snapshot'))
        ? fail('skip_final_snapshot = true: deleting the instance discards its data')
        : attr(r, 'final_snapshot_identifier')
          ? pass(
              `final snapshot "${String(attr(r, 'final_snapshot_identifier'))}" is taken on deletion`,
            )
          : fail(
              'final_snapshot_identifier is not set (required when skip_final_snapshot is false)',
            ),
  },
  {
    id: 'HIPAA-RDS-005',
    title: 'RDS automated backups are retained ≥ 7 days in production (≥ 1 elsewhere)',
    severity: 'high',
    resourceTypes: ['aws_db_instance'],
    rationale:
      'Seven days covers a week-end plus a working week to notice and restore; production defaults to 35 (the RDS maximum).',
    control: {
      checkov: 'CKV_AWS_133',
      configRule: 'db-instance-backup-enabled',
      securityHub: 'RDS.11',
      hipaa: HIPAA.backup,
    },
    check: (r, ctx) =>
      atLeast(
        attr(r, 'backup_retention_period'),
        ctx.profile === 'production' ? 7 : 1,
        'backup_retention_period',
      ),
  },
  {
    id: 'HIPAA-RDS-006',
    title: 'RDS IAM database authentication is enabled',
    severity: 'medium',
    resourceTypes: ['aws_db_instance'],
    control: {
      checkov: 'CKV_AWS_161',
      configRule: 'rds-instance-iam-authentication-enabled',
      securityHub: 'RDS.10',
      hipaa: HIPAA.authentication,
    },
    check: (r) =>
      isTrue(attr(r, 'iam_database_authentication_enabled'))
        ? pass('iam_database_authentication_enabled = true')
        : fail('iam_database_authentication_enabled is not true'),
  },
  {
    id: 'HIPAA-RDS-007',
    title: 'RDS is Multi-AZ (production)',
    severity: 'high',
    profile: 'production',
    resourceTypes: ['aws_db_instance'],
    control: {
      checkov: 'CKV_AWS_157',
      configRule: 'rds-multi-az-support',
      securityHub: 'RDS.5',
      hipaa: HIPAA.contingency,
    },
    check: (r) =>
      isTrue(attr(r, 'multi_az'))
        ? pass('multi_az = true')
        : fail('multi_az is not true: one AZ failure takes the database down'),
  },
  {
    id: 'HIPAA-RDS-008',
    title: 'RDS exports its database and upgrade logs to CloudWatch Logs',
    severity: 'medium',
    resourceTypes: ['aws_db_instance'],
    control: {
      checkov: 'CKV_AWS_129',
      configRule: 'rds-logging-enabled',
      securityHub: 'RDS.9',
      hipaa: HIPAA.audit,
    },
    check: (r) => {
      const exports = asList(attr(r, 'enabled_cloudwatch_logs_exports'));
      const engine = String(attr(r, 'engine') ?? '');
      const required = engine.startsWith('postgres') ? ['postgresql', 'upgrade'] : [];
      const missing = required.filter((e) => !exports.includes(e));
      if (exports.length === 0) return fail('enabled_cloudwatch_logs_exports is empty');
      return missing.length > 0
        ? fail(`enabled_cloudwatch_logs_exports lacks ${missing.join(', ')}`)
        : pass(`exports ${exports.join(', ')}`);
    },
  },
  {
    id: 'HIPAA-RDS-009',
    title: 'RDS Performance Insights data is encrypted with a customer-managed key',
    severity: 'high',
    resourceTypes: ['aws_db_instance'],
    control: { checkov: 'CKV_AWS_354', hipaa: HIPAA.encryption },
    check: (r, ctx) =>
      isTrue(attr(r, 'performance_insights_enabled'))
        ? customerManagedKey(
            ctx,
            attr(r, 'performance_insights_kms_key_id'),
            'performance_insights_kms_key_id',
          )
        : pass('Performance Insights is off (nothing to encrypt)'),
  },
  {
    id: 'HIPAA-RDS-010',
    title: 'RDS master password is managed by RDS in Secrets Manager under a customer-managed key',
    severity: 'critical',
    resourceTypes: ['aws_db_instance'],
    rationale:
      'A `password` argument lands in the plan and the state; `manage_master_user_password` keeps it in Secrets Manager only.',
    control: {
      checkov: 'CKV_AWS_149',
      configRule: 'secretsmanager-using-cmk',
      hipaa: HIPAA.authentication,
    },
    check: (r, ctx) => {
      if (attr(r, 'password') !== undefined)
        return fail(
          'a `password` argument is set: the password would be stored in the plan and the state',
        );
      if (!isTrue(attr(r, 'manage_master_user_password')))
        return fail('manage_master_user_password is not true');
      return customerManagedKey(
        ctx,
        attr(r, 'master_user_secret_kms_key_id'),
        'master_user_secret_kms_key_id',
      );
    },
  },
  {
    id: 'HIPAA-RDS-011',
    title: 'RDS parameter group forces TLS (rds.force_ssl = 1)',
    severity: 'high',
    resourceTypes: ['aws_db_instance'],
    control: { checkov: 'CKV2_AWS_69', hipaa: HIPAA.transmission },
    check: (r, ctx) => {
      const group = ctx.resolve(attr(r, 'parameter_group_name'));
      if (!group || group.type !== 'aws_db_parameter_group') {
        return fail(
          `parameter_group_name = ${String(attr(r, 'parameter_group_name') ?? '(default)')} is not an aws_db_parameter_group of this stack; default groups do not force TLS`,
        );
      }
      const forced = blocks(group.attrs['parameter']).find((p) => p['name'] === 'rds.force_ssl');
      return forced && String(forced['value']) === '1'
        ? pass(`${group.address} sets rds.force_ssl = 1`)
        : fail(`${group.address} does not set rds.force_ssl = 1`);
    },
  },
  {
    id: 'HIPAA-RDS-012',
    title: 'RDS enhanced monitoring is enabled',
    severity: 'low',
    resourceTypes: ['aws_db_instance'],
    control: {
      checkov: 'CKV_AWS_118',
      configRule: 'rds-enhanced-monitoring-enabled',
      securityHub: 'RDS.6',
      hipaa: HIPAA.audit,
    },
    check: (r) =>
      Number(attr(r, 'monitoring_interval') ?? 0) > 0 && attr(r, 'monitoring_role_arn')
        ? pass(`monitoring_interval = ${String(attr(r, 'monitoring_interval'))} s`)
        : fail('monitoring_interval is 0 or monitoring_role_arn is missing'),
  },
  {
    id: 'HIPAA-RDS-013',
    title: 'RDS applies minor engine upgrades automatically',
    severity: 'low',
    resourceTypes: ['aws_db_instance'],
    control: {
      checkov: 'CKV_AWS_226',
      configRule: 'rds-automatic-minor-version-upgrade-enabled',
      securityHub: 'RDS.13',
      hipaa: '164.308(a)(1)(ii)(B)',
    },
    check: (r) =>
      attr(r, 'auto_minor_version_upgrade') === false ||
      attr(r, 'auto_minor_version_upgrade') === 'false'
        ? fail('auto_minor_version_upgrade = false: security patches wait for a manual upgrade')
        : pass('auto_minor_version_upgrade is on (provider default true)'),
  },
  {
    id: 'HIPAA-RDS-014',
    title: 'RDS copies tags to snapshots',
    severity: 'low',
    resourceTypes: ['aws_db_instance'],
    rationale: 'Snapshots hold PHI; the DataClassification tag must travel with them.',
    control: { checkov: 'CKV2_AWS_60', securityHub: 'RDS.17', hipaa: HIPAA.access },
    check: (r) =>
      isTrue(attr(r, 'copy_tags_to_snapshot'))
        ? pass('copy_tags_to_snapshot = true')
        : fail('copy_tags_to_snapshot is not true'),
  },

  {
    id: 'HIPAA-RDS-015',
    title: 'PostgreSQL parameter group keeps bind values (PHI) out of the logs',
    severity: 'high',
    resourceTypes: ['aws_db_parameter_group'],
    rationale:
      'Bind values are the patient data of a query: `log_parameter_max_length(_on_error) = 0` and `pgaudit.log_parameter = 0` keep them out of the PostgreSQL log and the audit log.',
    control: { hipaa: HIPAA.minimumNecessary },
    check: (r) => {
      if (!String(attr(r, 'family') ?? '').startsWith('postgres'))
        return pass(`family ${String(attr(r, 'family'))} is not PostgreSQL`);
      const wrong = ['log_parameter_max_length', 'log_parameter_max_length_on_error']
        .map((name) => [name, dbParameter(r, name)] as const)
        .filter(([, value]) => value !== '0')
        .map(([name, value]) => `${name} = ${value ?? '(unset, logs bind values)'}`);
      const auditParameters = dbParameter(r, 'pgaudit.log_parameter');
      if (auditParameters !== undefined && auditParameters !== '0')
        wrong.push(`pgaudit.log_parameter = ${auditParameters}`);
      return wrong.length === 0
        ? pass('log_parameter_max_length = 0, log_parameter_max_length_on_error = 0')
        : fail(`${wrong.join('; ')}: bind values (PHI) would be written to the logs`);
    },
  },
  {
    id: 'HIPAA-RDS-016',
    title: 'PostgreSQL parameter group loads pgaudit and audits DDL and role changes',
    severity: 'high',
    resourceTypes: ['aws_db_parameter_group'],
    rationale:
      'pgaudit records who changed the schema and the roles; production adds read/write (DB_AUDIT_LOG). The extension must also be created once per database (docs/database-upgrades.md).',
    control: { hipaa: HIPAA.audit },
    check: (r) => {
      if (!String(attr(r, 'family') ?? '').startsWith('postgres'))
        return pass(`family ${String(attr(r, 'family'))} is not PostgreSQL`);
      const libraries = (dbParameter(r, 'shared_preload_libraries') ?? '')
        .split(',')
        .map((l) => l.trim());
      if (!libraries.includes('pgaudit'))
        return fail(
          `shared_preload_libraries = ${dbParameter(r, 'shared_preload_libraries') ?? '(unset)'} does not load pgaudit`,
        );
      const classes = (dbParameter(r, 'pgaudit.log') ?? '').split(',').map((c) => c.trim());
      const missing = ['ddl', 'role'].filter(
        (c) => !classes.includes(c) && !classes.includes('all'),
      );
      return missing.length === 0
        ? pass(`pgaudit loaded; pgaudit.log = ${classes.join(',')}`)
        : fail(
            `pgaudit.log = ${dbParameter(r, 'pgaudit.log') ?? '(unset)'} lacks ${missing.join(', ')}`,
          );
    },
  },

  {
    id: 'HIPAA-RDS-017',
    title:
      'RDS parameter group can be replaced without a name collision (create_before_destroy, a name that changes)',
    severity: 'high',
    resourceTypes: ['aws_db_parameter_group'],
    rationale:
      'family and description can only be set at creation: a change creates the new group next to the old one, so a fixed name fails the apply with DBParameterGroupAlreadyExists.',
    control: { hipaa: HIPAA.contingency },
    check: replacementSafeParameterGroup,
  },
  {
    id: 'HIPAA-RDS-018',
    title:
      "RDS in AWS Backup's continuous plan leaves backup retention and window to AWS Backup (production)",
    severity: 'medium',
    profile: 'production',
    resourceTypes: ['aws_db_instance'],
    rationale: `The account baseline's continuous rule covers every DataClassification=PHI resource and owns the instance's automated backups ("You must use your backup plan to increase or decrease the retention period"); Terraform creates the instance with the rule's ${CONTINUOUS_BACKUP_RETENTION_DAYS} days and then ignores both attributes, or every plan fights AWS Backup.`,
    control: { hipaa: HIPAA.backup },
    check: (r) => {
      const lifecycle = first(attr(r, 'lifecycle')) as Record<string, unknown> | undefined;
      const ignored = asList(lifecycle?.['ignore_changes']);
      const missing = AWS_BACKUP_OWNED_ATTRIBUTES.filter((a) => !ignored.includes(a));
      if (missing.length > 0)
        return fail(
          `lifecycle.ignore_changes lacks ${missing.join(', ')}: Terraform would undo what AWS Backup sets on every apply`,
        );
      const days = Number(attr(r, 'backup_retention_period'));
      return days === CONTINUOUS_BACKUP_RETENTION_DAYS
        ? pass(
            `created with ${days} days (the continuous rule's); backup_retention_period and backup_window ignored after`,
          )
        : fail(
            `backup_retention_period = ${String(attr(r, 'backup_retention_period'))}: create it with the continuous rule's ${CONTINUOUS_BACKUP_RETENTION_DAYS} days`,
          );
    },
  },

  // ------------------------------------------------------------ ElastiCache
  {
    id: 'HIPAA-EC-001',
    title: 'ElastiCache is encrypted at rest with a customer-managed key',
    severity: 'critical',
    resourceTypes: ['aws_elasticache_replication_group'],
    control: {
      checkov: 'CKV_AWS_191',
      configRule: 'elasticache-repl-grp-encrypted-at-rest',
      securityHub: 'ElastiCache.4',
      hipaa: HIPAA.encryption,
    },
    check: (r, ctx) =>
      !isTrue(attr(r, 'at_rest_encryption_enabled'))
        ? fail('at_rest_encryption_enabled is not true')
        : customerManagedKey(ctx, attr(r, 'kms_key_id'), 'kms_key_id'),
  },
  {
    id: 'HIPAA-EC-002',
    title: 'ElastiCache encrypts traffic in transit (TLS)',
    severity: 'critical',
    resourceTypes: ['aws_elasticache_replication_group'],
    control: {
      checkov: 'CKV_AWS_30',
      configRule: 'elasticache-repl-grp-encrypted-in-transit',
      securityHub: 'ElastiCache.5',
      hipaa: HIPAA.transmission,
    },
    check: (r) => {
      if (!isTrue(attr(r, 'transit_encryption_enabled')))
        return fail('transit_encryption_enabled is not true');
      return attr(r, 'transit_encryption_mode') === 'preferred'
        ? fail('transit_encryption_mode = preferred still accepts plaintext clients')
        : pass('transit_encryption_enabled = true');
    },
  },
  {
    id: 'HIPAA-EC-003',
    title: 'ElastiCache requires authentication (AUTH token from a secret, or RBAC user groups)',
    severity: 'high',
    resourceTypes: ['aws_elasticache_replication_group'],
    control: {
      checkov: 'CKV_AWS_31',
      configRule: 'elasticache-repl-grp-redis-auth-enabled',
      securityHub: 'ElastiCache.6',
      hipaa: HIPAA.authentication,
    },
    check: (r) => {
      if (asList(attr(r, 'user_group_ids')).length > 0)
        return pass(`RBAC user groups ${asList(attr(r, 'user_group_ids')).join(', ')}`);
      const token = attr(r, 'auth_token');
      if (token === undefined || token === '')
        return fail(
          'neither auth_token nor user_group_ids is set: any client in the network can connect',
        );
      return String(token).includes('${')
        ? pass('auth_token comes from a computed value (not written in code)')
        : fail('auth_token is a literal in the code: generate it (Secrets Manager) instead');
    },
  },
  {
    id: 'HIPAA-EC-004',
    title: 'ElastiCache has automatic failover across AZs (production)',
    severity: 'high',
    profile: 'production',
    resourceTypes: ['aws_elasticache_replication_group'],
    control: {
      configRule: 'elasticache-repl-grp-auto-failover-enabled',
      securityHub: 'ElastiCache.3',
      hipaa: HIPAA.contingency,
    },
    check: (r) =>
      isTrue(attr(r, 'automatic_failover_enabled')) && isTrue(attr(r, 'multi_az_enabled'))
        ? pass('automatic_failover_enabled and multi_az_enabled are true')
        : fail('automatic_failover_enabled and multi_az_enabled must both be true'),
  },
  {
    id: 'HIPAA-EC-005',
    title: 'ElastiCache snapshots are retained ≥ 7 days in production (≥ 1 elsewhere)',
    severity: 'medium',
    resourceTypes: ['aws_elasticache_replication_group'],
    rationale: 'Security Hub requires ≥ 1 day; production matches the database minimum of 7.',
    control: {
      checkov: 'CKV_AWS_134',
      configRule: 'elasticache-redis-cluster-automatic-backup-check',
      securityHub: 'ElastiCache.1',
      hipaa: HIPAA.backup,
    },
    check: (r, ctx) =>
      atLeast(
        attr(r, 'snapshot_retention_limit'),
        ctx.profile === 'production' ? 7 : 1,
        'snapshot_retention_limit',
      ),
  },
  {
    id: 'HIPAA-EC-006',
    title: 'ElastiCache takes a final snapshot before deletion (production)',
    severity: 'medium',
    profile: 'production',
    resourceTypes: ['aws_elasticache_replication_group'],
    control: { hipaa: HIPAA.backup },
    check: (r) =>
      attr(r, 'final_snapshot_identifier')
        ? pass(`final snapshot "${String(attr(r, 'final_snapshot_identifier'))}"`)
        : fail('final_snapshot_identifier is not set: deleting the group discards its data'),
  },
  {
    id: 'HIPAA-EC-007',
    title: 'ElastiCache delivers its slow log to CloudWatch Logs',
    severity: 'low',
    resourceTypes: ['aws_elasticache_replication_group'],
    control: { hipaa: HIPAA.audit },
    check: (r) =>
      blocks(attr(r, 'log_delivery_configuration')).some(
        (b) => b['log_type'] === 'slow-log' && b['destination_type'] === 'cloudwatch-logs',
      )
        ? pass('slow-log is delivered to CloudWatch Logs')
        : fail('no log_delivery_configuration sends slow-log to cloudwatch-logs'),
  },

  {
    id: 'HIPAA-EC-008',
    title: 'ElastiCache authenticates with RBAC user groups, never an AUTH token',
    severity: 'high',
    resourceTypes: ['aws_elasticache_replication_group'],
    rationale:
      'An AUTH token is a shared password: it sits in state, and a random-password data source prints it in every plan. RBAC with IAM users has no password at all.',
    control: { securityHub: 'ElastiCache.6', hipaa: HIPAA.authentication },
    check: (r, ctx) => {
      const token = attr(r, 'auth_token');
      if (token !== undefined && token !== '') {
        const source = ctx.resolve(token);
        return fail(
          source?.type === 'aws_secretsmanager_random_password'
            ? `auth_token comes from ${source.address}: the password is printed in the plan ("Read complete … [id=<token>]") and kept in state`
            : 'auth_token is set: a shared password in state; use user_group_ids (RBAC) with IAM-authenticated users',
        );
      }
      const groups = asList(attr(r, 'user_group_ids'));
      return groups.length > 0
        ? pass(`user_group_ids = ${groups.join(', ')}, no auth_token`)
        : fail('user_group_ids is not set: no RBAC user group decides who may connect');
    },
  },
  {
    id: 'HIPAA-EC-009',
    title: 'ElastiCache users have no passwords; enabled users authenticate with IAM',
    severity: 'high',
    resourceTypes: ['aws_elasticache_user'],
    control: { hipaa: HIPAA.authentication },
    check: (r) => {
      if (asList(attr(r, 'passwords')).length > 0 || authenticationType(r) === 'password')
        return fail(
          'the user has passwords: they sit in state; use authentication_mode { type = "iam" }',
        );
      if (!userEnabled(r)) return pass('disabled user (access_string "off …"), no password');
      if (authenticationType(r) === 'iam') return pass('enabled user authenticated with IAM');
      return fail(
        isTrue(attr(r, 'no_password_required'))
          ? `no_password_required = true on an enabled user (access_string "${String(attr(r, 'access_string'))}"): anyone in the network can connect as it`
          : 'an enabled user without authentication_mode { type = "iam" }',
      );
    },
  },
  {
    id: 'HIPAA-EC-010',
    title: "ElastiCache user group replaces the open built-in 'default' user with a disabled one",
    severity: 'critical',
    resourceTypes: ['aws_elasticache_user_group'],
    rationale:
      "Every user group must hold a user named 'default'; the built-in one is `on ~* +@all nopass`, so the group's own default user must be switched off.",
    control: { hipaa: HIPAA.access },
    check: (r, ctx) => {
      const byName = groupUsers(ctx, r).find((u) => attr(u, 'user_name') === 'default');
      if (!byName)
        return fail(
          "no user of this stack named 'default' is in the group: the built-in default user (no password, all commands) would be",
        );
      return userEnabled(byName)
        ? fail(
            `${byName.address} (user_name default) is enabled: access_string must start with "off"`,
          )
        : pass(`${byName.address} is the group's default user, disabled`);
    },
  },

  {
    id: 'HIPAA-EC-011',
    title:
      'ElastiCache parameter group can be replaced without a name collision (create_before_destroy, a name that changes)',
    severity: 'high',
    resourceTypes: ['aws_elasticache_parameter_group'],
    rationale:
      'aws_elasticache_parameter_group has no name_prefix; family and description are replace-only, so the name carries a hash of both or the replacement fails with CacheParameterGroupAlreadyExists.',
    control: { hipaa: HIPAA.contingency },
    check: replacementSafeParameterGroup,
  },

  // ------------------------------------------------------------ KMS
  {
    id: 'HIPAA-KMS-001',
    title: 'KMS key rotation is enabled',
    severity: 'high',
    resourceTypes: ['aws_kms_key'],
    control: {
      checkov: 'CKV_AWS_7',
      configRule: 'cmk-backing-key-rotation-enabled',
      securityHub: 'KMS.4',
      hipaa: HIPAA.encryption,
    },
    check: (r) =>
      isTrue(attr(r, 'enable_key_rotation'))
        ? pass('enable_key_rotation = true')
        : fail('enable_key_rotation is not true'),
  },
  {
    id: 'HIPAA-KMS-002',
    title: 'KMS key deletion window is 30 days in production (≥ 7 elsewhere)',
    severity: 'high',
    resourceTypes: ['aws_kms_key'],
    rationale:
      'Deleting a key makes every snapshot and backup under it unreadable. 30 days (the KMS maximum, and its default) gives a month to notice and cancel a scheduled deletion in production; 7 is the KMS minimum.',
    control: {
      configRule: 'kms-cmk-not-scheduled-for-deletion',
      securityHub: 'KMS.3',
      hipaa: HIPAA.backup,
    },
    check: (r, ctx) => {
      const days = attr(r, 'deletion_window_in_days') ?? 30;
      return atLeast(days, ctx.profile === 'production' ? 30 : 7, 'deletion_window_in_days');
    },
  },
  {
    id: 'HIPAA-KMS-003',
    title: 'KMS key policy grants no Principal "*" without a condition',
    severity: 'critical',
    resourceTypes: ['aws_kms_key', 'aws_kms_key_policy'],
    control: { checkov: 'CKV_AWS_33', securityHub: 'KMS.5', hipaa: HIPAA.access },
    check: (r, ctx) =>
      checkStatements(
        ctx,
        [['policy', attr(r, 'policy')]],
        publicStatement,
        'no statement allows Principal "*" unconditionally',
      ),
  },
  {
    id: 'HIPAA-KMS-004',
    title: 'KMS key has an explicit key policy',
    severity: 'medium',
    resourceTypes: ['aws_kms_key'],
    rationale:
      'Without one, KMS applies its default policy, which lets any IAM principal of the account with `kms:*` use the key.',
    control: { checkov: 'CKV2_AWS_64', hipaa: HIPAA.access },
    check: (r, ctx) => {
      if (attr(r, 'policy')) return pass('policy is set on the key');
      const separate = related(ctx, 'aws_kms_key_policy', 'key_id', r);
      return separate
        ? pass(`policy is set by ${separate.address}`)
        : fail(
            'no policy argument and no aws_kms_key_policy for this key: the default key policy applies',
          );
    },
  },

  // ------------------------------------------------------------ Secrets Manager
  {
    id: 'HIPAA-SM-001',
    title: 'Secrets Manager secret is encrypted with a customer-managed key',
    severity: 'high',
    resourceTypes: ['aws_secretsmanager_secret'],
    control: {
      checkov: 'CKV_AWS_149',
      configRule: 'secretsmanager-using-cmk',
      hipaa: HIPAA.encryption,
    },
    check: (r, ctx) => customerManagedKey(ctx, attr(r, 'kms_key_id'), 'kms_key_id'),
  },
  {
    id: 'HIPAA-SM-002',
    title: 'Secrets Manager secret has a recovery window ≥ 7 days',
    severity: 'high',
    resourceTypes: ['aws_secretsmanager_secret'],
    rationale:
      '0 deletes the secret at once with no way back; 7 is the shortest window Secrets Manager offers (default 30).',
    control: { hipaa: HIPAA.backup },
    check: (r) => atLeast(attr(r, 'recovery_window_in_days') ?? 30, 7, 'recovery_window_in_days'),
  },

  // ------------------------------------------------------------ CloudWatch Logs
  {
    id: 'HIPAA-LOG-001',
    title: 'CloudWatch log group is encrypted with a customer-managed key',
    severity: 'high',
    resourceTypes: ['aws_cloudwatch_log_group'],
    control: {
      checkov: 'CKV_AWS_158',
      configRule: 'cloudwatch-log-group-encrypted',
      hipaa: HIPAA.encryption,
    },
    check: (r, ctx) => customerManagedKey(ctx, attr(r, 'kms_key_id'), 'kms_key_id'),
  },
  {
    id: 'HIPAA-LOG-002',
    title: 'CloudWatch log group retention is set, ≥ 365 days in production',
    severity: 'medium',
    resourceTypes: ['aws_cloudwatch_log_group'],
    rationale:
      'Production keeps audit logs at least a year (CloudWatch.16 default); the platform default is 2192 days (6 years, HIPAA documentation retention). Elsewhere a retention must be set so logs do not accumulate forever.',
    control: {
      checkov: 'CKV_AWS_338',
      configRule: 'cw-loggroup-retention-period-check',
      securityHub: 'CloudWatch.16',
      hipaa: '164.316(b)(2)(i)',
    },
    check: (r, ctx) => {
      const days = attr(r, 'retention_in_days');
      if (days === undefined || Number(days) === 0)
        return fail(
          'retention_in_days is not set: logs are kept forever with no retention decision',
        );
      return atLeast(days, ctx.profile === 'production' ? 365 : 1, 'retention_in_days');
    },
  },

  {
    id: 'HIPAA-LOG-003',
    title:
      'Log groups that can carry statement text or request data mask PHI (data protection policy)',
    severity: 'high',
    resourceTypes: ['aws_cloudwatch_log_group'],
    rationale:
      'The PostgreSQL log (pgaudit, slow queries, errors), Lambda logs and API Gateway and WAF logs can hold literals and request fields, kept for years; a data protection policy (one Audit and one Deidentify statement over the same identifiers) masks them at ingestion. Names: `/aws/rds/instance/*/postgresql`, `/aws/lambda/*`, `/aws/apigateway/*`, `API-Gateway-Execution-Logs_*`, `aws-waf-logs-*`.',
    control: { hipaa: HIPAA.minimumNecessary },
    check: (r, ctx) => {
      const name = String(attr(r, 'name') ?? '');
      if (!DATA_BEARING_LOG_GROUPS.some((pattern) => pattern.test(name)))
        return pass(`${name || '(unnamed)'} carries no statement text or request data`);
      const policy = ctx.referencing(
        'aws_cloudwatch_log_data_protection_policy',
        'log_group_name',
        r,
      )[0];
      if (!policy)
        return fail(
          `${name} has no aws_cloudwatch_log_data_protection_policy: PHI in it would be kept unmasked`,
        );
      const problem = dataProtectionProblem(attr(policy, 'policy_document'));
      return problem
        ? fail(`${policy.address}: ${problem}`)
        : pass(`${policy.address} audits and masks the same identifiers`);
    },
  },

  // ------------------------------------------------------------ Network
  {
    id: 'HIPAA-NET-001',
    title: 'Subnets do not assign public IPs on launch',
    severity: 'high',
    resourceTypes: ['aws_subnet'],
    control: {
      checkov: 'CKV_AWS_130',
      configRule: 'subnet-auto-assign-public-ip-disabled',
      securityHub: 'EC2.15',
      hipaa: HIPAA.access,
    },
    check: (r) =>
      isTrue(attr(r, 'map_public_ip_on_launch'))
        ? fail('map_public_ip_on_launch = true')
        : pass('map_public_ip_on_launch is false'),
  },
  {
    id: 'HIPAA-NET-002',
    title: "The VPC's default security group is managed and has no rules",
    severity: 'high',
    resourceTypes: ['aws_vpc'],
    control: {
      checkov: 'CKV2_AWS_12',
      configRule: 'vpc-default-security-group-closed',
      securityHub: 'EC2.2',
      hipaa: HIPAA.access,
    },
    check: (r, ctx) => {
      const sg = related(ctx, 'aws_default_security_group', 'vpc_id', r);
      if (!sg)
        return fail(
          'no aws_default_security_group manages this VPC: its default group allows all traffic between members',
        );
      const rules = blocks(sg.attrs['ingress']).length + blocks(sg.attrs['egress']).length;
      return rules === 0
        ? pass(`${sg.address} has no rules`)
        : fail(`${sg.address} declares ${rules} rule(s)`);
    },
  },
  {
    id: 'HIPAA-NET-003',
    title: 'No security group admits ingress from 0.0.0.0/0 or ::/0',
    severity: 'critical',
    resourceTypes: SECURITY_GROUP_TYPES,
    control: {
      checkov: 'CKV_AWS_277',
      configRule: 'vpc-sg-open-only-to-authorized-ports',
      securityHub: 'EC2.18',
      hipaa: HIPAA.access,
    },
    check: (r) => {
      const open = ingressRules(r).filter((rule) => rule.cidrs.some((c) => WORLD.includes(c)));
      if (open.length === 0) return pass('no ingress from 0.0.0.0/0 or ::/0');
      return fail(
        open
          .map((rule) => {
            const data = Object.entries(DATA_PORTS).filter(
              ([p]) => rule.fromPort <= Number(p) && Number(p) <= rule.toPort,
            );
            const worlds = rule.cidrs.filter((c) => WORLD.includes(c)).join(', ');
            return `${rule.where} opens ${portText(rule)} to ${worlds}${data.length ? ` (includes ${data.map(([p, n]) => `${n} ${p}`).join(', ')})` : ''}`;
          })
          .join('; '),
      );
    },
  },
  {
    id: 'HIPAA-NET-004',
    title:
      'Data-store ports (PostgreSQL 5432, Redis 6379) admit only security groups, never CIDR ranges',
    severity: 'high',
    resourceTypes: SECURITY_GROUP_TYPES,
    rationale: 'The database and cache must be reachable only from the application security group.',
    control: { configRule: 'restricted-common-ports', securityHub: 'EC2.19', hipaa: HIPAA.access },
    check: (r) => {
      const bad = ingressRules(r).filter(
        (rule) =>
          (rule.cidrs.length > 0 || rule.prefixLists.length > 0) &&
          Object.keys(DATA_PORTS).some(
            (p) => rule.fromPort <= Number(p) && Number(p) <= rule.toPort,
          ),
      );
      return bad.length === 0
        ? pass('no CIDR or prefix-list ingress to 5432/6379')
        : fail(
            bad
              .map(
                (rule) =>
                  `${rule.where} admits ${[...rule.cidrs, ...rule.prefixLists].join(', ')} on ${portText(rule)}`,
              )
              .join('; '),
          );
    },
  },
  {
    id: 'HIPAA-NET-005',
    title: 'The VPC has flow logs capturing ALL traffic',
    severity: 'high',
    resourceTypes: ['aws_vpc'],
    control: {
      checkov: 'CKV2_AWS_11',
      configRule: 'vpc-flow-logs-enabled',
      securityHub: 'EC2.6',
      hipaa: HIPAA.audit,
    },
    check: (r, ctx) => {
      const logs = ctx.referencing('aws_flow_log', 'vpc_id', r);
      const all = logs.find((l) => l.attrs['traffic_type'] === 'ALL');
      if (all) return pass(`${all.address} captures ALL traffic`);
      return logs.length
        ? fail(
            `flow logs capture only ${logs.map((l) => String(l.attrs['traffic_type'])).join(', ')}`,
          )
        : fail('no aws_flow_log for this VPC');
    },
  },

  // ------------------------------------------------------------ API Gateway
  {
    id: 'HIPAA-API-001',
    title: 'API Gateway stage has X-Ray tracing enabled',
    severity: 'low',
    resourceTypes: ['aws_api_gateway_stage'],
    control: {
      checkov: 'CKV_AWS_73',
      configRule: 'api-gw-xray-enabled',
      securityHub: 'APIGateway.3',
      hipaa: HIPAA.audit,
    },
    check: (r) =>
      isTrue(attr(r, 'xray_tracing_enabled'))
        ? pass('xray_tracing_enabled = true')
        : fail('xray_tracing_enabled is not true'),
  },
  {
    id: 'HIPAA-API-002',
    title: 'API Gateway stage writes access logs to a CloudWatch log group',
    severity: 'high',
    resourceTypes: ['aws_api_gateway_stage'],
    control: { checkov: 'CKV_AWS_76', hipaa: HIPAA.audit },
    check: (r, ctx) => {
      const settings = first(attr(r, 'access_log_settings')) as Record<string, unknown> | undefined;
      if (!settings) return fail('access_log_settings is not set');
      if (!settings['format']) return fail('access_log_settings.format is empty');
      const target = ctx.resolve(settings['destination_arn']);
      return target?.type === 'aws_cloudwatch_log_group' ||
        /^arn:aws[a-z-]*:(logs|firehose):/.test(String(settings['destination_arn'] ?? ''))
        ? pass(`access logs go to ${target?.address ?? String(settings['destination_arn'])}`)
        : fail(
            `access_log_settings.destination_arn = ${String(settings['destination_arn'])} is not a log group`,
          );
    },
  },
  {
    id: 'HIPAA-API-003',
    title: 'API Gateway stage is protected by a WAFv2 web ACL',
    severity: 'high',
    resourceTypes: ['aws_api_gateway_stage'],
    control: {
      checkov: 'CKV2_AWS_29',
      configRule: 'api-gw-associated-with-waf',
      securityHub: 'APIGateway.4',
      hipaa: HIPAA.access,
    },
    check: (r, ctx) => {
      const association = related(ctx, 'aws_wafv2_web_acl_association', 'resource_arn', r);
      return association
        ? pass(`associated by ${association.address}`)
        : fail('no aws_wafv2_web_acl_association has this stage as resource_arn');
    },
  },
  {
    id: 'HIPAA-API-004',
    title: 'API Gateway method settings do not log full requests/responses (data trace off)',
    severity: 'critical',
    resourceTypes: ['aws_api_gateway_method_settings'],
    rationale: 'Data trace writes request and response bodies, i.e. PHI, into CloudWatch Logs.',
    control: { checkov: 'CKV_AWS_276', hipaa: HIPAA.access },
    check: (r) => {
      const s = first(attr(r, 'settings')) as Record<string, unknown> | undefined;
      return isTrue(s?.['data_trace_enabled'])
        ? fail(
            'settings.data_trace_enabled = true: request and response bodies (PHI) would be logged',
          )
        : pass('data_trace_enabled is false');
    },
  },
  {
    id: 'HIPAA-API-005',
    title: 'API Gateway stage has execution logging (INFO or ERROR) through method settings',
    severity: 'medium',
    resourceTypes: ['aws_api_gateway_stage'],
    control: {
      checkov: 'CKV2_AWS_4',
      configRule: 'api-gw-execution-logging-enabled',
      securityHub: 'APIGateway.1',
      hipaa: HIPAA.audit,
    },
    check: (r, ctx) => {
      const settings = ctx.referencing('aws_api_gateway_method_settings', 'stage_name', r);
      const logged = settings.find((m) =>
        ['INFO', 'ERROR'].includes(
          String(
            (first(m.attrs['settings']) as Record<string, unknown> | undefined)?.['logging_level'],
          ),
        ),
      );
      if (logged) return pass(`${logged.address} sets logging_level`);
      return fail(
        settings.length
          ? 'method settings for this stage have logging_level OFF or unset'
          : 'no aws_api_gateway_method_settings for this stage',
      );
    },
  },
  {
    id: 'HIPAA-API-006',
    title: 'API Gateway method settings enable CloudWatch metrics',
    severity: 'low',
    resourceTypes: ['aws_api_gateway_method_settings'],
    control: { hipaa: HIPAA.audit },
    check: (r) => {
      const s = first(attr(r, 'settings')) as Record<string, unknown> | undefined;
      return isTrue(s?.['metrics_enabled'])
        ? pass('metrics_enabled = true')
        : fail('settings.metrics_enabled is not true');
    },
  },
  {
    id: 'HIPAA-API-007',
    title: 'API Gateway response cache, when enabled, is encrypted',
    severity: 'medium',
    resourceTypes: ['aws_api_gateway_method_settings'],
    control: { checkov: 'CKV_AWS_308', securityHub: 'APIGateway.5', hipaa: HIPAA.encryption },
    check: (r) => {
      const s = first(attr(r, 'settings')) as Record<string, unknown> | undefined;
      if (!isTrue(s?.['caching_enabled'])) return pass('caching is off');
      return isTrue(s?.['cache_data_encrypted'])
        ? pass('cache_data_encrypted = true')
        : fail('caching_enabled without cache_data_encrypted');
    },
  },

  {
    id: 'HIPAA-API-008',
    title: 'API Gateway methods require authorization',
    severity: 'high',
    resourceTypes: ['aws_api_gateway_method'],
    rationale:
      'An unauthenticated method exposes whatever its integration returns to the internet.',
    control: { checkov: 'CKV_AWS_59', hipaa: HIPAA.access },
    check: (r) => {
      const authorization = String(attr(r, 'authorization') ?? 'NONE');
      if (authorization !== 'NONE') return pass(`authorization = ${authorization}`);
      return isTrue(attr(r, 'api_key_required'))
        ? pass('authorization NONE but api_key_required = true')
        : fail('authorization = NONE and no API key required');
    },
  },

  {
    id: 'HIPAA-API-009',
    title:
      'Production APIs answer only on a custom domain with TLS 1.2 or later (execute-api endpoint disabled)',
    severity: 'high',
    profile: 'production',
    resourceTypes: ['aws_api_gateway_rest_api'],
    rationale:
      'The default execute-api host of a regional API negotiates TLS 1.0 and cannot be given another policy; a custom domain with security_policy TLS_1_2 can, and disabling the default endpoint leaves clients no way around it (API_DOMAIN_NAME, API_CERTIFICATE_ARN).',
    control: { hipaa: HIPAA.transmission },
    check: (r, ctx) => {
      const problems: string[] = [];
      if (!isTrue(attr(r, 'disable_execute_api_endpoint')))
        problems.push(
          'disable_execute_api_endpoint is not true: clients can reach the API on its execute-api host, which accepts TLS 1.0',
        );
      const domains = ctx
        .referencing('aws_api_gateway_base_path_mapping', 'api_id', r)
        .map((m) => ctx.resolve(m.attrs['domain_name']))
        .filter((d): d is TfResource => d?.type === 'aws_api_gateway_domain_name');
      if (domains.length === 0)
        problems.push('no aws_api_gateway_base_path_mapping maps it to a custom domain name');
      for (const d of domains.filter((d) => d.attrs['security_policy'] !== 'TLS_1_2'))
        problems.push(
          `${d.address} has security_policy ${String(d.attrs['security_policy'] ?? '(unset, TLS_1_0)')}, not TLS_1_2`,
        );
      return problems.length > 0
        ? fail(problems.join('; '))
        : pass(
            `served only on ${domains.map((d) => String(d.attrs['domain_name'])).join(', ')} (TLS_1_2); execute-api endpoint disabled`,
          );
    },
  },
  {
    id: 'HIPAA-API-010',
    title: 'API Gateway custom domains use the TLS_1_2 security policy',
    severity: 'high',
    resourceTypes: ['aws_api_gateway_domain_name'],
    rationale: 'TLS_1_0 (the default) also accepts TLS 1.0; TLS_1_2 accepts TLS 1.2 and 1.3 only.',
    control: { checkov: 'CKV_AWS_206', hipaa: HIPAA.transmission },
    check: (r) =>
      attr(r, 'security_policy') === 'TLS_1_2'
        ? pass('security_policy = TLS_1_2')
        : fail(
            `security_policy = ${String(attr(r, 'security_policy') ?? '(unset, TLS_1_0)')}: clients may connect with TLS 1.0`,
          ),
  },

  // ------------------------------------------------------------ Data classification
  {
    id: 'HIPAA-DATA-001',
    title:
      'Every resource is tagged with what it may hold (DataClassification PHI, synthetic or audit); PHI only in the production profile',
    severity: 'high',
    resourceTypes: ['provider.aws'],
    rationale: `The provider's default tag DataClassification says what a stack may hold: ${DATA_CLASSES.map((c) => `\`${c}\``).join(', ')} (the account baseline's own records). A standard-profile stack (single-AZ, short backups and logs, no deletion protection) holds synthetic data only; AWS Backup selects PHI by this tag.`,
    control: { hipaa: HIPAA.riskManagement },
    check: (r, ctx) => {
      const tags = (
        first(attr(r, 'default_tags')) as { tags?: Record<string, unknown> } | undefined
      )?.tags;
      const value = tags?.['DataClassification'];
      if (
        typeof value !== 'string' ||
        !DATA_CLASSES.includes(value as (typeof DATA_CLASSES)[number])
      )
        return fail(
          `default_tags DataClassification = ${String(value ?? '(unset)')}: must be one of ${DATA_CLASSES.join(', ')}`,
        );
      if (value === 'PHI' && ctx.profile !== 'production')
        return fail(
          `DataClassification = PHI in the ${ctx.profile} profile: its controls are below the production bar; tag it synthetic or build it with the production profile`,
        );
      return pass(`DataClassification = ${value} (${ctx.profile} profile)`);
    },
  },

  // ------------------------------------------------------------ S3 (state bucket)
  {
    id: 'HIPAA-S3-001',
    title: 'S3 bucket versioning is enabled',
    severity: 'high',
    resourceTypes: ['aws_s3_bucket'],
    control: {
      checkov: 'CKV_AWS_21',
      configRule: 's3-bucket-versioning-enabled',
      securityHub: 'S3.14',
      hipaa: HIPAA.backup,
    },
    check: (r, ctx) => {
      const v = related(ctx, 'aws_s3_bucket_versioning', 'bucket', r);
      const status = (
        first(v?.attrs['versioning_configuration']) as Record<string, unknown> | undefined
      )?.['status'];
      return status === 'Enabled'
        ? pass(`${v!.address} status Enabled`)
        : fail(
            v
              ? `${v.address} status is ${String(status)}`
              : 'no aws_s3_bucket_versioning for this bucket',
          );
    },
  },
  {
    id: 'HIPAA-S3-002',
    title: 'S3 bucket default encryption is SSE-KMS with a customer-managed key',
    severity: 'high',
    resourceTypes: ['aws_s3_bucket'],
    control: {
      checkov: 'CKV_AWS_145',
      configRule: 's3-default-encryption-kms',
      hipaa: HIPAA.encryption,
    },
    check: (r, ctx) => {
      const sse = related(ctx, 'aws_s3_bucket_server_side_encryption_configuration', 'bucket', r);
      if (!sse)
        return fail(
          'no aws_s3_bucket_server_side_encryption_configuration for this bucket (SSE-S3 default)',
        );
      const byDefault = first(
        first(blocks(sse.attrs['rule'])[0]?.['apply_server_side_encryption_by_default']),
      ) as Record<string, unknown> | undefined;
      if (byDefault?.['sse_algorithm'] !== 'aws:kms')
        return fail(`sse_algorithm is ${String(byDefault?.['sse_algorithm'])}, not aws:kms`);
      return customerManagedKey(ctx, byDefault['kms_master_key_id'], 'kms_master_key_id');
    },
  },
  {
    id: 'HIPAA-S3-003',
    title: 'S3 bucket blocks all public access (all four flags)',
    severity: 'critical',
    resourceTypes: ['aws_s3_bucket'],
    control: {
      checkov: 'CKV_AWS_53',
      configRule: 's3-bucket-level-public-access-prohibited',
      securityHub: 'S3.8',
      hipaa: HIPAA.access,
    },
    check: (r, ctx) => {
      const pab = related(ctx, 'aws_s3_bucket_public_access_block', 'bucket', r);
      if (!pab) return fail('no aws_s3_bucket_public_access_block for this bucket');
      const flags = [
        'block_public_acls',
        'block_public_policy',
        'ignore_public_acls',
        'restrict_public_buckets',
      ];
      const off = flags.filter((f) => !isTrue(pab.attrs[f]));
      return off.length
        ? fail(`${pab.address}: ${off.join(', ')} not true`)
        : pass(`${pab.address} sets all four flags`);
    },
  },
  {
    id: 'HIPAA-S3-004',
    title: 'S3 bucket policy denies requests without TLS',
    severity: 'high',
    resourceTypes: ['aws_s3_bucket'],
    control: {
      configRule: 's3-bucket-ssl-requests-only',
      securityHub: 'S3.5',
      hipaa: HIPAA.transmission,
    },
    check: (r, ctx) => {
      const policy = related(ctx, 'aws_s3_bucket_policy', 'bucket', r);
      if (!policy) return fail('no aws_s3_bucket_policy for this bucket');
      const parsed = ctx.policy(policy.attrs['policy']);
      if (!parsed.ok) return fail(`${policy.address}: ${parsed.reason}`);
      const tlsOnly = parsed.statements.some(
        (s) =>
          s.effect === 'Deny' &&
          s.conditions.some(
            (c) =>
              c.variable === 'aws:SecureTransport' &&
              c.test === 'Bool' &&
              c.values.includes('false'),
          ),
      );
      return tlsOnly
        ? pass(`${policy.address} denies aws:SecureTransport = false`)
        : fail(`${policy.address} has no Deny on aws:SecureTransport = false`);
    },
  },
  {
    id: 'HIPAA-S3-005',
    title: 'S3 bucket ACLs are disabled (BucketOwnerEnforced)',
    severity: 'medium',
    resourceTypes: ['aws_s3_bucket'],
    control: {
      checkov: 'CKV2_AWS_65',
      configRule: 's3-bucket-acl-prohibited',
      securityHub: 'S3.12',
      hipaa: HIPAA.access,
    },
    check: (r, ctx) => {
      const oc = related(ctx, 'aws_s3_bucket_ownership_controls', 'bucket', r);
      const ownership = (first(oc?.attrs['rule']) as Record<string, unknown> | undefined)?.[
        'object_ownership'
      ];
      return ownership === 'BucketOwnerEnforced'
        ? pass(`${oc!.address}: BucketOwnerEnforced`)
        : fail(
            oc
              ? `object_ownership is ${String(ownership)}`
              : 'no aws_s3_bucket_ownership_controls for this bucket',
          );
    },
  },

  // ------------------------------------------------------------ DynamoDB (lock table)
  {
    id: 'HIPAA-DDB-001',
    title: 'DynamoDB point-in-time recovery is enabled',
    severity: 'high',
    resourceTypes: ['aws_dynamodb_table'],
    control: {
      checkov: 'CKV_AWS_28',
      configRule: 'dynamodb-pitr-enabled',
      securityHub: 'DynamoDB.2',
      hipaa: HIPAA.backup,
    },
    check: (r) =>
      isTrue(
        (first(attr(r, 'point_in_time_recovery')) as Record<string, unknown> | undefined)?.[
          'enabled'
        ],
      )
        ? pass('point_in_time_recovery.enabled = true')
        : fail('point_in_time_recovery is not enabled'),
  },
  {
    id: 'HIPAA-DDB-002',
    title: 'DynamoDB table is encrypted with a customer-managed key',
    severity: 'high',
    resourceTypes: ['aws_dynamodb_table'],
    control: {
      checkov: 'CKV_AWS_119',
      configRule: 'dynamodb-table-encrypted-kms',
      hipaa: HIPAA.encryption,
    },
    check: (r, ctx) => {
      const sse = first(attr(r, 'server_side_encryption')) as Record<string, unknown> | undefined;
      return isTrue(sse?.['enabled'])
        ? customerManagedKey(ctx, sse!['kms_key_arn'], 'server_side_encryption.kms_key_arn')
        : fail('server_side_encryption is not enabled (AWS-owned key)');
    },
  },
  {
    id: 'HIPAA-DDB-003',
    title: 'DynamoDB deletion protection is on',
    severity: 'high',
    resourceTypes: ['aws_dynamodb_table'],
    control: { securityHub: 'DynamoDB.6', hipaa: HIPAA.backup },
    check: (r) =>
      isTrue(attr(r, 'deletion_protection_enabled'))
        ? pass('deletion_protection_enabled = true')
        : fail('deletion_protection_enabled is not true'),
  },

  // ------------------------------------------------------------ SNS
  {
    id: 'HIPAA-SNS-001',
    title: 'SNS topic is encrypted with a customer-managed key',
    severity: 'high',
    resourceTypes: ['aws_sns_topic'],
    control: {
      checkov: 'CKV_AWS_26',
      configRule: 'sns-encrypted-kms',
      securityHub: 'SNS.1',
      hipaa: HIPAA.encryption,
    },
    check: (r, ctx) => customerManagedKey(ctx, attr(r, 'kms_master_key_id'), 'kms_master_key_id'),
  },

  // ------------------------------------------------------------ Lambda and SQS
  {
    id: 'HIPAA-LAMBDA-001',
    title: 'Lambda function runs in the VPC (subnets and security groups set)',
    severity: 'high',
    resourceTypes: ['aws_lambda_function'],
    control: {
      checkov: 'CKV_AWS_117',
      configRule: 'lambda-inside-vpc',
      securityHub: 'Lambda.3',
      hipaa: HIPAA.access,
    },
    check: (r) => {
      const vpc = first(attr(r, 'vpc_config')) as Record<string, unknown> | undefined;
      const subnets = asList(vpc?.['subnet_ids']);
      const groups = asList(vpc?.['security_group_ids']);
      return subnets.length > 0 && groups.length > 0
        ? pass(`${subnets.length} subnet(s), ${groups.length} security group(s)`)
        : fail(
            'vpc_config has no subnet_ids or no security_group_ids: the function runs outside the VPC',
          );
    },
  },
  {
    id: 'HIPAA-LAMBDA-002',
    title: 'Lambda environment variables are encrypted with a customer-managed key',
    severity: 'high',
    resourceTypes: ['aws_lambda_function'],
    control: { checkov: 'CKV_AWS_173', hipaa: HIPAA.encryption },
    check: (r, ctx) => {
      const environment = first(attr(r, 'environment')) as Record<string, unknown> | undefined;
      const variables = Object.keys((environment?.['variables'] ?? {}) as object);
      if (variables.length === 0) return pass('no environment variables');
      return customerManagedKey(ctx, attr(r, 'kms_key_arn'), 'kms_key_arn');
    },
  },
  {
    id: 'HIPAA-LAMBDA-003',
    title: 'Lambda X-Ray tracing is Active',
    severity: 'low',
    resourceTypes: ['aws_lambda_function'],
    control: { checkov: 'CKV_AWS_50', hipaa: HIPAA.audit },
    check: (r) => {
      const mode = (first(attr(r, 'tracing_config')) as Record<string, unknown> | undefined)?.[
        'mode'
      ];
      return mode === 'Active'
        ? pass('tracing_config.mode = Active')
        : fail(`tracing_config.mode = ${String(mode ?? '(unset, PassThrough)')}`);
    },
  },
  {
    id: 'HIPAA-LAMBDA-004',
    title: 'Lambda reserved concurrency is set (at least 1)',
    severity: 'medium',
    resourceTypes: ['aws_lambda_function'],
    rationale:
      'A cap keeps one function from exhausting the account pool or the database connections; 0 would throttle it completely.',
    control: {
      checkov: 'CKV_AWS_115',
      configRule: 'lambda-concurrency-check',
      hipaa: HIPAA.contingency,
    },
    check: (r) => {
      const value = attr(r, 'reserved_concurrent_executions');
      const n = Number(value);
      return value !== undefined && Number.isInteger(n) && n >= 1
        ? pass(`reserved_concurrent_executions = ${n}`)
        : fail(
            `reserved_concurrent_executions = ${String(value ?? '(unset)')}: at least 1 required (-1 is unreserved, 0 throttles every call)`,
          );
    },
  },
  {
    id: 'HIPAA-LAMBDA-005',
    title: 'Lambda has a dead-letter queue for failed asynchronous calls',
    severity: 'medium',
    resourceTypes: ['aws_lambda_function'],
    control: { checkov: 'CKV_AWS_116', configRule: 'lambda-dlq-check', hipaa: HIPAA.integrity },
    check: (r) => {
      const target = (
        first(attr(r, 'dead_letter_config')) as Record<string, unknown> | undefined
      )?.['target_arn'];
      return target
        ? pass(`dead_letter_config.target_arn = ${String(target)}`)
        : fail('dead_letter_config.target_arn is not set: failed asynchronous events are lost');
    },
  },
  {
    id: 'HIPAA-LAMBDA-006',
    title: 'Lambda runtime is supported (not deprecated)',
    severity: 'high',
    resourceTypes: ['aws_lambda_function'],
    rationale: `Runtime table in tools/policy/rules.ts (LAMBDA_RUNTIMES), checked against AWS on ${LAMBDA_RUNTIMES_CHECKED}.`,
    control: {
      checkov: 'CKV_AWS_363',
      configRule: 'lambda-function-settings-check',
      securityHub: 'Lambda.2',
      hipaa: HIPAA.integrity,
    },
    check: lambdaRuntime,
  },
  {
    id: 'HIPAA-LAMBDA-007',
    title: 'Lambda permission for a service names the calling resource (source_arn)',
    severity: 'high',
    resourceTypes: ['aws_lambda_permission'],
    rationale:
      'Without source_arn any resource of that service, in any account, could invoke the function (confused deputy).',
    control: { checkov: 'CKV_AWS_364', securityHub: 'Lambda.1', hipaa: HIPAA.access },
    check: (r) =>
      attr(r, 'source_arn')
        ? pass(`source_arn = ${String(attr(r, 'source_arn'))}`)
        : fail(
            `principal ${String(attr(r, 'principal'))} may invoke the function from any resource: source_arn is not set`,
          ),
  },
  {
    id: 'HIPAA-SQS-001',
    title: 'SQS queue is encrypted with a customer-managed key',
    severity: 'high',
    resourceTypes: ['aws_sqs_queue'],
    control: { checkov: 'CKV_AWS_27', securityHub: 'SQS.1', hipaa: HIPAA.encryption },
    check: (r, ctx) =>
      isTrue(attr(r, 'sqs_managed_sse_enabled'))
        ? fail(
            'sqs_managed_sse_enabled = true: SSE-SQS uses a key of the service, not a customer-managed key',
          )
        : customerManagedKey(ctx, attr(r, 'kms_master_key_id'), 'kms_master_key_id'),
  },

  // ------------------------------------------------------------ IAM
  {
    id: 'HIPAA-IAM-001',
    title: 'No IAM policy allows Action "*" on Resource "*"',
    severity: 'critical',
    resourceTypes: [...IDENTITY_POLICY_TYPES, 'data.aws_iam_policy_document'],
    control: {
      checkov: 'CKV_AWS_62',
      configRule: 'iam-policy-no-statements-with-admin-access',
      securityHub: 'IAM.1',
      hipaa: HIPAA.access,
    },
    check: (r, ctx) =>
      checkStatements(
        ctx,
        r.mode === 'data' ? [['document', `\${${r.address}.json}`]] : identityPolicies(r),
        adminStatement,
        'no statement allows "*" on "*"',
      ),
  },
  {
    id: 'HIPAA-IAM-002',
    title: 'No IAM identity policy allows a whole service ("svc:*") on Resource "*"',
    severity: 'medium',
    resourceTypes: IDENTITY_POLICY_TYPES,
    control: {
      configRule: 'iam-policy-no-statements-with-full-access',
      securityHub: 'IAM.21',
      hipaa: HIPAA.access,
    },
    check: (r, ctx) =>
      checkStatements(
        ctx,
        identityPolicies(r),
        serviceWildcardStatement,
        'no service-wide wildcard on "*"',
      ),
  },
  {
    id: 'HIPAA-IAM-003',
    title: 'No resource or trust policy allows Principal "*" without a condition',
    severity: 'critical',
    resourceTypes: Object.keys(RESOURCE_POLICY_ATTRS).filter((t) => !t.startsWith('aws_kms_')),
    control: { hipaa: HIPAA.access },
    check: (r, ctx) =>
      checkStatements(
        ctx,
        [[RESOURCE_POLICY_ATTRS[r.type], attr(r, RESOURCE_POLICY_ATTRS[r.type])]],
        publicStatement,
        'no statement allows Principal "*" unconditionally',
      ),
  },

  {
    id: 'HIPAA-IAM-004',
    title: 'Only roles that require MFA may logs:Unmask',
    severity: 'high',
    resourceTypes: ['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_role'],
    rationale:
      'logs:Unmask shows the PHI that data protection masked. The platform grants it to one role per environment, assumable only in MFA sessions; a managed policy could be attached to anyone, so it may not grant it at all.',
    control: { hipaa: HIPAA.access },
    check: (r, ctx) => {
      const granting = identityPolicies(r).filter(([, value]) => {
        const parsed = ctx.policy(value);
        return parsed.ok && parsed.statements.some((s) => grants(s, 'logs:Unmask'));
      });
      if (granting.length === 0) return pass('grants no logs:Unmask');
      const role =
        r.type === 'aws_iam_role'
          ? r
          : r.type === 'aws_iam_role_policy'
            ? ctx.resolve(attr(r, 'role'))
            : undefined;
      if (r.type === 'aws_iam_policy')
        return fail('a managed policy grants logs:Unmask: it could be attached to any principal');
      if (!role || role.type !== 'aws_iam_role')
        return fail(
          `grants logs:Unmask to role ${String(attr(r, 'role'))}, which is not a role of this stack whose trust can be checked`,
        );
      return trustRequiresMfa(ctx, role)
        ? pass(`grants logs:Unmask to ${role.address}, assumable only with MFA`)
        : fail(
            `grants logs:Unmask to ${role.address}, which can be assumed without MFA (every Allow of its trust policy needs Bool aws:MultiFactorAuthPresent = true)`,
          );
    },
  },

  // ------------------------------------------------------------ Nothing lost in prod: prevent_destroy
  ...(
    [
      ['HIPAA-KEEP-001', 'aws_db_instance', 'RDS instance'],
      ['HIPAA-KEEP-002', 'aws_elasticache_replication_group', 'ElastiCache replication group'],
      ['HIPAA-KEEP-003', 'aws_kms_key', 'KMS key'],
      ['HIPAA-KEEP-004', 'aws_secretsmanager_secret', 'Secrets Manager secret'],
      ['HIPAA-KEEP-005', 'aws_s3_bucket', 'S3 bucket'],
      ['HIPAA-KEEP-006', 'aws_dynamodb_table', 'DynamoDB table'],
    ] as const
  ).map(([id, type, what]): Rule => ({
    id,
    title: `${what} has lifecycle.prevent_destroy (production)`,
    severity: 'high',
    profile: 'production',
    resourceTypes: [type],
    rationale:
      'Terraform refuses any plan that would destroy or replace it; removing the guard is a reviewed code change.',
    control: { hipaa: HIPAA.backup },
    check: preventDestroy,
  })),
];

/** Waivers that name a rule id not in RULES are reported as failures of this pseudo-rule. */
export const UNKNOWN_WAIVER_RULE_ID = 'POLICY-WAIVER-001';
