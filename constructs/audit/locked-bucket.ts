import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { ObjectLockMode } from '../../config/baseline';

export interface LockedBucketProps {
  readonly bucketName: string;
  /**
   * SSE-KMS with this key. Without it the bucket uses SSE-S3 (AES256): only for targets
   * of S3 server access logs, which AWS delivers with SSE-S3 only.
   * @default - SSE-S3
   */
  readonly kmsKeyArn?: string;
  /**
   * Object Lock default retention. Leave unset for access-log targets: AWS does not
   * deliver server access logs to a bucket with a default retention period.
   * @default - no Object Lock
   */
  readonly objectLock?: { readonly mode: ObjectLockMode; readonly days: number };
  /** Objects expire after this many days (never before the lock ends). */
  readonly expirationDays: number;
  /** Objects move to Glacier Flexible Retrieval after this many days. @default 90 */
  readonly glacierAfterDays?: number;
  /** Statements added to the bucket policy after "deny insecure transport". */
  readonly policyStatements: (bucketArn: string) => DataAwsIamPolicyDocumentStatement[];
  /** @default false */
  readonly preventDestroy?: boolean;
  /**
   * Let `terraform destroy` empty the bucket first (never together with preventDestroy;
   * locked object versions still cannot be deleted early).
   * @default false
   */
  readonly forceDestroy?: boolean;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * A private, versioned, TLS-only bucket with a lifecycle to colder storage, optionally
 * with SSE-KMS and Object Lock: the audit archive (trail and Config files) and the
 * target of the state bucket's server access logs.
 */
export class LockedBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly bucketId: string;
  /** The bucket itself, for policy waivers. */
  readonly resource: S3Bucket;
  /** The bucket policy: writers (CloudTrail, S3 logging) depend on it. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: LockedBucketProps) {
    super(scope, id);
    const provider = props.provider;
    const glacierAfterDays = props.glacierAfterDays ?? 90;
    validate(props, glacierAfterDays);

    const bucket = new S3Bucket(this, 'bucket', {
      provider,
      bucket: props.bucketName,
      objectLockEnabled: props.objectLock !== undefined,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    this.resource = bucket;
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.bucketId = bucket.id;

    const versioning = new S3BucketVersioningA(this, 'versioning', {
      provider,
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    if (props.objectLock !== undefined) {
      new S3BucketObjectLockConfigurationA(this, 'object-lock', {
        provider,
        bucket: bucket.id,
        rule: {
          defaultRetention: { mode: props.objectLock.mode, days: props.objectLock.days },
        },
        dependsOn: [versioning],
      });
    }
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      provider,
      bucket: bucket.id,
      rule: [
        props.kmsKeyArn !== undefined
          ? {
              applyServerSideEncryptionByDefault: {
                sseAlgorithm: 'aws:kms',
                kmsMasterKeyId: props.kmsKeyArn,
              },
              bucketKeyEnabled: true,
            }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      provider,
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      provider,
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    this.policy = this.bucketPolicy(bucket, publicAccessBlock, props);
    this.lifecycleRules(bucket, versioning, props, glacierAfterDays);
  }

  /** Deny anything without TLS, then the writers' statements. */
  private bucketPolicy(
    bucket: S3Bucket,
    publicAccessBlock: S3BucketPublicAccessBlock,
    props: LockedBucketProps,
  ): S3BucketPolicy {
    const provider = props.provider;
    const document = new DataAwsIamPolicyDocument(this, 'policy-document', {
      provider,
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [bucket.arn, `${bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        ...props.policyStatements(bucket.arn),
      ],
    });
    return new S3BucketPolicy(this, 'policy', {
      provider,
      bucket: bucket.id,
      policy: document.json,
      // S3 refuses policy updates while the public access block is being written.
      dependsOn: [publicAccessBlock],
    });
  }

  /** To Glacier, then expiry (current and noncurrent versions) after the retention. */
  private lifecycleRules(
    bucket: S3Bucket,
    versioning: S3BucketVersioningA,
    props: LockedBucketProps,
    glacierAfterDays: number,
  ): void {
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      provider: props.provider,
      bucket: bucket.id,
      rule: [
        {
          id: 'archive-then-expire',
          status: 'Enabled',
          filter: [{}],
          // S3 refuses an expiration that is not later than the transition.
          transition:
            props.expirationDays > glacierAfterDays
              ? [{ days: glacierAfterDays, storageClass: 'GLACIER' }]
              : undefined,
          expiration: [{ days: props.expirationDays }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.expirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
      dependsOn: [versioning],
    });
  }
}

function validate(props: LockedBucketProps, glacierAfterDays: number): void {
  const lockDays = props.objectLock?.days ?? 0;
  const rules = [
    {
      failed: props.forceDestroy === true && props.preventDestroy === true,
      message: `forceDestroy with preventDestroy: a protected bucket is never emptied by Terraform`,
    },
    {
      failed: props.objectLock !== undefined && props.kmsKeyArn === undefined,
      message: `objectLock without kmsKeyArn: a locked archive is encrypted with a customer-managed key (SSE-S3 is for access-log targets, which cannot be locked)`,
    },
    {
      failed: !Number.isInteger(lockDays) || lockDays < 0,
      message: `objectLock.days = ${lockDays}: must be a positive whole number of days`,
    },
    {
      failed: !Number.isInteger(props.expirationDays) || props.expirationDays < lockDays,
      message: `expirationDays = ${props.expirationDays}: must be a whole number of days, at least the Object Lock retention (${lockDays})`,
    },
    {
      failed: !Number.isInteger(glacierAfterDays) || glacierAfterDays < 1,
      message: `glacierAfterDays = ${glacierAfterDays}: must be a whole number of days, at least 1`,
    },
  ];
  const failures = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (failures.length > 0) {
    throw new Error(`Invalid LockedBucket '${props.bucketName}':\n${failures.join('\n')}`);
  }
}
