/**
 * Three accounts on one emulator, as the e2e runs them: tooling (the default credentials),
 * dev and prod (STS AssumeRole of roles that exist and trust the tooling account, rule R12). Each account's resources are its own, and a cross-account
 * S3 request needs the bucket policy and the caller's role to allow it (gap 26,
 * tools/emulator/moto_account_gaps.py): dev's deploy role reads dev's state in the central
 * state bucket and is refused prod's.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  PutBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DEV_ACCOUNT,
  PROD_ACCOUNT,
  TOOLING_ACCOUNT,
  assumeRole,
  inAccount,
  refusal,
  roleArn,
  tooling,
  unique,
  type ClientSettings,
} from './emulator-clients';

const ROLE = 'deploy-state';

/** The role in its account, trusting the tooling account, with an inline identity policy. */
async function deployRole(
  settings: ClientSettings,
  bucket: string,
  allowed: boolean,
): Promise<void> {
  const iam = new IAMClient(settings);
  await iam.send(
    new CreateRoleCommand({
      RoleName: ROLE,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${TOOLING_ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  );
  if (!allowed) return;
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: ROLE,
      PolicyName: 'state',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: `arn:aws:s3:::${bucket}/*`,
          },
          { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${bucket}` },
        ],
      }),
    }),
  );
}

/** The central bucket's policy: each environment's role reads and writes its own prefix only. */
function statePolicy(bucket: string): string {
  const env = (name: string, account: string) => [
    {
      Sid: `${name}State`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:role/${ROLE}` },
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: `arn:aws:s3:::${bucket}/${name}/*`,
    },
    {
      Sid: `${name}List`,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:role/${ROLE}` },
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucket}`,
      Condition: { StringLike: { 's3:prefix': [`${name}/*`] } },
    },
  ];
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      ...env('dev', DEV_ACCOUNT),
      ...env('prod', PROD_ACCOUNT),
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}

describe('three accounts on one emulator', () => {
  const bucket = unique('central-state');
  let dev: ClientSettings;
  let prod: ClientSettings;
  let keyArn: string;

  beforeAll(async () => {
    const s3 = new S3Client(tooling());
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: statePolicy(bucket) }));
    // Encrypted with a key of the bucket's account, as the state bucket is (moto checks no key policy).
    const key = await new KMSClient(tooling()).send(new CreateKeyCommand({}));
    keyArn = key.KeyMetadata?.Arn ?? '';
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: keyArn,
              },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );
    for (const key of ['dev/platform.tfstate', 'prod/platform.tfstate']) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: `{"serial":1,"key":"${key}"}` }),
      );
    }
    // Each account's administrator (OrganizationAccountAccessRole) creates its deploy role,
    // which the tooling account then assumes (its trust names the tooling account).
    await deployRole(await inAccount(DEV_ACCOUNT), bucket, true);
    await deployRole(await inAccount(PROD_ACCOUNT), bucket, false);
    dev = await assumeRole(tooling(), roleArn(DEV_ACCOUNT, ROLE));
    prod = await assumeRole(tooling(), roleArn(PROD_ACCOUNT, ROLE));
  });

  it("assumed-role credentials act in the role's account", async () => {
    const who = await new STSClient(dev).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe(DEV_ACCOUNT);
    expect(who.Arn).toBe(`arn:aws:sts::${DEV_ACCOUNT}:assumed-role/${ROLE}/emulator-test`);
  });

  it("keeps each account's resources apart", async () => {
    const name = `/accounts/${unique('group')}`;
    await new CloudWatchLogsClient(dev).send(new CreateLogGroupCommand({ logGroupName: name }));
    const inDev = await new CloudWatchLogsClient(dev).send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: name }),
    );
    const inProd = await new CloudWatchLogsClient(prod).send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: name }),
    );
    expect(inDev.logGroups?.map((g) => g.arn)).toEqual([
      `arn:aws:logs:eu-west-1:${DEV_ACCOUNT}:log-group:${name}:*`,
    ]);
    expect(inProd.logGroups).toEqual([]);
  });

  it("lets dev's deploy role read and write dev's state in the central bucket", async () => {
    const s3 = new S3Client(dev);
    const got = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'dev/platform.tfstate' }),
    );
    expect(await got.Body?.transformToString()).toBe('{"serial":1,"key":"dev/platform.tfstate"}');
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'dev/platform.tfstate', Body: '{"serial":2}' }),
    );
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dev/' }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['dev/platform.tfstate']);
  });

  it("refuses dev's deploy role prod's state object (read, write and list) with AccessDenied", async () => {
    const s3 = new S3Client(dev);
    const read = await refusal(
      s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'prod/platform.tfstate' })),
    );
    expect(read).toEqual({ code: 'AccessDenied', message: 'Access Denied', status: 403 });
    const write = await refusal(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'prod/platform.tfstate', Body: '{}' })),
    );
    expect([write.code, write.status]).toEqual(['AccessDenied', 403]);
    const list = await refusal(
      s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'prod/' })),
    );
    expect([list.code, list.status]).toEqual(['AccessDenied', 403]);
    const untouched = await new S3Client(tooling()).send(
      new GetObjectCommand({ Bucket: bucket, Key: 'prod/platform.tfstate' }),
    );
    expect(await untouched.Body?.transformToString()).toBe(
      '{"serial":1,"key":"prod/platform.tfstate"}',
    );
  });

  it("refuses prod's role its own prefix while its identity policy does not allow it", async () => {
    const r = await refusal(
      new S3Client(prod).send(
        new GetObjectCommand({ Bucket: bucket, Key: 'prod/platform.tfstate' }),
      ),
    );
    expect([r.code, r.status]).toEqual(['AccessDenied', 403]);
  });

  it('answers a missing object 403 to a role whose list right is prefix-scoped, 404 once it may list the bucket (gap 36)', async () => {
    const head = () =>
      refusal(
        new S3Client(dev).send(new HeadObjectCommand({ Bucket: bucket, Key: 'dev/new.tfstate' })),
      );
    // S3 asks s3:ListBucket with no s3:prefix before it says "not found" (API_HeadObject.html).
    expect(await head()).toMatchObject({ status: 403 });
    const withList = JSON.parse(statePolicy(bucket));
    withList.Statement.push({
      Sid: 'devListsTheBucket',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${DEV_ACCOUNT}:role/${ROLE}` },
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucket}`,
    });
    const s3 = new S3Client(tooling());
    await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(withList) }));
    try {
      expect(await head()).toMatchObject({ status: 404 });
    } finally {
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: statePolicy(bucket) }));
    }
  });

  it('leaves same-account requests as they were (the bucket owner reads every prefix)', async () => {
    const listed = await new S3Client(tooling()).send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([
      'dev/platform.tfstate',
      'prod/platform.tfstate',
    ]);
  });
});
