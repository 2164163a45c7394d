/**
 * Access proofs for TapStateBackend: the state bucket policy, the state key policy and the
 * lock table, evaluated by @cloud-copilot/iam-simulate. The deployer is an IAM role of the
 * same account whose identity policy grants what Terraform's S3 backend documents; the
 * resource policies must let it work and refuse everyone and everything else.
 */
import { Testing } from 'cdktf';
import { loadStateBackend } from '../../config/backend';
import { StateBackendStack } from '../../stacks/state-backend-stack';
import { AccessRow, Caller, proveRow } from './support/rows';
import { resolveEncryptionContext } from './support/simulate';
import {
  bucketByName,
  dynamodbTableByName,
  kmsKeyByAlias,
  objectIn,
  Target,
} from './support/targets';
import {
  OTHER_ACCOUNT,
  PolicyDocument,
  SynthesizedStack,
  TEST_ACCOUNT,
} from './support/terraform-policies';

interface StateWorld {
  readonly region: string;
  readonly bucket: Target;
  readonly stateObject: Target;
  readonly lockFile: Target;
  readonly key: Target;
  readonly table: Target;
}

function stateWorld(): StateWorld {
  const settings = loadStateBackend(
    { env: {} },
    { warn: () => undefined, localStateDirectory: '/project' },
  );
  const tf = JSON.parse(Testing.synth(new StateBackendStack(Testing.app(), { settings })));
  const stack = new SynthesizedStack('TapStateBackend', tf);
  const s3 = settings.s3;
  if (s3.dynamodbTable === undefined) throw new Error('the default settings name a lock table');
  const bucket = bucketByName(stack, s3.bucket);
  const stateKey = 'healthcare/prod/TapStackprod.tfstate';
  return {
    region: stack.region,
    bucket,
    stateObject: objectIn(bucket, stateKey),
    lockFile: objectIn(bucket, `${stateKey}.tflock`),
    key: kmsKeyByAlias(stack, s3.kmsKeyId),
    table: dynamodbTableByName(stack, s3.dynamodbTable),
  };
}

// --- callers -------------------------------------------------------------------------

/** What Terraform's S3 backend documents it needs, scoped to this bucket, table and key. */
function deployerPolicy(w: StateWorld): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: w.bucket.arn },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        Resource: `${w.bucket.arn}/healthcare/*`,
      },
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:DescribeTable',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:DeleteItem',
        ],
        Resource: w.table.arn,
      },
      {
        Effect: 'Allow',
        Action: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
          'kms:CreateGrant',
        ],
        Resource: w.key.arn,
      },
    ],
  };
}
const deployer = (w: StateWorld): Caller => ({
  principal: `arn:aws:iam::${TEST_ACCOUNT}:role/healthcare-deployer`,
  identityPolicies: [{ name: 'terraform-state', policy: deployerPolicy(w) }],
});
const ALL_ACTIONS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};
const administrator = (): Caller => ({
  principal: `arn:aws:iam::${TEST_ACCOUNT}:role/administrator`,
  identityPolicies: [{ name: 'admin', policy: ALL_ACTIONS }],
});
const otherAccountAdmin = (): Caller => ({
  principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/admin`,
  identityPolicies: [{ name: 'admin', policy: ALL_ACTIONS }],
});
const anonymous = (): Caller => ({ principal: 'anonymous' });

// --- context -------------------------------------------------------------------------

const TLS = { 'aws:SecureTransport': 'true' };
const sseWith = (keyArn?: string) => ({
  ...TLS,
  's3:x-amz-server-side-encryption': 'aws:kms',
  ...(keyArn === undefined ? {} : { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn }),
});
const via =
  (service: string, account = TEST_ACCOUNT) =>
  (w: StateWorld) => ({
    'kms:ViaService': `${service}.${w.region}.amazonaws.com`,
    'kms:CallerAccount': account,
  });
const OTHER_KEY = `arn:aws:kms:eu-west-1:${TEST_ACCOUNT}:key/00000000-0000-4000-8000-000000000000`;

const SRC = {
  backend: 'https://developer.hashicorp.com/terraform/language/backend/s3',
  s3Kms: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
  s3KmsHeaders:
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/specifying-kms-encryption.html',
  putObjectDefaultKey: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html',
  s3ConditionKeys:
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html',
  dynamodbKms: 'https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html',
  keyPolicyRoot: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html',
  tls: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html',
  crossAccount:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
  kmsCrossAccount:
    'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
  s3Public:
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html',
};

type Row = AccessRow<StateWorld>;

const MUST_BE_ALLOWED: Row[] = [
  {
    row: 'The deployer reads the state over TLS',
    principal: deployer,
    action: 's3:GetObject',
    resource: (w) => w.stateObject,
    context: () => TLS,
    expect: 'allowed',
    source: SRC.backend,
  },
  {
    row: 'The deployer writes the state over TLS, encrypted with the state key',
    principal: deployer,
    action: 's3:PutObject',
    resource: (w) => w.stateObject,
    context: (w) => sseWith(w.key.arn),
    expect: 'allowed',
    source: SRC.backend,
  },
  {
    row: 'The deployer lists the state bucket over TLS',
    principal: deployer,
    action: 's3:ListBucket',
    resource: (w) => w.bucket,
    context: () => TLS,
    expect: 'allowed',
    source: SRC.backend,
  },
  {
    row: 'The deployer writes the S3 lock file over TLS, encrypted with the state key',
    principal: deployer,
    action: 's3:PutObject',
    resource: (w) => w.lockFile,
    context: (w) => sseWith(w.key.arn),
    expect: 'allowed',
    source: SRC.backend,
  },
  {
    row: 'The deployer deletes the S3 lock file over TLS',
    principal: deployer,
    action: 's3:DeleteObject',
    resource: (w) => w.lockFile,
    context: () => TLS,
    expect: 'allowed',
    source: SRC.backend,
  },
  {
    row: 'S3 generates a data key with the state key for the deployer',
    principal: deployer,
    action: 'kms:GenerateDataKey',
    resource: (w) => w.key,
    context: via('s3'),
    expect: 'allowed',
    source: SRC.s3Kms,
  },
  {
    row: 'S3 decrypts the state with the state key for the deployer',
    principal: deployer,
    action: 'kms:Decrypt',
    resource: (w) => w.key,
    context: via('s3'),
    expect: 'allowed',
    source: SRC.s3Kms,
  },
  ...['dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'].map(
    (action): Row => ({
      row: `The deployer may ${action} on the lock table`,
      principal: deployer,
      action,
      resource: (w) => w.table,
      expect: 'allowed',
      source: SRC.backend,
    }),
  ),
  {
    row: 'DynamoDB decrypts the lock table with the state key for the deployer',
    principal: deployer,
    action: 'kms:Decrypt',
    resource: (w) => w.key,
    context: via('dynamodb'),
    expect: 'allowed',
    source: SRC.dynamodbKms,
  },
  {
    row: 'DynamoDB creates its grant on the state key for the deployer',
    principal: deployer,
    action: 'kms:CreateGrant',
    resource: (w) => w.key,
    context: via('dynamodb'),
    expect: 'allowed',
    source: SRC.dynamodbKms,
  },
  {
    row: 'An administrator of this account updates the state key policy (key policy enables IAM policies)',
    principal: administrator,
    action: 'kms:PutKeyPolicy',
    resource: (w) => w.key,
    expect: 'allowed',
    source: SRC.keyPolicyRoot,
  },
];

const MUST_BE_DENIED: Row[] = [
  {
    row: 'The deployer reads the state without TLS (aws:SecureTransport=false)',
    principal: deployer,
    action: 's3:GetObject',
    resource: (w) => w.stateObject,
    context: () => ({ 'aws:SecureTransport': 'false' }),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.tls,
  },
  {
    row: 'The deployer writes the state without TLS (aws:SecureTransport=false)',
    principal: deployer,
    action: 's3:PutObject',
    resource: (w) => w.stateObject,
    context: (w) => ({ ...sseWith(w.key.arn), 'aws:SecureTransport': 'false' }),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.tls,
  },
  {
    row: 'The deployer uploads state without an encryption header',
    principal: deployer,
    action: 's3:PutObject',
    resource: (w) => w.stateObject,
    context: () => TLS,
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.s3KmsHeaders,
  },
  {
    row: 'The deployer uploads state encrypted with S3-managed keys (AES256)',
    principal: deployer,
    action: 's3:PutObject',
    resource: (w) => w.stateObject,
    context: () => ({ ...TLS, 's3:x-amz-server-side-encryption': 'AES256' }),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.s3KmsHeaders,
  },
  {
    row: 'The deployer uploads state encrypted with another KMS key than the state key',
    principal: deployer,
    action: 's3:PutObject',
    resource: (w) => w.stateObject,
    context: () => sseWith(OTHER_KEY),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.s3ConditionKeys,
  },
  {
    row: 'The deployer uploads state with aws:kms but without the state key id (S3 would use aws/s3)',
    principal: deployer,
    action: 's3:PutObject',
    resource: (w) => w.stateObject,
    context: () => sseWith(undefined),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.putObjectDefaultKey,
  },
  {
    row: 'An administrator of another account reads the state',
    principal: otherAccountAdmin,
    action: 's3:GetObject',
    resource: (w) => w.stateObject,
    context: () => TLS,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: 'An administrator of another account writes the state',
    principal: otherAccountAdmin,
    action: 's3:PutObject',
    resource: (w) => w.stateObject,
    context: (w) => sseWith(w.key.arn),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: 'An anonymous caller reads the state',
    principal: anonymous,
    action: 's3:GetObject',
    resource: (w) => w.stateObject,
    context: () => TLS,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.s3Public,
  },
  {
    row: 'An anonymous caller lists the state bucket',
    principal: anonymous,
    action: 's3:ListBucket',
    resource: (w) => w.bucket,
    context: () => TLS,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.s3Public,
  },
  {
    row: 'An administrator of another account decrypts with the state key through S3',
    principal: otherAccountAdmin,
    action: 'kms:Decrypt',
    resource: (w) => w.key,
    context: via('s3', OTHER_ACCOUNT),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.kmsCrossAccount,
  },
  {
    row: 'An administrator of another account reads the lock table',
    principal: otherAccountAdmin,
    action: 'dynamodb:GetItem',
    resource: (w) => w.table,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: 'An unrelated service (CloudTrail) generates a data key with the state key',
    principal: () => ({ principal: 'cloudtrail.amazonaws.com' }),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.key,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.keyPolicyRoot,
  },
  {
    row: 'A principal of this account without an identity policy decrypts with the state key through another service (Secrets Manager)',
    principal: () => ({ principal: `arn:aws:iam::${TEST_ACCOUNT}:role/someone` }),
    action: 'kms:Decrypt',
    resource: (w) => w.key,
    context: via('secretsmanager'),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.keyPolicyRoot,
  },
];

describe('access proofs, TapStateBackend', () => {
  const world = stateWorld();

  describe('must be allowed', () => {
    test.each(MUST_BE_ALLOWED.map((r) => [r.row, r] as const))('%s', async (_row, r) => {
      await proveRow(r, world);
    });
  });

  describe('must be denied', () => {
    test.each(MUST_BE_DENIED.map((r) => [r.row, r] as const))('%s', async (_row, r) => {
      await proveRow(r, world);
    });
  });
});

describe('access-proof machinery', () => {
  const world = stateWorld();
  const denyRow = MUST_BE_DENIED.find((r) => r.because === 'explicit deny') as Row;

  it('fails a row with the row as the message when the policy stops giving its answer', async () => {
    // The bucket policy without its Deny statements: the non-TLS read is no longer denied.
    const bucket = world.bucket.policy as PolicyDocument;
    const weakened = { ...bucket, Statement: bucket.Statement.filter((s) => s.Effect !== 'Deny') };
    const broken = { ...world, stateObject: { ...world.stateObject, policy: weakened } };
    await expect(proveRow(denyRow, broken)).rejects.toThrow(
      new RegExp(
        `^${denyRow.row.replace(/[()]/g, '\\$&')}\\n  expected denied \\(explicit deny\\), simulated allowed`,
      ),
    );
  });

  it('refuses a denied row that does not say why', async () => {
    await expect(proveRow({ ...denyRow, because: undefined }, world)).rejects.toThrow(
      'a "denied" row must say why',
    );
  });

  it('stops on an interpolation it has no test value for', () => {
    const stack = new SynthesizedStack('Fixture', { provider: { aws: [{ region: 'eu-west-1' }] } });
    expect(() => stack.resolve('${aws_lambda_function.x.arn}', 'fixture.policy')).toThrow(
      'Fixture fixture.policy: unknown interpolation ${aws_lambda_function.x.arn}',
    );
    expect(() => stack.resolve('${data.aws_ami.x.id}', 'fixture.policy')).toThrow(
      'unknown interpolation ${data.aws_ami.x.id}',
    );
  });

  it('decides kms:EncryptionContext conditions visibly and refuses operators it does not resolve', () => {
    const policy: PolicyDocument = {
      Statement: [
        {
          Sid: 'Logs',
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: '*',
          Condition: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-west-1:${TEST_ACCOUNT}:*`,
            },
            StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT },
          },
        },
      ],
    };
    const ours = `arn:aws:logs:eu-west-1:${TEST_ACCOUNT}:log-group:/x`;
    const decisions: string[] = [];
    expect(
      resolveEncryptionContext(policy, { 'kms:EncryptionContext:aws:logs:arn': ours }, decisions),
    ).toEqual({
      Statement: [
        {
          Sid: 'Logs',
          Effect: 'Allow',
          Action: 'kms:GenerateDataKey',
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT } },
        },
      ],
    });
    expect(decisions).toEqual([
      `Logs: ArnLike kms:EncryptionContext:aws:logs:arn "arn:aws:logs:eu-west-1:${TEST_ACCOUNT}:*" vs "${ours}" → true`,
    ]);
    const theirs = `arn:aws:logs:eu-west-1:${OTHER_ACCOUNT}:log-group:/x`;
    expect(
      resolveEncryptionContext(policy, { 'kms:EncryptionContext:aws:logs:arn': theirs }, [])
        .Statement,
    ).toEqual([]);
    expect(resolveEncryptionContext(policy, {}, []).Statement).toEqual([]);
    const negated = {
      Statement: [
        {
          ...policy.Statement[0],
          Condition: { ArnNotLike: policy.Statement[0].Condition!.ArnLike },
        },
      ],
    };
    expect(() => resolveEncryptionContext(negated, {}, [])).toThrow(
      'Logs: ArnNotLike on kms:EncryptionContext:aws:logs:arn is not resolved by the access proofs',
    );
  });
});
