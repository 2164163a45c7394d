/**
 * Policy rules for the account baseline's resource types (stacks/account-baseline-stack.ts):
 * trail, archive lock, access logging, trail alarms, AWS Backup, AWS Config, GuardDuty,
 * Security Hub and the account-level settings. Same shape and id scheme as rules.ts; each
 * cites the AWS Config HIPAA-pack rule and Security Hub control it restates.
 */
import { attr, fail, HIPAA, pass } from './checks';
import { asList, blocks, first, isTrue } from './terraform';
import { BACKUP_RULES, cmk, PRODUCTION_ARCHIVE_RETENTION_DAYS } from './rules-backup';

export {
  PRODUCTION_ARCHIVE_RETENTION_DAYS,
  PRODUCTION_BACKUP_RETENTION_DAYS,
} from './rules-backup';
import type { Rule, TfResource } from './types';

const nested = (r: TfResource, name: string) =>
  first(attr(r, name)) as Record<string, unknown> | undefined;

export const BASELINE_RULES: readonly Rule[] = [
  // ------------------------------------------------------------ CloudTrail
  {
    id: 'HIPAA-TRAIL-001',
    title: 'CloudTrail trail is multi-region, logging, and records global service events',
    severity: 'critical',
    resourceTypes: ['aws_cloudtrail'],
    control: {
      configRule: 'multi-region-cloudtrail-enabled',
      securityHub: 'CloudTrail.1',
      hipaa: HIPAA.audit,
    },
    check: (r) => {
      if (!isTrue(attr(r, 'is_multi_region_trail')))
        return fail('is_multi_region_trail is not true: other regions are not recorded');
      if (attr(r, 'include_global_service_events') === false)
        return fail('include_global_service_events = false: IAM and STS calls are not recorded');
      if (attr(r, 'enable_logging') === false) return fail('enable_logging = false');
      return pass('multi-region, logging, global service events included');
    },
  },
  {
    id: 'HIPAA-TRAIL-002',
    title: 'CloudTrail log-file validation is on',
    severity: 'high',
    resourceTypes: ['aws_cloudtrail'],
    control: {
      configRule: 'cloud-trail-log-file-validation-enabled',
      securityHub: 'CloudTrail.4',
      hipaa: HIPAA.integrity,
    },
    check: (r) =>
      isTrue(attr(r, 'enable_log_file_validation'))
        ? pass('enable_log_file_validation = true (signed digest files)')
        : fail('enable_log_file_validation is not true: tampering with log files goes unnoticed'),
  },
  {
    id: 'HIPAA-TRAIL-003',
    title: 'CloudTrail files are encrypted with a customer-managed KMS key',
    severity: 'high',
    resourceTypes: ['aws_cloudtrail'],
    control: {
      configRule: 'cloud-trail-encryption-enabled',
      securityHub: 'CloudTrail.2',
      hipaa: HIPAA.encryption,
    },
    check: (r, ctx) => cmk(ctx, attr(r, 'kms_key_id'), 'kms_key_id'),
  },
  {
    id: 'HIPAA-TRAIL-004',
    title: 'CloudTrail delivers to CloudWatch Logs (for the metric-filter alarms)',
    severity: 'medium',
    resourceTypes: ['aws_cloudtrail'],
    control: {
      configRule: 'cloud-trail-cloud-watch-logs-enabled',
      securityHub: 'CloudTrail.5',
      hipaa: HIPAA.monitoring,
    },
    check: (r) =>
      attr(r, 'cloud_watch_logs_group_arn') && attr(r, 'cloud_watch_logs_role_arn')
        ? pass('cloud_watch_logs_group_arn and cloud_watch_logs_role_arn are set')
        : fail('cloud_watch_logs_group_arn or cloud_watch_logs_role_arn is not set'),
  },
  {
    id: 'HIPAA-TRAIL-005',
    title: 'CloudTrail records S3 object-level (data) events',
    severity: 'medium',
    resourceTypes: ['aws_cloudtrail'],
    control: { configRule: 'cloudtrail-s3-dataevents-enabled', hipaa: HIPAA.audit },
    check: (r) => {
      const values = blocks(attr(r, 'event_selector')).flatMap((s) =>
        blocks(s['data_resource'])
          .filter((d) => d['type'] === 'AWS::S3::Object')
          .flatMap((d) => asList(d['values'])),
      );
      return values.length > 0
        ? pass(`S3 data events for ${values.join(', ')}`)
        : fail('no event_selector data_resource of type AWS::S3::Object');
    },
  },
  // ------------------------------------------------------------ Archive and access logs
  {
    id: 'HIPAA-ARCH-001',
    title: 'Object Lock default retention: at least 6 years in production',
    severity: 'high',
    resourceTypes: ['aws_s3_bucket_object_lock_configuration'],
    control: { configRule: 's3-bucket-default-lock-enabled', hipaa: HIPAA.integrity },
    rationale:
      'HIPAA keeps documentation six years (164.316(b)(2)(i)); outside production any default retention passes.',
    check: (r, ctx) => {
      const retention = first(nested(r, 'rule')?.['default_retention']) as
        | Record<string, unknown>
        | undefined;
      if (!retention) return fail('no rule.default_retention: objects are not locked by default');
      const days = Number(retention['days'] ?? 0) + Number(retention['years'] ?? 0) * 365;
      const min = ctx.profile === 'production' ? PRODUCTION_ARCHIVE_RETENTION_DAYS : 1;
      return days >= min
        ? pass(`${String(retention['mode'])} retention of ${days} days (≥ ${min})`)
        : fail(`default retention is ${days} days; at least ${min} required`);
    },
  },
  {
    id: 'HIPAA-ARCH-002',
    title: 'S3 server access logs go to another bucket',
    severity: 'medium',
    resourceTypes: ['aws_s3_bucket_logging'],
    control: {
      configRule: 's3-bucket-logging-enabled',
      securityHub: 'S3.9',
      hipaa: HIPAA.audit,
    },
    check: (r) => {
      const source = String(attr(r, 'bucket') ?? '');
      const target = String(attr(r, 'target_bucket') ?? '');
      if (!target) return fail('target_bucket is not set');
      return target === source
        ? fail('a bucket logging to itself logs its own log deliveries without end')
        : pass(`access logs of ${source} go to ${target}`);
    },
  },
  // ------------------------------------------------------------ Alarms
  {
    id: 'HIPAA-ALARM-001',
    title: 'Every trail metric filter has an alarm on its metric',
    severity: 'medium',
    resourceTypes: ['aws_cloudwatch_log_metric_filter'],
    control: {
      configRule: 'cloudwatch-alarm-action-check',
      securityHub: 'CloudWatch.1-11',
      hipaa: HIPAA.monitoring,
    },
    check: (r, ctx) => {
      const t = nested(r, 'metric_transformation') ?? {};
      const alarm = ctx
        .ofType('aws_cloudwatch_metric_alarm')
        .find(
          (a) =>
            a.attrs['metric_name'] === t['name'] &&
            a.attrs['namespace'] === t['namespace'] &&
            asList(a.attrs['alarm_actions']).length > 0,
        );
      return alarm
        ? pass(`${alarm.address} alarms on ${String(t['namespace'])}/${String(t['name'])}`)
        : fail(`no alarm with actions watches ${String(t['namespace'])}/${String(t['name'])}`);
    },
  },
  ...BACKUP_RULES,
  // ------------------------------------------------------------ AWS Config
  {
    id: 'HIPAA-CFG-001',
    title: 'AWS Config records every supported resource type',
    severity: 'high',
    resourceTypes: ['aws_config_configuration_recorder'],
    control: { securityHub: 'Config.1', hipaa: HIPAA.monitoring },
    check: (r) =>
      isTrue(nested(r, 'recording_group')?.['all_supported'])
        ? pass('recording_group.all_supported = true')
        : fail('recording_group.all_supported is not true'),
  },
  {
    id: 'HIPAA-CFG-002',
    title: 'AWS Config recorder is switched on',
    severity: 'high',
    resourceTypes: ['aws_config_configuration_recorder_status'],
    control: { securityHub: 'Config.1', hipaa: HIPAA.monitoring },
    check: (r) =>
      isTrue(attr(r, 'is_enabled')) ? pass('is_enabled = true') : fail('is_enabled is not true'),
  },
  {
    id: 'HIPAA-CFG-003',
    title: 'AWS Config delivers with a customer-managed KMS key',
    severity: 'medium',
    resourceTypes: ['aws_config_delivery_channel'],
    control: { hipaa: HIPAA.encryption },
    check: (r, ctx) => cmk(ctx, attr(r, 's3_kms_key_arn'), 's3_kms_key_arn'),
  },
  {
    id: 'HIPAA-CFG-004',
    title: 'The conformance pack deploys AWS managed rules',
    severity: 'medium',
    resourceTypes: ['aws_config_conformance_pack'],
    control: {
      configRule: 'Operational-Best-Practices-for-HIPAA-Security',
      hipaa: HIPAA.monitoring,
    },
    check: (r) => {
      const body = String(attr(r, 'template_body') ?? '');
      const count = (body.match(/SourceIdentifier: [A-Z0-9_]+/g) ?? []).length;
      return count > 0
        ? pass(`${count} AWS managed rules`)
        : fail('template_body lists no AWS managed rule (Source.SourceIdentifier)');
    },
  },
  // ------------------------------------------------------------ GuardDuty and Security Hub
  {
    id: 'HIPAA-GD-001',
    title: 'GuardDuty detector is enabled',
    severity: 'high',
    resourceTypes: ['aws_guardduty_detector'],
    control: {
      configRule: 'guardduty-enabled-centralized',
      securityHub: 'GuardDuty.1',
      hipaa: HIPAA.monitoring,
    },
    check: (r) =>
      attr(r, 'enable') === false ? fail('enable = false') : pass('the detector is enabled'),
  },
  {
    id: 'HIPAA-GD-002',
    title: 'GuardDuty protection plans are enabled (S3, RDS)',
    severity: 'medium',
    resourceTypes: ['aws_guardduty_detector_feature'],
    control: { securityHub: 'GuardDuty.9 / GuardDuty.10', hipaa: HIPAA.monitoring },
    check: (r) =>
      attr(r, 'status') === 'ENABLED'
        ? pass(`${String(attr(r, 'name'))} ENABLED`)
        : fail(`${String(attr(r, 'name'))} status is ${String(attr(r, 'status'))}`),
  },
  {
    id: 'HIPAA-SH-001',
    title: 'Security Hub is enabled with a standard subscribed',
    severity: 'medium',
    resourceTypes: ['aws_securityhub_account'],
    control: { configRule: 'securityhub-enabled', hipaa: HIPAA.monitoring },
    check: (r, ctx) => {
      const subscriptions = ctx
        .ofType('aws_securityhub_standards_subscription')
        .filter((s) => asList(s.attrs['depends_on']).some((d) => d.includes(r.address)));
      return subscriptions.length > 0
        ? pass(`${subscriptions.length} standard(s) subscribed`)
        : fail('no aws_securityhub_standards_subscription depends on this account');
    },
  },
  {
    id: 'HIPAA-SH-002',
    title: 'Security Hub subscribes AWS Foundational Security Best Practices',
    severity: 'low',
    resourceTypes: ['aws_securityhub_standards_subscription'],
    control: { configRule: 'securityhub-enabled', hipaa: HIPAA.monitoring },
    check: (r) =>
      /standards\/aws-foundational-security-best-practices\/v\//.test(
        String(attr(r, 'standards_arn')),
      )
        ? pass('AWS Foundational Security Best Practices')
        : fail(`standards_arn ${String(attr(r, 'standards_arn'))} is not FSBP`),
  },
  // ------------------------------------------------------------ Account settings
  {
    id: 'HIPAA-ACCT-001',
    title: 'S3 account-level public access block has all four flags',
    severity: 'critical',
    resourceTypes: ['aws_s3_account_public_access_block'],
    control: {
      configRule: 's3-account-level-public-access-blocks-periodic',
      securityHub: 'S3.1',
      hipaa: HIPAA.access,
    },
    check: (r) => {
      const flags = [
        'block_public_acls',
        'block_public_policy',
        'ignore_public_acls',
        'restrict_public_buckets',
      ];
      const off = flags.filter((f) => !isTrue(attr(r, f)));
      return off.length === 0
        ? pass('all four flags are true')
        : fail(`not true: ${off.join(', ')}`);
    },
  },
  {
    id: 'HIPAA-ACCT-002',
    title: 'IAM password policy meets the HIPAA pack parameters',
    severity: 'medium',
    resourceTypes: ['aws_iam_account_password_policy'],
    control: { configRule: 'iam-password-policy', securityHub: 'IAM.7', hipaa: HIPAA.passwords },
    check: (r) => {
      const problems = [
        Number(attr(r, 'minimum_password_length')) >= 14 ? '' : 'minimum_password_length < 14',
        Number(attr(r, 'password_reuse_prevention')) >= 24 ? '' : 'password_reuse_prevention < 24',
        Number(attr(r, 'max_password_age')) > 0 && Number(attr(r, 'max_password_age')) <= 90
          ? ''
          : 'max_password_age not 1 to 90',
        ...[
          'require_lowercase_characters',
          'require_uppercase_characters',
          'require_numbers',
          'require_symbols',
        ].map((f) => (isTrue(attr(r, f)) ? '' : `${f} is not true`)),
      ].filter(Boolean);
      return problems.length === 0
        ? pass('14+ characters, all classes, 24 remembered, 90 days')
        : fail(problems.join('; '));
    },
  },
  {
    id: 'HIPAA-ACCT-003',
    title: 'EBS encryption by default is on',
    severity: 'high',
    resourceTypes: ['aws_ebs_encryption_by_default'],
    control: {
      configRule: 'ec2-ebs-encryption-by-default',
      securityHub: 'EC2.7',
      hipaa: HIPAA.encryption,
    },
    check: (r) =>
      attr(r, 'enabled') === false ? fail('enabled = false') : pass('new volumes are encrypted'),
  },
  {
    id: 'HIPAA-ACCT-004',
    title: 'API Gateway has a CloudWatch Logs role (stage logging depends on it)',
    severity: 'medium',
    resourceTypes: ['aws_api_gateway_account'],
    control: { configRule: 'api-gw-execution-logging-enabled', hipaa: HIPAA.audit },
    check: (r, ctx) => {
      const role = ctx.resolve(attr(r, 'cloudwatch_role_arn'));
      return role?.type === 'aws_iam_role'
        ? pass(`cloudwatch_role_arn is ${role.address}`)
        : fail('cloudwatch_role_arn does not reference an IAM role of this stack');
    },
  },
  {
    id: 'HIPAA-ACCT-005',
    title: 'No administrator policy is attached to a role',
    severity: 'critical',
    resourceTypes: ['aws_iam_role_policy_attachment'],
    control: {
      configRule: 'iam-policy-no-statements-with-admin-access',
      securityHub: 'IAM.1',
      hipaa: HIPAA.access,
    },
    check: (r) => {
      const arn = String(attr(r, 'policy_arn') ?? '');
      return /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/.test(arn)
        ? fail(`${arn} grants administrator access`)
        : pass(`${arn.replace(/^.*:policy\//, '')} is not an administrator policy`);
    },
  },
];
