/**
 * Access proofs for TapAccountBaseline: the vault keys (RDS snapshot copies and restores),
 * the audit key (CloudTrail with an S3 Bucket Key, AWS Config, EventBridge), the security
 * alarm topic (EventBridge rules and CloudWatch alarms), AWS Config's bucket and the
 * access-log bucket, evaluated by @cloud-copilot/iam-simulate. A failing row prints itself
 * and the AWS page it rests on. See docs/access-proofs.md.
 *
 * The backup role's four AWS managed policies (AWSBackupServiceRolePolicyForBackup, …) are
 * not modelled: an allowed row here rests on the role's inline grant of the vault keys alone
 * (more Allow statements cannot turn it into a denial; those policies have no Deny), and a
 * denied row rests on the key policy, which no identity policy can overrule (KMS uses an
 * identity policy only where the key policy allows the account to delegate).
 */
import { loadStateBackend } from '../../config/backend';
import { BaselineConfig, loadBaselineConfig } from '../../config/baseline';
import { configFilesKey } from '../../constructs/detective/config-recorder';
import { eventRuleArn } from '../../constructs/audit/security-alarm-topic';
import {
  ARCHIVE_ACCESS_LOG_PREFIX,
  CONFIG_ACCESS_LOG_PREFIX,
  STATE_ACCESS_LOG_PREFIX,
} from '../../constructs/audit/access-logs';
import { AccessRow, Caller, proveRow } from './support/rows';
import {
  bucketByName,
  kmsKeyByAlias,
  objectIn,
  roleTrustedBy,
  RoleTarget,
  Target,
  topicByName,
} from './support/targets';
import {
  OTHER_ACCOUNT,
  PolicyDocument,
  SynthesizedStack,
  TEST_ACCOUNT,
} from './support/terraform-policies';
import { json } from '../support/synthesized';

interface BaselineWorld {
  readonly stack: SynthesizedStack;
  readonly config: BaselineConfig;
  readonly home: string;
  readonly dr: string;
  readonly homeKey: Target;
  readonly drKey: Target;
  readonly auditKey: Target;
  readonly topic: Target;
  readonly configBucket: Target;
  readonly archive: Target;
  readonly logBucket: Target;
  readonly stateBucketArn: string;
  readonly backupRole: RoleTarget;
  readonly trailArn: string;
}

/** Managed policies of the backup role left out of the proofs (see the file comment). */
const BACKUP_MANAGED_POLICIES = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
  'AWSBackupServiceRolePolicyForS3Backup',
  'AWSBackupServiceRolePolicyForS3Restore',
];

function baselineWorld(): BaselineWorld {
  const env = {};
  const config = loadBaselineConfig({ env });
  const stateBackend = loadStateBackend({ env }, { warn: () => undefined });
  const stack = new SynthesizedStack(config.stackId, json('baseline', env));
  const names = config.names;
  const bucket = (prefix: string) => `${prefix}-${TEST_ACCOUNT}-${config.region}`;
  return {
    stack,
    config,
    home: config.region,
    dr: config.drRegion,
    homeKey: kmsKeyByAlias(stack, names.backupKeyAlias),
    drKey: kmsKeyByAlias(stack, names.drBackupKeyAlias),
    auditKey: kmsKeyByAlias(stack, names.auditKeyAlias),
    topic: topicByName(stack, names.alarmTopic),
    configBucket: bucketByName(stack, bucket(names.configBucketPrefix)),
    archive: bucketByName(stack, bucket(names.archiveBucketPrefix)),
    logBucket: bucketByName(stack, bucket(names.accessLogBucketPrefix)),
    stateBucketArn: `arn:aws:s3:::${stateBackend.s3.bucket}`,
    backupRole: roleTrustedBy(stack, 'backup.amazonaws.com', BACKUP_MANAGED_POLICIES),
    trailArn: `arn:aws:cloudtrail:${config.region}:${TEST_ACCOUNT}:trail/${names.trail}`,
  };
}

// --- callers -------------------------------------------------------------------------

const ALL_ACTIONS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};
const service = (name: string) => (): Caller => ({ principal: name });
/** The role AWS Backup takes: RDS copies and restores snapshots as this role. */
const backupRole = (w: BaselineWorld): Caller => ({
  principal: w.backupRole.arn,
  identityPolicies: w.backupRole.permissions,
});
const otherAccountAdmin = (): Caller => ({
  principal: `arn:aws:iam::${OTHER_ACCOUNT}:role/admin`,
  identityPolicies: [{ name: 'admin', policy: ALL_ACTIONS }],
});

// --- context -------------------------------------------------------------------------

type Region = 'home' | 'dr';
const regionOf = (w: BaselineWorld, r: Region) => (r === 'home' ? w.home : w.dr);
const via =
  (prefix: string, region: Region, account = TEST_ACCOUNT) =>
  (w: BaselineWorld) => ({
    'kms:ViaService': `${prefix}.${regionOf(w, region)}.amazonaws.com`,
    'kms:CallerAccount': account,
  });
const grantVia =
  (prefix: string, region: Region, forAwsResource = 'true') =>
  (w: BaselineWorld) => ({
    ...via(prefix, region)(w),
    'kms:GrantIsForAWSResource': forAwsResource,
  });
const fromRule =
  (ruleName: string, account = TEST_ACCOUNT) =>
  (w: BaselineWorld) => ({
    'aws:SourceAccount': account,
    'aws:SourceArn': eventRuleArn(
      { accountId: account, partition: 'aws', region: w.home },
      ruleName,
    ),
  });
const TLS = { 'aws:SecureTransport': 'true' };
const configDelivery = (account = TEST_ACCOUNT, secure = 'true') => ({
  'aws:SecureTransport': secure,
  'aws:SourceAccount': account,
  's3:x-amz-acl': 'bucket-owner-full-control',
});
const logDelivery = (sourceArn: string, account = TEST_ACCOUNT) => ({
  ...TLS,
  'aws:SourceAccount': account,
  'aws:SourceArn': sourceArn,
});
const configFile = (w: BaselineWorld) =>
  objectIn(
    w.configBucket,
    configFilesKey(TEST_ACCOUNT).replace('*', 'eu-west-1/2026/12/1/ConfigSnapshot/x.json.gz'),
  );

// --- sources -------------------------------------------------------------------------

const SRC = {
  backupEncryption: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html',
  rdsCopy: 'https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CopyDBSnapshot.html',
  rdsKms: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.Keys.html',
  viaService:
    'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service',
  grantForAwsResource:
    'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource',
  kmsCrossAccount:
    'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
  eventsToSns:
    'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions',
  eventsKms: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html',
  snsKms: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
  alarmsToSns:
    'https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html',
  confusedDeputy: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
  cloudTrailKms:
    'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html',
  configBucket: 'https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html',
  configKms: 'https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html',
  configObjectLock:
    'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html',
  accessLogs:
    'https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html',
  tls: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html',
};

type Row = AccessRow<BaselineWorld>;

/** Every rule the topic must admit: EventBridge publishes for it. */
function ruleRows(w: BaselineWorld): Row[] {
  return Object.values(w.config.names.eventRules).map((name) => ({
    row: `EventBridge rule ${name} publishes to the security alarm topic`,
    principal: service('events.amazonaws.com'),
    action: 'sns:Publish',
    resource: (x) => x.topic,
    context: fromRule(name),
    expect: 'allowed' as const,
    source: SRC.eventsToSns,
  }));
}

const MUST_BE_ALLOWED: Row[] = [
  // RDS copies of the DR region (CopyDBSnapshot with the DR vault key) and restores from them.
  {
    row: "The backup role's RDS snapshot copy creates RDS's grant on the DR vault key through rds.<dr region>",
    principal: backupRole,
    action: 'kms:CreateGrant',
    resource: (w) => w.drKey,
    context: grantVia('rds', 'dr'),
    expect: 'allowed',
    source: SRC.rdsCopy,
  },
  {
    row: "The backup role's RDS snapshot copy describes the DR vault key through rds.<dr region>",
    principal: backupRole,
    action: 'kms:DescribeKey',
    resource: (w) => w.drKey,
    context: via('rds', 'dr'),
    expect: 'allowed',
    source: SRC.rdsCopy,
  },
  {
    row: "The backup role's RDS snapshot copy generates a data key with the DR vault key through rds.<dr region>",
    principal: backupRole,
    action: 'kms:GenerateDataKey',
    resource: (w) => w.drKey,
    context: via('rds', 'dr'),
    expect: 'allowed',
    source: SRC.rdsKms,
  },
  {
    row: 'A restore from the DR copy creates its grant on the DR vault key through rds.<dr region>',
    principal: backupRole,
    action: 'kms:CreateGrant',
    resource: (w) => w.drKey,
    context: grantVia('rds', 'dr'),
    expect: 'allowed',
    source: SRC.rdsKms,
  },
  {
    row: 'A restore from the DR copy decrypts with the DR vault key through rds.<dr region>',
    principal: backupRole,
    action: 'kms:Decrypt',
    resource: (w) => w.drKey,
    context: via('rds', 'dr'),
    expect: 'allowed',
    source: SRC.rdsKms,
  },
  {
    row: 'The source side: RDS creates its grant on the home vault key through rds.<home region>',
    principal: backupRole,
    action: 'kms:CreateGrant',
    resource: (w) => w.homeKey,
    context: grantVia('rds', 'home'),
    expect: 'allowed',
    source: SRC.rdsCopy,
  },
  {
    row: 'The source side: RDS decrypts with the home vault key through rds.<home region>',
    principal: backupRole,
    action: 'kms:Decrypt',
    resource: (w) => w.homeKey,
    context: via('rds', 'home'),
    expect: 'allowed',
    source: SRC.rdsCopy,
  },
  {
    row: 'AWS Backup (fully managed types) encrypts a recovery point with the home vault key through backup.<home region>',
    principal: backupRole,
    action: 'kms:GenerateDataKey',
    resource: (w) => w.homeKey,
    context: via('backup', 'home'),
    expect: 'allowed',
    source: SRC.backupEncryption,
  },
  {
    row: 'AWS Backup re-encrypts a copy with the DR vault key through backup.<dr region>',
    principal: backupRole,
    action: 'kms:GenerateDataKey',
    resource: (w) => w.drKey,
    context: via('backup', 'dr'),
    expect: 'allowed',
    source: SRC.backupEncryption,
  },
  // EventBridge publishes to the encrypted topic.
  {
    row: 'EventBridge generates the data key of the encrypted alarm topic with the audit key',
    principal: service('events.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.auditKey,
    expect: 'allowed',
    source: SRC.eventsKms,
  },
  {
    row: 'EventBridge decrypts with the audit key when it publishes to the alarm topic',
    principal: service('events.amazonaws.com'),
    action: 'kms:Decrypt',
    resource: (w) => w.auditKey,
    expect: 'allowed',
    source: SRC.snsKms,
  },
  // CloudTrail with an S3 Bucket Key on the archive.
  {
    row: 'CloudTrail decrypts with the audit key for this trail (the archive uses an S3 Bucket Key)',
    principal: service('cloudtrail.amazonaws.com'),
    action: 'kms:Decrypt',
    resource: (w) => w.auditKey,
    context: (w) => ({ 'aws:SourceArn': w.trailArn, 'aws:SourceAccount': TEST_ACCOUNT }),
    expect: 'allowed',
    source: SRC.cloudTrailKms,
  },
  {
    row: 'CloudTrail generates a data key with the audit key for this trail and its encryption context',
    principal: service('cloudtrail.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.auditKey,
    context: (w) => ({
      'aws:SourceArn': w.trailArn,
      'kms:EncryptionContext:aws:cloudtrail:arn': w.trailArn,
    }),
    expect: 'allowed',
    source: SRC.cloudTrailKms,
  },
  // AWS Config delivers to its own bucket.
  {
    row: "config.amazonaws.com checks the Config bucket's ACL for this account",
    principal: service('config.amazonaws.com'),
    action: 's3:GetBucketAcl',
    resource: (w) => w.configBucket,
    context: () => ({ ...TLS, 'aws:SourceAccount': TEST_ACCOUNT }),
    expect: 'allowed',
    source: SRC.configBucket,
  },
  {
    row: 'config.amazonaws.com checks the Config bucket exists (ListBucket) for this account',
    principal: service('config.amazonaws.com'),
    action: 's3:ListBucket',
    resource: (w) => w.configBucket,
    context: () => ({ ...TLS, 'aws:SourceAccount': TEST_ACCOUNT }),
    expect: 'allowed',
    source: SRC.configBucket,
  },
  {
    row: 'config.amazonaws.com writes a configuration snapshot of this account into the Config bucket',
    principal: service('config.amazonaws.com'),
    action: 's3:PutObject',
    resource: configFile,
    context: () => configDelivery(),
    expect: 'allowed',
    source: SRC.configBucket,
  },
  {
    row: 'config.amazonaws.com generates a data key with the audit key for this account',
    principal: service('config.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.auditKey,
    context: () => ({ 'aws:SourceAccount': TEST_ACCOUNT }),
    expect: 'allowed',
    source: SRC.configKms,
  },
  // Server access logs, one prefix per source bucket.
  {
    row: "S3 logging writes the audit archive's access logs under audit-archive/",
    principal: service('logging.s3.amazonaws.com'),
    action: 's3:PutObject',
    resource: (w) => objectIn(w.logBucket, `${ARCHIVE_ACCESS_LOG_PREFIX}2026-12-01-00-00-00-X`),
    context: (w) => logDelivery(w.archive.arn),
    expect: 'allowed',
    source: SRC.accessLogs,
  },
  {
    row: "S3 logging writes the Config bucket's access logs under config-bucket/",
    principal: service('logging.s3.amazonaws.com'),
    action: 's3:PutObject',
    resource: (w) => objectIn(w.logBucket, `${CONFIG_ACCESS_LOG_PREFIX}2026-12-01-00-00-00-X`),
    context: (w) => logDelivery(w.configBucket.arn),
    expect: 'allowed',
    source: SRC.accessLogs,
  },
  {
    row: "S3 logging writes the state bucket's access logs under tfstate/",
    principal: service('logging.s3.amazonaws.com'),
    action: 's3:PutObject',
    resource: (w) => objectIn(w.logBucket, `${STATE_ACCESS_LOG_PREFIX}2026-12-01-00-00-00-X`),
    context: (w) => logDelivery(w.stateBucketArn),
    expect: 'allowed',
    source: SRC.accessLogs,
  },
];

const MUST_BE_DENIED: Row[] = [
  {
    row: 'The backup role uses the DR vault key through another service (dynamodb.<dr region>)',
    principal: backupRole,
    action: 'kms:CreateGrant',
    resource: (w) => w.drKey,
    context: grantVia('dynamodb', 'dr'),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.viaService,
  },
  {
    row: 'The backup role decrypts with the DR vault key through rds of the home region',
    principal: backupRole,
    action: 'kms:Decrypt',
    resource: (w) => w.drKey,
    context: via('rds', 'home'),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.viaService,
  },
  {
    row: 'The backup role creates a grant on the DR vault key through rds.<dr region> that is not for an AWS resource',
    principal: backupRole,
    action: 'kms:CreateGrant',
    resource: (w) => w.drKey,
    context: grantVia('rds', 'dr', 'false'),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.grantForAwsResource,
  },
  {
    row: 'Another account creates a grant on the DR vault key through rds.<dr region>',
    principal: otherAccountAdmin,
    action: 'kms:CreateGrant',
    resource: (w) => w.drKey,
    context: (w) => ({
      ...via('rds', 'dr', OTHER_ACCOUNT)(w),
      'kms:GrantIsForAWSResource': 'true',
    }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.kmsCrossAccount,
  },
  {
    row: 'A rule of another account publishes to the security alarm topic',
    principal: service('events.amazonaws.com'),
    action: 'sns:Publish',
    resource: (w) => w.topic,
    context: (w) => fromRule(w.config.names.eventRules.guardDutyFindings, OTHER_ACCOUNT)(w),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.confusedDeputy,
  },
  {
    row: 'A rule of this account that the topic does not name publishes to it',
    principal: service('events.amazonaws.com'),
    action: 'sns:Publish',
    resource: (w) => w.topic,
    context: fromRule('someone-elses-rule'),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.eventsToSns,
  },
  {
    row: 'A CloudWatch alarm outside the healthcare-account- prefix publishes to the security alarm topic',
    principal: service('cloudwatch.amazonaws.com'),
    action: 'sns:Publish',
    resource: (w) => w.topic,
    context: (w) => ({
      'aws:SourceAccount': TEST_ACCOUNT,
      'aws:SourceArn': `arn:aws:cloudwatch:${w.home}:${TEST_ACCOUNT}:alarm:healthcare-prod-db-cpu`,
    }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.alarmsToSns,
  },
  {
    row: 'CloudTrail decrypts with the audit key for another trail',
    principal: service('cloudtrail.amazonaws.com'),
    action: 'kms:Decrypt',
    resource: (w) => w.auditKey,
    context: (w) => ({
      'aws:SourceArn': `arn:aws:cloudtrail:${w.home}:${OTHER_ACCOUNT}:trail/theirs`,
      'aws:SourceAccount': OTHER_ACCOUNT,
    }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.cloudTrailKms,
  },
  {
    row: 'config.amazonaws.com writes into the Config bucket for another account',
    principal: service('config.amazonaws.com'),
    action: 's3:PutObject',
    resource: configFile,
    context: () => configDelivery(OTHER_ACCOUNT),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.confusedDeputy,
  },
  {
    row: 'config.amazonaws.com generates a data key with the audit key for another account',
    principal: service('config.amazonaws.com'),
    action: 'kms:GenerateDataKey',
    resource: (w) => w.auditKey,
    context: () => ({ 'aws:SourceAccount': OTHER_ACCOUNT }),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.configKms,
  },
  {
    row: 'A delivery into the Config bucket without TLS',
    principal: service('config.amazonaws.com'),
    action: 's3:PutObject',
    resource: configFile,
    context: () => configDelivery(TEST_ACCOUNT, 'false'),
    expect: 'denied',
    because: 'explicit deny',
    source: SRC.tls,
  },
  {
    row: 'config.amazonaws.com writes into the Object Lock archive (Config does not deliver there)',
    principal: service('config.amazonaws.com'),
    action: 's3:PutObject',
    resource: (w) =>
      objectIn(w.archive, `config/${configFilesKey(TEST_ACCOUNT).replace('*', 'x.json.gz')}`),
    context: () => configDelivery(),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.configObjectLock,
  },
  {
    row: "S3 logging writes the state bucket's access logs under the archive's prefix",
    principal: service('logging.s3.amazonaws.com'),
    action: 's3:PutObject',
    resource: (w) => objectIn(w.logBucket, `${ARCHIVE_ACCESS_LOG_PREFIX}2026-12-01-00-00-00-X`),
    context: (w) => logDelivery(w.stateBucketArn),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.accessLogs,
  },
  {
    row: "S3 logging writes another account's access logs into the log bucket",
    principal: service('logging.s3.amazonaws.com'),
    action: 's3:PutObject',
    resource: (w) => objectIn(w.logBucket, `${CONFIG_ACCESS_LOG_PREFIX}2026-12-01-00-00-00-X`),
    context: (w) => logDelivery(w.configBucket.arn, OTHER_ACCOUNT),
    expect: 'denied',
    because: 'no matching allow',
    source: SRC.confusedDeputy,
  },
];

describe('access proofs, TapAccountBaseline (production defaults)', () => {
  const world = baselineWorld();
  const allowed = [...ruleRows(world), ...MUST_BE_ALLOWED];

  it('finds a publishing row for every EventBridge rule of the stack, and the topic admits no other', () => {
    const ruleNames = world.stack
      .resources('aws_cloudwatch_event_rule')
      .map(([, body]) => String(body.name))
      .sort();
    expect(
      ruleRows(world)
        .map((r) => r.row.split(' ')[2])
        .sort(),
    ).toEqual(ruleNames);
    expect(ruleNames).toHaveLength(5);
  });

  it('resolves the DR vault key in the DR region (its aliased provider), the home key at home', () => {
    expect(world.drKey.arn).toMatch(/^arn:aws:kms:eu-central-1:111122223333:key\/[0-9a-f-]{36}$/);
    expect(world.homeKey.arn).toMatch(/^arn:aws:kms:eu-west-1:111122223333:key\//);
  });

  describe('must be allowed', () => {
    test.each(allowed.map((r) => [r.row, r] as const))('%s', async (_row, r) => {
      await proveRow(r, world);
    });
  });

  describe('must be denied', () => {
    test.each(MUST_BE_DENIED.map((r) => [r.row, r] as const))('%s', async (_row, r) => {
      await proveRow(r, world);
    });
  });
});
