/**
 * TapAccountBaseline as deployed (docs/account-baseline.md, "What the e2e should check"):
 * the audit trail logging with log-file validation, the Object Lock archive, the backup
 * vaults and their locks, the plan with its DR copy, the PHI selection, GuardDuty and the
 * Config recorder. Skipped when the baseline was not deployed (E2E_BASELINE_STACK unset or
 * no outputs for it). Expected names and settings come from config/baseline.ts.
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
} from '@aws-sdk/client-config-service';
import {
  GetDetectorCommand,
  GuardDutyClient,
  ListDetectorsCommand,
} from '@aws-sdk/client-guardduty';
import { GetObjectLockConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
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

  it('logs the multi-region trail with log-file validation, encrypted with the audit key', async () => {
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
  });

  it('keeps the audit archive under Object Lock with the configured mode and days', async () => {
    const s3 = new S3Client(clientConfig());
    const lock = await s3.send(
      new GetObjectLockConfigurationCommand({ Bucket: str(o, 'audit_archive_bucket_name') }),
    );
    expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
    const retention = lock.ObjectLockConfiguration?.Rule?.DefaultRetention;
    expect(retention?.Mode).toBe(config.archiveLockMode.toUpperCase());
    expect(retention?.Days).toBe(config.archiveRetentionDays);
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

  (config.guardDuty ? it : it.skip)('runs a GuardDuty detector', async () => {
    const guardDuty = new GuardDutyClient(clientConfig());
    const ids = (await guardDuty.send(new ListDetectorsCommand({}))).DetectorIds ?? [];
    expect(ids).toHaveLength(1);
    const detector = await guardDuty.send(new GetDetectorCommand({ DetectorId: ids[0] }));
    expect(detector.Status).toBe('ENABLED');
  });

  (config.config ? it : it.skip)(
    'records configuration changes (AWS Config recorder on)',
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
    },
  );
});
