/**
 * Access proofs for central state (STATE_ACCOUNT_ID): the state bucket and key of the state
 * account, and the CI roles of two environments in accounts of their own. Each role reaches
 * its own environment's folder only: the plan role reads the state and takes and releases
 * the lock file, the apply role also writes the state; nothing reaches another environment's
 * state; the state account's administrators keep everything (recovery). One exception, on
 * purpose: both roles may list the whole bucket (object names, not contents), because a
 * HeadObject of a missing state answers 404 only to a caller allowed s3:ListBucket. The env roles get a
 * broad identity policy here, so that the bucket and key policies alone decide.
 */
import { Testing } from 'cdktf';
import { loadStateBackend } from '../../config/backend';
import { crossAccountStates } from '../../config/central-state';
import { StateBackendStack } from '../../stacks/state-backend-stack';
import { AccessRow, Caller, proveRow } from './support/rows';
import { bucketByName, kmsKeyByAlias, objectIn, Target } from './support/targets';
import { PolicyDocument, SynthesizedStack, TEST_ACCOUNT } from './support/terraform-policies';

const DEV = '555555555555';
const PROD = '666666666666';

interface World {
  readonly region: string;
  readonly bucket: Target;
  readonly key: Target;
  readonly aliasArn: string;
  readonly state: (env: string) => Target;
  readonly lockFile: (env: string) => Target;
}

function world(): World {
  const settings = loadStateBackend(
    { env: { STATE_ACCOUNT_ID: TEST_ACCOUNT } },
    { warn: () => undefined, localStateDirectory: '/project' },
  );
  const crossAccount = crossAccountStates(settings.s3, {
    dev: DEV,
    prod: PROD,
    tooling: TEST_ACCOUNT,
  });
  const tf = JSON.parse(
    Testing.synth(new StateBackendStack(Testing.app(), { settings, crossAccount })),
  );
  const stack = new SynthesizedStack('TapStateBackend', tf);
  const bucket = bucketByName(stack, settings.s3.bucket);
  const state = (env: string) => objectIn(bucket, `healthcare/${env}/TapStack${env}.tfstate`);
  return {
    region: stack.region,
    bucket,
    key: kmsKeyByAlias(stack, settings.s3.kmsKeyId),
    aliasArn: `arn:aws:kms:${stack.region}:${TEST_ACCOUNT}:${settings.s3.kmsKeyId}`,
    state,
    lockFile: (env) => ({ ...state(env), arn: `${state(env).arn}.tflock` }),
  };
}

const BROAD: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }],
};
const role = (account: string, name: string) => (): Caller => ({
  principal: `arn:aws:iam::${account}:role/${name}`,
  identityPolicies: [{ name: 'broad', policy: BROAD }],
});
const devPlan = role(DEV, 'healthcare-ci-plan-dev');
const devApply = role(DEV, 'healthcare-ci-apply-dev');
const prodPlan = role(PROD, 'healthcare-ci-plan-prod');
const devOther = role(DEV, 'healthcare-readiness-dev');
const stateAdmin = role(TEST_ACCOUNT, 'administrator');

const TLS = { 'aws:SecureTransport': 'true' };
// Terraform sends kms_key_id as configured: with central state, the key ARN
// (STATE_KMS_KEY_ARN), the only form S3 takes for a key of another account.
const sseWith = (keyId: (w: World) => string) => (w: World) => ({
  ...TLS,
  's3:x-amz-server-side-encryption': 'aws:kms',
  's3:x-amz-server-side-encryption-aws-kms-key-id': keyId(w),
});
const sse = sseWith((w) => w.key.arn);
const viaS3 = (account: string) => (w: World) => ({
  'kms:ViaService': `s3.${w.region}.amazonaws.com`,
  'kms:CallerAccount': account,
});

const SRC = {
  backend: 'https://developer.hashicorp.com/terraform/language/backend/s3',
  crossAccount:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
  kmsCrossAccount:
    'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
  s3Prefix: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html',
  keyArnAcross: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html',
  headObject: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html',
  s3Kms:
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#aws-managed-customer-managed-keys',
};

type Row = AccessRow<World>;

const ALLOWED: Row[] = [
  {
    row: "dev's plan role reads dev's state",
    principal: devPlan,
    action: 's3:GetObject',
    resource: (w) => w.state('dev'),
    context: () => TLS,
    expect: 'allowed',
    source: SRC.backend,
  },
  {
    row: "dev's plan role takes dev's lock file",
    principal: devPlan,
    action: 's3:PutObject',
    resource: (w) => w.lockFile('dev'),
    context: sse,
    expect: 'allowed',
    source: SRC.backend,
  },
  {
    row: "dev's plan role releases dev's lock file",
    principal: devPlan,
    action: 's3:DeleteObject',
    resource: (w) => w.lockFile('dev'),
    context: () => TLS,
    expect: 'allowed',
    source: SRC.backend,
  },
  {
    row: "dev's plan role lists dev's folder",
    principal: devPlan,
    action: 's3:ListBucket',
    resource: (w) => w.bucket,
    context: () => ({ ...TLS, 's3:prefix': 'healthcare/dev/' }),
    expect: 'allowed',
    source: SRC.s3Prefix,
  },
  {
    // HeadObject of a missing key answers 404 only to a caller allowed s3:ListBucket (403
    // otherwise), and Terraform's backend takes only a 404 as "no state yet": the first plan
    // of a new environment needs this. A HeadObject carries no s3:prefix.
    row: "dev's plan role lists the bucket with no prefix (so that a HeadObject of dev's missing first state answers 404, not 403)",
    principal: devPlan,
    action: 's3:ListBucket',
    resource: (w) => w.bucket,
    context: () => TLS,
    expect: 'allowed',
    source: SRC.headObject,
  },
  {
    // The price of the row above, accepted: object NAMES of another folder are listable;
    // their contents are not (the GetObject and PutObject rows of prod below stay denied).
    row: "dev's plan role lists prod's folder: ALLOWED, object names only (ListBucket has no prefix condition, for HeadObject's 404)",
    principal: devPlan,
    action: 's3:ListBucket',
    resource: (w) => w.bucket,
    context: () => ({ ...TLS, 's3:prefix': 'healthcare/prod/' }),
    expect: 'allowed',
    source: SRC.headObject,
  },
  {
    row: "dev's apply role writes dev's state",
    principal: devApply,
    action: 's3:PutObject',
    resource: (w) => w.state('dev'),
    context: sse,
    expect: 'allowed',
    source: SRC.backend,
  },
  {
    row: "S3 uses the state key for dev's plan role",
    principal: devPlan,
    action: 'kms:GenerateDataKey',
    resource: (w) => w.key,
    context: viaS3(DEV),
    expect: 'allowed',
    source: SRC.kmsCrossAccount,
  },
  {
    row: "S3 decrypts the state for dev's apply role",
    principal: devApply,
    action: 'kms:Decrypt',
    resource: (w) => w.key,
    context: viaS3(DEV),
    expect: 'allowed',
    source: SRC.kmsCrossAccount,
  },
  {
    row: "the state account's administrators read prod's state (recovery)",
    principal: stateAdmin,
    action: 's3:GetObject',
    resource: (w) => w.state('prod'),
    context: () => TLS,
    expect: 'allowed',
    source: SRC.crossAccount,
  },
  {
    row: "the state account's administrators release dev's lock file (recovery)",
    principal: stateAdmin,
    action: 's3:DeleteObject',
    resource: (w) => w.lockFile('dev'),
    context: () => TLS,
    expect: 'allowed',
    source: SRC.crossAccount,
  },
];

const DENIED: Row[] = [
  {
    row: "dev's plan role cannot write dev's state",
    principal: devPlan,
    action: 's3:PutObject',
    resource: (w) => w.state('dev'),
    context: sse,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: "dev's plan role cannot read prod's state",
    principal: devPlan,
    action: 's3:GetObject',
    resource: (w) => w.state('prod'),
    context: () => TLS,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: "dev's plan role cannot lock prod's state",
    principal: devPlan,
    action: 's3:PutObject',
    resource: (w) => w.lockFile('prod'),
    context: sse,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: "dev's apply role cannot take prod's lock file",
    principal: devApply,
    action: 's3:PutObject',
    resource: (w) => w.lockFile('prod'),
    context: sse,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: "another role of dev's account cannot list the bucket (the list grant names the CI roles)",
    principal: devOther,
    action: 's3:ListBucket',
    resource: (w) => w.bucket,
    context: () => TLS,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: "dev's apply role cannot write prod's state",
    principal: devApply,
    action: 's3:PutObject',
    resource: (w) => w.state('prod'),
    context: sse,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: "dev's apply role cannot read prod's state",
    principal: devApply,
    action: 's3:GetObject',
    resource: (w) => w.state('prod'),
    context: () => TLS,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: "prod's plan role cannot read dev's state",
    principal: prodPlan,
    action: 's3:GetObject',
    resource: (w) => w.state('dev'),
    context: () => TLS,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: "another role of dev's account cannot read dev's state",
    principal: devOther,
    action: 's3:GetObject',
    resource: (w) => w.state('dev'),
    context: () => TLS,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: "another role of dev's account cannot use the state key",
    principal: devOther,
    action: 'kms:Decrypt',
    resource: (w) => w.key,
    context: viaS3(DEV),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.kmsCrossAccount,
  },
  {
    row: "dev's apply role cannot kms:Encrypt with the state key through S3 (S3 calls GenerateDataKey and Decrypt only)",
    principal: devApply,
    action: 'kms:Encrypt',
    resource: (w) => w.key,
    context: viaS3(DEV),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.s3Kms,
  },
  {
    row: "dev's plan role cannot kms:DescribeKey the state key through S3",
    principal: devPlan,
    action: 'kms:DescribeKey',
    resource: (w) => w.key,
    context: viaS3(DEV),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.s3Kms,
  },
  {
    row: "dev's plan role cannot use the state key directly (not through S3)",
    principal: devPlan,
    action: 'kms:Decrypt',
    resource: (w) => w.key,
    context: () => ({ 'kms:CallerAccount': DEV }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.kmsCrossAccount,
  },
  {
    row: "dev's apply role cannot write dev's state naming the key by its alias ARN (S3 resolves it in the caller's account)",
    principal: devApply,
    action: 's3:PutObject',
    resource: (w) => w.state('dev'),
    context: sseWith((w) => w.aliasArn),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.keyArnAcross,
  },
  {
    row: "dev's apply role cannot write dev's state naming the key by its alias name (a key of dev's account)",
    principal: devApply,
    action: 's3:PutObject',
    resource: (w) => w.state('dev'),
    context: sseWith(() => 'alias/healthcare-platform-tfstate'),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.keyArnAcross,
  },
  {
    row: "dev's plan role cannot take dev's lock file naming the key by its alias ARN",
    principal: devPlan,
    action: 's3:PutObject',
    resource: (w) => w.lockFile('dev'),
    context: sseWith((w) => w.aliasArn),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.keyArnAcross,
  },
  {
    row: "dev's apply role cannot write without TLS",
    principal: devApply,
    action: 's3:PutObject',
    resource: (w) => w.state('dev'),
    context: (w) => ({ ...sse(w), 'aws:SecureTransport': 'false' }),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.backend,
  },
];

describe('access proofs, central state in its own account', () => {
  const w = world();
  it.each(ALLOWED.map((r) => [r.row, r]))('allowed: %s', async (_name, r) => {
    await proveRow(r as Row, w);
  });
  it.each(DENIED.map((r) => [r.row, r]))('denied: %s', async (_name, r) => {
    await proveRow(r as Row, w);
  });
});
