import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, Testing, TerraformStack } from 'cdktf';
import { AccessLogs, AccessLogsProps } from '../../constructs/audit/access-logs';
import { auditKey, auditKeyStatements } from '../../constructs/audit/audit-key';
import { AuditTrail } from '../../constructs/audit/audit-trail';
import { LockedBucket, LockedBucketProps } from '../../constructs/audit/locked-bucket';
import {
  SecurityAlarmTopic,
  SecurityAlarmTopicProps,
} from '../../constructs/audit/security-alarm-topic';
import { TrailAlarms } from '../../constructs/audit/trail-alarms';
import { PhiBackup, PhiBackupProps } from '../../constructs/backup/phi-backup';
import { SyntheticBackup, SyntheticBackupProps } from '../../constructs/backup/synthetic-backup';
import {
  ConfigRecorder,
  configServiceRole,
  conformancePackTemplate,
  logicalId,
} from '../../constructs/detective/config-recorder';
import {
  SecurityEventRoutes,
  securityEventRoutes,
} from '../../constructs/detective/security-event-routes';
import { GuardDuty, OrganizationGuardDuty } from '../../constructs/detective/threat-detection';
import { ServiceKey, ServiceKeyProps } from '../../constructs/encryption/service-key';

const scope = { accountId: '123456789012', partition: 'aws', region: 'eu-west-1' };

function freshStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  return stack;
}

describe('ServiceKey', () => {
  const props: ServiceKeyProps = {
    alias: 'alias/test',
    description: 'test',
    scope,
    statements: [{ sid: 'X', actions: ['kms:Decrypt'], resources: ['*'] }],
  };

  it('rotates, waits 30 days and does not prevent destroy by default', () => {
    const stack = freshStack();
    new ServiceKey(stack, 'key', props);
    const parsed = JSON.parse(Testing.synth(stack));
    expect(Object.values(parsed.resource.aws_kms_key)[0]).toEqual(
      expect.objectContaining({ enable_key_rotation: true, deletion_window_in_days: 30 }),
    );
    expect(Object.values(parsed.resource.aws_kms_key)[0]).not.toHaveProperty('lifecycle');
  });

  it('throws when the deletion window is outside 7 to 30 days', () => {
    expect(() => new ServiceKey(freshStack(), 'k', { ...props, deletionWindowDays: 3 })).toThrow(
      'deletionWindowDays = 3: must be a whole number of days from 7 to 30 (KMS limit)',
    );
  });

  it('throws when the alias is not an alias/ name or names an AWS-managed key', () => {
    expect(() => new ServiceKey(freshStack(), 'k', { ...props, alias: 'alias/aws/s3' })).toThrow(
      'alias = "alias/aws/s3": must start with "alias/" and must not start with "alias/aws/"',
    );
  });

  it('throws when no service may use the key', () => {
    expect(() => new ServiceKey(freshStack(), 'k', { ...props, statements: [] })).toThrow(
      'statements is empty: a key no service may use protects nothing; name the services that use "alias/test"',
    );
  });
});

describe('LockedBucket', () => {
  const props: LockedBucketProps = {
    bucketName: 'b',
    kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc',
    objectLock: { mode: 'GOVERNANCE', days: 10 },
    expirationDays: 11,
    policyStatements: () => [],
  };

  it('throws when a protected bucket would be emptied by destroy', () => {
    expect(
      () =>
        new LockedBucket(freshStack(), 'b', { ...props, preventDestroy: true, forceDestroy: true }),
    ).toThrow('forceDestroy with preventDestroy: a protected bucket is never emptied by Terraform');
  });

  it('throws when a locked bucket has no KMS key', () => {
    expect(() => new LockedBucket(freshStack(), 'b', { ...props, kmsKeyArn: undefined })).toThrow(
      'objectLock without kmsKeyArn',
    );
  });

  it('throws when the lock days are not a positive whole number', () => {
    expect(
      () =>
        new LockedBucket(freshStack(), 'b', {
          ...props,
          objectLock: { mode: 'GOVERNANCE', days: 1.5 },
        }),
    ).toThrow('objectLock.days = 1.5: must be a positive whole number of days');
  });

  it('throws when objects would expire before their lock ends', () => {
    expect(() => new LockedBucket(freshStack(), 'b', { ...props, expirationDays: 5 })).toThrow(
      'expirationDays = 5: must be a whole number of days, at least the Object Lock retention (10)',
    );
  });

  it('throws when the Glacier transition day is not a positive whole number', () => {
    expect(() => new LockedBucket(freshStack(), 'b', { ...props, glacierAfterDays: 0 })).toThrow(
      'glacierAfterDays = 0: must be a whole number of days, at least 1',
    );
  });
});

describe('AuditTrail', () => {
  it('records management events only when no data-event bucket is given', () => {
    const stack = freshStack();
    const key = auditKey(stack, 'k', { scope, alias: 'alias/a', users: {} });
    new AuditTrail(stack, 'a', {
      scope,
      trailName: 't',
      logGroupName: '/g',
      logsRoleName: 'r',
      key,
      archiveBucketName: 'b',
      archiveLockMode: 'GOVERNANCE',
      archiveRetentionDays: 1,
      logRetentionDays: 1,
    });
    const parsed = JSON.parse(Testing.synth(stack));
    expect(Object.values(parsed.resource.aws_cloudtrail)[0]).toMatchObject({
      event_selector: [{ read_write_type: 'All', include_management_events: true }],
    });
    expect(JSON.stringify(Object.values(parsed.resource.aws_cloudtrail)[0])).not.toContain(
      'data_resource',
    );
  });
});

describe('auditKeyStatements', () => {
  const sids = (users: Parameters<typeof auditKeyStatements>[1]) =>
    auditKeyStatements(scope, users).map((s) => s.sid);

  it('lets only the alarm publishers use the key when neither trail nor Config is here', () => {
    expect(sids({})).toEqual([
      'CloudWatchAlarmsPublishToEncryptedTopic',
      'EventBridgePublishesToEncryptedTopic',
    ]);
  });

  it('adds CloudTrail, the trail log group and reads through S3 for a trail', () => {
    expect(sids({ trail: { trailArn: 'arn:t', logGroupArn: 'arn:g' } })).toEqual([
      'CloudTrailEncryptsTrailFiles',
      'CloudTrailDescribesKey',
      'CloudTrailDecryptsForBucketKey',
      'AccountDecryptsTrailFiles',
      'AccountReadsAuditBucketsThroughS3',
      'CloudWatchLogsEncryptsTrailLogGroup',
      'CloudWatchAlarmsPublishToEncryptedTopic',
      'EventBridgePublishesToEncryptedTopic',
    ]);
  });

  it('adds Config (role and service) and reads through S3 for Config alone', () => {
    expect(sids({ config: { roleArn: 'arn:r' } })).toEqual([
      'AccountReadsAuditBucketsThroughS3',
      'ConfigRoleEncryptsDeliveries',
      'ConfigServiceEncryptsDeliveries',
      'CloudWatchAlarmsPublishToEncryptedTopic',
      'EventBridgePublishesToEncryptedTopic',
    ]);
  });

  it('names what the key protects in its description', () => {
    const stack = freshStack();
    auditKey(stack, 'k', { scope, alias: 'alias/a', users: { config: { roleArn: 'arn:r' } } });
    const key = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_kms_key)[0] as {
      description: string;
    };
    expect(key.description).toBe(
      'Healthcare account baseline: AWS Config bucket, security alarm topic',
    );
  });
});

describe('AccessLogs', () => {
  const source = { id: 'a', bucketName: 'a', bucketArn: 'arn:aws:s3:::a', prefix: 'a/' };
  const props: AccessLogsProps = {
    accountId: scope.accountId,
    logBucketName: 'logs',
    retentionDays: 30,
    sources: [source],
  };

  it('throws when nothing would be logged', () => {
    expect(() => new AccessLogs(freshStack(), 'l', { ...props, sources: [] })).toThrow(
      "Invalid AccessLogs 'l':\n  - sources is empty: a log bucket nothing logs to is not created",
    );
  });

  it('throws when two sources share an id or a prefix', () => {
    expect(
      () =>
        new AccessLogs(freshStack(), 'l', { ...props, sources: [source, { ...source, id: 'b' }] }),
    ).toThrow('source ids and prefixes must be distinct: ids [a, b], prefixes [a/, a/]');
  });

  it('throws when a prefix is not a lowercase word ending in a slash', () => {
    expect(
      () => new AccessLogs(freshStack(), 'l', { ...props, sources: [{ ...source, prefix: 'A' }] }),
    ).toThrow('prefixes must be lowercase words ending in "/" (one per source): [A]');
  });
});

describe('SecurityAlarmTopic', () => {
  const props: SecurityAlarmTopicProps = {
    topicName: 't',
    keyArn: 'k',
    scope,
    alarmNamePrefix: 'p',
    eventRuleNames: ['r'],
  };

  it('throws when the alarm prefix would match more than its alarms', () => {
    expect(
      () => new SecurityAlarmTopic(freshStack(), 't', { ...props, alarmNamePrefix: 'a*' }),
    ).toThrow('alarmNamePrefix = "a*": must be non-empty, without spaces, * or ?');
  });

  it('throws when no rule, or a rule twice, is admitted', () => {
    expect(
      () => new SecurityAlarmTopic(freshStack(), 't', { ...props, eventRuleNames: [] }),
    ).toThrow('eventRuleNames must be a non-empty list of distinct rule names, got []');
    expect(
      () => new SecurityAlarmTopic(freshStack(), 't', { ...props, eventRuleNames: ['r', 'r'] }),
    ).toThrow('got [r, r]');
  });
});

describe('SecurityEventRoutes', () => {
  const names = {
    guardDutyFindings: 'g',
    securityHubFindings: 's',
    backupJobFailed: 'b',
    copyJobFailed: 'c',
    restoreJobFailed: 'r',
  };

  it('routes backup failures always and findings only of the services that run here', () => {
    expect(
      securityEventRoutes(names, { guardDuty: false, securityHub: false }).map((r) => r.ruleName),
    ).toEqual(['b', 'c', 'r']);
    expect(
      securityEventRoutes(names, { guardDuty: true, securityHub: false }).map((r) => r.ruleName),
    ).toEqual(['g', 'b', 'c', 'r']);
  });

  it('throws when there is no route or a rule name repeats', () => {
    expect(() => new SecurityEventRoutes(freshStack(), 'e', { routes: [], topicArn: 't' })).toThrow(
      "SecurityEventRoutes 'e': routes must be a non-empty list of distinct rule names, got []",
    );
    const [route] = securityEventRoutes(names, { guardDuty: false, securityHub: false });
    expect(
      () => new SecurityEventRoutes(freshStack(), 'e', { routes: [route, route], topicArn: 't' }),
    ).toThrow('got [b, b]');
  });
});

describe('TrailAlarms', () => {
  const props = {
    logGroupName: 'g',
    topicArn: 'arn:aws:sns:eu-west-1:123456789012:t',
    namespace: 'N',
    alarmNamePrefix: 'p',
  };

  it('throws when the alarm list is empty or repeats an id', () => {
    expect(() => new TrailAlarms(freshStack(), 'a', { ...props, alarms: [] })).toThrow(
      "TrailAlarms 'a': alarms must be a non-empty list of distinct ids, got []",
    );
    const one = {
      id: 'x',
      metricName: 'X',
      description: 'd',
      pattern: '{ $.a = 1 }',
      securityHub: 'CloudWatch.1',
      cis: '4.3',
    };
    expect(() => new TrailAlarms(freshStack(), 'a', { ...props, alarms: [one, one] })).toThrow(
      'got [x, x]',
    );
  });
});

describe('PhiBackup', () => {
  const base = (stack: TerraformStack): PhiBackupProps => ({
    scope,
    drScope: { ...scope, region: 'eu-central-1' },
    drProvider: new AwsProvider(stack, 'dr', { alias: 'dr', region: 'eu-central-1' }),
    vaultName: 'v',
    drVaultName: 'vdr',
    keyAlias: 'alias/v',
    drKeyAlias: 'alias/vdr',
    planName: 'p',
    selectionName: 's',
    roleName: 'r',
    lockMode: 'compliance',
    changeableForDays: 3,
    dailyRetentionDays: 35,
    continuousRetentionDays: 35,
  });
  const build = (patch: Partial<PhiBackupProps>) => {
    const stack = freshStack();
    return () => new PhiBackup(stack, 'b', { ...base(stack), ...patch });
  };

  it('throws when the daily retention is below the vault lock minimum', () => {
    expect(build({ dailyRetentionDays: 3 })).toThrow(
      'dailyRetentionDays = 3: must be a whole number of days from 7 (the vault lock minimum) to 36500',
    );
  });

  it('throws when continuous backups are kept beyond the AWS limit', () => {
    expect(build({ continuousRetentionDays: 36 })).toThrow(
      'continuousRetentionDays = 36: must be a whole number of days from 7 to 35 (the AWS Backup limit for continuous backups)',
    );
  });

  it('throws when monthly backups would leave cold storage too early', () => {
    expect(build({ monthlyRetentionDays: 100 })).toThrow(
      'monthlyRetentionDays = 100: must be a whole number of days, at least 180',
    );
  });

  it('throws when compliance mode has less than the 3-day cooling-off period', () => {
    expect(build({ changeableForDays: 1 })).toThrow(
      'changeableForDays = 1: compliance mode needs a whole number of days, at least 3',
    );
  });

  it('throws when the DR region is the home region', () => {
    expect(build({ drScope: scope })).toThrow(
      'drScope.region = eu-west-1: must differ from the home region',
    );
  });

  it('selects a custom tag when given one', () => {
    const stack = freshStack();
    new PhiBackup(stack, 'b', { ...base(stack), selectionTag: { key: 'Backup', value: 'yes' } });
    expect(Testing.synth(stack)).toContain('"key": "Backup"');
  });
});

describe('SyntheticBackup', () => {
  const props: SyntheticBackupProps = {
    vaultName: 'v',
    planName: 'p',
    selectionName: 's',
    keyArn: 'k',
    roleArn: 'r',
    retentionDays: 7,
  };
  const rules = (stack: TerraformStack) =>
    (
      Object.values(JSON.parse(Testing.synth(stack)).resource.aws_backup_plan)[0] as {
        rule: { lifecycle: unknown }[];
      }
    ).rule;

  it.each([1, 35])('keeps recovery points %i days (a bound)', (days) => {
    const stack = freshStack();
    new SyntheticBackup(stack, 's', { ...props, retentionDays: days });
    expect(rules(stack)).toEqual([expect.objectContaining({ lifecycle: { delete_after: days } })]);
  });

  it.each([0, 36, 1.5])('throws when the retention is %s days', (days) => {
    expect(() => new SyntheticBackup(freshStack(), 's', { ...props, retentionDays: days })).toThrow(
      `Invalid SyntheticBackup 'v': retentionDays = ${days}: must be a whole number of days from 1 to 35`,
    );
  });

  it('selects a custom tag when given one', () => {
    const stack = freshStack();
    new SyntheticBackup(stack, 's', { ...props, selectionTag: { key: 'Data', value: 'test' } });
    expect(
      (
        Object.values(JSON.parse(Testing.synth(stack)).resource.aws_backup_selection)[0] as {
          selection_tag: unknown;
        }
      ).selection_tag,
    ).toEqual([{ type: 'STRINGEQUALS', key: 'Data', value: 'test' }]);
  });
});

describe('ConfigRecorder and its conformance pack', () => {
  it('throws when the rule table is empty', () => {
    const stack = freshStack();
    const role = configServiceRole(stack, 'role', { name: 'r', ...scope });
    expect(
      () =>
        new ConfigRecorder(stack, 'c', {
          recorderName: 'rec',
          role,
          accountId: scope.accountId,
          bucketName: 'b',
          retentionDays: 30,
          keyArn: 'k',
          includeGlobalResourceTypes: true,
          conformancePackName: 'p',
          rules: [],
        }),
    ).toThrow("ConfigRecorder 'rec': rules is empty; a conformance pack needs at least one rule");
  });

  it('writes one AWS managed rule per row', () => {
    expect(
      conformancePackTemplate([
        { identifier: 'RDS_STORAGE_ENCRYPTED', name: 'rds-storage-encrypted', hipaa: 'x' },
      ]),
    ).toBe(
      [
        'Resources:',
        '  RdsStorageEncrypted:',
        '    Type: AWS::Config::ConfigRule',
        '    Properties:',
        '      ConfigRuleName: rds-storage-encrypted',
        '      Source:',
        '        Owner: AWS',
        '        SourceIdentifier: RDS_STORAGE_ENCRYPTED',
        '',
      ].join('\n'),
    );
    expect(logicalId('CLOUD_TRAIL_ENABLED')).toBe('CloudTrailEnabled');
  });

  it('throws when an identifier is malformed or listed twice', () => {
    const row = { identifier: 'CLOUD_TRAIL_ENABLED', name: 'cloudtrail-enabled', hipaa: 'x' };
    expect(() => conformancePackTemplate([row, row])).toThrow(
      'conformance pack rule identifier "CLOUD_TRAIL_ENABLED" must be an AWS managed rule identifier (A-Z, 0-9, _) listed once',
    );
    expect(() => conformancePackTemplate([{ ...row, identifier: 'cloudtrail-enabled' }])).toThrow(
      'rule identifier "cloudtrail-enabled"',
    );
  });
});

describe('GuardDuty', () => {
  it('publishes findings every 15 minutes unless told otherwise', () => {
    const stack = freshStack();
    new GuardDuty(stack, 'g', { findingPublishingFrequency: 'ONE_HOUR' });
    expect(Testing.synth(stack)).toContain('"finding_publishing_frequency": "ONE_HOUR"');
  });

  it("reads the organization's detector and creates nothing", () => {
    const stack = freshStack();
    const org = new OrganizationGuardDuty(stack, 'g', { message: 'not enabled here' });
    new TerraformOutput(stack, 'detector', { value: org.detectorId });
    const parsed = JSON.parse(Testing.synth(stack));
    expect(parsed.resource).toBeUndefined();
    // The address is what the provider's error shows when the region has no detector.
    expect(parsed.output.detector.value).toBe(
      '${data.aws_guardduty_detector.BASELINE_GUARDDUTY_organization_needs_a_detector_enabled_by_the_delegated_administrator.id}',
    );
    expect(Object.values(parsed.data.aws_guardduty_detector)).toEqual([
      expect.objectContaining({
        lifecycle: {
          postcondition: [
            { condition: '${self.status == "ENABLED"}', error_message: 'not enabled here' },
          ],
        },
      }),
    ]);
  });
});
