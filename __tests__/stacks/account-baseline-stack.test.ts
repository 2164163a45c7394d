import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVaultLockConfiguration } from '@cdktf/provider-aws/lib/backup-vault-lock-configuration';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { EbsEncryptionByDefault } from '@cdktf/provider-aws/lib/ebs-encryption-by-default';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyDetectorFeature } from '@cdktf/provider-aws/lib/guardduty-detector-feature';
import { IamAccountPasswordPolicy } from '@cdktf/provider-aws/lib/iam-account-password-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { SecurityhubAccount } from '@cdktf/provider-aws/lib/securityhub-account';
import { SecurityhubStandardsSubscription } from '@cdktf/provider-aws/lib/securityhub-standards-subscription';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Testing } from 'cdktf';
import { loadStateBackend } from '../../config/backend';
import { loadBaselineConfig } from '../../config/baseline';
import { synthesizeStack } from '../../tools/policy/stacks';
import { TRAIL_ALARMS } from '../../constructs/audit/trail-alarms';
import { HIPAA_CONFIG_RULES } from '../../constructs/detective/hipaa-rules';
import { AccountBaselineStack, BASELINE_TAGS } from '../../stacks/account-baseline-stack';

type Body = Record<string, unknown>;
interface Parsed {
  resource: Record<string, Record<string, Body>>;
  data: { aws_iam_policy_document: Record<string, { statement: Body[] }> };
  provider: { aws: Body[] };
  terraform: { backend: { s3: Body } };
  output: Record<string, Body>;
}

function synth(env: Record<string, string> = {}) {
  const stack = new AccountBaselineStack(Testing.app(), {
    config: loadBaselineConfig({ env }),
    stateBackend: loadStateBackend({ env }, { warn: () => undefined }),
  });
  const json = Testing.synth(stack);
  return { stack, json, parsed: JSON.parse(json) as Parsed };
}

const all = (parsed: Parsed, type: string): Body[] => Object.values(parsed.resource[type] ?? {});
const named = (parsed: Parsed, type: string, idPart: string): Body => {
  const hit = Object.entries(parsed.resource[type] ?? {}).find(([name]) => name.includes(idPart));
  if (!hit) throw new Error(`no ${type} whose name contains ${idPart}`);
  return hit[1];
};
/** The statements of the policy document whose name contains idPart, by Sid. */
function statementsOf(parsed: Parsed, idPart: string): Record<string, Body> {
  const hit = Object.entries(parsed.data.aws_iam_policy_document).find(([name]) =>
    name.includes(idPart),
  );
  if (!hit) throw new Error(`no policy document ${idPart}`);
  return Object.fromEntries(hit[1].statement.map((s) => [String(s.sid), s]));
}
const trailArn =
  'arn:${data.aws_partition.partition.partition}:cloudtrail:eu-west-1:${data.aws_caller_identity.account.account_id}:trail/healthcare-account-trail';

describe('AccountBaselineStack, production defaults', () => {
  const { stack, json, parsed } = synth();

  it('is TapAccountBaseline on the shared S3 state under healthcare/account/', () => {
    expect(stack.node.id).toBe('TapAccountBaseline');
    expect(parsed.terraform.backend.s3).toMatchObject({
      bucket: 'healthcare-platform-tfstate',
      key: 'healthcare/account/TapAccountBaseline.tfstate',
      encrypt: true,
      use_lockfile: true,
    });
  });

  it('has a home provider, a DR provider in eu-central-1, and no PHI tag', () => {
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      default_tags: [{ tags: BASELINE_TAGS }],
    });
    expect(json).toHaveProviderWithProperties(AwsProvider, { alias: 'dr', region: 'eu-central-1' });
    expect(BASELINE_TAGS.DataClassification).not.toBe('PHI');
    // The state bucket is in the home region: no third provider.
    expect(parsed.provider.aws).toHaveLength(2);
  });

  describe('audit trail', () => {
    it('is multi-region, validated, KMS-encrypted, to the archive and CloudWatch Logs', () => {
      expect(json).toHaveResourceWithProperties(Cloudtrail, {
        name: 'healthcare-account-trail',
        is_multi_region_trail: true,
        include_global_service_events: true,
        enable_log_file_validation: true,
        enable_logging: true,
        s3_key_prefix: 'cloudtrail',
        kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.audit_key_.*\.arn\}$/),
        cloud_watch_logs_group_arn: expect.stringMatching(
          /^\$\{aws_cloudwatch_log_group\..*\.arn\}:\*$/,
        ),
      });
    });

    it('records S3 data events for the state bucket only (not the archive)', () => {
      const trail = all(parsed, 'aws_cloudtrail')[0];
      expect(trail.event_selector).toEqual([
        {
          read_write_type: 'All',
          include_management_events: true,
          data_resource: [
            {
              type: 'AWS::S3::Object',
              values: [
                'arn:${data.aws_partition.partition.partition}:s3:::healthcare-platform-tfstate/',
              ],
            },
          ],
        },
      ]);
    });

    it("lets CloudTrail use the key only for this trail (aws:SourceArn) and the account's trail context", () => {
      const s = statementsOf(parsed, 'audit_key_key-policy');
      const context = {
        test: 'StringLike',
        variable: 'kms:EncryptionContext:aws:cloudtrail:arn',
        values: [
          'arn:${data.aws_partition.partition.partition}:cloudtrail:*:${data.aws_caller_identity.account.account_id}:trail/*',
        ],
      };
      expect(s.CloudTrailEncryptsTrailFiles).toEqual({
        sid: 'CloudTrailEncryptsTrailFiles',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] },
          context,
        ],
      });
      expect(s.CloudTrailDescribesKey).toMatchObject({
        actions: ['kms:DescribeKey'],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] }],
      });
      expect(s.AccountDecryptsTrailFiles).toMatchObject({
        actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        condition: [
          {
            test: 'StringEquals',
            variable: 'kms:CallerAccount',
            values: ['${data.aws_caller_identity.account.account_id}'],
          },
          context,
        ],
      });
      expect(s.CloudWatchLogsEncryptsTrailLogGroup).toMatchObject({
        principals: [{ type: 'Service', identifiers: ['logs.eu-west-1.amazonaws.com'] }],
        condition: [
          {
            test: 'ArnEquals',
            variable: 'kms:EncryptionContext:aws:logs:arn',
            values: [
              'arn:${data.aws_partition.partition.partition}:logs:eu-west-1:${data.aws_caller_identity.account.account_id}:log-group:/healthcare/account/cloudtrail',
            ],
          },
        ],
      });
      expect(s.AccountReadsArchiveThroughS3.condition).toContainEqual({
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: ['s3.eu-west-1.amazonaws.com'],
      });
      expect(s.CloudWatchAlarmsPublishToEncryptedTopic.actions).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey*',
      ]);
      expect(s.ConfigRoleEncryptsDeliveries).toMatchObject({
        principals: [
          { type: 'AWS', identifiers: [expect.stringMatching(/aws_iam_role\.config-role.*\.arn/)] },
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      });
      // The root administers, never uses.
      expect(s.KeyAdministrationByAccount.actions).not.toContain('kms:Decrypt');
    });

    it('rotates every key and keeps it (prevent_destroy) in production', () => {
      const keys = all(parsed, 'aws_kms_key');
      expect(keys).toHaveLength(3);
      for (const key of keys)
        expect(key).toMatchObject({
          enable_key_rotation: true,
          deletion_window_in_days: 30,
          lifecycle: { prevent_destroy: true },
        });
    });

    it('archives to a versioned, KMS-encrypted, private bucket under COMPLIANCE lock for 6 years', () => {
      expect(named(parsed, 'aws_s3_bucket', 'audit_archive')).toMatchObject({
        bucket: 'healthcare-audit-${data.aws_caller_identity.account.account_id}-eu-west-1',
        object_lock_enabled: true,
        lifecycle: { prevent_destroy: true },
      });
      expect(json).toHaveResourceWithProperties(S3BucketObjectLockConfigurationA, {
        rule: { default_retention: { mode: 'COMPLIANCE', days: 2192 } },
      });
      expect(
        named(parsed, 'aws_s3_bucket_server_side_encryption_configuration', 'audit_archive'),
      ).toMatchObject({
        rule: [
          {
            apply_server_side_encryption_by_default: {
              sse_algorithm: 'aws:kms',
              kms_master_key_id: expect.stringMatching(/aws_kms_key\.audit_key/),
            },
            bucket_key_enabled: true,
          },
        ],
      });
      expect(named(parsed, 'aws_s3_bucket_lifecycle_configuration', 'audit_archive')).toMatchObject(
        {
          rule: [
            {
              transition: [{ days: 90, storage_class: 'GLACIER' }],
              expiration: [{ days: 2193 }],
              noncurrent_version_expiration: [{ noncurrent_days: 2193 }],
            },
          ],
        },
      );
      expect(all(parsed, 'aws_s3_bucket_public_access_block')).toHaveLength(2);
      for (const pab of all(parsed, 'aws_s3_bucket_public_access_block'))
        expect(pab).toMatchObject({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
    });

    it('lets only this trail write to the archive, over TLS only', () => {
      const s = statementsOf(parsed, 'audit_archive_policy-document');
      expect(s.DenyInsecureTransport).toMatchObject({
        effect: 'Deny',
        actions: ['s3:*'],
        condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      });
      expect(s.CloudTrailWrite).toMatchObject({
        actions: ['s3:PutObject'],
        resources: [
          expect.stringMatching(
            /\.arn\}\/cloudtrail\/AWSLogs\/\$\{data\.aws_caller_identity\.account\.account_id\}\/\*$/,
          ),
        ],
        condition: [
          { test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] },
          { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
        ],
      });
      expect(s.CloudTrailAclCheck.condition).toEqual([
        { test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] },
      ]);
    });

    it('delivers to a KMS-encrypted log group through a role CloudTrail takes, with no condition it may not meet', () => {
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: '/healthcare/account/cloudtrail',
        retention_in_days: 365,
        kms_key_id: expect.stringMatching(/aws_kms_key\.audit_key/),
      });
      const role = named(parsed, 'aws_iam_role', 'audit_logs-role');
      expect(JSON.parse(String(role.assume_role_policy))).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      });
      const policy = JSON.parse(
        String(named(parsed, 'aws_iam_role_policy', 'audit_logs-role-policy').policy),
      );
      expect(policy.Statement).toEqual([
        {
          Sid: 'WriteTrailLogStreams',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: expect.stringMatching(/\.arn\}:log-stream:\*$/),
        },
      ]);
    });
  });

  describe('state bucket access logs', () => {
    it('go to their own SSE-S3 bucket without Object Lock (what S3 requires of a log target)', () => {
      const bucket = named(parsed, 'aws_s3_bucket', 'state-access-logs');
      expect(bucket).toMatchObject({
        bucket:
          'healthcare-s3-access-logs-${data.aws_caller_identity.account.account_id}-eu-west-1',
        object_lock_enabled: false,
      });
      const raw = synthesizeStack(stack) as unknown as Parsed;
      expect(named(raw, 'aws_s3_bucket', 'state-access-logs')['//']).toMatchObject({
        policy_waivers: { 'HIPAA-S3-002': expect.stringContaining('SSE-S3') },
      });
      expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
      });
      expect(json).toHaveResourceWithProperties(S3BucketLoggingA, {
        bucket: 'healthcare-platform-tfstate',
        target_prefix: 'tfstate/',
      });
    });

    it('accept deliveries from S3 logging for the state bucket of this account only', () => {
      expect(
        statementsOf(parsed, 'state-access-logs_bucket_policy-document').S3ServerAccessLogDelivery,
      ).toMatchObject({
        principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
        actions: ['s3:PutObject'],
        resources: [expect.stringMatching(/\/tfstate\/\*$/)],
        condition: [
          {
            test: 'ArnLike',
            variable: 'aws:SourceArn',
            values: [
              'arn:${data.aws_partition.partition.partition}:s3:::healthcare-platform-tfstate',
            ],
          },
          {
            test: 'StringEquals',
            variable: 'aws:SourceAccount',
            values: ['${data.aws_caller_identity.account.account_id}'],
          },
        ],
      });
    });
  });

  describe('trail alarms', () => {
    it.each(TRAIL_ALARMS.map((a) => [a.id, a]))('%s: metric filter and alarm', (_id, spec) => {
      expect(json).toHaveResourceWithProperties(CloudwatchLogMetricFilter, {
        name: spec.metricName,
        log_group_name: expect.stringMatching(/aws_cloudwatch_log_group/),
        pattern: spec.pattern,
        metric_transformation: {
          name: spec.metricName,
          namespace: 'Healthcare/AccountBaseline',
          value: '1',
          default_value: '0',
        },
      });
      expect(json).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        alarm_name: `healthcare-account-${spec.id}`,
        metric_name: spec.metricName,
        namespace: 'Healthcare/AccountBaseline',
        statistic: 'Sum',
        comparison_operator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        period: 300,
        evaluation_periods: 1,
        alarm_actions: [expect.stringMatching(/aws_sns_topic\..*\.arn/)],
      });
    });

    it('uses the exact CIS / Security Hub filter patterns', () => {
      const patterns = Object.fromEntries(TRAIL_ALARMS.map((a) => [a.id, a.pattern]));
      expect(patterns).toEqual({
        'root-account-usage':
          '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
        'unauthorized-api-calls':
          '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
        'console-signin-without-mfa':
          '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes") && ($.userIdentity.type="IAMUser") && ($.responseElements.ConsoleLogin="Success")}',
        'iam-policy-changes':
          '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
        'cloudtrail-changes':
          '{($.eventName=CreateTrail)||($.eventName=UpdateTrail)||($.eventName=DeleteTrail)||($.eventName=StartLogging)||($.eventName=StopLogging)}',
        'kms-key-disabled-or-deleted':
          '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}',
        'config-changes':
          '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder))}',
        'security-group-changes':
          '{($.eventName=AuthorizeSecurityGroupIngress)||($.eventName=AuthorizeSecurityGroupEgress)||($.eventName=RevokeSecurityGroupIngress)||($.eventName=RevokeSecurityGroupEgress)||($.eventName=CreateSecurityGroup)||($.eventName=DeleteSecurityGroup)}',
        'network-acl-changes':
          '{($.eventName=CreateNetworkAcl)||($.eventName=CreateNetworkAclEntry)||($.eventName=DeleteNetworkAcl)||($.eventName=DeleteNetworkAclEntry)||($.eventName=ReplaceNetworkAclEntry)||($.eventName=ReplaceNetworkAclAssociation)}',
      });
    });

    it('publish to a topic encrypted with the audit key, with no subscriber unless set', () => {
      expect(json).toHaveResourceWithProperties(SnsTopic, {
        name: 'healthcare-account-security-alarms',
        kms_master_key_id: expect.stringMatching(/aws_kms_key\.audit_key/),
      });
      expect(json).not.toHaveResource(SnsTopicSubscription);
      expect(synth({ BASELINE_ALARM_EMAIL: 'sec@example.org' }).json).toHaveResourceWithProperties(
        SnsTopicSubscription,
        { protocol: 'email', endpoint: 'sec@example.org' },
      );
    });

    it('let only the account alarms of this account publish to the topic (aws:SourceAccount, aws:SourceArn)', () => {
      const policy = named(parsed, 'aws_sns_topic_policy', 'trail-alarms_topic-policy');
      const topicArn = '${aws_sns_topic.trail-alarms_topic_E60DBE10.arn}';
      expect(policy.arn).toBe(topicArn);
      expect(JSON.parse(String(policy.policy))).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topicArn,
            Condition: {
              StringEquals: {
                'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}',
              },
              ArnLike: {
                'aws:SourceArn':
                  'arn:${data.aws_partition.partition.partition}:cloudwatch:eu-west-1:${data.aws_caller_identity.account.account_id}:alarm:healthcare-account-*',
              },
            },
          },
        ],
      });
      // Every alarm that notifies the topic carries that prefix.
      const notifying = all(parsed, 'aws_cloudwatch_metric_alarm').filter((a) =>
        JSON.stringify(a.alarm_actions ?? []).includes('trail-alarms_topic'),
      );
      expect(notifying).toHaveLength(TRAIL_ALARMS.length);
      for (const alarm of notifying)
        expect(String(alarm.alarm_name)).toMatch(/^healthcare-account-/);
    });
  });

  describe('backups', () => {
    it('lock both vaults in compliance mode with a 3-day cooling-off period', () => {
      const locks = all(parsed, 'aws_backup_vault_lock_configuration');
      expect(locks).toHaveLength(2);
      for (const lock of locks)
        expect(lock).toMatchObject({
          min_retention_days: 7,
          max_retention_days: 2192,
          changeable_for_days: 3,
        });
      expect(named(parsed, 'aws_backup_vault_lock_configuration', 'dr-vault-lock').provider).toBe(
        'aws.dr',
      );
    });

    it('keep vaults under their own keys, the DR vault and key in the DR region', () => {
      expect(named(parsed, 'aws_backup_vault', 'backup_vault_')).toMatchObject({
        name: 'healthcare-backup',
        kms_key_arn: expect.stringMatching(/aws_kms_key\.backup_key_[0-9A-F]+\.arn/),
        lifecycle: { prevent_destroy: true },
      });
      expect(named(parsed, 'aws_backup_vault', 'dr-vault')).toMatchObject({
        name: 'healthcare-backup-dr',
        provider: 'aws.dr',
        kms_key_arn: expect.stringMatching(/aws_kms_key\.backup_dr-key/),
      });
      expect(named(parsed, 'aws_kms_key', 'dr-key').provider).toBe('aws.dr');
      const dr = statementsOf(parsed, 'backup_dr-key_key-policy');
      expect(dr.UseThroughAwsBackup.condition).toContainEqual({
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: ['backup.eu-central-1.amazonaws.com'],
      });
      expect(dr.GrantsThroughAwsBackup.condition).toContainEqual({
        test: 'Bool',
        variable: 'kms:GrantIsForAWSResource',
        values: ['true'],
      });
    });

    it('run daily (35 days), continuous for RDS (35) and monthly (6 years, cold after 90), each copied to DR', () => {
      const plan = all(parsed, 'aws_backup_plan')[0];
      const dr = expect.stringMatching(/aws_backup_vault\.backup_dr-vault_.*\.arn/);
      expect(plan.name).toBe('healthcare-phi');
      expect(plan.rule).toEqual([
        expect.objectContaining({
          rule_name: 'daily',
          schedule: 'cron(0 3 ? * * *)',
          lifecycle: { delete_after: 35 },
          copy_action: [{ destination_vault_arn: dr, lifecycle: { delete_after: 35 } }],
        }),
        expect.objectContaining({
          rule_name: 'continuous',
          enable_continuous_backup: true,
          lifecycle: { delete_after: 35 },
          copy_action: [{ destination_vault_arn: dr, lifecycle: { delete_after: 35 } }],
        }),
        expect.objectContaining({
          rule_name: 'monthly',
          schedule: 'cron(0 4 1 * ? *)',
          lifecycle: { cold_storage_after: 90, delete_after: 2192 },
          copy_action: [
            {
              destination_vault_arn: dr,
              lifecycle: { cold_storage_after: 90, delete_after: 2192 },
            },
          ],
        }),
      ]);
    });

    it('select every resource tagged DataClassification=PHI with a role AWS Backup takes, with no condition it may not meet', () => {
      expect(json).toHaveResourceWithProperties(BackupSelection, {
        name: 'healthcare-phi-tagged',
        selection_tag: [{ type: 'STRINGEQUALS', key: 'DataClassification', value: 'PHI' }],
      });
      const role = named(parsed, 'aws_iam_role', 'backup_role');
      expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'backup.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ]);
      for (const policy of [
        'service-role/AWSBackupServiceRolePolicyForBackup',
        'service-role/AWSBackupServiceRolePolicyForRestores',
        'AWSBackupServiceRolePolicyForS3Backup',
        'AWSBackupServiceRolePolicyForS3Restore',
      ])
        expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
          policy_arn: `arn:\${data.aws_partition.partition.partition}:iam::aws:policy/${policy}`,
        });
    });
  });

  describe('detective controls', () => {
    it('record every supported type, global types included, delivered encrypted to the archive', () => {
      expect(json).toHaveResourceWithProperties(ConfigConfigurationRecorder, {
        name: 'healthcare-account',
        recording_group: { all_supported: true, include_global_resource_types: true },
      });
      expect(json).toHaveResourceWithProperties(ConfigDeliveryChannel, {
        s3_key_prefix: 'config',
        s3_kms_key_arn: expect.stringMatching(/aws_kms_key\.audit_key/),
        snapshot_delivery_properties: { delivery_frequency: 'TwentyFour_Hours' },
      });
      expect(json).toHaveResourceWithProperties(ConfigConfigurationRecorderStatus, {
        is_enabled: true,
      });
      const role = named(parsed, 'aws_iam_role', 'config-role');
      expect(JSON.parse(String(role.assume_role_policy)).Statement[0]).toMatchObject({
        Principal: { Service: 'config.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' },
        },
      });
      expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        policy_arn:
          'arn:${data.aws_partition.partition.partition}:iam::aws:policy/service-role/AWS_ConfigRole',
      });
    });

    it('deploy the HIPAA conformance pack with every rule of the table', () => {
      const pack = all(parsed, 'aws_config_conformance_pack')[0];
      expect(pack.name).toBe('healthcare-hipaa-security');
      for (const rule of HIPAA_CONFIG_RULES)
        expect(pack.template_body).toContain(`SourceIdentifier: ${rule.identifier}\n`);
      expect(String(pack.template_body)).toContain(
        '  CloudTrailEnabled:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: cloudtrail-enabled\n',
      );
    });

    it('turn GuardDuty on with S3 and RDS protection', () => {
      expect(json).toHaveResourceWithProperties(GuarddutyDetector, { enable: true });
      for (const name of ['S3_DATA_EVENTS', 'RDS_LOGIN_EVENTS'])
        expect(json).toHaveResourceWithProperties(GuarddutyDetectorFeature, {
          name,
          status: 'ENABLED',
        });
    });

    it('subscribe Security Hub to AWS Foundational Security Best Practices v1.0.0 only', () => {
      expect(json).toHaveResourceWithProperties(SecurityhubAccount, {
        enable_default_standards: false,
      });
      expect(json).toHaveResourceWithProperties(SecurityhubStandardsSubscription, {
        standards_arn:
          'arn:${data.aws_partition.partition.partition}:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0',
      });
    });
  });

  describe('account settings', () => {
    it("give API Gateway this region's CloudWatch role, trusted by API Gateway with no condition it cannot meet", () => {
      expect(json).toHaveResourceWithProperties(ApiGatewayAccount, {
        cloudwatch_role_arn: expect.stringMatching(
          /aws_iam_role\.account-settings_apigw-cloudwatch-role/,
        ),
      });
      const role = named(parsed, 'aws_iam_role', 'apigw-cloudwatch-role');
      expect(role.name).toBe('healthcare-apigw-cloudwatch');
      // API Gateway is not documented to send aws:SourceAccount for this role: no condition.
      expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'apigateway.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ]);
      expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        policy_arn:
          'arn:${data.aws_partition.partition.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      });
    });

    it('encrypt EBS by default, block public S3 account-wide, and set the HIPAA password policy', () => {
      expect(json).toHaveResourceWithProperties(EbsEncryptionByDefault, { enabled: true });
      expect(json).toHaveResourceWithProperties(S3AccountPublicAccessBlock, {
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
      expect(json).toHaveResourceWithProperties(IamAccountPasswordPolicy, {
        minimum_password_length: 14,
        password_reuse_prevention: 24,
        max_password_age: 90,
        require_symbols: true,
        require_numbers: true,
        require_lowercase_characters: true,
        require_uppercase_characters: true,
      });
    });
  });

  it('outputs the trail, archive, key, vaults and plan', () => {
    expect(Object.keys(parsed.output).sort()).toEqual([
      'audit_archive_bucket_name',
      'audit_kms_key_arn',
      'backup_dr_vault_arn',
      'backup_plan_id',
      'backup_vault_name',
      'trail_arn',
    ]);
  });
});

describe('AccountBaselineStack, standard profile', () => {
  const { json, parsed } = synth({ BASELINE_PROFILE: 'standard' });

  it('locks the archive in GOVERNANCE mode for 30 days', () => {
    expect(json).toHaveResourceWithProperties(S3BucketObjectLockConfigurationA, {
      rule: { default_retention: { mode: 'GOVERNANCE', days: 30 } },
    });
    // Expiry (31 days) before the Glacier transition (90): no transition (S3 would refuse it).
    expect(named(parsed, 'aws_s3_bucket_lifecycle_configuration', 'audit_archive').rule).toEqual([
      expect.not.objectContaining({ transition: expect.anything() }),
    ]);
  });

  it('locks the vaults in governance mode (no changeable_for_days) and has no monthly rule', () => {
    for (const lock of all(parsed, 'aws_backup_vault_lock_configuration')) {
      expect(lock).toMatchObject({ min_retention_days: 7, max_retention_days: 35 });
      expect(lock).not.toHaveProperty('changeable_for_days');
    }
    expect((all(parsed, 'aws_backup_plan')[0].rule as Body[]).map((r) => r.rule_name)).toEqual([
      'daily',
      'continuous',
    ]);
  });

  it('does not protect keys, buckets or vaults from destroy; only the access logs are emptied by it', () => {
    for (const type of ['aws_kms_key', 'aws_s3_bucket', 'aws_backup_vault'])
      for (const body of all(parsed, type)) expect(body.lifecycle).toBeUndefined();
    expect(named(parsed, 'aws_s3_bucket', 'state-access-logs').force_destroy).toBe(true);
    expect(named(parsed, 'aws_s3_bucket', 'audit_archive').force_destroy).toBe(false);
  });
});

describe('AccountBaselineStack switches', () => {
  it('leaves out trail, archive, alarms and Config when an organisation runs them', () => {
    const { json } = synth({ BASELINE_CLOUDTRAIL: 'off', BASELINE_CONFIG: 'off' });
    expect(json).not.toHaveResource(Cloudtrail);
    expect(json).not.toHaveResource(S3Bucket);
    expect(json).not.toHaveResource(CloudwatchMetricAlarm);
    expect(json).not.toHaveResource(ConfigConfigurationRecorder);
    expect(json).toHaveResource(BackupSelection);
    expect(json).toHaveResource(BackupVaultLockConfiguration);
  });

  it('leaves out Config only', () => {
    const { json, parsed } = synth({ BASELINE_CONFIG: 'off' });
    expect(json).toHaveResource(Cloudtrail);
    expect(json).not.toHaveResource(ConfigDeliveryChannel);
    expect(
      statementsOf(parsed, 'audit_key_key-policy').ConfigRoleEncryptsDeliveries,
    ).toBeUndefined();
  });

  it('leaves out GuardDuty and Security Hub', () => {
    const { json } = synth({ BASELINE_GUARDDUTY: 'off', BASELINE_SECURITY_HUB: 'off' });
    expect(json).not.toHaveResource(GuarddutyDetector);
    expect(json).not.toHaveResource(SecurityhubAccount);
    expect(json).toHaveResource(KmsKey);
  });

  it('leaves the account-wide settings and Config global types to another region', () => {
    const { json } = synth({ BASELINE_ACCOUNT_WIDE: 'off' });
    expect(json).not.toHaveResource(IamAccountPasswordPolicy);
    expect(json).not.toHaveResource(S3AccountPublicAccessBlock);
    expect(json).toHaveResource(ApiGatewayAccount);
    expect(json).toHaveResourceWithProperties(ConfigConfigurationRecorder, {
      recording_group: { all_supported: true, include_global_resource_types: false },
    });
  });

  it("puts the access-log bucket in the state bucket's region when that differs from home", () => {
    const { json, parsed } = synth({
      BASELINE_REGION: 'eu-central-1',
      BASELINE_DR_REGION: 'eu-west-3',
    });
    expect(json).toHaveProviderWithProperties(AwsProvider, { alias: 'state', region: 'eu-west-1' });
    expect(named(parsed, 'aws_s3_bucket', 'state-access-logs')).toMatchObject({
      provider: 'aws.state',
      bucket: 'healthcare-s3-access-logs-${data.aws_caller_identity.account.account_id}-eu-west-1',
    });
    expect(named(parsed, 'aws_s3_bucket_logging', 'state-bucket-logging').provider).toBe(
      'aws.state',
    );
    expect(json).toHaveResource(S3BucketPublicAccessBlock);
  });
});
