/**
 * Access proofs for the CI roles of TapAccountBaseline (constructs/ci-access/): who may
 * assume them, with tokens as GitHub issues them, and what each may do, evaluated by
 * @cloud-copilot/iam-simulate. See docs/access-proofs.md.
 *
 * The token claims (`token.actions.githubusercontent.com:sub` and `:aud`) are keys of the
 * OIDC provider, which the simulator does not know: it reports them under
 * ignoredContextKeys. Every trust row asserts it ignored exactly those two, and the
 * conditions on them are decided visibly in support/simulate.ts (resolveConditions), as the
 * encryption context is.
 *
 * Two worlds: single-account mode (the defaults: the state bucket, its key and the lock table
 * in this account, with TapStateBackend's real bucket and key policies), and a state account
 * (STATE_ACCOUNT_ID), where the state account's bucket and key policies (the integrator's) are
 * modelled as admitting the role to everything, so that each row tests the identity side.
 */
import { Testing } from 'cdktf';
import { resolveStateBackend, StateBackendSettings, loadStateBackend } from '../../config/backend';
import { BaselineConfig, loadBaselineConfig } from '../../config/baseline';
import { ciRoleNames, ciStateObjects, CiStateObjects } from '../../config/ci-access';
import { loadConfig } from '../../config/config';
import { AccountBaselineStack } from '../../stacks/account-baseline-stack';
import { PlatformStack } from '../../stacks/platform-stack';
import { StateBackendStack } from '../../stacks/state-backend-stack';
import { AccessRow, Caller, proveRow, requestFor } from './support/rows';
import { ignoredByTheSimulator } from './support/simulate';
import {
  allRoles,
  bucketByName,
  dynamodbTableByName,
  kmsKeyByAlias,
  objectIn,
  roleByName,
  RoleTarget,
  Target,
} from './support/targets';
import {
  OTHER_ACCOUNT,
  PolicyDocument,
  SynthesizedStack,
  TEST_ACCOUNT,
} from './support/terraform-policies';

const REPOSITORY = 'octo-org/healthcare-platform';
const CI_SETTINGS = {
  BASELINE_CI_REPOSITORY: REPOSITORY,
  BASELINE_CI_ENVIRONMENTS: 'dev,prod=production',
};
const STATE_ACCOUNT = '999988887777';
const STATE_KEY_ARN = `arn:aws:kms:eu-west-1:${STATE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const ENVIRONMENTS = ['dev', 'prod'] as const;
type Env = (typeof ENVIRONMENTS)[number];
const other = (env: Env): Env => (env === 'dev' ? 'prod' : 'dev');

interface StateTargets {
  readonly bucket: Target;
  readonly key: Target;
  readonly keyAliases: string[];
  readonly table?: Target;
  readonly objects: Record<Env, CiStateObjects & { state: Target; lockFile: Target }>;
}

interface CiWorld {
  readonly baseline: SynthesizedStack;
  readonly config: BaselineConfig;
  readonly provider: string;
  readonly roles: Record<Env, { plan: RoleTarget; apply: RoleTarget }>;
  readonly state: StateTargets;
  /** The roles of TapStackdev: what the plan role must be able to read. */
  readonly platformRoles: RoleTarget[];
  readonly region: string;
}

function synthBaseline(env: Record<string, string>, stateBackend: StateBackendSettings) {
  const config = loadBaselineConfig({ env });
  const tf = JSON.parse(
    Testing.synth(new AccountBaselineStack(Testing.app(), { config, stateBackend })),
  );
  const baseline = new SynthesizedStack(config.stackId, tf);
  const roles = Object.fromEntries(
    ENVIRONMENTS.map((e) => {
      const names = ciRoleNames(e);
      return [
        e,
        { plan: roleByName(baseline, names.plan), apply: roleByName(baseline, names.apply) },
      ];
    }),
  ) as CiWorld['roles'];
  const [providerName] = baseline.resources('aws_iam_openid_connect_provider')[0];
  const provider = baseline.resolve(
    `\${aws_iam_openid_connect_provider.${providerName}.arn}`,
    'the OIDC provider',
  );
  return { config, baseline, roles, provider };
}

function objectsOf(settings: StateBackendSettings, bucket: Target): StateTargets['objects'] {
  return Object.fromEntries(
    ENVIRONMENTS.map((e) => {
      const objects = ciStateObjects(settings.s3, e);
      return [
        e,
        {
          ...objects,
          state: objectIn(bucket, objects.stateKey),
          lockFile: objectIn(bucket, objects.lockFileKey),
        },
      ];
    }),
  ) as StateTargets['objects'];
}

/** Single-account mode: the defaults, with TapStateBackend's own bucket and key policies. */
function singleAccountWorld(): CiWorld {
  const stateBackend = loadStateBackend({ env: {} }, { warn: () => undefined });
  const { config, baseline, roles, provider } = synthBaseline(CI_SETTINGS, stateBackend);
  const stateStack = new SynthesizedStack(
    'TapStateBackend',
    JSON.parse(Testing.synth(new StateBackendStack(Testing.app(), { settings: stateBackend }))),
  );
  const s3 = stateBackend.s3;
  const bucket = bucketByName(stateStack, s3.bucket);
  const platform = new SynthesizedStack(
    'TapStackdev',
    JSON.parse(
      Testing.synth(
        new PlatformStack(Testing.app(), {
          config: loadConfig({ env: { ENVIRONMENT_SUFFIX: 'dev' } }),
          stateBackend,
        }),
      ),
    ),
  );
  const { roles: platformRoles, unreadable } = allRoles(platform);
  if (unreadable.length > 0) throw new Error(`unreadable roles: ${JSON.stringify(unreadable)}`);
  return {
    baseline,
    config,
    provider,
    roles,
    platformRoles,
    region: config.region,
    state: {
      bucket,
      key: kmsKeyByAlias(stateStack, s3.kmsKeyId),
      keyAliases: [s3.kmsKeyId],
      table: dynamodbTableByName(stateStack, s3.dynamodbTable!),
      objects: objectsOf(stateBackend, bucket),
    },
  };
}

/** The integrator's side of the state account, modelled as admitting the role to everything. */
const admitsEverything = (arn: string): Target => ({
  arn,
  account: STATE_ACCOUNT,
  policy: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }],
  },
});

/** A state account: STATE_ACCOUNT_ID, the key by its ARN there, the S3 lock file alone. */
function stateAccountWorld(): CiWorld {
  const document = JSON.parse(
    JSON.stringify({
      terraform: {
        backend: {
          s3: {
            bucket: 'healthcare-platform-tfstate',
            key: 'healthcare/{environment}/{stack}.tfstate',
            region: 'eu-west-1',
            encrypt: true,
            kms_key_id: STATE_KEY_ARN,
            use_lockfile: true,
          },
        },
      },
    }),
  );
  const stateBackend = resolveStateBackend(
    document,
    { STATE_ACCOUNT_ID: STATE_ACCOUNT },
    { warn: () => undefined },
  );
  const { config, baseline, roles, provider } = synthBaseline(CI_SETTINGS, stateBackend);
  const bucket = admitsEverything(`arn:aws:s3:::${stateBackend.s3.bucket}`);
  return {
    baseline,
    config,
    provider,
    roles,
    platformRoles: [],
    region: config.region,
    state: {
      bucket,
      key: admitsEverything(STATE_KEY_ARN),
      keyAliases: ['alias/healthcare-platform-tfstate'],
      objects: objectsOf(stateBackend, bucket),
    },
  };
}

// --- callers -------------------------------------------------------------------------

type Kind = 'plan' | 'apply';
const ci =
  (env: Env, kind: Kind) =>
  (w: CiWorld): Caller => ({
    principal: w.roles[env][kind].arn,
    identityPolicies: w.roles[env][kind].permissions,
  });
/** A GitHub Actions job presenting its token: the request is made by the provider. */
const github = (w: CiWorld): Caller => ({ principal: w.provider });
const ALL_ACTIONS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};
const administrator = (): Caller => ({
  principal: `arn:aws:iam::${TEST_ACCOUNT}:role/administrator`,
  identityPolicies: [{ name: 'admin', policy: ALL_ACTIONS }],
});

// --- tokens and context --------------------------------------------------------------

const token =
  (sub: string, aud = 'sts.amazonaws.com') =>
  () => ({
    'token.actions.githubusercontent.com:sub': sub,
    'token.actions.githubusercontent.com:aud': aud,
  });
const PULL_REQUEST = `repo:${REPOSITORY}:pull_request`;
const MAIN = `repo:${REPOSITORY}:ref:refs/heads/main`;
const ENVIRONMENT = (name: string) => `repo:${REPOSITORY}:environment:${name}`;
const GITHUB_ENVIRONMENT: Record<Env, string> = { dev: 'dev', prod: 'production' };

const TLS = { 'aws:SecureTransport': 'true' };
const sseWith = (keyArn: string) => ({
  ...TLS,
  's3:x-amz-server-side-encryption': 'aws:kms',
  's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn,
});
const viaS3 =
  (account = TEST_ACCOUNT) =>
  (w: CiWorld) => ({
    'kms:ViaService': `s3.${w.region}.amazonaws.com`,
    'kms:CallerAccount': account,
    'kms:ResourceAliases': w.state.keyAliases,
  });
const leadingKeys = (ids: string[]) => ({ 'dynamodb:LeadingKeys': ids });

// --- resources -----------------------------------------------------------------------

const trustOf = (env: Env, kind: Kind) => (w: CiWorld) => w.roles[env][kind];
const arnIn =
  (service: string, resource: string, account = TEST_ACCOUNT) =>
  (w: CiWorld) => ({
    arn: `arn:aws:${service}:${w.region}:${account}:${resource}`,
    account,
  });
const iamArn = (resource: string) => (): Target => ({
  arn: `arn:aws:iam::${TEST_ACCOUNT}:${resource}`,
  account: TEST_ACCOUNT,
});
/** A key whose policy only delegates to IAM (the default key policy). */
const keyDelegatingToIam =
  (id: string) =>
  (w: CiWorld): Target => ({
    arn: `arn:aws:kms:${w.region}:${TEST_ACCOUNT}:key/${id}`,
    account: TEST_ACCOUNT,
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    },
  });
const LOG_STREAM = (env: Env) =>
  `log-group:/aws/lambda/healthcare-readiness-${env}:log-stream:2026/01/01/[$LATEST]0a1b2c3d`;
const DATA_KEY_ID = '0a1b2c3d-0000-4000-8000-00000000da7a';
const AUDIT_KEY_ID = '0a1b2c3d-0000-4000-8000-0000000a0d17';

const SRC = {
  oidc: 'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
  claims:
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims',
  roleTrust:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
  backend: 'https://developer.hashicorp.com/terraform/language/backend/s3',
  s3Kms: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
  dynamodbKms: 'https://docs.aws.amazon.com/kms/latest/developerguide/services-dynamodb.html',
  leadingKeys:
    'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html',
  resourceAliases:
    'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-resource-aliases',
  evaluation:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
  explicitDeny:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html',
  actions: 'https://docs.aws.amazon.com/service-authorization/latest/reference/reference.html',
  headObject: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html',
};

type Row = AccessRow<CiWorld>;

// --- trust: who may assume each role ---------------------------------------------------

function trustRows(env: Env): { allowed: Row[]; denied: Row[] } {
  const assume = (
    row: string,
    kind: Kind,
    sub: string,
    expect: 'allowed' | 'denied',
    aud?: string,
  ): Row => ({
    row: `${row} (${ciRoleNames(env)[kind]})`,
    principal: github,
    action: 'sts:AssumeRoleWithWebIdentity',
    resource: trustOf(env, kind),
    context: token(sub, aud),
    expect,
    ...(expect === 'denied' ? { because: 'no matching allow' as const } : {}),
    source: expect === 'allowed' ? SRC.oidc : SRC.claims,
  });
  const own = ENVIRONMENT(GITHUB_ENVIRONMENT[env]);
  const theOther = ENVIRONMENT(GITHUB_ENVIRONMENT[other(env)]);
  return {
    allowed: [
      assume(
        "A pull request's token of the repository assumes the plan role",
        'plan',
        PULL_REQUEST,
        'allowed',
      ),
      assume("The main branch's token assumes the plan role", 'plan', MAIN, 'allowed'),
      assume(
        "A job of the environment's GitHub environment assumes the apply role",
        'apply',
        own,
        'allowed',
      ),
    ],
    denied: [
      assume(
        'Another repository cannot assume the plan role',
        'plan',
        'repo:other-org/other-repo:pull_request',
        'denied',
      ),
      assume(
        'A fork-shaped subject cannot assume the plan role',
        'plan',
        'repo:fork-owner/healthcare-platform:pull_request',
        'denied',
      ),
      assume(
        'Another branch cannot assume the plan role',
        'plan',
        `repo:${REPOSITORY}:ref:refs/heads/feature`,
        'denied',
      ),
      assume(
        'A tag cannot assume the plan role',
        'plan',
        `repo:${REPOSITORY}:ref:refs/tags/v1.0.0`,
        'denied',
      ),
      assume('An environment subject cannot assume the plan role', 'plan', own, 'denied'),
      assume(
        'A pull request token for another audience cannot assume the plan role',
        'plan',
        PULL_REQUEST,
        'denied',
        'https://github.com/octo-org',
      ),
      assume('A pull request token cannot assume the apply role', 'apply', PULL_REQUEST, 'denied'),
      assume("The main branch's token cannot assume the apply role", 'apply', MAIN, 'denied'),
      assume(
        "Another environment's GitHub environment cannot assume the apply role",
        'apply',
        theOther,
        'denied',
      ),
      assume(
        "A fork's job in a same-named GitHub environment cannot assume the apply role",
        'apply',
        `repo:fork-owner/healthcare-platform:environment:${GITHUB_ENVIRONMENT[env]}`,
        'denied',
      ),
      assume(
        'An environment token for another audience cannot assume the apply role',
        'apply',
        own,
        'denied',
        'https://github.com/octo-org',
      ),
      {
        row: `The OIDC provider of another account cannot be the principal (${ciRoleNames(env).plan})`,
        principal: () => ({
          principal: `arn:aws:iam::${OTHER_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
        }),
        action: 'sts:AssumeRoleWithWebIdentity',
        resource: trustOf(env, 'plan'),
        context: token(PULL_REQUEST),
        expect: 'denied',
        because: 'no matching allow',
        source: SRC.roleTrust,
      },
      ...(['plan', 'apply'] as const).map((kind): Row => ({
        row: `An administrator of this account cannot sts:AssumeRole ${ciRoleNames(env)[kind]} (only GitHub tokens)`,
        principal: administrator,
        action: 'sts:AssumeRole',
        resource: trustOf(env, kind),
        expect: 'denied',
        because: 'no matching allow',
        source: SRC.evaluation,
      })),
    ],
  };
}

// --- the plan role: reads configuration and its state, changes nothing ----------------

function planRows(env: Env): { allowed: Row[]; denied: Row[] } {
  const plan = ci(env, 'plan');
  const mine = (w: CiWorld) => w.state.objects[env];
  const theirs = (w: CiWorld) => w.state.objects[other(env)];
  const denied = (
    row: string,
    action: string,
    resource: Row['resource'],
    context?: Row['context'],
  ): Row => ({
    row: `The plan role of ${env} ${row}`,
    principal: plan,
    action,
    resource,
    ...(context ? { context } : {}),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.evaluation,
  });
  const allowed = (
    row: string,
    action: string,
    resource: Row['resource'],
    source: string,
    context?: Row['context'],
  ): Row => ({
    row: `The plan role of ${env} ${row}`,
    principal: plan,
    action,
    resource,
    ...(context ? { context } : {}),
    expect: 'allowed',
    source,
  });
  return {
    allowed: [
      allowed(
        'reads its state',
        's3:GetObject',
        (w) => mine(w).state,
        SRC.backend,
        () => TLS,
      ),
      allowed(
        'reads the lock file',
        's3:GetObject',
        (w) => mine(w).lockFile,
        SRC.backend,
        () => TLS,
      ),
      allowed(
        'writes the lock file, encrypted with the state key',
        's3:PutObject',
        (w) => mine(w).lockFile,
        SRC.backend,
        (w) => sseWith(w.state.key.arn),
      ),
      allowed(
        'deletes the lock file',
        's3:DeleteObject',
        (w) => mine(w).lockFile,
        SRC.backend,
        () => TLS,
      ),
      allowed(
        'lists its state key in the bucket',
        's3:ListBucket',
        (w) => w.state.bucket,
        SRC.backend,
        (w) => ({
          ...TLS,
          's3:prefix': mine(w).stateKey,
        }),
      ),
      allowed(
        'lists the bucket with no prefix (so that a HeadObject of its missing first state answers 404, not 403)',
        's3:ListBucket',
        (w) => w.state.bucket,
        SRC.headObject,
        () => TLS,
      ),
      allowed(
        `lists ${other(env)}'s state key: ALLOWED, object names only (ListBucket has no prefix condition, for HeadObject's 404)`,
        's3:ListBucket',
        (w) => w.state.bucket,
        SRC.headObject,
        (w) => ({
          ...TLS,
          's3:prefix': theirs(w).stateKey,
        }),
      ),
      allowed(
        'decrypts the state through S3',
        'kms:Decrypt',
        (w) => w.state.key,
        SRC.s3Kms,
        viaS3(),
      ),
      allowed(
        'encrypts the lock file through S3',
        'kms:GenerateDataKey',
        (w) => w.state.key,
        SRC.s3Kms,
        viaS3(),
      ),
      allowed(
        'takes the DynamoDB lock item',
        'dynamodb:PutItem',
        (w) => w.state.table!,
        SRC.backend,
        (w) => leadingKeys([mine(w).lockId]),
      ),
      allowed(
        'releases the DynamoDB lock item',
        'dynamodb:DeleteItem',
        (w) => w.state.table!,
        SRC.backend,
        (w) => leadingKeys([mine(w).lockId]),
      ),
      allowed(
        "reads the state's digest item",
        'dynamodb:GetItem',
        (w) => w.state.table!,
        SRC.backend,
        (w) => leadingKeys([mine(w).digestId]),
      ),
      allowed(
        'decrypts the lock table through DynamoDB',
        'kms:Decrypt',
        (w) => w.state.key,
        SRC.dynamodbKms,
        (w) => ({
          'kms:ViaService': `dynamodb.${w.region}.amazonaws.com`,
          'kms:CallerAccount': TEST_ACCOUNT,
          'kms:ResourceAliases': w.state.keyAliases,
        }),
      ),
      allowed(
        'describes the VPCs (refresh)',
        'ec2:DescribeVpcs',
        () => ({ arn: '*', account: TEST_ACCOUNT }),
        SRC.actions,
      ),
      allowed(
        'lists the rules of its security groups (npm run drift: rules outside Terraform)',
        'ec2:DescribeSecurityGroupRules',
        () => ({ arn: '*', account: TEST_ACCOUNT }),
        SRC.actions,
      ),
      allowed(
        'describes the database (refresh)',
        'rds:DescribeDBInstances',
        arnIn('rds', `db:healthcare-db-${env}`),
        SRC.actions,
      ),
      allowed(
        'reads the API configuration (refresh)',
        'apigateway:GET',
        (w) => ({
          arn: `arn:aws:apigateway:${w.region}::/restapis/a1b2c3d4e5/stages/v1`,
          account: TEST_ACCOUNT,
        }),
        SRC.actions,
      ),
    ],
    denied: [
      denied(
        'cannot open ingress in a security group',
        'ec2:AuthorizeSecurityGroupIngress',
        arnIn('ec2', 'security-group/sg-0123456789abcdef0'),
      ),
      denied(
        'cannot modify the database',
        'rds:ModifyDBInstance',
        arnIn('rds', `db:healthcare-db-${env}`),
      ),
      denied(
        'cannot update function code',
        'lambda:UpdateFunctionCode',
        arnIn('lambda', `function:healthcare-readiness-${env}`),
      ),
      denied(
        'cannot change a role policy',
        'iam:PutRolePolicy',
        iamArn(`role/healthcare-readiness-${env}`),
      ),
      denied(
        'cannot write its state',
        's3:PutObject',
        (w) => mine(w).state,
        (w) => sseWith(w.state.key.arn),
      ),
      denied(
        'cannot delete its state',
        's3:DeleteObject',
        (w) => mine(w).state,
        () => TLS,
      ),
      denied(
        `cannot read ${other(env)}'s state`,
        's3:GetObject',
        (w) => theirs(w).state,
        () => TLS,
      ),
      denied(
        `cannot take ${other(env)}'s lock file`,
        's3:PutObject',
        (w) => theirs(w).lockFile,
        (w) => sseWith(w.state.key.arn),
      ),
      denied(
        `cannot take ${other(env)}'s DynamoDB lock`,
        'dynamodb:PutItem',
        (w) => w.state.table!,
        (w) => leadingKeys([theirs(w).lockId]),
      ),
      denied(
        "cannot write the state's digest item (only an apply writes state)",
        'dynamodb:PutItem',
        (w) => w.state.table!,
        (w) => leadingKeys([mine(w).digestId]),
      ),
      denied(
        'cannot read a secret',
        'secretsmanager:GetSecretValue',
        arnIn('secretsmanager', 'secret:rds!db-0a1b2c3d-AbCdEf'),
      ),
      ...['logs:FilterLogEvents', 'logs:StartQuery', 'logs:Unmask'].map((action) =>
        denied(
          `cannot ${action} the application's logs`,
          action,
          arnIn('logs', `log-group:/aws/lambda/healthcare-readiness-${env}`),
        ),
      ),
      denied(
        'cannot logs:GetLogEvents of a log stream',
        'logs:GetLogEvents',
        arnIn('logs', LOG_STREAM(env)),
      ),
      denied(
        'cannot receive queue messages',
        'sqs:ReceiveMessage',
        arnIn('sqs', `healthcare-readiness-${env}-dlq`),
      ),
      denied(
        'cannot connect to the database',
        'rds-db:connect',
        arnIn('rds-db', 'dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXYZ/readiness'),
      ),
      denied(
        'cannot connect to the cache',
        'elasticache:Connect',
        arnIn('elasticache', `replicationgroup:healthcare-redis-${env}`),
      ),
      denied(
        'cannot decrypt with the data key through S3',
        'kms:Decrypt',
        keyDelegatingToIam(DATA_KEY_ID),
        (w) => ({
          'kms:ViaService': `s3.${w.region}.amazonaws.com`,
          'kms:CallerAccount': TEST_ACCOUNT,
          'kms:ResourceAliases': [`alias/healthcare-data-${env}`],
        }),
      ),
      denied(
        'cannot decrypt with the data key through Secrets Manager',
        'kms:Decrypt',
        keyDelegatingToIam(DATA_KEY_ID),
        (w) => ({
          'kms:ViaService': `secretsmanager.${w.region}.amazonaws.com`,
          'kms:CallerAccount': TEST_ACCOUNT,
          'kms:ResourceAliases': [`alias/healthcare-data-${env}`],
        }),
      ),
    ],
  };
}

// --- the apply role: applies the stack, writes its own state, keeps off the baseline -----

function applyRows(env: Env): { allowed: Row[]; denied: Row[] } {
  const apply = ci(env, 'apply');
  const mine = (w: CiWorld) => w.state.objects[env];
  const theirs = (w: CiWorld) => w.state.objects[other(env)];
  const row = (
    text: string,
    action: string,
    resource: Row['resource'],
    expect: 'allowed' | 'explicit deny' | 'no matching allow',
    context?: Row['context'],
  ): Row => ({
    row: `The apply role of ${env} ${text}`,
    principal: apply,
    action,
    resource,
    ...(context ? { context } : {}),
    expect: expect === 'allowed' ? 'allowed' : 'denied',
    ...(expect !== 'allowed' ? { because: expect } : {}),
    source:
      expect === 'allowed'
        ? SRC.backend
        : expect === 'explicit deny'
          ? SRC.explicitDeny
          : SRC.evaluation,
  });
  const auditKey = (w: CiWorld) => ({
    ...keyDelegatingToIam(AUDIT_KEY_ID)(w),
  });
  const aliases = (list: string[]) => () => ({ 'kms:ResourceAliases': list });
  return {
    allowed: [
      row(
        'writes its state, encrypted with the state key',
        's3:PutObject',
        (w) => mine(w).state,
        'allowed',
        (w) => sseWith(w.state.key.arn),
      ),
      row(
        'reads its state',
        's3:GetObject',
        (w) => mine(w).state,
        'allowed',
        () => TLS,
      ),
      row(
        'deletes its lock file',
        's3:DeleteObject',
        (w) => mine(w).lockFile,
        'allowed',
        () => TLS,
      ),
      row(
        'encrypts the state through S3',
        'kms:GenerateDataKey',
        (w) => w.state.key,
        'allowed',
        viaS3(),
      ),
      row(
        "records the state's digest item",
        'dynamodb:PutItem',
        (w) => w.state.table!,
        'allowed',
        (w) => leadingKeys([mine(w).digestId]),
      ),
      row(
        'opens ingress in a security group',
        'ec2:AuthorizeSecurityGroupIngress',
        arnIn('ec2', 'security-group/sg-0123456789abcdef0'),
        'allowed',
      ),
      row(
        'modifies the database',
        'rds:ModifyDBInstance',
        arnIn('rds', `db:healthcare-db-${env}`),
        'allowed',
      ),
      row(
        'updates function code',
        'lambda:UpdateFunctionCode',
        arnIn('lambda', `function:healthcare-readiness-${env}`),
        'allowed',
      ),
      row(
        'invokes the db-setup function (aws_lambda_invocation)',
        'lambda:InvokeFunction',
        arnIn('lambda', `function:healthcare-db-setup-${env}`),
        'allowed',
      ),
      row(
        "changes a platform role's policy",
        'iam:PutRolePolicy',
        iamArn(`role/healthcare-readiness-${env}`),
        'allowed',
      ),
      row(
        'schedules the deletion of a platform key',
        'kms:ScheduleKeyDeletion',
        keyDelegatingToIam(DATA_KEY_ID),
        'allowed',
        aliases([`alias/healthcare-data-${env}`]),
      ),
    ],
    denied: [
      row(
        `cannot read ${other(env)}'s state`,
        's3:GetObject',
        (w) => theirs(w).state,
        'no matching allow',
        () => TLS,
      ),
      row(
        `cannot write ${other(env)}'s state`,
        's3:PutObject',
        (w) => theirs(w).state,
        'no matching allow',
        (w) => sseWith(w.state.key.arn),
      ),
      row(
        'cannot delete its state',
        's3:DeleteObject',
        (w) => mine(w).state,
        'no matching allow',
        () => TLS,
      ),
      row(
        'cannot delete a version of its state',
        's3:DeleteObjectVersion',
        (w) => mine(w).state,
        'no matching allow',
        () => TLS,
      ),
      row(
        `cannot take ${other(env)}'s DynamoDB lock`,
        'dynamodb:PutItem',
        (w) => w.state.table!,
        'no matching allow',
        (w) => leadingKeys([theirs(w).lockId]),
      ),
      row(
        'cannot read an object of the audit archive',
        's3:GetObject',
        () => ({
          arn: `arn:aws:s3:::healthcare-audit-${TEST_ACCOUNT}-eu-west-1/AWSLogs/x.json.gz`,
          account: TEST_ACCOUNT,
        }),
        'no matching allow',
      ),
      row(
        'cannot read a secret',
        'secretsmanager:GetSecretValue',
        arnIn('secretsmanager', 'secret:rds!db-0a1b2c3d-AbCdEf'),
        'no matching allow',
      ),
      row(
        'cannot unmask the logs',
        'logs:Unmask',
        arnIn('logs', `log-group:/aws/lambda/healthcare-readiness-${env}`),
        'no matching allow',
      ),
      row(
        'cannot read log events',
        'logs:GetLogEvents',
        arnIn('logs', LOG_STREAM(env)),
        'no matching allow',
      ),
      row(
        'cannot receive queue messages',
        'sqs:ReceiveMessage',
        arnIn('sqs', `healthcare-readiness-${env}-dlq`),
        'no matching allow',
      ),
      row(
        'cannot create an IAM user',
        'iam:CreateUser',
        iamArn('user/ci-backdoor'),
        'explicit deny',
      ),
      row(
        'cannot create an access key',
        'iam:CreateAccessKey',
        iamArn('user/someone'),
        'explicit deny',
      ),
      row(
        "cannot change the plan role's trust",
        'iam:UpdateAssumeRolePolicy',
        iamArn(`role/${ciRoleNames(env).plan}`),
        'explicit deny',
      ),
      row(
        'cannot widen its own permissions',
        'iam:PutRolePolicy',
        iamArn(`role/${ciRoleNames(env).apply}`),
        'explicit deny',
      ),
      row(
        `cannot change ${other(env)}'s apply role`,
        'iam:AttachRolePolicy',
        iamArn(`role/${ciRoleNames(other(env)).apply}`),
        'explicit deny',
      ),
      row(
        'cannot assume the plan role',
        'sts:AssumeRole',
        iamArn(`role/${ciRoleNames(env).plan}`),
        'explicit deny',
      ),
      row(
        "cannot change the OIDC provider's thumbprints",
        'iam:UpdateOpenIDConnectProviderThumbprint',
        iamArn('oidc-provider/token.actions.githubusercontent.com'),
        'explicit deny',
      ),
      row(
        'cannot delete the OIDC provider',
        'iam:DeleteOpenIDConnectProvider',
        iamArn('oidc-provider/token.actions.githubusercontent.com'),
        'explicit deny',
      ),
      row(
        'cannot add an identity provider',
        'iam:CreateOpenIDConnectProvider',
        iamArn('oidc-provider/example.com'),
        'explicit deny',
      ),
      row(
        'cannot leave the organization',
        'organizations:LeaveOrganization',
        () => ({ arn: '*', account: TEST_ACCOUNT }),
        'explicit deny',
      ),
      row(
        'cannot stop the audit trail',
        'cloudtrail:StopLogging',
        arnIn('cloudtrail', 'trail/healthcare-account-trail'),
        'explicit deny',
      ),
      row(
        'cannot delete the audit trail',
        'cloudtrail:DeleteTrail',
        arnIn('cloudtrail', 'trail/healthcare-account-trail'),
        'explicit deny',
      ),
      row(
        "cannot delete the trail's log group",
        'logs:DeleteLogGroup',
        arnIn('logs', 'log-group:/healthcare/account/cloudtrail'),
        'explicit deny',
      ),
      row(
        'cannot delete a trail alarm',
        'cloudwatch:DeleteAlarms',
        arnIn('cloudwatch', 'alarm:healthcare-account-root-usage'),
        'explicit deny',
      ),
      row(
        'cannot delete the backup vault',
        'backup:DeleteBackupVault',
        arnIn('backup', 'backup-vault:healthcare-backup'),
        'explicit deny',
      ),
      row(
        'cannot delete a recovery point',
        'backup:DeleteRecoveryPoint',
        arnIn('backup', 'recovery-point:0a1b2c3d'),
        'explicit deny',
      ),
      row(
        'cannot remove the vault lock',
        'backup:DeleteBackupVaultLockConfiguration',
        arnIn('backup', 'backup-vault:healthcare-backup'),
        'explicit deny',
      ),
      row(
        'cannot stop AWS Config',
        'config:StopConfigurationRecorder',
        arnIn('config', 'configuration-recorder/healthcare-account/x'),
        'explicit deny',
      ),
      row(
        'cannot delete GuardDuty',
        'guardduty:DeleteDetector',
        arnIn('guardduty', 'detector/12abc34d567e8fa901bc2d34e56789f0'),
        'explicit deny',
      ),
      row(
        'cannot schedule the deletion of the audit key',
        'kms:ScheduleKeyDeletion',
        auditKey,
        'explicit deny',
        aliases(['alias/healthcare-audit']),
      ),
      row(
        'cannot change the backup key policy',
        'kms:PutKeyPolicy',
        keyDelegatingToIam(AUDIT_KEY_ID),
        'explicit deny',
        aliases(['alias/healthcare-backup']),
      ),
      row(
        'cannot delete the audit key alias',
        'kms:DeleteAlias',
        arnIn('kms', 'alias/healthcare-audit'),
        'explicit deny',
      ),
    ],
  };
}

// --- a state account ------------------------------------------------------------------

function stateAccountRows(env: Env): { allowed: Row[]; denied: Row[] } {
  const mine = (w: CiWorld) => w.state.objects[env];
  const theirs = (w: CiWorld) => w.state.objects[other(env)];
  const make = (
    kind: Kind,
    text: string,
    action: string,
    resource: Row['resource'],
    expect: 'allowed' | 'denied',
    context?: Row['context'],
  ): Row => ({
    row: `With the state in account ${STATE_ACCOUNT}, the ${kind} role of ${env} ${text}`,
    principal: ci(env, kind),
    action,
    resource,
    ...(context ? { context } : {}),
    expect,
    ...(expect === 'denied' ? { because: 'no matching allow' as const } : {}),
    source: SRC.backend,
  });
  const viaS3There = viaS3(TEST_ACCOUNT);
  return {
    allowed: [
      make(
        'plan',
        'reads its state',
        's3:GetObject',
        (w) => mine(w).state,
        'allowed',
        () => TLS,
      ),
      make(
        'plan',
        'lists the bucket with no prefix (HeadObject of a missing state answers 404 only then)',
        's3:ListBucket',
        (w) => w.state.bucket,
        'allowed',
        () => TLS,
      ),
      make(
        'plan',
        'writes the lock file',
        's3:PutObject',
        (w) => mine(w).lockFile,
        'allowed',
        () => sseWith(STATE_KEY_ARN),
      ),
      make(
        'plan',
        'decrypts the state through S3 with the key named by its ARN',
        'kms:Decrypt',
        (w) => w.state.key,
        'allowed',
        viaS3There,
      ),
      make(
        'apply',
        'writes its state',
        's3:PutObject',
        (w) => mine(w).state,
        'allowed',
        () => sseWith(STATE_KEY_ARN),
      ),
      make(
        'apply',
        'encrypts its state through S3',
        'kms:GenerateDataKey',
        (w) => w.state.key,
        'allowed',
        viaS3There,
      ),
    ],
    denied: [
      make(
        'plan',
        `cannot read ${other(env)}'s state`,
        's3:GetObject',
        (w) => theirs(w).state,
        'denied',
        () => TLS,
      ),
      make(
        'apply',
        `cannot write ${other(env)}'s state`,
        's3:PutObject',
        (w) => theirs(w).state,
        'denied',
        () => sseWith(STATE_KEY_ARN),
      ),
      make(
        'plan',
        'cannot write its state',
        's3:PutObject',
        (w) => mine(w).state,
        'denied',
        () => sseWith(STATE_KEY_ARN),
      ),
      make(
        'plan',
        'cannot use another key of the state account',
        'kms:Decrypt',
        () =>
          admitsEverything(
            `arn:aws:kms:eu-west-1:${STATE_ACCOUNT}:key/00000000-0000-4000-8000-000000000000`,
          ),
        'denied',
        viaS3There,
      ),
      make(
        'plan',
        'cannot kms:Encrypt with the state key through S3 (S3 calls GenerateDataKey and Decrypt only)',
        'kms:Encrypt',
        (w) => w.state.key,
        'denied',
        viaS3There,
      ),
      make(
        'plan',
        'cannot use the state key outside S3',
        'kms:Decrypt',
        (w) => w.state.key,
        'denied',
        (w) => ({
          'kms:ViaService': `dynamodb.${w.region}.amazonaws.com`,
          'kms:CallerAccount': TEST_ACCOUNT,
        }),
      ),
      make(
        'plan',
        'has no DynamoDB lock table there (the S3 lock file alone)',
        'dynamodb:GetItem',
        () =>
          admitsEverything(
            `arn:aws:dynamodb:eu-west-1:${STATE_ACCOUNT}:table/healthcare-platform-tfstate-lock`,
          ),
        'denied',
        (w) => leadingKeys([mine(w).lockId]),
      ),
    ],
  };
}

const collect = (
  make: (env: Env) => { allowed: Row[]; denied: Row[] },
  environments: readonly Env[] = ENVIRONMENTS,
) => ({
  allowed: environments.flatMap((e) => make(e).allowed),
  denied: environments.flatMap((e) => make(e).denied),
});
/**
 * Trust rows run for both environments (their GitHub environments differ); the permission
 * rows for prod, the environment that holds PHI, with dev as "the other environment" (both
 * roles come from the same code, which the unit tests cover for any environment).
 */
const PERMISSION_ROWS_FOR: readonly Env[] = ['prod'];

describe('CI roles, single-account mode (state, key and lock table in this account)', () => {
  const world = singleAccountWorld();
  const trust = collect(trustRows);
  const plan = collect(planRows, PERMISSION_ROWS_FOR);
  const apply = collect(applyRows, PERMISSION_ROWS_FOR);

  it.each([...trust.allowed, ...plan.allowed, ...apply.allowed].map((r) => [r.row, r]))(
    'allowed: %s',
    async (_, row) => proveRow(row, world),
  );
  it.each([...trust.denied, ...plan.denied, ...apply.denied].map((r) => [r.row, r]))(
    'denied: %s',
    async (_, row) => proveRow(row, world),
  );

  it('the plan role may read the configuration of every role of TapStackdev', async () => {
    expect(world.platformRoles.map((r) => r.name).sort()).toEqual([
      'healthcare-db-setup-dev',
      'healthcare-flow-logs-dev',
      'healthcare-log-unmask-dev',
      'healthcare-rds-monitoring-dev',
      'healthcare-readiness-dev',
    ]);
    for (const role of world.platformRoles) {
      for (const action of ['iam:GetRole']) {
        await proveRow(
          {
            row: `The plan role of dev reads ${action} of ${role.name}`,
            principal: ci('dev', 'plan'),
            action,
            resource: () => ({ arn: role.arn, account: TEST_ACCOUNT }),
            expect: 'allowed',
            source: SRC.actions,
          },
          world,
        );
        await proveRow(
          {
            row: `The plan role of prod cannot read ${action} of ${role.name} (dev's)`,
            principal: ci('prod', 'plan'),
            action,
            resource: () => ({ arn: role.arn, account: TEST_ACCOUNT }),
            expect: 'denied',
            because: 'no matching allow',
            source: SRC.actions,
          },
          world,
        );
      }
    }
  });

  it('the simulator ignores exactly the two token claims: they are decided in support/simulate.ts', async () => {
    const row = trust.allowed[0];
    expect(row.row).toBe(
      "A pull request's token of the repository assumes the plan role (healthcare-ci-plan-dev)",
    );
    expect(await ignoredByTheSimulator(requestFor(row, world))).toEqual([
      'token.actions.githubusercontent.com:sub',
      'token.actions.githubusercontent.com:aud',
    ]);
  });

  it('reads the two roles of each environment and the provider this region created', () => {
    expect(Object.values(world.roles).flatMap((r) => [r.plan.name, r.apply.name])).toEqual([
      'healthcare-ci-plan-dev',
      'healthcare-ci-apply-dev',
      'healthcare-ci-plan-prod',
      'healthcare-ci-apply-prod',
    ]);
    expect(world.provider).toBe(
      `arn:aws:iam::${TEST_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
    );
  });
});

describe(`CI roles, state in another account (STATE_ACCOUNT_ID=${STATE_ACCOUNT}): the identity side`, () => {
  const world = stateAccountWorld();
  const rows = collect(stateAccountRows, PERMISSION_ROWS_FOR);

  it.each(rows.allowed.map((r) => [r.row, r]))('allowed: %s', async (_, row) =>
    proveRow(row, world),
  );
  it.each(rows.denied.map((r) => [r.row, r]))('denied: %s', async (_, row) => proveRow(row, world));

  it('grants no DynamoDB action at all', () => {
    const actions = Object.values(world.roles)
      .flatMap((r) => [...r.plan.permissions, ...r.apply.permissions])
      .flatMap((p) => p.policy.Statement)
      .flatMap((s) => [s.Action ?? []].flat());
    expect(actions.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });
});
