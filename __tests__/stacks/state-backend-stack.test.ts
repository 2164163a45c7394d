import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
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
import { loadStateBackend, resolveStateBackend, StateBackendSettings } from '../../config/backend';
import type { PlatformConfig } from '../../config/config';
import { platformTags } from '../../stacks/platform-stack';
import {
  STATE_BACKEND_STACK_ID,
  STATE_BACKEND_TAGS,
  StateBackendStack,
  StateBackendStackProps,
  stateKeyHeaderValues,
} from '../../stacks/state-backend-stack';

const quiet = { warn: () => undefined };
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function settingsFrom(env: Record<string, string> = {}): StateBackendSettings {
  return loadStateBackend({ env }, { ...quiet, localStateDirectory: '/project' });
}

function synth(props: Partial<StateBackendStackProps> = {}, settings = settingsFrom()) {
  const stack = new StateBackendStack(Testing.app(), { settings, ...props });
  const json = Testing.synth(stack);
  return { stack, json, parsed: JSON.parse(json) };
}

/** The statements of a synthesized aws_iam_policy_document data source. */
interface PolicyDocuments {
  data: { aws_iam_policy_document: Record<string, { statement: Array<Record<string, unknown>> }> };
}
function statements(parsed: PolicyDocuments, id: string): Array<Record<string, unknown>> {
  return parsed.data.aws_iam_policy_document[id].statement;
}

describe('StateBackendStack with the checked-in backend settings', () => {
  // Given the settings from terraform-backend.tf.json, when the bootstrap stack is synthesized
  const { stack, json, parsed } = synth();

  it('is TapStateBackend with local state in the project folder', () => {
    expect(stack.node.id).toBe(STATE_BACKEND_STACK_ID);
    expect(STATE_BACKEND_STACK_ID).toBe('TapStateBackend');
    expect(parsed.terraform.backend).toEqual({
      local: { path: path.join('/project', 'terraform.TapStateBackend.tfstate') },
    });
  });

  it('uses the backend region and the platform tags with Environment "shared"', () => {
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      default_tags: [{ tags: STATE_BACKEND_TAGS }],
    });
    expect(STATE_BACKEND_TAGS.Environment).toBe('shared');
  });

  it('keeps its tags in step with platformTags()', () => {
    // The state holds production's endpoints and ARNs: classified as production's data is.
    const platform = platformTags({
      environment: 'shared',
      dataClassification: 'PHI',
    } as PlatformConfig);
    expect(STATE_BACKEND_TAGS).toMatchObject(platform);
  });

  it('creates a rotating CMK with a 30-day window, protected from destroy', () => {
    expect(json).toHaveResourceWithProperties(KmsKey, {
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      policy: '${data.aws_iam_policy_document.state-key-policy.json}',
      lifecycle: { prevent_destroy: true },
    });
  });

  it('names the key with the backend kms_key_id alias', () => {
    expect(json).toHaveResourceWithProperties(KmsAlias, {
      name: 'alias/healthcare-platform-tfstate',
      target_key_id: '${aws_kms_key.state-key.key_id}',
    });
  });

  it("lets the account root administer the key and S3/DynamoDB use it only on the account's behalf", () => {
    const [root, viaS3, viaDynamo] = statements(parsed, 'state-key-policy');
    expect(root).toEqual({
      sid: 'AccountRootAdministersKey',
      effect: 'Allow',
      principals: [
        {
          type: 'AWS',
          identifiers: [
            'arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.account.account_id}:root',
          ],
        },
      ],
      actions: ['kms:*'],
      resources: ['*'],
    });
    const callerAccount = {
      test: 'StringEquals',
      variable: 'kms:CallerAccount',
      values: ['${data.aws_caller_identity.account.account_id}'],
    };
    expect(viaS3).toMatchObject({
      effect: 'Allow',
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:DescribeKey',
      ],
      condition: [
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: ['s3.eu-west-1.amazonaws.com'],
        },
        callerAccount,
      ],
    });
    expect(viaDynamo).toMatchObject({
      effect: 'Allow',
      actions: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*', 'kms:CreateGrant']),
      condition: [
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: ['dynamodb.eu-west-1.amazonaws.com'],
        },
        callerAccount,
      ],
    });
  });

  it('creates the backend bucket, protected from destroy', () => {
    expect(json).toHaveResourceWithProperties(S3Bucket, {
      bucket: 'healthcare-platform-tfstate',
      lifecycle: { prevent_destroy: true },
    });
    expect(parsed.resource.aws_s3_bucket['state-bucket']).not.toHaveProperty('force_destroy');
  });

  it('versions every state object', () => {
    expect(json).toHaveResourceWithProperties(S3BucketVersioningA, {
      bucket: '${aws_s3_bucket.state-bucket.id}',
      versioning_configuration: { status: 'Enabled' },
    });
  });

  it('encrypts by default with the CMK and an S3 bucket key', () => {
    expect(json).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      bucket: '${aws_s3_bucket.state-bucket.id}',
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: '${aws_kms_key.state-key.arn}',
          },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  it('blocks all public access and disables ACLs', () => {
    expect(json).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(json).toHaveResourceWithProperties(S3BucketOwnershipControls, {
      rule: { object_ownership: 'BucketOwnerEnforced' },
    });
  });

  it('attaches a bucket policy after the public access block', () => {
    expect(json).toHaveResourceWithProperties(S3BucketPolicy, {
      bucket: '${aws_s3_bucket.state-bucket.id}',
      policy: '${data.aws_iam_policy_document.state-bucket-policy-document.json}',
      depends_on: ['aws_s3_bucket_public_access_block.state-bucket-public-access-block'],
    });
  });

  it('denies any request without TLS, and uploads not encrypted with aws:kms or without the header', () => {
    expect(json).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {});
    const everyone = [{ type: '*', identifiers: ['*'] }];
    const objects = '${aws_s3_bucket.state-bucket.arn}/*';
    expect(statements(parsed, 'state-bucket-policy-document')).toEqual([
      {
        sid: 'DenyInsecureTransport',
        effect: 'Deny',
        principals: everyone,
        actions: ['s3:*'],
        resources: ['${aws_s3_bucket.state-bucket.arn}', objects],
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
        sid: 'DenyUploadsWithAnotherKmsKey',
        effect: 'Deny',
        principals: everyone,
        actions: ['s3:PutObject'],
        resources: [objects],
        condition: [
          {
            test: 'StringNotEqualsIfExists',
            variable: 's3:x-amz-server-side-encryption-aws-kms-key-id',
            values: [
              'alias/healthcare-platform-tfstate',
              '${aws_kms_key.state-key.arn}',
              'arn:${data.aws_partition.partition.partition}:kms:eu-west-1:${data.aws_caller_identity.account.account_id}:alias/healthcare-platform-tfstate',
            ],
          },
        ],
      },
    ]);
  });

  it('pins uploads to the value Terraform sends for kms_key_id (the alias name in terraform-backend.tf.json)', () => {
    const backend = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../../terraform-backend.tf.json'), 'utf8'),
    );
    const sent: string = backend.terraform.backend.s3.kms_key_id;
    const pin = statements(parsed, 'state-bucket-policy-document').find(
      (s) => s.sid === 'DenyUploadsWithAnotherKmsKey',
    ) as { condition: Array<{ values: string[] }> };
    expect(sent).toBe('alias/healthcare-platform-tfstate');
    expect(pin.condition[0].values).toContain(sent);
  });

  it('expires noncurrent versions after 90 days keeping the 10 newest, and aborts stale uploads', () => {
    expect(json).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      bucket: '${aws_s3_bucket.state-bucket.id}',
      rule: [
        {
          id: 'expire-noncurrent-state-versions',
          status: 'Enabled',
          filter: [{}],
          noncurrent_version_expiration: [{ noncurrent_days: 90, newer_noncurrent_versions: 10 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
        },
      ],
    });
  });

  it('creates the lock table: LockID string key, on demand, PITR, CMK encryption, deletion protection', () => {
    expect(json).toHaveResourceWithProperties(DynamodbTable, {
      name: 'healthcare-platform-tfstate-lock',
      hash_key: 'LockID',
      attribute: [{ name: 'LockID', type: 'S' }],
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true, kms_key_arn: '${aws_kms_key.state-key.arn}' },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
  });

  it('outputs the bucket name and ARN, the table name and the key ARN', () => {
    expect(parsed.output).toEqual({
      state_bucket_name: expect.objectContaining({ value: '${aws_s3_bucket.state-bucket.bucket}' }),
      state_bucket_arn: expect.objectContaining({ value: '${aws_s3_bucket.state-bucket.arn}' }),
      lock_table_name: expect.objectContaining({
        value: '${aws_dynamodb_table.state-lock-table.name}',
      }),
      state_kms_key_arn: expect.objectContaining({ value: '${aws_kms_key.state-key.arn}' }),
    });
    for (const output of Object.values(parsed.output)) expect(output).toHaveProperty('description');
  });
});

describe('StateBackendStack with overrides', () => {
  it('follows STATE_BUCKET, STATE_LOCK_TABLE, STATE_REGION and a STATE_KMS_KEY_ID alias', () => {
    const { json } = synth(
      {},
      settingsFrom({
        STATE_BUCKET: 'acme-tfstate',
        STATE_LOCK_TABLE: 'acme-lock',
        STATE_REGION: 'us-east-2',
        STATE_KMS_KEY_ID: 'alias/acme-tfstate',
      }),
    );
    expect(json).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-tfstate' });
    expect(json).toHaveResourceWithProperties(DynamodbTable, { name: 'acme-lock' });
    expect(json).toHaveResourceWithProperties(KmsAlias, { name: 'alias/acme-tfstate' });
    expect(json).toHaveProviderWithProperties(AwsProvider, { region: 'us-east-2' });
    expect(json).toContain('s3.us-east-2.amazonaws.com');
  });

  it('uses an existing key given by ARN instead of creating one', () => {
    const { json, parsed } = synth({}, settingsFrom({ STATE_KMS_KEY_ID: KEY_ARN }));
    expect(json).not.toHaveResource(KmsKey);
    expect(json).not.toHaveResource(KmsAlias);
    expect(parsed.data.aws_iam_policy_document).not.toHaveProperty('state-key-policy');
    expect(
      parsed.resource.aws_s3_bucket_server_side_encryption_configuration['state-bucket-encryption'],
    ).toMatchObject({
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: 'aws:kms',
            kms_master_key_id: KEY_ARN,
          },
        },
      ],
    });
    expect(parsed.resource.aws_dynamodb_table['state-lock-table'].server_side_encryption).toEqual({
      enabled: true,
      kms_key_arn: KEY_ARN,
    });
    expect(parsed.output.state_kms_key_arn.value).toBe(KEY_ARN);
    const pin = statements(parsed, 'state-bucket-policy-document').find(
      (s) => s.sid === 'DenyUploadsWithAnotherKmsKey',
    );
    expect(pin?.condition).toEqual([
      {
        test: 'StringNotEqualsIfExists',
        variable: 's3:x-amz-server-side-encryption-aws-kms-key-id',
        values: [KEY_ARN],
      },
    ]);
  });

  it('with central state (STATE_ACCOUNT_ID) admits uploads naming the key by its key ARN only', () => {
    // The bootstrap itself is unchanged (it creates the key and the alias); its pin is not:
    // an alias name or alias ARN sent from another account would name a key of that account.
    const extras: Record<string, string>[] = [{}, { STATE_KMS_KEY_ARN: KEY_ARN }];
    for (const extra of extras) {
      const { json, parsed } = synth(
        {},
        settingsFrom({ STATE_ACCOUNT_ID: '123456789012', ...extra }),
      );
      expect(json).toHaveResourceWithProperties(KmsAlias, {
        name: 'alias/healthcare-platform-tfstate',
        target_key_id: '${aws_kms_key.state-key.key_id}',
      });
      const pin = statements(parsed, 'state-bucket-policy-document').find(
        (s) => s.sid === 'DenyUploadsWithAnotherKmsKey',
      );
      expect(pin?.condition).toEqual([
        {
          test: 'StringNotEqualsIfExists',
          variable: 's3:x-amz-server-side-encryption-aws-kms-key-id',
          values: ['${aws_kms_key.state-key.arn}'],
        },
      ]);
    }
  });

  it('stateKeyHeaderValues: every form in one account, the key ARN alone with central state', () => {
    const key = {
      kmsKeyId: 'alias/k',
      keyArn: KEY_ARN,
      aliasArn: 'arn:aws:kms:eu-west-1:123456789012:alias/k',
    };
    expect(stateKeyHeaderValues(key)).toEqual(['alias/k', KEY_ARN, key.aliasArn]);
    expect(stateKeyHeaderValues({ ...key, central: false })).toEqual([
      'alias/k',
      KEY_ARN,
      key.aliasArn,
    ]);
    expect(stateKeyHeaderValues({ ...key, central: true })).toEqual([KEY_ARN]);
    expect(stateKeyHeaderValues({ kmsKeyId: KEY_ARN, keyArn: KEY_ARN })).toEqual([KEY_ARN]);
  });

  it('creates no lock table when the backend locks with S3 lock files only', () => {
    const doc = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'terraform-backend.tf.json'), 'utf8'),
    );
    delete doc.terraform.backend.s3.dynamodb_table;
    const settings = resolveStateBackend(doc, {}, { ...quiet, localStateDirectory: '/project' });
    const { json, parsed, stack } = synth({}, settings);
    expect(json).not.toHaveResource(DynamodbTable);
    expect(parsed.output).not.toHaveProperty('lock_table_name');
    expect(stack.lockTableName).toBeUndefined();
  });

  it('is the same in local mode: the bootstrap never depends on STATE_BACKEND', () => {
    const s3Mode = synth().parsed;
    const localMode = synth({}, settingsFrom({ STATE_BACKEND: 'local' })).parsed;
    expect(localMode).toEqual(s3Mode);
  });

  it('takes retention and deletion-window props', () => {
    const { json, parsed } = synth({
      noncurrentVersionExpirationDays: 30,
      noncurrentVersionsToKeep: 3,
      abortIncompleteUploadDays: 1,
      kmsDeletionWindowDays: 7,
    });
    expect(
      parsed.resource.aws_s3_bucket_lifecycle_configuration['state-bucket-lifecycle'],
    ).toMatchObject({
      rule: [
        {
          noncurrent_version_expiration: [{ noncurrent_days: 30, newer_noncurrent_versions: 3 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
        },
      ],
    });
    expect(json).toHaveResourceWithProperties(KmsKey, { deletion_window_in_days: 7 });
  });

  it('exposes the bucket, table and key as attributes', () => {
    const { stack } = synth();
    expect(stack.bucketName).toMatch(/^\$\{TfToken\[/);
    expect(stack.bucketArn).toMatch(/^\$\{TfToken\[/);
    expect(stack.lockTableName).toMatch(/^\$\{TfToken\[/);
    expect(stack.keyArn).toMatch(/^\$\{TfToken\[/);
  });
});

describe('StateBackendStack props', () => {
  it.each<[string, Partial<StateBackendStackProps>, RegExp]>([
    [
      'noncurrentVersionExpirationDays below 1',
      { noncurrentVersionExpirationDays: 0 },
      /noncurrentVersionExpirationDays must be an integer from 1 to 36500, got 0/,
    ],
    [
      'noncurrentVersionsToKeep above the S3 limit',
      { noncurrentVersionsToKeep: 101 },
      /noncurrentVersionsToKeep must be an integer from 1 to 100 \(the S3 limit\), got 101/,
    ],
    [
      'abortIncompleteUploadDays not an integer',
      { abortIncompleteUploadDays: 1.5 },
      /abortIncompleteUploadDays must be an integer from 1 to 36500, got 1.5/,
    ],
    [
      'kmsDeletionWindowDays outside 7..30',
      { kmsDeletionWindowDays: 31 },
      /kmsDeletionWindowDays must be an integer from 7 to 30 \(the KMS limit\), got 31/,
    ],
  ])('throws when %s', (_name, props, message) => {
    expect(
      () => new StateBackendStack(Testing.app(), { settings: settingsFrom(), ...props }),
    ).toThrow(message);
  });

  it('reports every bad prop at once', () => {
    expect(
      () =>
        new StateBackendStack(Testing.app(), {
          settings: settingsFrom(),
          noncurrentVersionsToKeep: 0,
          kmsDeletionWindowDays: 1,
        }),
    ).toThrow(/noncurrentVersionsToKeep[\s\S]*kmsDeletionWindowDays/);
  });
});
