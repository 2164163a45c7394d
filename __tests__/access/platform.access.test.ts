/**
 * Access proofs for TapStack<env>: the KMS key policies, the alarm topic policy and the
 * service roles, evaluated by @cloud-copilot/iam-simulate against every access the
 * platform depends on (must be allowed) and the ones it must refuse (must be denied).
 * A row that fails prints itself and the AWS page it rests on. See docs/access-proofs.md.
 */
import { loadConfig, PlatformConfig } from '../../config/config';
import { loadBaselineConfig } from '../../config/baseline';
import { TRAIL_ALARMS } from '../../constructs/audit/trail-alarms';
import { AccessRow, Caller, proveRow } from './support/rows';
import {
  allRoles,
  kmsKeyByAlias,
  logGroupArn,
  logGroupsEncryptedWith,
  roleByName,
  roleTrustedBy,
  RoleTarget,
  Target,
  topicByName,
} from './support/targets';
import {
  OTHER_ACCOUNT,
  SynthesizedStack,
  TEST_ACCOUNT,
  TEST_REST_API_ID,
} from './support/terraform-policies';
import { json } from '../support/synthesized';

interface PlatformWorld {
  readonly stack: SynthesizedStack;
  readonly config: PlatformConfig;
  readonly region: string;
  readonly dataKey: Target;
  readonly logsKey: Target;
  readonly alarmTopic: Target;
  /** TapAccountBaseline, its alarm topic and the audit key that encrypts the topic. */
  readonly baseline: SynthesizedStack;
  readonly accountAlarmTopic: Target;
  readonly auditKey: Target;
  /**
   * Found when a row needs it, so a role moving elsewhere fails only its own rows. Account-level
   * roles the environment relies on (API Gateway's CloudWatch role) live in TapAccountBaseline.
   */
  role(service: string): RoleTarget;
  logGroup(name: string): Target;
}

function platformWorld(env: Record<string, string>): PlatformWorld {
  const config = loadConfig({ env });
  const stack = new SynthesizedStack(config.stackId, json('platform', env));
  const baselineConfig = loadBaselineConfig({ env });
  const baseline = new SynthesizedStack(baselineConfig.stackId, json('baseline', env));
  const ACCOUNT_LEVEL_ROLES = new Set([API_GATEWAY]);
  return {
    stack,
    config,
    region: stack.region,
    dataKey: kmsKeyByAlias(stack, config.names.dataKeyAlias),
    logsKey: kmsKeyByAlias(stack, config.names.logsKeyAlias),
    alarmTopic: topicByName(stack, config.names.alarmTopic),
    baseline,
    accountAlarmTopic: topicByName(baseline, baselineConfig.names.alarmTopic),
    auditKey: kmsKeyByAlias(baseline, baselineConfig.names.auditKeyAlias),
    role: (service) => roleTrustedBy(ACCOUNT_LEVEL_ROLES.has(service) ? baseline : stack, service),
    logGroup: (name) => ({ arn: logGroupArn(stack, name), account: TEST_ACCOUNT }),
  };
}

// --- callers -------------------------------------------------------------------------

const ALL_ACTIONS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow' as const, Action: '*', Resource: '*' }],
};

const service = (name: string) => (): Caller => ({ principal: name });
const regional =
  (prefix: string) =>
  (w: PlatformWorld): Caller => ({ principal: `${prefix}.${w.region}.amazonaws.com` });
/** A role of this account whose identity policy allows all of KMS (what key policies then narrow). */
const operator = (): Caller => ({
  principal: `arn:aws:iam::${TEST_ACCOUNT}:role/healthcare-operator`,
  identityPolicies: [{ name: 'operator', policy: ALL_ACTIONS }],
});
/** An administrator of another account: everything its own account can grant. */
const otherAccountAdmin = (): Caller => ({
  principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/admin`,
  identityPolicies: [{ name: 'admin', policy: ALL_ACTIONS }],
});
const anonymous = (): Caller => ({ principal: 'anonymous' });
const roleActing =
  (trustedBy: string) =>
  (w: PlatformWorld): Caller => {
    const role = w.role(trustedBy);
    return { principal: role.arn, identityPolicies: role.permissions };
  };

// --- context -------------------------------------------------------------------------

const logsContext = (arn: string) => ({ 'kms:EncryptionContext:aws:logs:arn': arn });
const via =
  (prefix: string, account = TEST_ACCOUNT) =>
  (w: PlatformWorld) => ({
    'kms:ViaService': `${prefix}.${w.region}.amazonaws.com`,
    'kms:CallerAccount': account,
  });
const grantVia =
  (prefix: string, forAwsResource = 'true') =>
  (w: PlatformWorld) => ({
    ...via(prefix)(w),
    'kms:GrantIsForAWSResource': forAwsResource,
  });
const flowLogArn = (w: PlatformWorld, account = TEST_ACCOUNT) =>
  `arn:aws:ec2:${w.region}:${account}:vpc-flow-log/fl-0123456789abcdef0`;
const alarmArn = (w: PlatformWorld, account = TEST_ACCOUNT) =>
  `arn:aws:cloudwatch:${w.region}:${account}:alarm:${alarmRows(w)[0].row.split(' ')[2]}`;
const rdsOsMetricsStream = (w: PlatformWorld): Target => ({
  arn: `arn:aws:logs:${w.region}:${TEST_ACCOUNT}:log-group:RDSOSMetrics:log-stream:db-ABCDEFGHIJKLMNOP`,
  account: TEST_ACCOUNT,
});
const streamIn =
  (group: (w: PlatformWorld) => Target) =>
  (w: PlatformWorld): Target => {
    const g = group(w);
    return { ...g, arn: `${g.arn}:log-stream:eni-0123456789abcdef0-all` };
  };
const flowLogGroup = (w: PlatformWorld) => w.logGroup(w.config.names.flowLogGroup);
const accessLogGroup = (w: PlatformWorld) =>
  w.logGroup(`/aws/apigateway/${w.config.names.api}/access-logs`);
const roleResource =
  (trustedBy: string) =>
  (w: PlatformWorld): Target =>
    w.role(trustedBy);

// --- sources (each the AWS page that says the service makes the call) ----------------

const SRC = {
  logsKms: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html',
  viaService:
    'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service',
  callerAccount:
    'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account',
  grantForAwsResource:
    'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource',
  rdsKms: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html',
  elastiCacheKms: 'https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html',
  secretsKms:
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html',
  snsKms: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
  alarmsToSns:
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html',
  confusedDeputy: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
  flowLogRole: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html',
  rdsMonitoring:
    'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html',
  rdsMonitoringPolicy:
    'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonRDSEnhancedMonitoringRole.html',
  apiGatewayLogging:
    'https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html',
  apiGatewayPolicy:
    'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonAPIGatewayPushToCloudWatchLogs.html',
  keyPolicyRoot: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html',
  crossAccount:
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
  kmsCrossAccount:
    'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
  snsAccessPolicy: 'https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html',
};

const FLOW_LOGS = 'vpc-flow-logs.amazonaws.com';
const RDS_MONITORING = 'monitoring.rds.amazonaws.com';
const API_GATEWAY = 'apigateway.amazonaws.com';

type Row = AccessRow<PlatformWorld>;

/** CloudWatch Logs encrypting each log group the stack encrypts with the logs key. */
function logGroupRows(w: PlatformWorld): Row[] {
  return logGroupsEncryptedWith(w.stack, w.logsKey.arn).map(([name, arn]) => ({
    row: `CloudWatch Logs generates a data key with the logs key for log group ${name}`,
    principal: regional('logs'),
    action: 'kms:GenerateDataKey',
    resource: (x) => x.logsKey,
    context: () => logsContext(arn),
    expect: 'allowed',
    source: SRC.logsKms,
  }));
}

/** Every alarm of the stack that notifies the alarm topic: CloudWatch publishes for it. */
function alarmRows(
  w: PlatformWorld,
  stack = w.stack,
  topic = (x: PlatformWorld) => x.alarmTopic,
  label = 'the alarm topic',
): Row[] {
  const topicArn = topic(w).arn;
  return stack
    .resources('aws_cloudwatch_metric_alarm')
    .filter(([n, body]) =>
      ((body.alarm_actions ?? []) as string[]).some(
        (a, i) =>
          stack.resolve(a, `aws_cloudwatch_metric_alarm.${n}.alarm_actions[${i}]`) === topicArn,
      ),
    )
    .map(([n, body]) => {
      const name = stack.resolve(body.alarm_name, `aws_cloudwatch_metric_alarm.${n}.alarm_name`);
      return {
        row: `CloudWatch alarm ${name} publishes to ${label}`,
        principal: service('cloudwatch.amazonaws.com'),
        action: 'sns:Publish',
        resource: topic,
        context: (x: PlatformWorld) => ({
          'aws:SourceAccount': TEST_ACCOUNT,
          'aws:SourceArn': `arn:aws:cloudwatch:${x.region}:${TEST_ACCOUNT}:alarm:${name}`,
        }),
        expect: 'allowed' as const,
        source: SRC.alarmsToSns,
      };
    });
}

/** The baseline's trail alarms publishing to the account alarm topic. */
const accountAlarmRows = (w: PlatformWorld): Row[] =>
  alarmRows(w, w.baseline, (x) => x.accountAlarmTopic, 'the account alarm topic');

const MUST_BE_ALLOWED: Row[] = [
  {
    row: 'CloudWatch Logs decrypts the VPC flow-log group with the logs key',
    principal: regional('logs'),
    action: 'kms:Decrypt',
    resource: (w) => w.logsKey,
    context: (w) => logsContext(flowLogGroup(w).arn),
    expect: 'allowed',
    source: SRC.logsKms,
  },
  {
    row: 'RDS creates its grant on the data key for a database the account creates',
    principal: operator,
    action: 'kms:CreateGrant',
    resource: (w) => w.dataKey,
    context: grantVia('rds'),
    expect: 'allowed',
    source: SRC.rdsKms,
  },
  {
    row: 'RDS describes the data key when a database is created with it',
    principal: operator,
    action: 'kms:DescribeKey',
    resource: (w) => w.dataKey,
    context: via('rds'),
    expect: 'allowed',
    source: SRC.rdsKms,
  },
  {
    row: 'ElastiCache creates its grant on the data key through elasticache.<region>',
    principal: operator,
    action: 'kms:CreateGrant',
    resource: (w) => w.dataKey,
    context: grantVia('elasticache'),
    expect: 'allowed',
    source: SRC.elastiCacheKms,
  },
  {
    row: 'ElastiCache creates its grant on the data key through dax.<region> (the ViaService value ElastiCache documents)',
    principal: operator,
    action: 'kms:CreateGrant',
    resource: (w) => w.dataKey,
    context: grantVia('dax'),
    expect: 'allowed',
    source: SRC.elastiCacheKms,
  },
  {
    row: 'Secrets Manager generates a data key with the data key to encrypt a secret value',
    principal: operator,
    action: 'kms:GenerateDataKey',
    resource: (w) => w.dataKey,
    context: via('secretsmanager'),
    expect: 'allowed',
    source: SRC.secretsKms,
  },
  {
    row: 'Secrets Manager decrypts a secret value with the data key for a caller of this account',
    principal: operator,
    action: 'kms:Decrypt',
    resource: (w) => w.dataKey,
    context: via('secretsmanager'),
    expect: 'allowed',
    source: SRC.secretsKms,
  },
  {
    row: 'CloudWatch generates the data key of the encrypted alarm topic with the logs key',
    principal: service('cloudwatch.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.logsKey,
    expect: 'allowed',
    source: SRC.snsKms,
  },
  {
    row: 'CloudWatch decrypts with the logs key when it publishes to the encrypted alarm topic',
    principal: service('cloudwatch.amazonaws.com'),
    action: 'kms:Decrypt',
    resource: (w) => w.logsKey,
    expect: 'allowed',
    source: SRC.snsKms,
  },
  {
    row: 'CloudWatch generates the data key of the encrypted account alarm topic with the audit key',
    principal: service('cloudwatch.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.auditKey,
    expect: 'allowed',
    source: SRC.snsKms,
  },
  {
    row: 'CloudWatch decrypts with the audit key when it publishes to the account alarm topic',
    principal: service('cloudwatch.amazonaws.com'),
    action: 'kms:Decrypt',
    resource: (w) => w.auditKey,
    expect: 'allowed',
    source: SRC.snsKms,
  },
  {
    row: 'SNS generates a data key with the logs key for a publisher of this account',
    principal: operator,
    action: 'kms:GenerateDataKey',
    resource: (w) => w.logsKey,
    context: via('sns'),
    expect: 'allowed',
    source: SRC.snsKms,
  },
  {
    row: 'SNS decrypts alarm messages with the logs key to deliver them',
    principal: operator,
    action: 'kms:Decrypt',
    resource: (w) => w.logsKey,
    context: via('sns'),
    expect: 'allowed',
    source: SRC.snsKms,
  },
  {
    row: 'VPC Flow Logs assumes the flow-log role for a flow log of this account',
    principal: service(FLOW_LOGS),
    action: 'sts:AssumeRole',
    resource: roleResource(FLOW_LOGS),
    context: (w) => ({ 'aws:SourceAccount': TEST_ACCOUNT, 'aws:SourceArn': flowLogArn(w) }),
    expect: 'allowed',
    source: SRC.flowLogRole,
  },
  ...['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'].map(
    (action): Row => ({
      row: `The flow-log role may ${action} in the flow-log group`,
      principal: roleActing(FLOW_LOGS),
      action,
      resource: action === 'logs:DescribeLogStreams' ? flowLogGroup : streamIn(flowLogGroup),
      expect: 'allowed',
      source: SRC.flowLogRole,
    }),
  ),
  {
    row: 'RDS Enhanced Monitoring assumes the monitoring role for this account',
    principal: service(RDS_MONITORING),
    action: 'sts:AssumeRole',
    resource: roleResource(RDS_MONITORING),
    context: (w) => ({
      'aws:SourceAccount': TEST_ACCOUNT,
      'aws:SourceArn': `arn:aws:rds:${w.region}:${TEST_ACCOUNT}:db:${w.config.names.database}`,
    }),
    expect: 'allowed',
    source: SRC.rdsMonitoring,
  },
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): Row => ({
    row: `The monitoring role may ${action} in RDSOSMetrics`,
    principal: roleActing(RDS_MONITORING),
    action,
    resource: rdsOsMetricsStream,
    expect: 'allowed',
    source: SRC.rdsMonitoringPolicy,
  })),
  {
    row: "API Gateway assumes the account baseline's CloudWatch role for this account",
    principal: service(API_GATEWAY),
    action: 'sts:AssumeRole',
    resource: roleResource(API_GATEWAY),
    expect: 'allowed',
    source: SRC.apiGatewayLogging,
  },
  ...['logs:CreateLogStream', 'logs:PutLogEvents'].map((action): Row => ({
    row: `The account's API Gateway CloudWatch role may ${action} in this environment's API access-log group`,
    principal: roleActing(API_GATEWAY),
    action,
    resource: streamIn(accessLogGroup),
    expect: 'allowed',
    source: SRC.apiGatewayPolicy,
  })),
  {
    row: 'An administrator of this account schedules deletion of the data key (key policy enables IAM policies)',
    principal: operator,
    action: 'kms:ScheduleKeyDeletion',
    resource: (w) => w.dataKey,
    expect: 'allowed',
    source: SRC.keyPolicyRoot,
  },
  {
    row: 'An administrator of this account updates the logs key policy (key policy enables IAM policies)',
    principal: operator,
    action: 'kms:PutKeyPolicy',
    resource: (w) => w.logsKey,
    expect: 'allowed',
    source: SRC.keyPolicyRoot,
  },
];

// --- data tier: who may unmask the protected log groups, who may read the master secret ---

/** The log groups with a data protection policy, by name, as the stack names them. */
function protectedLogGroups(w: PlatformWorld): string[] {
  return w.stack
    .resources('aws_cloudwatch_log_data_protection_policy')
    .map(([n, body]) =>
      w.stack.resolve(body.log_group_name, `aws_cloudwatch_log_data_protection_policy.${n}`),
    );
}
const unmaskRole = (w: PlatformWorld) => roleByName(w.stack, w.config.names.logUnmaskRole);
const actingAs =
  (role: (w: PlatformWorld) => RoleTarget) =>
  (w: PlatformWorld): Caller => {
    const r = role(w);
    return { principal: r.arn, identityPolicies: r.permissions };
  };
/**
 * A log group (its ARN), or a log stream in it: the policy names both `<group arn>` and
 * `<group arn>:*`, and a request names one concrete resource.
 */
const groupTarget =
  (name: string, form: 'group' | 'stream' = 'group') =>
  (w: PlatformWorld) => {
    const target = w.logGroup(name);
    return form === 'group' ? target : { ...target, arn: `${target.arn}:log-stream:app` };
  };
const masterSecret = (w: PlatformWorld): Target => ({
  arn: w.stack.resolve(w.stack.tf.output.database_master_secret_arn.value, 'output'),
  account: TEST_ACCOUNT,
});
const dbSetupRole = (w: PlatformWorld) => roleByName(w.stack, w.config.names.dbSetupFunction);
const readinessRole = (w: PlatformWorld) => roleByName(w.stack, w.config.names.readinessFunction);
const secretContext = (secretArn: (w: PlatformWorld) => string) => (w: PlatformWorld) => ({
  ...via('secretsmanager')(w),
  'kms:EncryptionContext:SecretARN': secretArn(w),
});
const LOGS_UNMASK =
  'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/mask-sensitive-log-data.html';
const MFA_CONDITION =
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent';
const SECRET_READ =
  'https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html';
const SECRET_KMS_CONTEXT =
  'https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-encryption-context';

/** The unmask role may unmask each protected group, in both ARN forms IAM uses. */
function unmaskRows(w: PlatformWorld): Row[] {
  return protectedLogGroups(w).flatMap((name) =>
    (['group', 'stream'] as const).map((form): Row => ({
      row: `The unmask role may logs:Unmask ${name} (${form === 'group' ? 'the group' : 'a stream in it'})`,
      principal: actingAs(unmaskRole),
      action: 'logs:Unmask',
      resource: groupTarget(name, form),
      expect: 'allowed',
      source: LOGS_UNMASK,
    })),
  );
}

/** Log groups without data protection: the unmask role has nothing to see there. */
const UNPROTECTED_GROUPS = (w: PlatformWorld) => [
  w.config.names.flowLogGroup,
  `/aws/rds/instance/${w.config.names.database}/upgrade`,
  `/aws/elasticache/${w.config.names.cache}/slow-log`,
];

/** Every other role the environment and the account baseline define may not unmask. */
function noOtherUnmaskRows(w: PlatformWorld): Row[] {
  const others = [...allRoles(w.stack).roles, ...allRoles(w.baseline).roles].filter(
    (r) => r.name !== w.config.names.logUnmaskRole,
  );
  return others.flatMap((role) =>
    protectedLogGroups(w).map((name): Row => ({
      row: `Role ${role.name} may not logs:Unmask ${name}`,
      principal: () => ({ principal: role.arn, identityPolicies: role.permissions }),
      action: 'logs:Unmask',
      resource: groupTarget(name),
      expect: 'denied',
      because: 'no matching allow',
      source: LOGS_UNMASK,
    })),
  );
}

const DATA_TIER_ALLOWED: Row[] = [
  {
    row: 'A principal of this account signed in with MFA assumes the unmask role',
    principal: operator,
    action: 'sts:AssumeRole',
    resource: unmaskRole,
    context: () => ({ 'aws:MultiFactorAuthPresent': 'true' }),
    expect: 'allowed',
    source: MFA_CONDITION,
  },
  {
    row: 'The db-setup function reads the RDS-managed master secret',
    principal: actingAs(dbSetupRole),
    action: 'secretsmanager:GetSecretValue',
    resource: masterSecret,
    expect: 'allowed',
    source: SECRET_READ,
  },
  {
    row: 'Secrets Manager decrypts the master secret with the data key for the db-setup function',
    principal: actingAs(dbSetupRole),
    action: 'kms:Decrypt',
    resource: (w) => w.dataKey,
    context: secretContext((w) => masterSecret(w).arn),
    expect: 'allowed',
    source: SECRET_KMS_CONTEXT,
  },
];

const DATA_TIER_DENIED: Row[] = [
  {
    row: 'A principal of this account without MFA assumes the unmask role',
    principal: operator,
    action: 'sts:AssumeRole',
    resource: unmaskRole,
    expect: 'denied',
    because: 'no matching allow',
    source: MFA_CONDITION,
  },
  {
    row: 'A principal of this account whose session says MFA false assumes the unmask role',
    principal: operator,
    action: 'sts:AssumeRole',
    resource: unmaskRole,
    context: () => ({ 'aws:MultiFactorAuthPresent': 'false' }),
    expect: 'denied',
    because: 'no matching allow',
    source: MFA_CONDITION,
  },
  {
    row: 'An administrator of another account, with MFA, assumes the unmask role',
    principal: otherAccountAdmin,
    action: 'sts:AssumeRole',
    resource: unmaskRole,
    context: () => ({ 'aws:MultiFactorAuthPresent': 'true' }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: 'The db-setup function reads another secret of the account',
    principal: actingAs(dbSetupRole),
    action: 'secretsmanager:GetSecretValue',
    resource: (w) => ({
      arn: `arn:aws:secretsmanager:${w.region}:${TEST_ACCOUNT}:secret:other-AbCdEf`,
      account: TEST_ACCOUNT,
    }),
    expect: 'denied',
    because: 'no matching allow',
    source: SECRET_READ,
  },
  {
    row: 'The db-setup function decrypts another secret with the data key (encryption context)',
    principal: actingAs(dbSetupRole),
    action: 'kms:Decrypt',
    resource: (w) => w.dataKey,
    context: secretContext(
      (w) => `arn:aws:secretsmanager:${w.region}:${TEST_ACCOUNT}:secret:other-AbCdEf`,
    ),
    expect: 'denied',
    because: 'no matching allow',
    source: SECRET_KMS_CONTEXT,
  },
  {
    row: 'The db-setup function decrypts with the data key outside Secrets Manager and Lambda (S3)',
    principal: actingAs(dbSetupRole),
    action: 'kms:Decrypt',
    resource: (w) => w.dataKey,
    context: via('s3'),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.viaService,
  },
  {
    row: 'The readiness function reads the master secret (it logs in with IAM tokens only)',
    principal: actingAs(readinessRole),
    action: 'secretsmanager:GetSecretValue',
    resource: masterSecret,
    expect: 'denied',
    because: 'no matching allow',
    source: SECRET_READ,
  },
  {
    row: 'The unmask role reads the master secret',
    principal: actingAs(unmaskRole),
    action: 'secretsmanager:GetSecretValue',
    resource: masterSecret,
    expect: 'denied',
    because: 'no matching allow',
    source: SECRET_READ,
  },
];

/** The unmask role has no right on log groups that carry no masked data. */
const unmaskElsewhereRows = (w: PlatformWorld): Row[] =>
  UNPROTECTED_GROUPS(w).map((name) => ({
    row: `The unmask role may not logs:Unmask ${name} (no data protection there)`,
    principal: actingAs(unmaskRole),
    action: 'logs:Unmask',
    resource: groupTarget(name),
    expect: 'denied',
    because: 'no matching allow',
    source: LOGS_UNMASK,
  }));

const MUST_BE_DENIED: Row[] = [
  {
    row: 'An administrator of another account decrypts with the data key through RDS',
    principal: otherAccountAdmin,
    action: 'kms:Decrypt',
    resource: (w) => w.dataKey,
    context: via('rds', OTHER_ACCOUNT),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.kmsCrossAccount,
  },
  {
    row: 'An administrator of another account decrypts with the logs key',
    principal: otherAccountAdmin,
    action: 'kms:Decrypt',
    resource: (w) => w.logsKey,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.kmsCrossAccount,
  },
  {
    row: 'An administrator of another account publishes to the alarm topic',
    principal: otherAccountAdmin,
    action: 'sns:Publish',
    resource: (w) => w.alarmTopic,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: 'An administrator of another account assumes the flow-log role',
    principal: otherAccountAdmin,
    action: 'sts:AssumeRole',
    resource: roleResource(FLOW_LOGS),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.crossAccount,
  },
  {
    row: 'An anonymous caller publishes to the alarm topic',
    principal: anonymous,
    action: 'sns:Publish',
    resource: (w) => w.alarmTopic,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.snsAccessPolicy,
  },
  {
    row: 'An anonymous caller decrypts with the logs key',
    principal: anonymous,
    action: 'kms:Decrypt',
    resource: (w) => w.logsKey,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.keyPolicyRoot,
  },
  {
    row: 'An unrelated service (EventBridge) publishes to the alarm topic',
    principal: service('events.amazonaws.com'),
    action: 'sns:Publish',
    resource: (w) => w.alarmTopic,
    context: () => ({ 'aws:SourceAccount': TEST_ACCOUNT }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.snsAccessPolicy,
  },
  {
    row: 'An unrelated service (EC2) assumes the flow-log role',
    principal: service('ec2.amazonaws.com'),
    action: 'sts:AssumeRole',
    resource: roleResource(FLOW_LOGS),
    context: () => ({ 'aws:SourceAccount': TEST_ACCOUNT }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.flowLogRole,
  },
  {
    row: 'An unrelated service (Lambda) generates a data key with the logs key',
    principal: service('lambda.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.logsKey,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.keyPolicyRoot,
  },
  {
    row: 'CloudWatch Logs generates a data key with the data key (not its key)',
    principal: regional('logs'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.dataKey,
    context: (w) => logsContext(flowLogGroup(w).arn),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.logsKms,
  },
  {
    row: 'CloudWatch Logs of another region generates a data key with the logs key',
    principal: service('logs.us-east-1.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.logsKey,
    context: () => logsContext(`arn:aws:logs:us-east-1:${TEST_ACCOUNT}:log-group:elsewhere`),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.logsKms,
  },
  {
    row: 'CloudWatch Logs encrypts a log group of another account with the logs key (confused deputy)',
    principal: regional('logs'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.logsKey,
    context: (w) => logsContext(`arn:aws:logs:${w.region}:${OTHER_ACCOUNT}:log-group:theirs`),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.logsKms,
  },
  {
    row: 'VPC Flow Logs acting for another account assumes the flow-log role (aws:SourceAccount)',
    principal: service(FLOW_LOGS),
    action: 'sts:AssumeRole',
    resource: roleResource(FLOW_LOGS),
    context: (w) => ({
      'aws:SourceAccount': OTHER_ACCOUNT,
      'aws:SourceArn': flowLogArn(w, OTHER_ACCOUNT),
    }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.flowLogRole,
  },
  {
    row: 'VPC Flow Logs for a flow log outside this account assumes the flow-log role (aws:SourceArn)',
    principal: service(FLOW_LOGS),
    action: 'sts:AssumeRole',
    resource: roleResource(FLOW_LOGS),
    context: (w) => ({
      'aws:SourceAccount': TEST_ACCOUNT,
      'aws:SourceArn': flowLogArn(w, OTHER_ACCOUNT),
    }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.flowLogRole,
  },
  {
    row: 'RDS Enhanced Monitoring acting for another account assumes the monitoring role (aws:SourceAccount)',
    principal: service(RDS_MONITORING),
    action: 'sts:AssumeRole',
    resource: roleResource(RDS_MONITORING),
    context: () => ({ 'aws:SourceAccount': OTHER_ACCOUNT }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.rdsMonitoring,
  },
  {
    row: 'A platform alarm (not named healthcare-account-*) publishes to the account alarm topic (aws:SourceArn)',
    principal: service('cloudwatch.amazonaws.com'),
    action: 'sns:Publish',
    resource: (w) => w.accountAlarmTopic,
    context: (w) => ({ 'aws:SourceAccount': TEST_ACCOUNT, 'aws:SourceArn': alarmArn(w) }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.confusedDeputy,
  },
  {
    row: 'A CloudWatch alarm of another account publishes to the account alarm topic (aws:SourceAccount)',
    principal: service('cloudwatch.amazonaws.com'),
    action: 'sns:Publish',
    resource: (w) => w.accountAlarmTopic,
    context: (w) => ({
      'aws:SourceAccount': OTHER_ACCOUNT,
      'aws:SourceArn': `arn:aws:cloudwatch:${w.region}:${OTHER_ACCOUNT}:alarm:healthcare-account-root-account-usage`,
    }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.confusedDeputy,
  },
  {
    row: 'A CloudWatch alarm of another account publishes to the alarm topic (aws:SourceAccount)',
    principal: service('cloudwatch.amazonaws.com'),
    action: 'sns:Publish',
    resource: (w) => w.alarmTopic,
    context: (w) => ({
      'aws:SourceAccount': OTHER_ACCOUNT,
      'aws:SourceArn': alarmArn(w, OTHER_ACCOUNT),
    }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.confusedDeputy,
  },
  {
    row: 'A principal of this account decrypts with the data key directly, outside RDS, ElastiCache and Secrets Manager',
    principal: operator,
    action: 'kms:Decrypt',
    resource: (w) => w.dataKey,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.viaService,
  },
  {
    row: 'A principal of this account decrypts with the data key through another service (S3)',
    principal: operator,
    action: 'kms:Decrypt',
    resource: (w) => w.dataKey,
    context: via('s3'),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.viaService,
  },
  {
    row: 'A grant on the data key through RDS that is not for an AWS resource',
    principal: operator,
    action: 'kms:CreateGrant',
    resource: (w) => w.dataKey,
    context: grantVia('rds', 'false'),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.grantForAwsResource,
  },
  {
    row: 'A principal of this account decrypts with the logs key directly (it is for CloudWatch Logs and SNS)',
    principal: operator,
    action: 'kms:Decrypt',
    resource: (w) => w.logsKey,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.viaService,
  },
  {
    row: 'The flow-log role writes into a database log group',
    principal: roleActing(FLOW_LOGS),
    action: 'logs:PutLogEvents',
    resource: streamIn((w) =>
      w.logGroup(`/aws/rds/instance/${w.config.names.database}/postgresql`),
    ),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.flowLogRole,
  },
  {
    row: 'The flow-log role deletes the flow-log group',
    principal: roleActing(FLOW_LOGS),
    action: 'logs:DeleteLogGroup',
    resource: flowLogGroup,
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.flowLogRole,
  },
  {
    row: 'The monitoring role writes into the flow-log group',
    principal: roleActing(RDS_MONITORING),
    action: 'logs:PutLogEvents',
    resource: streamIn(flowLogGroup),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.rdsMonitoringPolicy,
  },
];

describe.each([
  ['production profile (TapStackprod)', {}],
  ['standard profile (TapStackdev)', { ENVIRONMENT_SUFFIX: 'dev' }],
])('access proofs, %s', (_profile, env: Record<string, string>) => {
  const world = platformWorld(env);
  const allowed = [
    ...logGroupRows(world),
    ...alarmRows(world),
    ...accountAlarmRows(world),
    ...MUST_BE_ALLOWED,
    ...unmaskRows(world),
    ...DATA_TIER_ALLOWED,
  ];
  const denied = [
    ...MUST_BE_DENIED,
    ...DATA_TIER_DENIED,
    ...unmaskElsewhereRows(world),
    ...noOtherUnmaskRows(world),
  ];

  it('finds every alarm of the stack notifying the alarm topic', () => {
    // 9 platform alarms (3 database, 4 cache, 2 API) and 4 readiness alarms in both profiles.
    expect(alarmRows(world).length).toBe(13);
  });

  it("finds every trail alarm of the baseline notifying the account's alarm topic", () => {
    expect(
      accountAlarmRows(world)
        .map((r) => r.row)
        .sort(),
    ).toEqual(
      TRAIL_ALARMS.map(
        (a) => `CloudWatch alarm healthcare-account-${a.id} publishes to the account alarm topic`,
      ).sort(),
    );
  });

  it('finds a log group encrypted with the logs key for every log group of the stack', () => {
    expect(logGroupRows(world).length).toBe(
      world.stack.resources('aws_cloudwatch_log_group').length,
    );
    expect(logGroupRows(world).length).toBeGreaterThanOrEqual(8);
  });

  describe('must be allowed', () => {
    test.each(allowed.map((r) => [r.row, r] as const))('%s', async (_row, r) => {
      await proveRow(r, world);
    });
  });

  it('finds the six protected log groups: PostgreSQL, both functions, API access, execution and WAF', () => {
    const names = world.config.names;
    expect(protectedLogGroups(world).sort()).toEqual(
      [
        `/aws/rds/instance/${names.database}/postgresql`,
        `/aws/lambda/${names.readinessFunction}`,
        `/aws/lambda/${names.dbSetupFunction}`,
        `/aws/apigateway/${names.api}/access-logs`,
        `API-Gateway-Execution-Logs_${TEST_REST_API_ID}/${world.config.environment}`,
        names.webAclLogGroup,
      ].sort(),
    );
  });

  it('proves "no other role may unmask" for every role of the environment and of the baseline it can read', () => {
    const platform = allRoles(world.stack);
    const baseline = allRoles(world.baseline);
    const names = world.config.names;
    expect(platform.unreadable).toEqual([]);
    expect(platform.roles.map((r) => r.name).sort()).toEqual(
      [
        names.databaseMonitoringRole,
        names.flowLogRole,
        names.readinessFunction,
        names.dbSetupFunction,
        names.logUnmaskRole,
      ].sort(),
    );
    expect(baseline.roles.map((r) => r.name).sort()).toEqual([
      'healthcare-apigw-cloudwatch',
      'healthcare-cloudtrail-logs',
    ]);
    // AWS Config's and AWS Backup's roles carry AWS-managed policies the proofs do not hold;
    // only their services can assume them (no person can use them to read logs).
    expect(baseline.unreadable.map((r) => r.name).sort()).toEqual([
      'healthcare-backup',
      'healthcare-config',
    ]);
    for (const { name } of baseline.unreadable) {
      const [n] = world.baseline.find('aws_iam_role', 'name', name);
      const trust = world.baseline.policy(
        world.baseline.tf.resource.aws_iam_role[n].assume_role_policy,
        n,
      );
      expect(trust.Statement.map((st) => Object.keys(st.Principal as object))).toEqual([
        ['Service'],
      ]);
    }
    // 4 other roles of the environment and 2 of the baseline, 6 protected groups each.
    expect(noOtherUnmaskRows(world)).toHaveLength(36);
  });

  describe('must be denied', () => {
    test.each(denied.map((r) => [r.row, r] as const))('%s', async (_row, r) => {
      await proveRow(r, world);
    });
  });
});
