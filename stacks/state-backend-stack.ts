import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { localStatePath, STATE_BACKEND_STACK_ID, StateBackendSettings } from '../config/backend';
import type { CrossAccountState } from '../config/central-state';
import { requireTerraformVersions } from './terraform-version';

/** The bootstrap stack's id: `cdktf deploy TapStateBackend` (config/backend.ts names it for the app's note). */
export { STATE_BACKEND_STACK_ID };

/**
 * Provider default_tags. They mirror platformTags() in stacks/platform-stack.ts (a unit
 * test keeps them in step) with Environment "shared": one state store serves every
 * environment. State records where PHI lives, so it is classified like the platform.
 */
export const STATE_BACKEND_TAGS: Readonly<Record<string, string>> = {
  Project: 'healthcare-platform',
  Environment: 'shared',
  ManagedBy: 'cdktf',
  DataClassification: 'PHI',
  Compliance: 'HIPAA',
  Component: 'terraform-state',
};

export interface StateBackendStackProps {
  /** From loadStateBackend(): names, region and key of the remote state. */
  readonly settings: StateBackendSettings;
  /** Days a replaced state version is kept. @default 90 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Newest replaced versions kept regardless of age. @default 10 */
  readonly noncurrentVersionsToKeep?: number;
  /** Days before an unfinished multipart upload is aborted. @default 7 */
  readonly abortIncompleteUploadDays?: number;
  /** Waiting period before the state key is deleted. @default 30 */
  readonly kmsDeletionWindowDays?: number;
  /**
   * Environments in other accounts whose CI roles reach their own state only
   * (crossAccountStates of config/central-state.ts). @default none: single-account state
   */
  readonly crossAccount?: readonly CrossAccountState[];
}

/**
 * The one-time bootstrap: the bucket, lock table and key the platform stacks' S3
 * backend uses. Its own state is local (it cannot live in a bucket it creates), kept
 * at `terraform.TapStateBackend.tfstate` in the project folder. Every stateful
 * resource has `prevent_destroy`.
 */
export class StateBackendStack extends TerraformStack {
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly lockTableName?: string;
  /** The ARN of the key state is encrypted with (created here unless the settings name an existing key). */
  readonly keyArn: string;

  constructor(scope: Construct, props: StateBackendStackProps) {
    super(scope, STATE_BACKEND_STACK_ID);
    requireTerraformVersions(this);
    const { settings } = props;
    const s3 = settings.s3;
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 90;
    const keepVersions = props.noncurrentVersionsToKeep ?? 10;
    const abortDays = props.abortIncompleteUploadDays ?? 7;
    const deletionWindowDays = props.kmsDeletionWindowDays ?? 30;
    validate([
      {
        failed: !isIntegerIn(noncurrentDays, 1, 36500),
        message: `noncurrentVersionExpirationDays must be an integer from 1 to 36500, got ${noncurrentDays}`,
      },
      {
        failed: !isIntegerIn(keepVersions, 1, 100),
        message: `noncurrentVersionsToKeep must be an integer from 1 to 100 (the S3 limit), got ${keepVersions}`,
      },
      {
        failed: !isIntegerIn(abortDays, 1, 36500),
        message: `abortIncompleteUploadDays must be an integer from 1 to 36500, got ${abortDays}`,
      },
      {
        failed: !isIntegerIn(deletionWindowDays, 7, 30),
        message: `kmsDeletionWindowDays must be an integer from 7 to 30 (the KMS limit), got ${deletionWindowDays}`,
      },
    ]);

    new LocalBackend(this, { path: localStatePath(settings, STATE_BACKEND_STACK_ID) });
    new AwsProvider(this, 'aws', {
      region: s3.region,
      // Central state: only the state account may hold the bucket.
      allowedAccountIds: s3.accountId !== undefined ? [s3.accountId] : undefined,
      defaultTags: [{ tags: { ...STATE_BACKEND_TAGS } }],
    });
    const account = new DataAwsCallerIdentity(this, 'account');
    const partition = new DataAwsPartition(this, 'partition');
    const accountRoot = `arn:${partition.partition}:iam::${account.accountId}:root`;
    const protect = { preventDestroy: true };

    const createsKey = s3.kmsKeyId.startsWith('alias/');
    const crossAccount = props.crossAccount ?? [];
    this.keyArn = createsKey
      ? this.createKey(
          s3.kmsKeyId,
          s3.region,
          accountRoot,
          account.accountId,
          deletionWindowDays,
          crossAccount,
        )
      : s3.kmsKeyId;
    const pinnedKeyIds = stateKeyHeaderValues({
      kmsKeyId: s3.kmsKeyId,
      keyArn: this.keyArn,
      aliasArn: createsKey
        ? `arn:${partition.partition}:kms:${s3.region}:${account.accountId}:${s3.kmsKeyId}`
        : undefined,
      central: s3.accountId !== undefined,
    });

    const bucket = new S3Bucket(this, 'state-bucket', {
      bucket: s3.bucket,
      lifecycle: protect,
    });
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;

    new S3BucketVersioningA(this, 'state-bucket-versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'state-bucket-encryption', {
      bucket: bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: 'aws:kms',
            kmsMasterKeyId: this.keyArn,
          },
          bucketKeyEnabled: true,
        },
      ],
    });
    const publicAccessBlock = new S3BucketPublicAccessBlock(
      this,
      'state-bucket-public-access-block',
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    );
    new S3BucketOwnershipControls(this, 'state-bucket-ownership', {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });

    const objects = `${bucket.arn}/*`;
    const everyone = [{ type: '*', identifiers: ['*'] }];
    const bucketPolicy = new DataAwsIamPolicyDocument(this, 'state-bucket-policy-document', {
      statement: [
        {
          sid: 'DenyInsecureTransport',
          effect: 'Deny',
          principals: everyone,
          actions: ['s3:*'],
          resources: [bucket.arn, objects],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        {
          sid: 'DenyUploadsNotEncryptedWithKms',
          effect: 'Deny',
          principals: everyone,
          actions: ['s3:PutObject'],
          resources: [objects],
          condition: [
            {
              test: 'StringNotEquals',
              variable: 's3:x-amz-server-side-encryption',
              values: ['aws:kms'],
            },
          ],
        },
        {
          sid: 'DenyUploadsWithoutEncryptionHeader',
          effect: 'Deny',
          principals: everyone,
          actions: ['s3:PutObject'],
          resources: [objects],
          condition: [
            { test: 'Null', variable: 's3:x-amz-server-side-encryption', values: ['true'] },
          ],
        },
        {
          // aws:kms with no key id: S3 would use the AWS managed key aws/s3, not the state key.
          sid: 'DenyKmsUploadsWithoutKeyId',
          effect: 'Deny',
          principals: everyone,
          actions: ['s3:PutObject'],
          resources: [objects],
          condition: [
            {
              test: 'Null',
              variable: 's3:x-amz-server-side-encryption-aws-kms-key-id',
              values: ['true'],
            },
          ],
        },
        {
          // Another key. Terraform sends kms_key_id as configured for the state, the lock
          // file and the digest alike: in one account every form of the state key is
          // accepted; with central state only its key ARN (stateKeyHeaderValues).
          sid: 'DenyUploadsWithAnotherKmsKey',
          effect: 'Deny',
          principals: everyone,
          actions: ['s3:PutObject'],
          resources: [objects],
          condition: [
            {
              test: 'StringNotEqualsIfExists',
              variable: 's3:x-amz-server-side-encryption-aws-kms-key-id',
              values: pinnedKeyIds,
            },
          ],
        },
        ...crossAccount.flatMap((c) => crossAccountBucketStatements(bucket.arn, c)),
      ],
    });
    new S3BucketPolicy(this, 'state-bucket-policy', {
      bucket: bucket.id,
      policy: bucketPolicy.json,
      // S3 refuses policy updates while the public access block is being written.
      dependsOn: [publicAccessBlock],
    });

    new S3BucketLifecycleConfiguration(this, 'state-bucket-lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'expire-noncurrent-state-versions',
          status: 'Enabled',
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays, newerNoncurrentVersions: keepVersions }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }],
        },
      ],
    });

    if (s3.dynamodbTable !== undefined) {
      const table = new DynamodbTable(this, 'state-lock-table', {
        name: s3.dynamodbTable,
        billingMode: 'PAY_PER_REQUEST',
        hashKey: 'LockID',
        attribute: [{ name: 'LockID', type: 'S' }],
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: this.keyArn },
        deletionProtectionEnabled: true,
        lifecycle: protect,
      });
      this.lockTableName = table.name;
    }

    const out = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description });
    out('state_bucket_name', this.bucketName, "S3 bucket holding the platform stacks' state");
    out('state_bucket_arn', this.bucketArn, 'ARN of the state bucket');
    if (this.lockTableName !== undefined) {
      out('lock_table_name', this.lockTableName, 'DynamoDB table locking the state');
    }
    out(
      'state_kms_key_arn',
      this.keyArn,
      'ARN of the KMS key encrypting the state and the lock table',
    );
  }

  /** A customer managed key for S3 and DynamoDB only, with the backend's alias. */
  private createKey(
    alias: string,
    region: string,
    accountRoot: string,
    accountId: string,
    deletionWindowDays: number,
    crossAccount: readonly CrossAccountState[],
  ): string {
    const viaService = (service: string) => [
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`${service}.${region}.amazonaws.com`],
      },
      { test: 'StringEquals', variable: 'kms:CallerAccount', values: [accountId] },
    ];
    const useKey = [
      'kms:Encrypt',
      'kms:Decrypt',
      'kms:ReEncrypt*',
      'kms:GenerateDataKey*',
      'kms:DescribeKey',
    ];
    const policy = new DataAwsIamPolicyDocument(this, 'state-key-policy', {
      statement: [
        {
          // Without it the key could become unmanageable; IAM policies then grant the rest.
          sid: 'AccountRootAdministersKey',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [accountRoot] }],
          actions: ['kms:*'],
          resources: ['*'],
        },
        {
          sid: 'StateObjectsThroughS3',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: useKey,
          resources: ['*'],
          condition: viaService('s3'),
        },
        {
          sid: 'LockTableThroughDynamoDB',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: ['*'] }],
          actions: [...useKey, 'kms:CreateGrant'],
          resources: ['*'],
          condition: viaService('dynamodb'),
        },
        // Central state: another account's CI roles encrypt and read their state through S3.
        // SSE-KMS through S3 needs GenerateDataKey (upload) and Decrypt (download, multipart
        // upload) only (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
        ...crossAccount.map((c) => ({
          sid: `StateObjectsThroughS3For${pascal(c.environment)}`,
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${c.accountId}:root`] }],
          actions: [...S3_SSE_KMS_ACTIONS],
          resources: ['*'],
          condition: [
            {
              test: 'StringEquals',
              variable: 'kms:ViaService',
              values: [`s3.${region}.amazonaws.com`],
            },
            {
              test: 'ArnEquals',
              variable: 'aws:PrincipalArn',
              values: [c.planRoleArn, c.applyRoleArn],
            },
          ],
        })),
      ],
    });
    const key = new KmsKey(this, 'state-key', {
      description: 'Healthcare platform: Terraform state (S3 objects and DynamoDB lock table)',
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      policy: policy.json,
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, 'state-key-alias', { name: alias, targetKeyId: key.keyId });
    return key.arn;
  }
}

/**
 * The values of the `x-amz-server-side-encryption-aws-kms-key-id` header an upload of
 * the state may carry: what Terraform's S3 backend sends (its `kms_key_id`, verbatim)
 * and the key's ARN (what S3 records on the object). With a bootstrap-created key, also
 * the alias ARN, the other documented way to name the same key.
 *
 * Central state (`central`): the key ARN only. Every stack there names the key by it
 * (STATE_KMS_KEY_ARN), and S3 resolves an alias name or alias ARN sent from another
 * account in that caller's account, so those values could name a key of the caller's
 * (PutObject: "If the KMS key doesn't exist in the same account that's issuing the command,
 * you must use the full Key ARN"). The bootstrap's own state is local: it uploads nothing.
 */
export function stateKeyHeaderValues(key: {
  readonly kmsKeyId: string;
  readonly keyArn: string;
  readonly aliasArn?: string;
  /** @default false: the state in each stack's own account */
  readonly central?: boolean;
}): string[] {
  if (key.central === true) return [key.keyArn];
  const values = [key.kmsKeyId, key.keyArn, key.aliasArn].filter(
    (v): v is string => v !== undefined,
  );
  return [...new Set(values)];
}

/** What S3 calls KMS for on a caller's behalf with SSE-KMS: encrypt an upload, decrypt a download. */
const S3_SSE_KMS_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;

/** `qa-eu` → `QaEu`: statement ids take letters and digits only. */
function pascal(environment: string): string {
  return environment
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * What another account's CI roles may do in the state bucket: the plan role reads its
 * environment's state and takes and releases the lock file; the apply role also writes the
 * state. Granted to the account's root with the role ARNs as a condition, so that the policy
 * is valid before the roles exist (S3 refuses a policy naming a principal that does not).
 *
 * ListBucket has no `s3:prefix` condition: Terraform's S3 backend reads the state with
 * HeadObject first and takes only a 404 as "no state yet", and S3 answers a HeadObject of a
 * missing key with 404 only to a caller allowed `s3:ListBucket` (403 otherwise; HeadObject
 * carries no `s3:prefix`). It shows other folders' object names, never their contents: the
 * object actions and the key policy stay scoped to the environment's folder.
 */
export function crossAccountBucketStatements(
  bucketArn: string,
  c: CrossAccountState,
): DataAwsIamPolicyDocumentStatement[] {
  const account = [{ type: 'AWS', identifiers: [`arn:aws:iam::${c.accountId}:root`] }];
  const roles = (arns: string[]) => ({
    test: 'ArnEquals',
    variable: 'aws:PrincipalArn',
    values: arns,
  });
  const both = roles([c.planRoleArn, c.applyRoleArn]);
  const id = pascal(c.environment);
  return [
    {
      sid: `ListStateBucket${id}`,
      effect: 'Allow',
      principals: account,
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      condition: [both],
    },
    {
      sid: `ReadOwnState${id}`,
      effect: 'Allow',
      principals: account,
      actions: ['s3:GetObject'],
      resources: [`${bucketArn}/${c.prefix}*`],
      condition: [both],
    },
    {
      sid: `LockOwnState${id}`,
      effect: 'Allow',
      principals: account,
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [`${bucketArn}/${c.prefix}*.tflock`],
      condition: [both],
    },
    {
      sid: `WriteOwnState${id}`,
      effect: 'Allow',
      principals: account,
      actions: ['s3:PutObject'],
      resources: [`${bucketArn}/${c.prefix}*`],
      condition: [roles([c.applyRoleArn])],
    },
  ];
}

function isIntegerIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

function validate(checks: ReadonlyArray<{ failed: boolean; message: string }>): void {
  const failures = checks.filter((c) => c.failed).map((c) => c.message);
  if (failures.length > 0) {
    throw new Error(`Invalid StateBackendStack props:\n  - ${failures.join('\n  - ')}`);
  }
}
