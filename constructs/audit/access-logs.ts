import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { waivePolicy } from '../policy/waiver';
import { LockedBucket } from './locked-bucket';

export interface StateAccessLogsProps {
  /** The state bucket (created earlier by TapStateBackend). */
  readonly stateBucketName: string;
  readonly accountId: string;
  readonly partition: string;
  /** Globally unique: include the account id and region. */
  readonly logBucketName: string;
  /** Days access-log files are kept. */
  readonly retentionDays: number;
  /**
   * A provider in the state bucket's region: S3 delivers access logs only to a bucket
   * in the source bucket's region and account.
   */
  readonly provider?: TerraformProvider;
  /** @default false */
  readonly preventDestroy?: boolean;
}

/** Key prefix of the state bucket's access logs in the log bucket. */
export const STATE_ACCESS_LOG_PREFIX = 'tfstate/';

/**
 * Server access logs of the state bucket. Not in the audit archive: AWS delivers server
 * access logs only to a target bucket that uses SSE-S3 default encryption (not SSE-KMS)
 * and has no Object Lock default retention period, and only in the source bucket's
 * region. So the target is a bucket of its own, SSE-S3, versioned, private, TLS-only,
 * writable by the S3 logging service for this state bucket and account only; the trail's
 * S3 data events on the state bucket are the tamper-evident record (KMS, Object Lock,
 * log-file validation), these logs the complementary request detail.
 */
export class StateAccessLogs extends Construct {
  readonly bucket: LockedBucket;
  readonly logging: S3BucketLoggingA;

  constructor(scope: Construct, id: string, props: StateAccessLogsProps) {
    super(scope, id);
    const stateBucketArn = `arn:${props.partition}:s3:::${props.stateBucketName}`;
    this.bucket = new LockedBucket(this, 'bucket', {
      bucketName: props.logBucketName,
      expirationDays: props.retentionDays,
      preventDestroy: props.preventDestroy,
      // Outside production the logs (request metadata) go with the account baseline.
      forceDestroy: !props.preventDestroy,
      provider: props.provider,
      policyStatements: (bucketArn) => [
        {
          sid: 'S3ServerAccessLogDelivery',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: [`${bucketArn}/${STATE_ACCESS_LOG_PREFIX}*`],
          condition: [
            { test: 'ArnLike', variable: 'aws:SourceArn', values: [stateBucketArn] },
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] },
          ],
        },
      ],
    });
    waivePolicy(
      this.bucket.resource,
      'HIPAA-S3-002',
      'S3 delivers server access logs only to a target bucket with SSE-S3 default encryption (SSE-KMS is not supported for the target): https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html. The logs hold request metadata, not PHI; the state objects themselves stay under the state key.',
    );
    this.logging = new S3BucketLoggingA(this, 'state-bucket-logging', {
      provider: props.provider,
      bucket: props.stateBucketName,
      targetBucket: this.bucket.bucketId,
      targetPrefix: STATE_ACCESS_LOG_PREFIX,
      dependsOn: [this.bucket.policy],
    });
  }
}
