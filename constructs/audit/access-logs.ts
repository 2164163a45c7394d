import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { waivePolicy } from '../policy/waiver';
import { LockedBucket } from './locked-bucket';

/** A bucket whose server access logs go to the log bucket, under a prefix of its own. */
export interface LoggedBucket {
  /** Id of its logging resource (`<id>-logging`) and of its bucket-policy statement. */
  readonly id: string;
  readonly bucketName: string;
  /** The source bucket's ARN: the only aws:SourceArn whose logs may land under `prefix`. */
  readonly bucketArn: string;
  /** Key prefix of its logs in the log bucket, ending in `/`. */
  readonly prefix: string;
  /** Resources the logging configuration waits for (e.g. the source bucket's policy). */
  readonly dependsOn?: readonly ITerraformDependable[];
}

export interface AccessLogsProps {
  readonly accountId: string;
  /** Globally unique: include the account id and region. */
  readonly logBucketName: string;
  /** Days access-log files are kept. */
  readonly retentionDays: number;
  /** The buckets logged here: all in the log bucket's region and account. */
  readonly sources: readonly LoggedBucket[];
  /**
   * A provider in the sources' region: S3 delivers access logs only to a bucket in the
   * source bucket's region and account.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
  /** @default false */
  readonly preventDestroy?: boolean;
}

/** Key prefix of the state bucket's access logs in the log bucket. */
export const STATE_ACCESS_LOG_PREFIX = 'tfstate/';
/** Key prefixes of the audit archive's and the Config bucket's access logs. */
export const ARCHIVE_ACCESS_LOG_PREFIX = 'audit-archive/';
export const CONFIG_ACCESS_LOG_PREFIX = 'config-bucket/';

const pascal = (id: string) =>
  id
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * Server access logs of the buckets that hold audit evidence and state, so a read of them
 * leaves a trace. Not in the audit archive: AWS delivers server access logs only to a
 * target bucket that uses SSE-S3 default encryption (not SSE-KMS) and has no Object Lock
 * ("S3 buckets with Object Lock can't be used as destination buckets for server access
 * logs", https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-managing.html),
 * in the source bucket's region and account. So the target is a bucket of its own per
 * region: SSE-S3, versioned, private, TLS-only, with one prefix per source bucket, each
 * writable by the S3 logging service only for that source bucket (aws:SourceArn) of this
 * account (aws:SourceAccount). The trail's S3 data events on the state bucket remain the
 * tamper-evident record; these logs add the request detail.
 */
export class AccessLogs extends Construct {
  readonly bucket: LockedBucket;
  /** The logging configuration of each source, by its id. */
  readonly loggings: Readonly<Record<string, S3BucketLoggingA>>;

  constructor(scope: Construct, id: string, props: AccessLogsProps) {
    super(scope, id);
    validate(id, props);
    this.bucket = new LockedBucket(this, 'bucket', {
      bucketName: props.logBucketName,
      expirationDays: props.retentionDays,
      preventDestroy: props.preventDestroy,
      // Outside production the logs (request metadata) go with the account baseline.
      forceDestroy: !props.preventDestroy,
      provider: props.provider,
      policyStatements: (bucketArn) =>
        props.sources.map((source) => ({
          sid: `S3ServerAccessLogs${pascal(source.id)}`,
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: [`${bucketArn}/${source.prefix}*`],
          condition: [
            { test: 'ArnLike', variable: 'aws:SourceArn', values: [source.bucketArn] },
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.accountId] },
          ],
        })),
    });
    waivePolicy(
      this.bucket.resource,
      'HIPAA-S3-002',
      'S3 delivers server access logs only to a target bucket with SSE-S3 default encryption (SSE-KMS is not supported for the target): https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html. The logs hold request metadata, not PHI; the logged objects themselves stay under their own keys.',
    );
    const loggings: Record<string, S3BucketLoggingA> = {};
    for (const source of props.sources) {
      loggings[source.id] = new S3BucketLoggingA(this, `${source.id}-logging`, {
        provider: props.provider,
        bucket: source.bucketName,
        targetBucket: this.bucket.bucketId,
        targetPrefix: source.prefix,
        dependsOn: [this.bucket.policy, ...(source.dependsOn ?? [])],
      });
    }
    this.loggings = loggings;
  }
}

function validate(id: string, props: AccessLogsProps): void {
  const ids = props.sources.map((s) => s.id);
  const prefixes = props.sources.map((s) => s.prefix);
  const rules = [
    {
      failed: props.sources.length === 0,
      message: 'sources is empty: a log bucket nothing logs to is not created',
    },
    {
      failed: new Set(ids).size !== ids.length || new Set(prefixes).size !== prefixes.length,
      message: `source ids and prefixes must be distinct: ids [${ids.join(', ')}], prefixes [${prefixes.join(', ')}]`,
    },
    {
      failed: prefixes.some((p) => !/^[a-z0-9][a-z0-9-]*\/$/.test(p)),
      message: `prefixes must be lowercase words ending in "/" (one per source): [${prefixes.join(', ')}]`,
    },
  ];
  const failures = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (failures.length > 0) throw new Error(`Invalid AccessLogs '${id}':\n${failures.join('\n')}`);
}
