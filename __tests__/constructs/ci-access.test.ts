import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { loadStateBackend, resolveStateBackend } from '../../config/backend';
import { ciStateObjects } from '../../config/ci-access';
import { loadConfigs } from '../../config/config';
import {
  APPLY_NOT_ACTIONS,
  applyAllowStatement,
  applyGuardStatements,
} from '../../constructs/ci-access/apply-permissions';
import { CiAccess, CiAccessProps } from '../../constructs/ci-access/ci-access';
import {
  DRIFT_READS,
  planReadActions,
  planReadStatements,
  PREFLIGHT_READS,
  REFRESH_READS,
} from '../../constructs/ci-access/plan-permissions';
import {
  policy,
  policyJson,
  ROLE_INLINE_POLICY_MAX_CHARS,
} from '../../constructs/ci-access/policy-document';
import { CiStateProps, stateStatements } from '../../constructs/ci-access/state-permissions';
import { githubOidcProviderArn, githubTrustPolicy } from '../../constructs/ci-access/trust';
import { PlatformStack } from '../../stacks/platform-stack';
import { synthesizeStack } from '../../tools/policy/stacks';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ROOT = resolve(__dirname, '..', '..');
const ACCOUNT = '111122223333';
const PROVIDER = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const REPO = 'octo-org/healthcare-platform';

describe('trust policies', () => {
  it("admits the repository's pull requests and main branch to the plan role, StringEquals only", () => {
    expect(
      githubTrustPolicy(PROVIDER, [
        `repo:${REPO}:pull_request`,
        `repo:${REPO}:ref:refs/heads/main`,
      ]),
    ).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'GitHubActions',
          Effect: 'Allow',
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': [
                'repo:octo-org/healthcare-platform:pull_request',
                'repo:octo-org/healthcare-platform:ref:refs/heads/main',
              ],
            },
          },
        },
      ],
    });
  });

  it('admits one GitHub environment to the apply role', () => {
    expect(
      githubTrustPolicy(PROVIDER, [`repo:${REPO}:environment:production`]).Statement[0].Condition,
    ).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub':
          'repo:octo-org/healthcare-platform:environment:production',
      },
    });
  });

  it("builds the provider's ARN as IAM does", () => {
    expect(githubOidcProviderArn('aws-us-gov', ACCOUNT)).toBe(
      'arn:aws-us-gov:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
    );
  });
});

/** The expected read list, written out: a change to the table must change this test too. */
const EXPECTED_CONFIGURATION_READS = [
  'acm:DescribeCertificate',
  'cloudwatch:DescribeAlarms',
  'cloudwatch:ListTagsForResource',
  'ec2:DescribeAddresses',
  'ec2:DescribeAddressesAttribute',
  'ec2:DescribeAvailabilityZones',
  'ec2:DescribeFlowLogs',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeNatGateways',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribePrefixLists',
  'ec2:DescribeRegions',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcs',
  'elasticache:DescribeCacheClusters',
  'elasticache:DescribeCacheEngineVersions',
  'elasticache:DescribeCacheParameterGroups',
  'elasticache:DescribeCacheParameters',
  'elasticache:DescribeCacheSubnetGroups',
  'elasticache:DescribeGlobalReplicationGroups',
  'elasticache:DescribeReplicationGroups',
  'elasticache:DescribeReservedCacheNodesOfferings',
  'elasticache:DescribeUserGroups',
  'elasticache:DescribeUsers',
  'elasticache:ListTagsForResource',
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListResourceTags',
  'lambda:GetAccountSettings',
  'lambda:GetFunction',
  'lambda:GetFunctionCodeSigningConfig',
  'lambda:GetFunctionConcurrency',
  'lambda:GetPolicy',
  'lambda:ListTags',
  'lambda:ListVersionsByFunction',
  'logs:DescribeLogGroups',
  'logs:DescribeMetricFilters',
  'logs:GetDataProtectionPolicy',
  'logs:ListTagsForResource',
  'logs:ListTagsLogGroup',
  'rds:DescribeDBEngineVersions',
  'rds:DescribeDBInstances',
  'rds:DescribeDBParameterGroups',
  'rds:DescribeDBParameters',
  'rds:DescribeDBSubnetGroups',
  'rds:DescribeOrderableDBInstanceOptions',
  'rds:ListTagsForResource',
  'servicequotas:GetAWSDefaultServiceQuota',
  'servicequotas:GetServiceQuota',
  'sns:GetSubscriptionAttributes',
  'sns:GetTopicAttributes',
  'sns:ListTagsForResource',
  'sqs:GetQueueAttributes',
  'sqs:ListQueueTags',
  'sts:GetCallerIdentity',
  'wafv2:GetLoggingConfiguration',
  'wafv2:GetWebACL',
  'wafv2:GetWebACLForResource',
  'wafv2:ListTagsForResource',
];

describe("the plan role's configuration reads", () => {
  const statements = planReadStatements({
    partition: 'aws',
    accountId: ACCOUNT,
    environment: 'dev',
  });

  it('are exactly these statements', () => {
    expect(statements).toEqual([
      {
        Sid: 'ReadStackConfiguration',
        Effect: 'Allow',
        Action: EXPECTED_CONFIGURATION_READS,
        Resource: '*',
      },
      {
        Sid: 'ReadApiGatewayConfiguration',
        Effect: 'Allow',
        Action: 'apigateway:GET',
        Resource: [
          'arn:aws:apigateway:*::/account',
          'arn:aws:apigateway:*::/domainnames',
          'arn:aws:apigateway:*::/domainnames/*',
          'arn:aws:apigateway:*::/restapis',
          'arn:aws:apigateway:*::/restapis/*',
          'arn:aws:apigateway:*::/tags/*',
        ],
      },
      {
        Sid: 'ReadStackRoles',
        Effect: 'Allow',
        Action: [
          'iam:GetRole',
          'iam:GetRolePolicy',
          'iam:ListAttachedRolePolicies',
          'iam:ListRolePolicies',
          'iam:ListRoleTags',
        ],
        Resource: 'arn:aws:iam::111122223333:role/healthcare-*-dev',
      },
      {
        Sid: 'ReadStackPolicies',
        Effect: 'Allow',
        Action: ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:ListPolicyTags'],
        Resource: 'arn:aws:iam::111122223333:policy/healthcare-*-dev',
      },
      {
        Sid: 'ListRolesForTheBaselineGate',
        Effect: 'Allow',
        Action: ['iam:ListRoles'],
        Resource: '*',
      },
    ]);
  });

  it('hold no wildcard and nothing that reads data', () => {
    const actions = planReadActions();
    expect(actions.filter((a) => /[*?]/.test(a))).toEqual([]);
    const dataReads = [
      /^secretsmanager:GetSecretValue$/,
      /^logs:(GetLogEvents|FilterLogEvents|StartQuery|GetQueryResults|Unmask|GetLogRecord|StartLiveTail)$/,
      /^s3:/,
      /^dynamodb:/,
      /^sqs:ReceiveMessage$/,
      /^rds-db:/,
      /^elasticache:Connect$/,
      /^kms:(Decrypt|ReEncrypt.*|GenerateDataKey.*)$/,
      /^lambda:Invoke/,
      /^ec2:(GetPasswordData|GetConsoleOutput|GetConsoleScreenshot|DescribeInstanceAttribute)$/,
      /^ssm:GetParameter/,
    ];
    expect(actions.filter((a) => dataReads.some((re) => re.test(a)))).toEqual([]);
  });

  it('refuse an IAM action without a scope', () => {
    expect(() =>
      planReadStatements({ partition: 'aws', accountId: ACCOUNT, environment: 'dev' }, [
        'iam:GetUser',
      ]),
    ).toThrow('IAM_READ_SCOPES has no scope for iam:GetUser');
  });

  it('fit IAM’s inline-policy quota with the state policy, for the longest partition and a long suffix', () => {
    const props = {
      partition: 'aws-iso-b',
      accountId: ACCOUNT,
      environment: 'abcdefghijklmnopqrs',
    };
    const settings = loadStateBackend({ env: {} }, { warn: () => undefined }).s3;
    const state: CiStateProps = {
      partition: props.partition,
      accountId: ACCOUNT,
      bucket: settings.bucket,
      region: settings.region,
      kmsKeyId: settings.kmsKeyId,
      lockTable: settings.dynamodbTable,
      objects: ciStateObjects(settings, props.environment),
    };
    const total =
      policyJson(policy(...planReadStatements(props))).length +
      policyJson(policy(...stateStatements('plan', state))).length;
    expect(total).toBeLessThanOrEqual(ROLE_INLINE_POLICY_MAX_CHARS);
  });
});

describe('the read table covers what the platform stack holds', () => {
  const stateBackend = loadStateBackend({ env: {} }, { warn: () => undefined });
  /** Every resource and data source type of TapStack<env> for these settings. */
  const typesOf = (env: Record<string, string>): string[] =>
    loadConfigs({ env }).flatMap((config) => {
      const tf: Json = JSON.parse(
        Testing.synth(new PlatformStack(Testing.app(), { config, stateBackend })),
      );
      return [
        ...Object.keys(tf.resource ?? {}),
        ...Object.keys(tf.data ?? {}).map((t) => `data.${t}`),
      ];
    });
  const types = [
    ...new Set([
      ...typesOf({ ENVIRONMENT_SUFFIX: 'dev' }),
      // The optional parts: the custom domain and the alarm subscription.
      ...typesOf({
        ENVIRONMENT_SUFFIX: 'prod',
        ALARM_EMAIL: 'oncall@example.org',
        API_DOMAIN_NAME: 'api.example.org',
        API_CERTIFICATE_ARN:
          'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
      }),
    ]),
  ].sort();

  it('has read actions (or none, on purpose) for every type', () => {
    expect(types.filter((t) => !(t in REFRESH_READS))).toEqual([]);
    expect(types).toEqual(
      expect.arrayContaining([
        'aws_api_gateway_domain_name',
        'aws_api_gateway_base_path_mapping',
        'aws_sns_topic_subscription',
        'data.aws_servicequotas_service_quota',
      ]),
    );
  });

  it('lists no type the stack cannot hold', () => {
    expect(
      Object.keys(REFRESH_READS).filter((t) => t !== 'provider' && !types.includes(t)),
    ).toEqual([]);
  });

  it('holds no S3 or DynamoDB resource: the apply role has neither service (apply-permissions.ts)', () => {
    expect(types.filter((t) => /^(data\.)?aws_(s3|dynamodb)_/.test(t))).toEqual([]);
  });
});

describe('PREFLIGHT_READS', () => {
  /** The IAM action of each command tools/preflight sends for an environment (not the baseline). */
  function preflightActions(): string[] {
    const prefix: Record<string, string> = {
      acm: 'acm',
      'api-gateway': 'apigateway',
      ec2: 'ec2',
      elasticache: 'elasticache',
      lambda: 'lambda',
      rds: 'rds',
      'service-quotas': 'servicequotas',
      sts: 'sts',
    };
    const actions = new Set<string>();
    for (const file of [
      'checks.ts',
      'quotas.ts',
      'certificate.ts',
      'deploy-gates.ts',
      'preflight.ts',
    ]) {
      const text = readFileSync(join(ROOT, 'tools', 'preflight', file), 'utf8');
      const service = new Map<string, string>();
      for (const m of text.matchAll(
        /import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g,
      )) {
        for (const name of m[1].split(',').map((s) => s.trim())) service.set(name, m[2]);
      }
      for (const m of text.matchAll(/new (\w+)Command\(/g)) {
        const client = service.get(`${m[1]}Command`)!;
        actions.add(client === 'api-gateway' ? 'apigateway:GET' : `${prefix[client]}:${m[1]}`);
      }
    }
    return [...actions].sort();
  }

  it('are what the platform preflight asks', () => {
    expect([...PREFLIGHT_READS].sort()).toEqual(preflightActions());
    expect(preflightActions()).toContain('lambda:GetAccountSettings');
  });
});

describe('DRIFT_READS', () => {
  it('are the commands tools/drift sends, and the plan role holds them with or without rule resources', () => {
    const text = readFileSync(join(ROOT, 'tools', 'drift', 'security-group-rules.ts'), 'utf8');
    const sent = [...text.matchAll(/new (\w+)Command\(/g)].map((m) => `ec2:${m[1]}`);
    expect(sent).toEqual(['ec2:DescribeSecurityGroupRules']);
    expect([...DRIFT_READS]).toEqual(sent);
    const withoutRuleResources = Object.fromEntries(
      Object.entries(REFRESH_READS).filter(
        ([type]) => !/security_group_(ingress|egress)_rule$/.test(type),
      ),
    );
    expect(planReadActions(withoutRuleResources)).toContain('ec2:DescribeSecurityGroupRules');
    expect(planReadActions(withoutRuleResources, PREFLIGHT_READS, [])).not.toContain(
      'ec2:DescribeSecurityGroupRules',
    );
  });
});

describe('the state statements', () => {
  const single = loadStateBackend({ env: {} }, { warn: () => undefined }).s3;
  const base = (overrides: Partial<CiStateProps> = {}): CiStateProps => ({
    partition: 'aws',
    accountId: ACCOUNT,
    bucket: single.bucket,
    region: 'eu-west-1',
    kmsKeyId: 'alias/healthcare-platform-tfstate',
    lockTable: 'healthcare-platform-tfstate-lock',
    objects: ciStateObjects(single, 'dev'),
    ...overrides,
  });
  const BUCKET = 'arn:aws:s3:::healthcare-platform-tfstate';
  const STATE = `${BUCKET}/healthcare/dev/TapStackdev.tfstate`;
  const LOCK = `${STATE}.tflock`;
  const TABLE = 'arn:aws:dynamodb:eu-west-1:111122223333:table/healthcare-platform-tfstate-lock';
  // No s3:prefix condition: a HeadObject of a missing state must answer 404, not 403.
  const LIST = {
    Sid: 'ListTheStateBucket',
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: BUCKET,
  };
  const READ = {
    Sid: 'ReadTheState',
    Effect: 'Allow',
    Action: 's3:GetObject',
    Resource: [STATE, LOCK],
  };
  const ALIAS = {
    'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/healthcare-platform-tfstate' },
  };

  it('let the plan role read its state and take the lock, in single-account mode (alias, lock table)', () => {
    expect(stateStatements('plan', base())).toEqual([
      LIST,
      READ,
      {
        Sid: 'TakeTheLockFile',
        Effect: 'Allow',
        Action: ['s3:DeleteObject', 's3:PutObject'],
        Resource: LOCK,
      },
      {
        Sid: 'UseTheStateKeyThroughS3',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: 'arn:aws:kms:eu-west-1:111122223333:key/*',
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' }, ...ALIAS },
      },
      {
        Sid: 'ReadTheLockItems',
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: TABLE,
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': [
              'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate',
              'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate-md5',
            ],
          },
        },
      },
      {
        Sid: 'WriteTheLockItems',
        Effect: 'Allow',
        Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
        Resource: TABLE,
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:LeadingKeys': [
              'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate',
            ],
          },
        },
      },
      {
        Sid: 'UseTheStateKeyThroughDynamoDB',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:DescribeKey'],
        Resource: 'arn:aws:kms:eu-west-1:111122223333:key/*',
        Condition: {
          StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' },
          ...ALIAS,
        },
      },
    ]);
  });

  it('let the apply role write its state, with a state account (key by ARN, no lock table)', () => {
    const keyArn = 'arn:aws:kms:eu-central-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const settings = resolveStateBackend(
      {
        terraform: {
          backend: {
            s3: {
              bucket: 'central-tfstate',
              key: 'healthcare/{environment}/{stack}.tfstate',
              region: 'eu-central-1',
              encrypt: true,
              kms_key_id: keyArn,
              use_lockfile: true,
            },
          },
        },
      },
      {},
      { warn: () => undefined },
    ).s3;
    const state = 'arn:aws:s3:::central-tfstate/healthcare/prod/TapStackprod.tfstate';
    expect(
      stateStatements('apply', {
        partition: 'aws',
        accountId: '999988887777',
        bucket: settings.bucket,
        region: settings.region,
        kmsKeyId: settings.kmsKeyId,
        objects: ciStateObjects(settings, 'prod'),
      }),
    ).toEqual([
      {
        Sid: 'ListTheStateBucket',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: 'arn:aws:s3:::central-tfstate',
      },
      {
        Sid: 'ReadTheState',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [state, `${state}.tflock`],
      },
      {
        Sid: 'WriteTheState',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: [state, `${state}.tflock`],
      },
      {
        Sid: 'ReleaseTheLockFile',
        Effect: 'Allow',
        Action: 's3:DeleteObject',
        Resource: `${state}.tflock`,
      },
      {
        Sid: 'UseTheStateKeyThroughS3',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: keyArn,
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } },
      },
    ]);
  });

  it('let an apply record the digest item the plan role may not write', () => {
    const write = stateStatements('apply', base()).find((s) => s.Sid === 'WriteTheLockItems');
    expect(write?.Condition).toEqual({
      'ForAllValues:StringEquals': {
        'dynamodb:LeadingKeys': [
          'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate',
          'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate-md5',
        ],
      },
    });
  });
});

describe("the apply role's permissions", () => {
  it('allow every action but S3, DynamoDB and the data reads', () => {
    expect(applyAllowStatement()).toEqual({
      Sid: 'ApplyThePlatformStack',
      Effect: 'Allow',
      NotAction: [
        'dynamodb:*',
        's3:*',
        'elasticache:Connect',
        'logs:FilterLogEvents',
        'logs:GetLogEvents',
        'logs:GetLogRecord',
        'logs:GetQueryResults',
        'logs:StartLiveTail',
        'logs:StartQuery',
        'logs:Unmask',
        'rds-db:connect',
        'secretsmanager:GetSecretValue',
        'sqs:ReceiveMessage',
      ],
      Resource: '*',
    });
    expect(APPLY_NOT_ACTIONS).toContain('logs:Unmask');
  });

  it('deny exactly these guard rails', () => {
    const guards = applyGuardStatements({
      partition: 'aws',
      accountId: ACCOUNT,
      ciRoleNamePrefix: 'healthcare-ci-',
      trailLogGroupName: '/healthcare/account/cloudtrail',
      accountAlarmPrefix: 'healthcare-account',
      protectedKeyAliases: ['alias/healthcare-audit', 'alias/healthcare-backup'],
    });
    expect(
      guards.map((g) => [g.Sid, g.Effect, g.Action ?? { NotAction: g.NotAction }, g.Resource]),
    ).toEqual([
      [
        'NoLongLivedCredentials',
        'Deny',
        [
          'iam:CreateAccessKey',
          'iam:CreateLoginProfile',
          'iam:CreateServiceSpecificCredential',
          'iam:CreateUser',
          'iam:ResetServiceSpecificCredential',
          'iam:UpdateAccessKey',
          'iam:UpdateLoginProfile',
          'iam:UploadSSHPublicKey',
          'iam:UploadSigningCertificate',
        ],
        '*',
      ],
      [
        'NoIdentityProviderChanges',
        'Deny',
        [
          'iam:AddClientIDToOpenIDConnectProvider',
          'iam:CreateOpenIDConnectProvider',
          'iam:CreateSAMLProvider',
          'iam:DeleteOpenIDConnectProvider',
          'iam:DeleteSAMLProvider',
          'iam:RemoveClientIDFromOpenIDConnectProvider',
          'iam:TagOpenIDConnectProvider',
          'iam:UntagOpenIDConnectProvider',
          'iam:UpdateOpenIDConnectProviderThumbprint',
          'iam:UpdateSAMLProvider',
        ],
        '*',
      ],
      [
        'NoChangesToTheCiRoles',
        'Deny',
        { NotAction: ['iam:Get*', 'iam:List*'] },
        'arn:aws:iam::111122223333:role/healthcare-ci-*',
      ],
      ['NoOrganizationOrAccountChanges', 'Deny', ['account:*', 'organizations:*'], '*'],
      [
        'NoAuditTrailChanges',
        'Deny',
        [
          'cloudtrail:Delete*',
          'cloudtrail:Put*',
          'cloudtrail:RemoveTags',
          'cloudtrail:Stop*',
          'cloudtrail:Update*',
        ],
        '*',
      ],
      [
        'NoTrailLogChanges',
        'Deny',
        [
          'logs:AssociateKmsKey',
          'logs:DeleteLogGroup',
          'logs:DeleteMetricFilter',
          'logs:DeleteRetentionPolicy',
          'logs:DisassociateKmsKey',
          'logs:PutMetricFilter',
          'logs:PutRetentionPolicy',
        ],
        'arn:aws:logs:*:111122223333:log-group:/healthcare/account/*',
      ],
      [
        'NoTrailAlarmChanges',
        'Deny',
        ['cloudwatch:DeleteAlarms', 'cloudwatch:DisableAlarmActions', 'cloudwatch:PutMetricAlarm'],
        'arn:aws:cloudwatch:*:111122223333:alarm:healthcare-account-*',
      ],
      [
        'NoBackupChanges',
        'Deny',
        ['backup:Delete*', 'backup:Disassociate*', 'backup:Put*', 'backup:Update*'],
        '*',
      ],
      ['NoConfigChanges', 'Deny', ['config:Delete*', 'config:Put*', 'config:Stop*'], '*'],
      [
        'NoDetectiveControlChanges',
        'Deny',
        [
          'guardduty:DeleteDetector',
          'guardduty:Disassociate*',
          'guardduty:UpdateDetector',
          'securityhub:BatchDisableStandards',
          'securityhub:DisableSecurityHub',
          'securityhub:Disassociate*',
        ],
        '*',
      ],
      [
        'NoBaselineKeyChanges',
        'Deny',
        [
          'kms:CreateGrant',
          'kms:DisableKey',
          'kms:DisableKeyRotation',
          'kms:PutKeyPolicy',
          'kms:ReplicateKey',
          'kms:RevokeGrant',
          'kms:ScheduleKeyDeletion',
          'kms:UpdatePrimaryRegion',
        ],
        '*',
      ],
      [
        'NoBaselineAliasChanges',
        'Deny',
        ['kms:DeleteAlias', 'kms:UpdateAlias'],
        [
          'arn:aws:kms:*:111122223333:alias/healthcare-audit',
          'arn:aws:kms:*:111122223333:alias/healthcare-backup',
        ],
      ],
    ]);
    expect(guards.find((g) => g.Sid === 'NoBaselineKeyChanges')?.Condition).toEqual({
      'ForAnyValue:StringEquals': {
        'kms:ResourceAliases': ['alias/healthcare-audit', 'alias/healthcare-backup'],
      },
    });
    expect(guards.filter((g) => g.Condition !== undefined).map((g) => g.Sid)).toEqual([
      'NoBaselineKeyChanges',
    ]);
  });
});

describe('CiAccess', () => {
  const settings = loadStateBackend({ env: {} }, { warn: () => undefined }).s3;
  function synth(overrides: Partial<CiAccessProps> = {}): Json {
    const stack = new TerraformStack(Testing.app(), 'ci-test');
    new CiAccess(stack, 'ci-access', {
      repository: REPO,
      environments: [{ environment: 'prod', githubEnvironment: 'production' }],
      partition: 'aws',
      accountId: ACCOUNT,
      oidcProvider: 'create',
      state: settings,
      baseline: {
        trailLogGroupName: '/healthcare/account/cloudtrail',
        accountAlarmPrefix: 'healthcare-account',
        protectedKeyAliases: ['alias/healthcare-audit'],
      },
      ...overrides,
    });
    return JSON.parse(Testing.synth(stack));
  }
  const roles = (tf: Json) => Object.values(tf.resource.aws_iam_role) as Json[];
  const policies = (tf: Json) =>
    Object.entries(tf.resource.aws_iam_role_policy) as [string, Json][];

  it('creates the OIDC provider with the STS audience and no thumbprint', () => {
    const tf = synth();
    const providers = Object.values(tf.resource.aws_iam_openid_connect_provider) as Json[];
    expect(providers).toEqual([
      { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] },
    ]);
    expect(JSON.parse(roles(tf)[0].assume_role_policy).Statement[0].Principal).toEqual({
      Federated: '${aws_iam_openid_connect_provider.ci-access_github-oidc_provider_6021056F.arn}',
    });
  });

  it('references the provider by ARN where another region owns it', () => {
    const tf = synth({ oidcProvider: 'reference' });
    expect(tf.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(JSON.parse(roles(tf)[0].assume_role_policy).Statement[0].Principal).toEqual({
      Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
    });
  });

  it('reads the existing provider by URL, creates none, and trusts the ARN it read', () => {
    const tf = synth({ oidcProvider: 'existing' });
    expect(tf.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(tf.data.aws_iam_openid_connect_provider).toEqual({
      'ci-access_github-oidc_existing_918C1139': {
        url: 'https://token.actions.githubusercontent.com',
      },
    });
    expect(JSON.parse(roles(tf)[0].assume_role_policy).Statement[0].Principal).toEqual({
      Federated:
        '${data.aws_iam_openid_connect_provider.ci-access_github-oidc_existing_918C1139.arn}',
    });
  });

  it('names the roles, limits their sessions to 1 and 2 hours, and gives them these inline policies', () => {
    const tf = synth();
    expect(roles(tf).map((r) => [r.name, r.max_session_duration])).toEqual([
      ['healthcare-ci-apply-prod', 7200],
      ['healthcare-ci-plan-prod', 3600],
    ]);
    expect(policies(tf).map(([, p]) => [p.name, p.role])).toEqual([
      ['apply-the-platform-stack', '${aws_iam_role.ci-access_prod_apply-role_DE434062.id}'],
      ['guard-rails', '${aws_iam_role.ci-access_prod_apply-role_DE434062.id}'],
      ['terraform-state', '${aws_iam_role.ci-access_prod_apply-role_DE434062.id}'],
      ['read-stack-configuration', '${aws_iam_role.ci-access_prod_plan-role_3AE00462.id}'],
      ['terraform-state', '${aws_iam_role.ci-access_prod_plan-role_3AE00462.id}'],
    ]);
  });

  it('protects the state key too in single-account mode, and only then', () => {
    const aliasesOf = (tf: Json) => {
      const guard = policies(tf).find(([, p]) => p.name === 'guard-rails')![1];
      return JSON.parse(guard.policy).Statement.find((s: Json) => s.Sid === 'NoBaselineKeyChanges')
        .Condition['ForAnyValue:StringEquals']['kms:ResourceAliases'];
    };
    expect(aliasesOf(synth())).toEqual([
      'alias/healthcare-audit',
      'alias/healthcare-platform-tfstate',
    ]);
    expect(aliasesOf(synth({ state: { ...settings, accountId: '999988887777' } }))).toEqual([
      'alias/healthcare-audit',
    ]);
  });

  it('with central state, names the state key by STATE_KMS_KEY_ARN, as the backends do', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const useKey = (tf: Json) => {
      const state = policies(tf).find(([, p]) => p.name === 'terraform-state')![1];
      return JSON.parse(state.policy).Statement.find(
        (s: Json) => s.Sid === 'UseTheStateKeyThroughS3',
      );
    };
    const central = { ...settings, accountId: '999988887777' };
    expect(useKey(synth({ state: { ...central, keyArn } }))).toEqual({
      Sid: 'UseTheStateKeyThroughS3',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
    });
    // Without it (never synthesized by the app, which then writes the bootstrap alone): the alias.
    expect(useKey(synth({ state: central })).Resource).toBe(
      'arn:aws:kms:eu-west-1:999988887777:key/*',
    );
  });

  it('waives the admin-access policy rule on the apply Allow only, with the reason', () => {
    const stack = new TerraformStack(Testing.app(), 'ci-waiver');
    new CiAccess(stack, 'ci-access', {
      repository: REPO,
      environments: [{ environment: 'dev', githubEnvironment: 'dev' }],
      partition: 'aws',
      accountId: ACCOUNT,
      oidcProvider: 'reference',
      state: settings,
      baseline: {
        trailLogGroupName: '/healthcare/account/cloudtrail',
        accountAlarmPrefix: 'healthcare-account',
        protectedKeyAliases: [],
      },
    });
    const doc = synthesizeStack(stack) as Json;
    const waived = Object.values(doc.resource.aws_iam_role_policy as Record<string, Json>)
      .filter((p) => p['//']?.policy_waivers !== undefined)
      .map((p) => [p.name, Object.keys(p['//'].policy_waivers)]);
    expect(waived).toEqual([['apply-the-platform-stack', ['HIPAA-IAM-001']]]);
  });

  it('honours other session lengths', () => {
    const tf = synth({ planSessionSeconds: 1800, applySessionSeconds: 10800 });
    expect(roles(tf).map((r) => r.max_session_duration)).toEqual([10800, 1800]);
  });
});
