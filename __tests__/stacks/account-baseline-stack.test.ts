import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { DataAwsGuarddutyDetector } from '@cdktf/provider-aws/lib/data-aws-guardduty-detector';
import { EbsEncryptionByDefault } from '@cdktf/provider-aws/lib/ebs-encryption-by-default';
import { GuarddutyDetector } from '@cdktf/provider-aws/lib/guardduty-detector';
import { GuarddutyDetectorFeature } from '@cdktf/provider-aws/lib/guardduty-detector-feature';
import { IamAccountPasswordPolicy } from '@cdktf/provider-aws/lib/iam-account-password-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
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
  data: { aws_iam_policy_document: Record<string, { statement: Body[] }> } & Record<
    string,
    Record<string, Body>
  >;
  provider: { aws: Body[] };
  terraform: { backend: { s3: Body } };
  output: Record<string, Body>;
  moved?: { from: string; to: string }[];
  locals?: Record<string, unknown>;
}

const synthesized = new Map<string, { stack: AccountBaselineStack; json: string }>();

/**
 * The baseline for `env`, synthesized once per set of settings: several tests read the same
 * one. Each call parses afresh, so a test may change what it gets.
 */
function synth(env: Record<string, string> = {}) {
  const key = JSON.stringify(Object.entries(env).sort());
  let built = synthesized.get(key);
  if (built === undefined) {
    const stack = new AccountBaselineStack(Testing.app(), {
      config: loadBaselineConfig({ env }),
      stateBackend: loadStateBackend({ env }, { warn: () => undefined }),
    });
    built = { stack, json: Testing.synth(stack) };
    synthesized.set(key, built);
  }
  return { ...built, parsed: JSON.parse(built.json) as Parsed };
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
/** The event pattern of the rule of this name. */
function patternOf(parsed: Parsed, ruleName: string): unknown {
  const rule = all(parsed, 'aws_cloudwatch_event_rule').find((r) => r.name === ruleName);
  if (!rule) throw new Error(`no event rule ${ruleName}`);
  return JSON.parse(String(rule.event_pattern));
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

  describe('audit key (baseline-level: trail, archive, Config bucket, alarm topic)', () => {
    it("lets CloudTrail use the key only for this trail (aws:SourceArn) and the account's trail context", () => {
      const s = statementsOf(parsed, 'audit-key_key-policy');
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
      expect(s.AccountReadsAuditBucketsThroughS3.condition).toContainEqual({
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: ['s3.eu-west-1.amazonaws.com'],
      });
      // The root administers, never uses.
      expect(s.KeyAdministrationByAccount.actions).not.toContain('kms:Decrypt');
    });

    it('lets CloudTrail decrypt for this trail only: the archive uses an S3 Bucket Key', () => {
      expect(statementsOf(parsed, 'audit-key_key-policy').CloudTrailDecryptsForBucketKey).toEqual({
        sid: 'CloudTrailDecryptsForBucketKey',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        condition: [{ test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] }],
      });
      expect(
        named(parsed, 'aws_s3_bucket_server_side_encryption_configuration', 'audit_archive').rule,
      ).toEqual([expect.objectContaining({ bucket_key_enabled: true })]);
    });

    it('lets AWS Config encrypt as its role and as config.amazonaws.com of this account', () => {
      const s = statementsOf(parsed, 'audit-key_key-policy');
      expect(s.ConfigRoleEncryptsDeliveries).toMatchObject({
        principals: [
          { type: 'AWS', identifiers: [expect.stringMatching(/aws_iam_role\.config-role.*\.arn/)] },
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      });
      expect(s.ConfigServiceEncryptsDeliveries).toEqual({
        sid: 'ConfigServiceEncryptsDeliveries',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['config.amazonaws.com'] }],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        condition: [
          {
            test: 'StringEquals',
            variable: 'aws:SourceAccount',
            values: ['${data.aws_caller_identity.account.account_id}'],
          },
        ],
      });
    });

    it('lets CloudWatch alarms and EventBridge rules publish to the encrypted topic', () => {
      const s = statementsOf(parsed, 'audit-key_key-policy');
      expect(s.CloudWatchAlarmsPublishToEncryptedTopic.actions).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey*',
      ]);
      expect(s.EventBridgePublishesToEncryptedTopic).toEqual({
        sid: 'EventBridgePublishesToEncryptedTopic',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      });
    });

    it('keeps the key and alias it had under the trail (moved blocks, not a replacement)', () => {
      expect(parsed.moved).toEqual(
        expect.arrayContaining([
          {
            from: 'aws_kms_key.audit_key_0A822D18',
            to: `aws_kms_key.${Object.keys(parsed.resource.aws_kms_key).find((n) => n.startsWith('audit-key_'))}`,
          },
          {
            from: 'aws_kms_alias.audit_key_alias_E5B8F579',
            to: `aws_kms_alias.${Object.keys(parsed.resource.aws_kms_alias).find((n) => n.startsWith('audit-key_'))}`,
          },
        ]),
      );
      expect(parsed.resource.aws_kms_key).not.toHaveProperty('audit_key_0A822D18');
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
        kms_key_id: expect.stringMatching(/^\$\{aws_kms_key\.audit-key_.*\.arn\}$/),
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

    it('archives to a versioned, KMS-encrypted, private bucket under a GOVERNANCE lock for 6 years', () => {
      expect(named(parsed, 'aws_s3_bucket', 'audit_archive')).toMatchObject({
        bucket: 'healthcare-audit-${data.aws_caller_identity.account.account_id}-eu-west-1',
        object_lock_enabled: true,
        lifecycle: { prevent_destroy: true },
      });
      expect(all(parsed, 'aws_s3_bucket_object_lock_configuration')).toEqual([
        expect.objectContaining({
          rule: { default_retention: { mode: 'GOVERNANCE', days: 2192 } },
        }),
      ]);
      expect(
        named(parsed, 'aws_s3_bucket_server_side_encryption_configuration', 'audit_archive'),
      ).toMatchObject({
        rule: [
          {
            apply_server_side_encryption_by_default: {
              sse_algorithm: 'aws:kms',
              kms_master_key_id: expect.stringMatching(/aws_kms_key\.audit-key_/),
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
      // Archive, Config bucket, access-log bucket.
      expect(all(parsed, 'aws_s3_bucket_public_access_block')).toHaveLength(3);
      for (const pab of all(parsed, 'aws_s3_bucket_public_access_block'))
        expect(pab).toMatchObject({
          block_public_acls: true,
          block_public_policy: true,
          ignore_public_acls: true,
          restrict_public_buckets: true,
        });
    });

    it('locks the archive in COMPLIANCE mode only when BASELINE_ARCHIVE_LOCK_MODE says so', () => {
      const { parsed: compliance } = synth({ BASELINE_ARCHIVE_LOCK_MODE: 'COMPLIANCE' });
      expect(all(compliance, 'aws_s3_bucket_object_lock_configuration')).toEqual([
        expect.objectContaining({
          rule: { default_retention: { mode: 'COMPLIANCE', days: 2192 } },
        }),
      ]);
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
      // Config no longer writes here: AWS Config does not deliver to an Object Lock bucket.
      expect(Object.keys(s).sort()).toEqual([
        'CloudTrailAclCheck',
        'CloudTrailWrite',
        'DenyInsecureTransport',
      ]);
    });

    it('delivers to a KMS-encrypted log group through a role CloudTrail takes, with no condition it may not meet', () => {
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: '/healthcare/account/cloudtrail',
        retention_in_days: 365,
        kms_key_id: expect.stringMatching(/aws_kms_key\.audit-key_/),
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

  describe('server access logs (state bucket, audit archive, Config bucket)', () => {
    it('go to one SSE-S3 bucket without Object Lock in the home region (what S3 requires of a log target)', () => {
      const bucket = named(parsed, 'aws_s3_bucket', 'state-access-logs');
      expect(bucket).toMatchObject({
        bucket:
          'healthcare-s3-access-logs-${data.aws_caller_identity.account.account_id}-eu-west-1',
        object_lock_enabled: false,
      });
      // The address the state's log bucket always had.
      expect(parsed.resource.aws_s3_bucket).toHaveProperty('state-access-logs_bucket_DDE7C08C');
      const raw = synthesizeStack(stack) as unknown as Parsed;
      expect(named(raw, 'aws_s3_bucket', 'state-access-logs')['//']).toMatchObject({
        policy_waivers: { 'HIPAA-S3-002': expect.stringContaining('SSE-S3') },
      });
      expect(
        named(parsed, 'aws_s3_bucket_server_side_encryption_configuration', 'state-access-logs')
          .rule,
      ).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    });

    it('log each source under its own prefix', () => {
      const byPrefix = Object.fromEntries(
        all(parsed, 'aws_s3_bucket_logging').map((l) => [l.target_prefix, l.bucket]),
      );
      expect(byPrefix).toEqual({
        'tfstate/': 'healthcare-platform-tfstate',
        'audit-archive/': expect.stringMatching(
          /^\$\{aws_s3_bucket\.audit_archive_bucket_.*\.bucket\}$/,
        ),
        'config-bucket/': expect.stringMatching(
          /^\$\{aws_s3_bucket\.config_bucket_[0-9A-F]+\.bucket\}$/,
        ),
      });
      for (const logging of all(parsed, 'aws_s3_bucket_logging'))
        expect(logging.target_bucket).toMatch(
          /^\$\{aws_s3_bucket\.state-access-logs_bucket_DDE7C08C\.id\}$/,
        );
    });

    it('accept deliveries from S3 logging for each source bucket of this account, under its prefix only', () => {
      const s = statementsOf(parsed, 'state-access-logs_bucket_policy-document');
      const account = {
        test: 'StringEquals',
        variable: 'aws:SourceAccount',
        values: ['${data.aws_caller_identity.account.account_id}'],
      };
      const delivery = (prefix: string, source: string | RegExp) => ({
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
        actions: ['s3:PutObject'],
        resources: [expect.stringMatching(new RegExp(`\\.arn\\}/${prefix}\\*$`))],
        condition: [
          {
            test: 'ArnLike',
            variable: 'aws:SourceArn',
            values: [typeof source === 'string' ? source : expect.stringMatching(source)],
          },
          account,
        ],
      });
      expect(s.S3ServerAccessLogsStateBucket).toMatchObject(
        delivery(
          'tfstate/',
          'arn:${data.aws_partition.partition.partition}:s3:::healthcare-platform-tfstate',
        ),
      );
      expect(s.S3ServerAccessLogsAuditArchive).toMatchObject(
        delivery('audit-archive/', /^\$\{aws_s3_bucket\.audit_archive_bucket_.*\.arn\}$/),
      );
      expect(s.S3ServerAccessLogsConfigBucket).toMatchObject(
        delivery('config-bucket/', /^\$\{aws_s3_bucket\.config_bucket_[0-9A-F]+\.arn\}$/),
      );
    });
  });

  describe('security alarm topic and its routes', () => {
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
        alarm_actions: ['${aws_sns_topic.security-alarms_topic_84805510.arn}'],
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

    it('is encrypted with the audit key, with no subscriber unless set', () => {
      expect(json).toHaveResourceWithProperties(SnsTopic, {
        name: 'healthcare-account-security-alarms',
        kms_master_key_id: expect.stringMatching(/aws_kms_key\.audit-key_/),
      });
      expect(json).not.toHaveResource(SnsTopicSubscription);
      expect(synth({ BASELINE_ALARM_EMAIL: 'sec@example.org' }).json).toHaveResourceWithProperties(
        SnsTopicSubscription,
        { protocol: 'email', endpoint: 'sec@example.org' },
      );
    });

    it('keeps the topic, its policy and its subscription it had under the trail alarms (moved blocks)', () => {
      const { parsed: withEmail } = synth({ BASELINE_ALARM_EMAIL: 'sec@example.org' });
      expect(withEmail.moved).toEqual(
        expect.arrayContaining([
          {
            from: 'aws_sns_topic.trail-alarms_topic_E60DBE10',
            to: 'aws_sns_topic.security-alarms_topic_84805510',
          },
          {
            from: 'aws_sns_topic_policy.trail-alarms_topic-policy_97859A70',
            to: `aws_sns_topic_policy.${Object.keys(withEmail.resource.aws_sns_topic_policy)[0]}`,
          },
          {
            from: 'aws_sns_topic_subscription.trail-alarms_email_B14BE02D',
            to: `aws_sns_topic_subscription.${Object.keys(withEmail.resource.aws_sns_topic_subscription)[0]}`,
          },
        ]),
      );
      expect(withEmail.moved).toHaveLength(5);
    });

    it('admits the account alarms of the prefix and exactly the five rules, each of this account', () => {
      const policy = all(parsed, 'aws_sns_topic_policy')[0];
      const topicArn = '${aws_sns_topic.security-alarms_topic_84805510.arn}';
      const account = '${data.aws_caller_identity.account.account_id}';
      const partition = '${data.aws_partition.partition.partition}';
      const rule = (name: string) => `arn:${partition}:events:eu-west-1:${account}:rule/${name}`;
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
              StringEquals: { 'aws:SourceAccount': account },
              ArnLike: {
                'aws:SourceArn': `arn:${partition}:cloudwatch:eu-west-1:${account}:alarm:healthcare-account-*`,
              },
            },
          },
          {
            Sid: 'EventBridgeRulesPublish',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topicArn,
            Condition: {
              StringEquals: { 'aws:SourceAccount': account },
              ArnEquals: {
                'aws:SourceArn': [
                  rule('healthcare-guardduty-findings'),
                  rule('healthcare-securityhub-findings'),
                  rule('healthcare-backup-job-failed'),
                  rule('healthcare-backup-copy-job-failed'),
                  rule('healthcare-backup-restore-job-failed'),
                ],
              },
            },
          },
        ],
      });
      // Every alarm that notifies the topic carries that prefix.
      const notifying = all(parsed, 'aws_cloudwatch_metric_alarm').filter((a) =>
        JSON.stringify(a.alarm_actions ?? []).includes('security-alarms_topic'),
      );
      expect(notifying).toHaveLength(TRAIL_ALARMS.length);
      for (const alarm of notifying)
        expect(String(alarm.alarm_name)).toMatch(/^healthcare-account-/);
    });

    it('routes GuardDuty findings of severity 7 or more', () => {
      expect(patternOf(parsed, 'healthcare-guardduty-findings')).toEqual({
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', 7] }] },
      });
    });

    it('routes new, active Security Hub findings labelled HIGH or CRITICAL', () => {
      expect(patternOf(parsed, 'healthcare-securityhub-findings')).toEqual({
        source: ['aws.securityhub'],
        'detail-type': ['Security Hub Findings - Imported'],
        detail: {
          findings: {
            Severity: { Label: ['HIGH', 'CRITICAL'] },
            Workflow: { Status: ['NEW'] },
            RecordState: ['ACTIVE'],
          },
        },
      });
    });

    it('routes failed backup and copy jobs by detail.state, failed restore jobs by detail.status', () => {
      expect(patternOf(parsed, 'healthcare-backup-job-failed')).toEqual({
        source: ['aws.backup'],
        'detail-type': ['Backup Job State Change'],
        detail: { state: ['FAILED', 'ABORTED', 'EXPIRED'] },
      });
      expect(patternOf(parsed, 'healthcare-backup-copy-job-failed')).toEqual({
        source: ['aws.backup'],
        'detail-type': ['Copy Job State Change'],
        detail: { state: ['FAILED'] },
      });
      expect(patternOf(parsed, 'healthcare-backup-restore-job-failed')).toEqual({
        source: ['aws.backup'],
        'detail-type': ['Restore Job State Change'],
        detail: { status: ['FAILED', 'ABORTED'] },
      });
    });

    it('targets the topic from every rule, without a role (SNS is a resource-policy target)', () => {
      const targets = all(parsed, 'aws_cloudwatch_event_target');
      expect(targets).toHaveLength(5);
      for (const target of targets) {
        expect(target).toMatchObject({
          arn: '${aws_sns_topic.security-alarms_topic_84805510.arn}',
          target_id: 'security-alarm-topic',
          rule: expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\..*\.name\}$/),
        });
        expect(target).not.toHaveProperty('role_arn');
      }
    });
  });

  describe('deploy gate', () => {
    it('refuses a production baseline without an alarm subscriber, inside the Terraform', () => {
      expect(parsed.locals).toEqual({
        deploy_facts: { alarm_subscriber_required: true, alarm_subscribers: [] },
      });
      expect(parsed.resource.terraform_data.deploy_gates).toMatchObject({
        input: { gates: ['baseline alarm subscriber'] },
        lifecycle: {
          precondition: [
            {
              condition:
                '${!local.deploy_facts.alarm_subscriber_required || length(local.deploy_facts.alarm_subscribers) > 0}',
              error_message:
                "BASELINE_ALARM_EMAIL is not set: the production account baseline's security alarms (trail alarms, GuardDuty and Security Hub findings, failed backup, copy and restore jobs) would reach nobody. Set BASELINE_ALARM_EMAIL to an address that answers them.",
            },
          ],
        },
      });
    });

    it('records the subscriber, and the standard profile requires none', () => {
      expect(synth({ BASELINE_ALARM_EMAIL: 'sec@example.org' }).parsed.locals).toEqual({
        deploy_facts: { alarm_subscriber_required: true, alarm_subscribers: ['sec@example.org'] },
      });
      expect(synth({ BASELINE_PROFILE: 'standard' }).parsed.locals).toEqual({
        deploy_facts: { alarm_subscriber_required: false, alarm_subscribers: [] },
      });
    });
  });

  describe('backups', () => {
    it('lock both PHI vaults in governance mode by default (no changeable_for_days)', () => {
      const locks = all(parsed, 'aws_backup_vault_lock_configuration');
      expect(locks).toHaveLength(2);
      for (const lock of locks) {
        expect(lock).toMatchObject({ min_retention_days: 7, max_retention_days: 2192 });
        expect(lock).not.toHaveProperty('changeable_for_days');
      }
      expect(named(parsed, 'aws_backup_vault_lock_configuration', 'dr-vault-lock').provider).toBe(
        'aws.dr',
      );
    });

    it('lock them in compliance mode with a 3-day cooling-off only when BASELINE_VAULT_LOCK_MODE says so', () => {
      const { parsed: compliance } = synth({ BASELINE_VAULT_LOCK_MODE: 'compliance' });
      for (const lock of all(compliance, 'aws_backup_vault_lock_configuration'))
        expect(lock).toMatchObject({ changeable_for_days: 3, max_retention_days: 2192 });
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
    });

    it.each([
      ['backup_key_key-policy', 'eu-west-1'],
      ['backup_dr-key_key-policy', 'eu-central-1'],
    ])(
      '%s: the account uses it only through AWS Backup or RDS of %s (RDS copies and restores snapshots)',
      (document, region) => {
        const s = statementsOf(parsed, document);
        const via = {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: [`backup.${region}.amazonaws.com`, `rds.${region}.amazonaws.com`],
        };
        const caller = {
          test: 'StringEquals',
          variable: 'kms:CallerAccount',
          values: ['${data.aws_caller_identity.account.account_id}'],
        };
        expect(s.UseThroughAwsBackupOrRds.condition).toEqual([via, caller]);
        expect(s.GrantsThroughAwsBackupOrRds).toMatchObject({
          actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
          condition: [
            via,
            caller,
            { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] },
          ],
        });
      },
    );

    it('run daily (35 days), continuous for RDS (35) and monthly (6 years, cold after 90), each copied to DR', () => {
      const plan = named(parsed, 'aws_backup_plan', 'backup_plan');
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

    it('select exactly DataClassification=PHI into the locked plan and =synthetic into the deletable one', () => {
      const selections = Object.fromEntries(
        all(parsed, 'aws_backup_selection').map((s) => [s.name, [s.plan_id, s.selection_tag]]),
      );
      expect(selections).toEqual({
        'healthcare-phi-tagged': [
          expect.stringMatching(/^\$\{aws_backup_plan\.backup_plan_.*\.id\}$/),
          [{ type: 'STRINGEQUALS', key: 'DataClassification', value: 'PHI' }],
        ],
        'healthcare-synthetic-tagged': [
          expect.stringMatching(/^\$\{aws_backup_plan\.synthetic-backup_plan_.*\.id\}$/),
          [{ type: 'STRINGEQUALS', key: 'DataClassification', value: 'synthetic' }],
        ],
      });
    });

    it('back up synthetic data daily for 7 days into an unlocked vault destroy empties; no continuous rule, no DR copy', () => {
      const vault = named(parsed, 'aws_backup_vault', 'synthetic-backup_vault');
      expect(vault).toMatchObject({
        name: 'healthcare-backup-synthetic',
        force_destroy: true,
        kms_key_arn: expect.stringMatching(/aws_kms_key\.backup_key_[0-9A-F]+\.arn/),
      });
      expect(vault).not.toHaveProperty('lifecycle');
      expect(
        all(parsed, 'aws_backup_vault_lock_configuration').map((l) => l.backup_vault_name),
      ).not.toContainEqual(expect.stringMatching(/synthetic/));
      const plan = named(parsed, 'aws_backup_plan', 'synthetic-backup_plan');
      expect(plan.name).toBe('healthcare-synthetic');
      expect(plan.rule).toEqual([
        {
          rule_name: 'daily',
          target_vault_name: expect.stringMatching(/synthetic-backup_vault_.*\.name/),
          schedule: 'cron(0 3 ? * * *)',
          start_window: 60,
          completion_window: 360,
          lifecycle: { delete_after: 7 },
        },
      ]);
      const raw = synthesizeStack(stack) as unknown as Parsed;
      expect(named(raw, 'aws_backup_vault', 'synthetic-backup_vault')['//']).toMatchObject({
        policy_waivers: { 'HIPAA-BAK-002': expect.stringContaining('synthetic') },
      });
      expect(
        (
          synth({ BASELINE_SYNTHETIC_BACKUP_RETENTION_DAYS: '35' }).parsed.resource.aws_backup_plan[
            Object.keys(parsed.resource.aws_backup_plan).find((n) => n.startsWith('synthetic'))!
          ].rule as Body[]
        )[0].lifecycle,
      ).toEqual({ delete_after: 35 });
    });

    it('back up with a role AWS Backup takes, with no condition it may not meet', () => {
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
      for (const selection of all(parsed, 'aws_backup_selection'))
        expect(selection.iam_role_arn).toMatch(/^\$\{aws_iam_role\.backup_role_.*\.arn\}$/);
    });
  });

  describe('detective controls', () => {
    it('record every supported type, global types included, delivered encrypted to a bucket of their own', () => {
      expect(json).toHaveResourceWithProperties(ConfigConfigurationRecorder, {
        name: 'healthcare-account',
        recording_group: { all_supported: true, include_global_resource_types: true },
      });
      const channel = all(parsed, 'aws_config_delivery_channel')[0];
      expect(channel).toMatchObject({
        s3_bucket_name: expect.stringMatching(
          /^\$\{aws_s3_bucket\.config_bucket_[0-9A-F]+\.bucket\}$/,
        ),
        s3_kms_key_arn: expect.stringMatching(/aws_kms_key\.audit-key_/),
        snapshot_delivery_properties: { delivery_frequency: 'TwentyFour_Hours' },
      });
      expect(channel).not.toHaveProperty('s3_key_prefix');
      expect(channel.depends_on).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^aws_s3_bucket_policy\.config_bucket_policy_/),
        ]),
      );
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

    it("keep Config's bucket without Object Lock, versioned, SSE-KMS with the audit key, expiring with the archive", () => {
      expect(named(parsed, 'aws_s3_bucket', 'config_bucket')).toMatchObject({
        bucket: 'healthcare-config-${data.aws_caller_identity.account.account_id}-eu-west-1',
        object_lock_enabled: false,
        lifecycle: { prevent_destroy: true },
      });
      expect(named(parsed, 'aws_s3_bucket_versioning', 'config_bucket')).toMatchObject({
        versioning_configuration: { status: 'Enabled' },
      });
      expect(
        named(parsed, 'aws_s3_bucket_server_side_encryption_configuration', 'config_bucket').rule,
      ).toEqual([
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: expect.stringMatching(/aws_kms_key\.audit-key_/),
          },
          bucket_key_enabled: true,
        },
      ]);
      expect(
        (named(parsed, 'aws_s3_bucket_lifecycle_configuration', 'config_bucket').rule as Body[])[0],
      ).toMatchObject({
        expiration: [{ days: 2192 }],
        noncurrent_version_expiration: [{ noncurrent_days: 2192 }],
      });
    });

    it('admit config.amazonaws.com of this account as AWS documents, over TLS only', () => {
      const s = statementsOf(parsed, 'config_bucket_policy-document');
      const config = [{ type: 'Service', identifiers: ['config.amazonaws.com'] }];
      const account = {
        test: 'StringEquals',
        variable: 'aws:SourceAccount',
        values: ['${data.aws_caller_identity.account.account_id}'],
      };
      const bucketArn = expect.stringMatching(
        /^\$\{aws_s3_bucket\.config_bucket_[0-9A-F]+\.arn\}$/,
      );
      expect(Object.keys(s).sort()).toEqual([
        'AWSConfigBucketDelivery',
        'AWSConfigBucketExistenceCheck',
        'AWSConfigBucketPermissionsCheck',
        'DenyInsecureTransport',
      ]);
      expect(s.AWSConfigBucketPermissionsCheck).toMatchObject({
        principals: config,
        actions: ['s3:GetBucketAcl'],
        resources: [bucketArn],
        condition: [account],
      });
      expect(s.AWSConfigBucketExistenceCheck).toMatchObject({
        principals: config,
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        condition: [account],
      });
      expect(s.AWSConfigBucketDelivery).toMatchObject({
        principals: config,
        actions: ['s3:PutObject'],
        resources: [
          expect.stringMatching(
            /\.arn\}\/AWSLogs\/\$\{data\.aws_caller_identity\.account\.account_id\}\/Config\/\*$/,
          ),
        ],
        condition: [
          account,
          { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
        ],
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
      expect(json).not.toHaveDataSource(DataAwsGuarddutyDetector);
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

  it('outputs the key, topic, trail, archive, Config bucket, vaults and plans', () => {
    expect(Object.keys(parsed.output).sort()).toEqual([
      'alarm_topic_arn',
      'audit_archive_bucket_name',
      'audit_kms_key_arn',
      'backup_dr_vault_arn',
      'backup_plan_id',
      'backup_vault_name',
      'config_bucket_name',
      'synthetic_backup_plan_id',
      'synthetic_backup_vault_name',
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

  it('locks the PHI vaults in governance mode (no changeable_for_days) and has no monthly rule', () => {
    for (const lock of all(parsed, 'aws_backup_vault_lock_configuration')) {
      expect(lock).toMatchObject({ min_retention_days: 7, max_retention_days: 35 });
      expect(lock).not.toHaveProperty('changeable_for_days');
    }
    expect(
      (named(parsed, 'aws_backup_plan', 'backup_plan').rule as Body[]).map((r) => r.rule_name),
    ).toEqual(['daily', 'continuous']);
  });

  it('does not protect keys, buckets or vaults from destroy; the access logs and synthetic vault are emptied by it', () => {
    for (const type of ['aws_kms_key', 'aws_s3_bucket', 'aws_backup_vault'])
      for (const body of all(parsed, type)) expect(body.lifecycle).toBeUndefined();
    expect(named(parsed, 'aws_s3_bucket', 'state-access-logs').force_destroy).toBe(true);
    expect(named(parsed, 'aws_s3_bucket', 'audit_archive').force_destroy).toBe(false);
    expect(named(parsed, 'aws_backup_vault', 'synthetic-backup_vault').force_destroy).toBe(true);
  });
});

describe('AccountBaselineStack modes (on, organization, off)', () => {
  it('creates no trail, archive or trail alarm unless BASELINE_CLOUDTRAIL=on; the topic and Config stay', () => {
    for (const mode of ['organization', 'off']) {
      const { json, parsed } = synth({ BASELINE_CLOUDTRAIL: mode });
      expect(json).not.toHaveResource(Cloudtrail);
      expect(json).not.toHaveResource(CloudwatchMetricAlarm);
      expect(json).not.toHaveResource(S3BucketObjectLockConfigurationA);
      expect(json).toHaveResourceWithProperties(SnsTopic, {
        name: 'healthcare-account-security-alarms',
      });
      expect(json).toHaveResource(ConfigDeliveryChannel);
      const s = statementsOf(parsed, 'audit-key_key-policy');
      expect(Object.keys(s).filter((sid) => /CloudTrail|TrailLogGroup/.test(sid))).toEqual([]);
      expect(s.EventBridgePublishesToEncryptedTopic).toEqual({
        sid: 'EventBridgePublishesToEncryptedTopic',
        effect: 'Allow',
        principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      });
      // Still logged: the state bucket and the Config bucket.
      expect(
        all(parsed, 'aws_s3_bucket_logging')
          .map((l) => l.target_prefix)
          .sort(),
      ).toEqual(['config-bucket/', 'tfstate/']);
    }
  });

  it('creates no recorder, Config bucket or Config key statement unless BASELINE_CONFIG=on', () => {
    for (const mode of ['organization', 'off']) {
      const { json, parsed } = synth({ BASELINE_CONFIG: mode });
      expect(json).toHaveResource(Cloudtrail);
      expect(json).not.toHaveResource(ConfigConfigurationRecorder);
      expect(json).not.toHaveResource(ConfigDeliveryChannel);
      expect(Object.keys(parsed.resource.aws_s3_bucket).some((n) => n.startsWith('config'))).toBe(
        false,
      );
      const s = statementsOf(parsed, 'audit-key_key-policy');
      expect(s.ConfigRoleEncryptsDeliveries).toBeUndefined();
      expect(s.ConfigServiceEncryptsDeliveries).toBeUndefined();
    }
  });

  it('keeps the audit key and alarm topic with trail and Config both left to the organization', () => {
    const { json, parsed } = synth({
      BASELINE_CLOUDTRAIL: 'organization',
      BASELINE_CONFIG: 'organization',
    });
    expect(json).toHaveResource(KmsKey);
    expect(Object.keys(statementsOf(parsed, 'audit-key_key-policy')).sort()).toEqual([
      'CloudWatchAlarmsPublishToEncryptedTopic',
      'EventBridgePublishesToEncryptedTopic',
      'KeyAdministrationByAccount',
    ]);
    // Only the state bucket is left to log.
    expect(all(parsed, 'aws_s3_bucket_logging').map((l) => l.target_prefix)).toEqual(['tfstate/']);
  });

  it('creates no detector with BASELINE_GUARDDUTY=organization, checks the one there is, and still routes its findings', () => {
    const { json, parsed } = synth({ BASELINE_GUARDDUTY: 'organization' });
    expect(json).not.toHaveResource(GuarddutyDetector);
    expect(json).not.toHaveResource(GuarddutyDetectorFeature);
    expect(Object.values(parsed.data.aws_guardduty_detector)).toEqual([
      expect.objectContaining({
        lifecycle: {
          postcondition: [
            {
              condition: '${self.status == "ENABLED"}',
              error_message:
                "BASELINE_GUARDDUTY=organization, but GuardDuty is not enabled for this account in eu-west-1: the organization does not run it here. Have the organization's delegated administrator enable it for this account, or set BASELINE_GUARDDUTY=on to let the baseline run it.",
            },
          ],
        },
      }),
    ]);
    expect(patternOf(parsed, 'healthcare-guardduty-findings')).toMatchObject({
      source: ['aws.guardduty'],
    });
  });

  it('creates no hub with BASELINE_SECURITY_HUB=organization and still routes its findings', () => {
    const { json, parsed } = synth({ BASELINE_SECURITY_HUB: 'organization' });
    expect(json).not.toHaveResource(SecurityhubAccount);
    expect(json).not.toHaveResource(SecurityhubStandardsSubscription);
    expect(patternOf(parsed, 'healthcare-securityhub-findings')).toMatchObject({
      source: ['aws.securityhub'],
    });
  });

  it('neither creates nor routes GuardDuty and Security Hub when off; backup failures are still routed', () => {
    const { json, parsed } = synth({ BASELINE_GUARDDUTY: 'off', BASELINE_SECURITY_HUB: 'off' });
    expect(json).not.toHaveResource(GuarddutyDetector);
    expect(json).not.toHaveDataSource(DataAwsGuarddutyDetector);
    expect(json).not.toHaveResource(SecurityhubAccount);
    expect(all(parsed, 'aws_cloudwatch_event_rule').map((r) => r.name)).toEqual([
      'healthcare-backup-job-failed',
      'healthcare-backup-copy-job-failed',
      'healthcare-backup-restore-job-failed',
    ]);
    const policy = JSON.parse(String(all(parsed, 'aws_sns_topic_policy')[0].policy));
    expect(policy.Statement[1].Condition.ArnEquals['aws:SourceArn']).toHaveLength(3);
    expect(json).toHaveResource(CloudwatchEventTarget);
    expect(json).toHaveResource(CloudwatchEventRule);
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

  it("keeps the state's log bucket in the state bucket's region and adds one in the home region when they differ", () => {
    const { json, parsed } = synth({
      BASELINE_REGION: 'eu-central-1',
      BASELINE_DR_REGION: 'eu-west-3',
    });
    expect(json).toHaveProviderWithProperties(AwsProvider, { alias: 'state', region: 'eu-west-1' });
    expect(parsed.resource.aws_s3_bucket['state-access-logs_bucket_DDE7C08C']).toMatchObject({
      provider: 'aws.state',
      bucket: 'healthcare-s3-access-logs-${data.aws_caller_identity.account.account_id}-eu-west-1',
    });
    expect(named(parsed, 'aws_s3_bucket', 'access-logs_bucket')).toMatchObject({
      bucket:
        'healthcare-s3-access-logs-${data.aws_caller_identity.account.account_id}-eu-central-1',
    });
    expect(named(parsed, 'aws_s3_bucket', 'access-logs_bucket')).not.toHaveProperty('provider');
    const loggings = Object.fromEntries(
      Object.entries(parsed.resource.aws_s3_bucket_logging).map(([n, l]) => [
        n.replace(/_[0-9A-F]{8}$/, ''),
        [l.provider ?? 'home', l.target_prefix, l.target_bucket],
      ]),
    );
    expect(loggings).toEqual({
      'state-access-logs_state-bucket-logging': [
        'aws.state',
        'tfstate/',
        '${aws_s3_bucket.state-access-logs_bucket_DDE7C08C.id}',
      ],
      'access-logs_audit-archive-logging': [
        'home',
        'audit-archive/',
        expect.stringMatching(/^\$\{aws_s3_bucket\.access-logs_bucket_[0-9A-F]+\.id\}$/),
      ],
      'access-logs_config-bucket-logging': [
        'home',
        'config-bucket/',
        expect.stringMatching(/^\$\{aws_s3_bucket\.access-logs_bucket_[0-9A-F]+\.id\}$/),
      ],
    });
    expect(json).toHaveResource(S3BucketPublicAccessBlock);
  });

  it('adds no home log bucket when the regions differ and nothing in the home region is logged', () => {
    const { parsed } = synth({
      BASELINE_REGION: 'eu-central-1',
      BASELINE_DR_REGION: 'eu-west-3',
      BASELINE_CLOUDTRAIL: 'off',
      BASELINE_CONFIG: 'off',
    });
    expect(Object.keys(parsed.resource.aws_s3_bucket)).toEqual([
      'state-access-logs_bucket_DDE7C08C',
    ]);
  });
});
