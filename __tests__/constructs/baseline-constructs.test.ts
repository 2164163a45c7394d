import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import { AuditTrail } from '../../constructs/audit/audit-trail';
import { LockedBucket, LockedBucketProps } from '../../constructs/audit/locked-bucket';
import { TrailAlarms } from '../../constructs/audit/trail-alarms';
import { PhiBackup, PhiBackupProps } from '../../constructs/backup/phi-backup';
import {
  ConfigRecorder,
  configServiceRole,
  conformancePackTemplate,
  logicalId,
} from '../../constructs/detective/config-recorder';
import { GuardDuty } from '../../constructs/detective/threat-detection';
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
  it('records management events only and names no Config role when none is given', () => {
    const stack = freshStack();
    new AuditTrail(stack, 'a', {
      scope,
      trailName: 't',
      logGroupName: '/g',
      logsRoleName: 'r',
      keyAlias: 'alias/a',
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
    const docs = Object.values(parsed.data.aws_iam_policy_document) as Array<{
      statement: Array<{ sid: string }>;
    }>;
    expect(docs.flatMap((d) => d.statement.map((s) => s.sid))).not.toContain(
      'ConfigRoleEncryptsDeliveries',
    );
  });
});

describe('TrailAlarms', () => {
  const props = {
    logGroupName: 'g',
    topicName: 't',
    topicKeyArn: 'k',
    scope,
    namespace: 'N',
    alarmNamePrefix: 'p',
  };

  it('throws when the alarm list is empty or repeats an id', () => {
    expect(() => new TrailAlarms(freshStack(), 'a', { ...props, alarms: [] })).toThrow(
      "TrailAlarms 't': alarms must be a non-empty list of distinct ids, got []",
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
          bucketArn: 'arn:aws:s3:::b',
          keyArn: 'k',
          s3KeyPrefix: 'config',
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
});
