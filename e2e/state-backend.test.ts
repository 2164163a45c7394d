import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { bootstrapOutputs, bootstrapStackId, clientConfig, platformOutputs, str } from './support';

const outputs = bootstrapOutputs();
if (!outputs)
  throw new Error(
    `no outputs for the bootstrap stack ${bootstrapStackId} in ${process.env.E2E_OUTPUTS_FILE}`,
  );

describe(`remote state store (${bootstrapStackId})`, () => {
  const s3 = new S3Client(clientConfig());
  const bucket = str(outputs, 'state_bucket_name');
  const keyArn = str(outputs, 'state_kms_key_arn');

  it('versions the state bucket', async () => {
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(versioning.Status).toBe('Enabled');
  });

  it('encrypts the state bucket with its KMS key by default', async () => {
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    const rule = encryption.ServerSideEncryptionConfiguration?.Rules?.[0];
    expect(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('aws:kms');
    expect(rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID).toBe(keyArn);
    expect(rule?.BucketKeyEnabled).toBe(true);
  });

  it('blocks every kind of public access to the state bucket', async () => {
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(block.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  it('denies requests without TLS and uploads not encrypted with KMS (bucket policy)', async () => {
    const { Policy } = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    const statements = JSON.parse(Policy ?? '{}').Statement as Array<Record<string, unknown>>;
    const denies = statements.filter((st) => st.Effect === 'Deny');
    expect(denies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({
          Action: 's3:PutObject',
          Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
        }),
      ]),
    );
  });

  it('rotates the state key', async () => {
    const kms = new KMSClient(clientConfig());
    const rotation = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyArn }));
    expect(rotation.KeyRotationEnabled).toBe(true);
  });

  const table = outputs.lock_table_name;
  (typeof table === 'string' ? it : it.skip)(
    'has the LockID lock table, encrypted with the state key',
    async () => {
      const ddb = new DynamoDBClient(clientConfig());
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: table as string }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.KeySchema).toEqual([{ AttributeName: 'LockID', KeyType: 'HASH' }]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(Table?.SSEDescription?.Status).toBe('ENABLED');
      expect(Table?.SSEDescription?.KMSMasterKeyArn).toBe(keyArn);
      expect(Table?.DeletionProtectionEnabled).toBe(true);
    },
  );

  const platform = platformOutputs();
  (platform ? it : it.skip)(
    'holds the platform state: a KMS-encrypted object with more than one version',
    async () => {
      let key = process.env.E2E_STATE_KEY;
      if (!key) {
        const stack = process.env.E2E_STACK ?? '';
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
        key = listed.Contents?.map((o) => o.Key!).find((k) => k.endsWith(`${stack}.tfstate`));
      }
      expect(key).toBeTruthy();
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ServerSideEncryption).toBe('aws:kms');
      const versions = await s3.send(
        new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }),
      );
      const ofKey = (versions.Versions ?? []).filter((v) => v.Key === key);
      // Terraform persists state during a long apply and at its end: versioning keeps each.
      expect(ofKey.length).toBeGreaterThan(1);
    },
  );
});
