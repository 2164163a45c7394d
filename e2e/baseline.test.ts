/**
 * TapAccountBaseline as deployed (docs/account-baseline.md, "What the e2e should check"):
 * the audit trail logging with log-file validation, the Object Lock archive and its access
 * logs, the backup vaults and their locks, the plan with its DR copy, the PHI and synthetic
 * selections, GuardDuty and the Config recorder delivering to its own bucket. Skipped when
 * the baseline was not deployed (E2E_BASELINE_STACK unset or no outputs for it). Expected
 * names and settings come from config/baseline.ts; a control is checked when its setting
 * is `on` (the baseline runs it).
 */
import {
  DescribeBackupVaultCommand,
  BackupClient,
  GetBackupPlanCommand,
  GetBackupSelectionCommand,
  ListBackupSelectionsCommand,
} from '@aws-sdk/client-backup';
import {
  CloudTrailClient,
  GetTrailCommand,
  GetTrailStatusCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  ConfigServiceClient,
  DescribeConfigurationRecordersCommand,
  DescribeConfigurationRecorderStatusCommand,
  DescribeDeliveryChannelsCommand,
} from '@aws-sdk/client-config-service';
import {
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import {
  GetBucketLoggingCommand,
  GetObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import * as fs from 'node:fs';
import { loadBaselineConfig } from '../config/baseline';
import { clientConfig, Outputs, str } from './support';

function baselineOutputs(): Outputs | undefined {
  const id = process.env.E2E_BASELINE_STACK;
  const file = process.env.E2E_OUTPUTS_FILE;
  if (!id || !file) return undefined;
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Outputs>)[id];
}

const outputs = baselineOutputs();
const describeBaseline = outputs ? describe : describe.skip;

describeBaseline('account baseline (TapAccountBaseline)', () => {
  const o = outputs ?? {};
  const config = loadBaselineConfig({ env: process.env, context: () => undefined });

  const trailOn = config.cloudTrail === 'on' ? it : it.skip;

  trailOn(
    'logs the multi-region trail with log-file validation, encrypted with the audit key',
    async () => {
      const trail = new CloudTrailClient(clientConfig());
      const arn = str(o, 'trail_arn');
      const status = await trail.send(new GetTrailStatusCommand({ Name: arn }));
      expect(status.IsLogging).toBe(true);
      const { Trail } = await trail.send(new GetTrailCommand({ Name: arn }));
      expect(Trail?.Name).toBe(config.names.trail);
      expect(Trail?.IsMultiRegionTrail).toBe(true);
      expect(Trail?.LogFileValidationEnabled).toBe(true);
      expect(Trail?.KmsKeyId).toBe(str(o, 'audit_kms_key_arn'));
      expect(Trail?.S3BucketName).toBe(str(o, 'audit_archive_bucket_name'));
    },
  );

  trailOn(
    'keeps the audit archive under Object Lock with the configured mode and days',
    async () => {
      const s3 = new S3Client(clientConfig());
      const lock = await s3.send(
        new GetObjectLockConfigurationCommand({ Bucket: str(o, 'audit_archive_bucket_name') }),
      );
      expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
      const retention = lock.ObjectLockConfiguration?.Rule?.DefaultRetention;
      expect(retention?.Mode).toBe(config.archiveLockMode.toUpperCase());
      expect(retention?.Days).toBe(config.archiveRetentionDays);
    },
  );

  trailOn('logs every access to the audit archive into the access-log bucket', async () => {
    const s3 = new S3Client(clientConfig());
    const logging = await s3.send(
      new GetBucketLoggingCommand({ Bucket: str(o, 'audit_archive_bucket_name') }),
    );
    expect(logging.LoggingEnabled?.TargetPrefix).toBe('audit-archive/');
    expect(logging.LoggingEnabled?.TargetBucket).toMatch(/^healthcare-s3-access-logs-\d{12}-/);
  });

  it('locks both backup vaults (home and DR region)', async () => {
    const home = new BackupClient(clientConfig());
    const vault = await home.send(
      new DescribeBackupVaultCommand({ BackupVaultName: str(o, 'backup_vault_name') }),
    );
    expect(vault.BackupVaultName).toBe(config.names.backupVault);
    expect(vault.Locked).toBe(true);
    expect(vault.MinRetentionDays).toBeGreaterThanOrEqual(1);
    expect(vault.EncryptionKeyArn).toMatch(/^arn:aws:kms:/);
    const drArn = str(o, 'backup_dr_vault_arn');
    const dr = new BackupClient({ ...clientConfig(), region: config.drRegion });
    const drVault = await dr.send(
      new DescribeBackupVaultCommand({ BackupVaultName: drArn.split(':').pop()! }),
    );
    expect(drVault.BackupVaultArn).toBe(drArn);
    expect(drVault.Locked).toBe(true);
  });

  it('backs up PHI-tagged resources with a plan that copies every recovery point to the DR vault', async () => {
    const backup = new BackupClient(clientConfig());
    const BackupPlanId = str(o, 'backup_plan_id');
    const plan = await backup.send(new GetBackupPlanCommand({ BackupPlanId }));
    expect(plan.BackupPlan?.BackupPlanName).toBe(config.names.backupPlan);
    const rules = plan.BackupPlan?.Rules ?? [];
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.TargetBackupVaultName).toBe(config.names.backupVault);
      expect(rule.CopyActions?.map((c) => c.DestinationBackupVaultArn)).toEqual([
        str(o, 'backup_dr_vault_arn'),
      ]);
    }
    const listed = await backup.send(new ListBackupSelectionsCommand({ BackupPlanId }));
    const selectionId = listed.BackupSelectionsList?.find(
      (s) => s.SelectionName === config.names.backupSelection,
    )?.SelectionId;
    expect(selectionId).toBeTruthy();
    const selection = await backup.send(
      new GetBackupSelectionCommand({ BackupPlanId, SelectionId: selectionId! }),
    );
    expect(selection.BackupSelection?.IamRoleArn).toMatch(
      new RegExp(`:role/.*${config.names.backupRole}$`),
    );
    expect(selection.BackupSelection?.ListOfTags).toEqual([
      expect.objectContaining({ ConditionKey: 'DataClassification', ConditionValue: 'PHI' }),
    ]);
  });

  it('backs up synthetic-tagged resources into an unlocked vault, daily, with no copy', async () => {
    const backup = new BackupClient(clientConfig());
    const vault = await backup.send(
      new DescribeBackupVaultCommand({ BackupVaultName: str(o, 'synthetic_backup_vault_name') }),
    );
    expect(vault.BackupVaultName).toBe(config.names.syntheticBackupVault);
    expect(vault.Locked ?? false).toBe(false);
    const BackupPlanId = str(o, 'synthetic_backup_plan_id');
    const plan = await backup.send(new GetBackupPlanCommand({ BackupPlanId }));
    expect(
      plan.BackupPlan?.Rules?.map((r) => [
        r.RuleName,
        r.Lifecycle?.DeleteAfterDays,
        r.CopyActions ?? [],
      ]),
    ).toEqual([['daily', config.syntheticBackupRetentionDays, []]]);
    const listed = await backup.send(new ListBackupSelectionsCommand({ BackupPlanId }));
    const selection = await backup.send(
      new GetBackupSelectionCommand({
        BackupPlanId,
        SelectionId: listed.BackupSelectionsList![0].SelectionId!,
      }),
    );
    expect(selection.BackupSelection?.ListOfTags).toEqual([
      expect.objectContaining({ ConditionKey: 'DataClassification', ConditionValue: 'synthetic' }),
    ]);
  });

  (config.guardDuty === 'on' ? it : it.skip)('runs a GuardDuty detector', async () => {
    const guardDuty = new GuardDutyClient(clientConfig());
    const ids = (await guardDuty.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
    expect(ids).toHaveLength(1);
    const detector = await guardDuty.send(new GetDetectorCommand({ DetectorId: ids[0] }));
    expect(detector.Status).toBe('ENABLED');
  });

  (config.config === 'on' ? it : it.skip)(
    'records configuration changes (AWS Config recorder on) into its own bucket, not the Object Lock archive',
    async () => {
      const configService = new ConfigServiceClient(clientConfig());
      const recorders = await configService.send(new DescribeConfigurationRecordersCommand({}));
      const recorder = recorders.ConfigurationRecorders?.find(
        (r) => r.name === config.names.configRecorder,
      );
      expect(recorder).toBeDefined();
      const status = await configService.send(
        new DescribeConfigurationRecorderStatusCommand({
          ConfigurationRecorderNames: [config.names.configRecorder],
        }),
      );
      expect(status.ConfigurationRecordersStatus?.[0]?.recording).toBe(true);
      const channels = await configService.send(new DescribeDeliveryChannelsCommand({}));
      expect(channels.DeliveryChannels?.map((c) => c.s3BucketName)).toEqual([
        str(o, 'config_bucket_name'),
      ]);
      const s3 = new S3Client(clientConfig());
      const logging = await s3.send(
        new GetBucketLoggingCommand({ Bucket: str(o, 'config_bucket_name') }),
      );
      expect(logging.LoggingEnabled?.TargetPrefix).toBe('config-bucket/');
    },
  );
});
