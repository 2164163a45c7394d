import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import type { ObjectLockMode } from '../../config/baseline';
import type { KeyScope, ServiceKey } from '../encryption/service-key';
import { LockedBucket } from './locked-bucket';

export interface AuditTrailProps {
  readonly scope: KeyScope;
  readonly trailName: string;
  readonly logGroupName: string;
  readonly logsRoleName: string;
  /** The audit key (constructs/audit/audit-key.ts); its policy must name this trail. */
  readonly key: ServiceKey;
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
  /** `prevent_destroy` on the archive. @default false */
  readonly preventDestroy?: boolean;
}

/** Prefix of the trail's files in the archive. */
export const TRAIL_PREFIX = 'cloudtrail';

/** The trail's ARN, built from its name: the key and the bucket policy must name it first. */
export function trailArnOf(scope: KeyScope, trailName: string): string {
  return `arn:${scope.partition}:cloudtrail:${scope.region}:${scope.accountId}:trail/${trailName}`;
}

/** A log group's ARN as the provider's `arn` attribute has it (no `:*`). */
export function logGroupArnOf(scope: KeyScope, logGroupName: string): string {
  return `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${logGroupName}`;
}

/**
 * The account's audit trail: a multi-region CloudTrail trail with log-file validation,
 * encrypted with the audit key, delivered to an Object Lock archive and to an encrypted
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
    // Built, not read from the trail: the key and the bucket policy must exist first.
    this.trailArn = trailArnOf(props.scope, props.trailName);
    this.key = props.key;

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
