import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import type { ObjectLockMode } from '../../config/baseline';
import { accountRoot, KeyScope, ServiceKey } from '../encryption/service-key';
import { LockedBucket } from './locked-bucket';

export interface AuditTrailProps {
  readonly scope: KeyScope;
  readonly trailName: string;
  readonly logGroupName: string;
  readonly logsRoleName: string;
  readonly keyAlias: string;
  /** Globally unique: include the account id and region. */
  readonly archiveBucketName: string;
  readonly archiveLockMode: ObjectLockMode;
  /** Object Lock default retention; files expire the day after. */
  readonly archiveRetentionDays: number;
  /** Retention of the trail's CloudWatch log group (a value CloudWatch Logs accepts). */
  readonly logRetentionDays: number;
  /**
   * Buckets whose object-level reads and writes the trail records (S3 data events): the
   * state bucket and any bucket holding PHI. Never the archive itself: its own deliveries
   * would be logged into it again, without end.
   * @default - none
   */
  readonly dataEventBucketArns?: readonly string[];
  /**
   * The IAM role AWS Config delivers with: the key lets it encrypt snapshots and history
   * files into the archive's `config/` prefix.
   * @default - no Config delivery
   */
  readonly configRoleArn?: string;
  /** @default 30 */
  readonly kmsDeletionWindowDays?: number;
  /** `prevent_destroy` on the key and the archive. @default false */
  readonly preventDestroy?: boolean;
}

/** Prefix of the trail's files in the archive; Config writes under `config/`. */
export const TRAIL_PREFIX = 'cloudtrail';
export const CONFIG_PREFIX = 'config';

/**
 * The account's audit trail: a multi-region CloudTrail trail with log-file validation,
 * encrypted with its own key, delivered to an Object Lock archive and to an encrypted
 * CloudWatch log group (for the metric-filter alarms).
 */
export class AuditTrail extends Construct {
  readonly key: ServiceKey;
  readonly archive: LockedBucket;
  readonly trailArn: string;
  readonly trailName: string;
  readonly logGroupName: string;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const { accountId, partition, region } = props.scope;
    // Built, not read from the trail: the key and the bucket policy must exist first.
    this.trailArn = `arn:${partition}:cloudtrail:${region}:${accountId}:trail/${props.trailName}`;
    const logGroupArn = `arn:${partition}:logs:${region}:${accountId}:log-group:${props.logGroupName}`;

    this.key = new ServiceKey(this, 'key', {
      alias: props.keyAlias,
      description:
        'Healthcare account baseline: CloudTrail files, audit archive, trail log group, security alarms',
      scope: props.scope,
      statements: auditKeyStatements(props.scope, this.trailArn, logGroupArn, props.configRoleArn),
      deletionWindowDays: props.kmsDeletionWindowDays,
      preventDestroy: props.preventDestroy,
    });

    this.archive = this.archiveBucket(props);

    const logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
      kmsKeyId: this.key.keyArn,
    });
    this.logGroupName = logGroup.name;

    const { role, rolePolicy } = this.logsRole(props, logGroup.arn);

    const dataBuckets = props.dataEventBucketArns ?? [];
    const trail = new Cloudtrail(this, 'trail', {
      name: props.trailName,
      s3BucketName: this.archive.bucketName,
      s3KeyPrefix: TRAIL_PREFIX,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
      kmsKeyId: this.key.keyArn,
      cloudWatchLogsGroupArn: `${logGroup.arn}:*`,
      cloudWatchLogsRoleArn: role.arn,
      eventSelector: [
        {
          readWriteType: 'All',
          includeManagementEvents: true,
          dataResource:
            dataBuckets.length > 0
              ? [{ type: 'AWS::S3::Object', values: dataBuckets.map((arn) => `${arn}/`) }]
              : undefined,
        },
      ],
      dependsOn: [this.archive.policy, rolePolicy],
    });
    this.trailName = trail.name;
  }

  /** The Object Lock archive; only this trail may write its prefix. */
  private archiveBucket(props: AuditTrailProps): LockedBucket {
    const accountId = props.scope.accountId;
    const trailFiles = `${TRAIL_PREFIX}/AWSLogs/${accountId}/*`;
    return new LockedBucket(this, 'archive', {
      bucketName: props.archiveBucketName,
      kmsKeyArn: this.key.keyArn,
      objectLock: { mode: props.archiveLockMode, days: props.archiveRetentionDays },
      expirationDays: props.archiveRetentionDays + 1,
      preventDestroy: props.preventDestroy,
      policyStatements: (bucketArn) => [
        {
          sid: 'CloudTrailAclCheck',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
          actions: ['s3:GetBucketAcl'],
          resources: [bucketArn],
          condition: [{ test: 'StringEquals', variable: 'aws:SourceArn', values: [this.trailArn] }],
        },
        {
          sid: 'CloudTrailWrite',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudtrail.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: [`${bucketArn}/${trailFiles}`],
          condition: [
            { test: 'StringEquals', variable: 'aws:SourceArn', values: [this.trailArn] },
            {
              test: 'StringEquals',
              variable: 's3:x-amz-acl',
              values: ['bucket-owner-full-control'],
            },
          ],
        },
      ],
    });
  }

  /** The role CloudTrail delivers to the log group with: streams of that group only. */
  private logsRole(props: AuditTrailProps, logGroupArn: string) {
    const role = new IamRole(this, 'logs-role', {
      name: props.logsRoleName,
      description: 'CloudTrail delivers the account trail to its CloudWatch log group',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // No aws:SourceAccount condition: AWS's page for this role shows none, and users
            // report that one breaks delivery (CloudTrail checks the role at CreateTrail:
            // InvalidCloudWatchLogsRoleArnException). Only this account's trail can name the
            // role: IAM refuses to pass a role across accounts.
          },
        ],
      }),
    });
    const rolePolicy = new IamRolePolicy(this, 'logs-role-policy', {
      name: 'deliver-to-trail-log-group',
      role: role.name,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WriteTrailLogStreams',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `${logGroupArn}:log-stream:*`,
          },
        ],
      }),
    });

    return { role, rolePolicy };
  }
}

/**
 * The audit key's policy, after AWS's "Configure AWS KMS key policies for CloudTrail":
 * CloudTrail encrypts only for this trail (aws:SourceArn) and the CloudTrail encryption
 * context of this account; account principals decrypt trail files and archive objects
 * (through S3); CloudWatch Logs uses it for the trail log group only; CloudWatch alarms
 * publish to the encrypted alarm topic; the Config role encrypts its deliveries.
 */
export function auditKeyStatements(
  scope: KeyScope,
  trailArn: string,
  logGroupArn: string,
  configRoleArn?: string,
): DataAwsIamPolicyDocumentStatement[] {
  const { accountId, region } = scope;
  const account = [{ type: 'AWS', identifiers: [accountRoot(scope)] }];
  const statements: DataAwsIamPolicyDocumentStatement[] = [
    ...cloudTrailStatements(scope, trailArn),
    {
      sid: 'AccountReadsArchiveThroughS3',
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
    },
    {
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
          values: [logGroupArn],
        },
      ],
    },
    {
      sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
      effect: 'Allow',
      principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    },
  ];
  if (configRoleArn !== undefined) {
    statements.push({
      sid: 'ConfigRoleEncryptsDeliveries',
      effect: 'Allow',
      principals: [{ type: 'AWS', identifiers: [configRoleArn] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
    });
  }
  return statements;
}

/** CloudTrail encrypts (this trail, this account's trail context) and account principals decrypt trail files. */
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
