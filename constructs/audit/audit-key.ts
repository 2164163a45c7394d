import type { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { accountRoot, KeyScope, ServiceKey } from '../encryption/service-key';

/** What uses the audit key; each user adds only its own statements to the key policy. */
export interface AuditKeyUsers {
  /** This baseline's trail and the log group it delivers to (BASELINE_CLOUDTRAIL=on). */
  readonly trail?: { readonly trailArn: string; readonly logGroupArn: string };
  /** AWS Config delivering to its own bucket (BASELINE_CONFIG=on): the role it records with. */
  readonly config?: { readonly roleArn: string };
}

export interface AuditKeyProps {
  readonly scope: KeyScope;
  readonly alias: string;
  readonly users: AuditKeyUsers;
  /** @default 30 */
  readonly kmsDeletionWindowDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
}

/**
 * Terraform addresses the audit key had while the trail construct (`audit/key`) created it.
 * The key is now a baseline-level construct (the alarm topic and the Config bucket use it
 * whatever BASELINE_CLOUDTRAIL says); `moved` blocks carry an existing key and alias to the
 * new addresses instead of replacing them (a replaced key would orphan everything it
 * encrypted): https://developer.hashicorp.com/terraform/language/modules/develop/refactoring
 */
export const LEGACY_AUDIT_KEY_ADDRESSES = {
  key: 'aws_kms_key.audit_key_0A822D18',
  alias: 'aws_kms_alias.audit_key_alias_E5B8F579',
} as const;

/**
 * The account baseline's audit key: CloudTrail files, the audit archive, the Config bucket,
 * the trail's log group and the security alarm topic. Created whenever any of them exists
 * (the alarm topic always does).
 */
export function auditKey(scope: Construct, id: string, props: AuditKeyProps): ServiceKey {
  const uses = [
    props.users.trail ? 'CloudTrail files, audit archive, trail log group' : undefined,
    props.users.config ? 'AWS Config bucket' : undefined,
    'security alarm topic',
  ].filter((u): u is string => u !== undefined);
  const key = new ServiceKey(scope, id, {
    alias: props.alias,
    description: `Healthcare account baseline: ${uses.join(', ')}`,
    scope: props.scope,
    statements: auditKeyStatements(props.scope, props.users),
    deletionWindowDays: props.kmsDeletionWindowDays,
    preventDestroy: props.preventDestroy,
  });
  (key.node.findChild('key') as KmsKey).moveFromId(LEGACY_AUDIT_KEY_ADDRESSES.key);
  (key.node.findChild('alias') as KmsAlias).moveFromId(LEGACY_AUDIT_KEY_ADDRESSES.alias);
  return key;
}

/**
 * The audit key's policy, statement by statement for the users that exist:
 * - CloudTrail (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html):
 *   encrypts only for this trail
 *   (aws:SourceArn) and the CloudTrail encryption context of this account; decrypts for this
 *   trail too, because the archive uses an S3 Bucket Key ("kms:Decrypt permissions are
 *   required to create or update a trail with SSE-KMS encryption enabled"); account
 *   principals decrypt trail files;
 * - account principals read the archive and the Config bucket through S3 only;
 * - CloudWatch Logs uses it for the trail log group only;
 * - AWS Config encrypts its deliveries, as its role and as config.amazonaws.com with
 *   aws:SourceAccount (https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html);
 * - CloudWatch alarms and EventBridge rules publish to the encrypted alarm topic
 *   (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
export function auditKeyStatements(
  scope: KeyScope,
  users: AuditKeyUsers,
): DataAwsIamPolicyDocumentStatement[] {
  const { accountId, region } = scope;
  const account = [{ type: 'AWS', identifiers: [accountRoot(scope)] }];
  const statements: DataAwsIamPolicyDocumentStatement[] = [];
  if (users.trail) statements.push(...cloudTrailStatements(scope, users.trail.trailArn));
  if (users.trail || users.config) {
    statements.push({
      sid: 'AccountReadsAuditBucketsThroughS3',
      effect: 'Allow',
      principals: account,
      actions: ['kms:Decrypt'],
      resources: ['*'],
      condition: [
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: [`s3.${region}.amazonaws.com`],
        },
        { test: 'StringEquals', variable: 'kms:CallerAccount', values: [accountId] },
      ],
    });
  }
  if (users.trail) {
    statements.push({
      sid: 'CloudWatchLogsEncryptsTrailLogGroup',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: [`logs.${region}.amazonaws.com`] }],
      actions: [
        'kms:Encrypt*',
        'kms:Decrypt*',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:Describe*',
      ],
      resources: ['*'],
      condition: [
        {
          test: 'ArnEquals',
          variable: 'kms:EncryptionContext:aws:logs:arn',
          values: [users.trail.logGroupArn],
        },
      ],
    });
  }
  if (users.config) statements.push(...configStatements(scope, users.config.roleArn));
  statements.push(
    {
      // No aws:SourceAccount/aws:SourceArn: AWS's SNS page shows none for service publishers.
      sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    },
    {
      // EventBridge's own troubleshooting page gives exactly this statement, without a
      // condition: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html
      // The topic policy is where the rules are pinned (aws:SourceArn, aws:SourceAccount).
      sid: 'EventBridgePublishesToEncryptedTopic',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    },
  );
  return statements;
}

/** CloudTrail encrypts and decrypts for this trail; account principals decrypt trail files. */
function cloudTrailStatements(
  scope: KeyScope,
  trailArn: string,
): DataAwsIamPolicyDocumentStatement[] {
  const { accountId, partition } = scope;
  const trailContext = {
    test: 'StringLike',
    variable: 'kms:EncryptionContext:aws:cloudtrail:arn',
    values: [`arn:${partition}:cloudtrail:*:${accountId}:trail/*`],
  };
  const sourceTrail = { test: 'StringEquals', variable: 'aws:SourceArn', values: [trailArn] };
  const cloudTrail = [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }];
  const account = [{ type: 'AWS', identifiers: [accountRoot(scope)] }];
  return [
    {
      sid: 'CloudTrailEncryptsTrailFiles',
      effect: 'Allow',
      principals: cloudTrail,
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      condition: [sourceTrail, trailContext],
    },
    {
      sid: 'CloudTrailDescribesKey',
      effect: 'Allow',
      principals: cloudTrail,
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      condition: [sourceTrail],
    },
    {
      // The archive uses an S3 Bucket Key: CloudTrail's key-policy page says kms:Decrypt is
      // required to create or update a trail with SSE-KMS then (the page cited above).
      // Granted to CloudTrail for this trail only.
      sid: 'CloudTrailDecryptsForBucketKey',
      effect: 'Allow',
      principals: cloudTrail,
      actions: ['kms:Decrypt'],
      resources: ['*'],
      condition: [sourceTrail],
    },
    {
      sid: 'AccountDecryptsTrailFiles',
      effect: 'Allow',
      principals: account,
      actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      resources: ['*'],
      condition: [
        { test: 'StringEquals', variable: 'kms:CallerAccount', values: [accountId] },
        trailContext,
      ],
    },
  ];
}

/** AWS Config delivers as its role, and as config.amazonaws.com for this account only. */
function configStatements(scope: KeyScope, roleArn: string): DataAwsIamPolicyDocumentStatement[] {
  return [
    {
      sid: 'ConfigRoleEncryptsDeliveries',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [roleArn] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    },
    {
      sid: 'ConfigServiceEncryptsDeliveries',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['config.amazonaws.com'] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      condition: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [scope.accountId] },
      ],
    },
  ];
}
