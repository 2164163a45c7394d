import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { applyStateBackend, StateBackendSettings } from '../config/backend';
import type { BaselineConfig } from '../config/baseline';
import { AccountSettings } from '../constructs/account/account-settings';
import { AuditTrail, CONFIG_PREFIX } from '../constructs/audit/audit-trail';
import { StateAccessLogs } from '../constructs/audit/state-access-logs';
import { TrailAlarms } from '../constructs/audit/trail-alarms';
import { PhiBackup } from '../constructs/backup/phi-backup';
import { ConfigRecorder, configServiceRole } from '../constructs/detective/config-recorder';
import { GuardDuty, SecurityHub } from '../constructs/detective/threat-detection';
import { KeyScope } from '../constructs/encryption/service-key';

export interface AccountBaselineStackProps {
  readonly config: BaselineConfig;
  /** The remote state: this stack's backend, and the state bucket the trail and access logs watch. */
  readonly stateBackend: StateBackendSettings;
}

/**
 * Provider default_tags. Deliberately not DataClassification=PHI: the backup selection
 * picks every PHI-tagged resource, and the baseline's own logs and vaults are audit data.
 */
export const BASELINE_TAGS: Readonly<Record<string, string>> = {
  Project: 'healthcare-platform',
  Environment: 'account',
  ManagedBy: 'cdktf',
  DataClassification: 'audit',
  Compliance: 'HIPAA',
  Component: 'account-baseline',
};

/** The environment name the state key is built with: `healthcare/account/TapAccountBaseline.tfstate`. */
export const BASELINE_STATE_ENVIRONMENT = 'account';

/**
 * `TapAccountBaseline`: the controls an account and region need once, deployed after the
 * state bootstrap (TapStateBackend) and before the environments (TapStack<env>), on the
 * same remote state. Audit trail and alarms, backups with a DR copy, detective controls,
 * and the account settings the environments rely on.
 */
export class AccountBaselineStack extends TerraformStack {
  readonly trail?: AuditTrail;
  readonly backup: PhiBackup;

  constructor(scope: Construct, props: AccountBaselineStackProps) {
    const { config, stateBackend } = props;
    super(scope, config.stackId);
    const tags = [{ tags: { ...BASELINE_TAGS } }];

    new AwsProvider(this, 'aws', { region: config.region, defaultTags: tags });
    const drProvider = new AwsProvider(this, 'aws-dr', {
      alias: 'dr',
      region: config.drRegion,
      defaultTags: tags,
    });
    applyStateBackend(this, stateBackend, { environment: BASELINE_STATE_ENVIRONMENT });

    const accountId = new DataAwsCallerIdentity(this, 'account').accountId;
    const partition = new DataAwsPartition(this, 'partition').partition;
    const home: KeyScope = { accountId, partition, region: config.region };

    const configRole = config.config
      ? configServiceRole(this, 'config-role', {
          name: config.names.configRole,
          accountId,
          partition,
        })
      : undefined;
    if (config.cloudTrail) this.trail = this.audit(props, home, tags, configRole);

    this.backup = this.backups(config, home, drProvider);
    if (config.guardDuty) new GuardDuty(this, 'guardduty');
    if (config.securityHub)
      new SecurityHub(this, 'security-hub', { partition, region: config.region });
    new AccountSettings(this, 'account-settings', {
      accountId,
      partition,
      apiGatewayCloudWatchRoleName: config.names.apiGatewayCloudWatchRole,
      accountWide: config.accountWide,
    });

    this.outputs();
  }

  /** Trail, archive, state access logs, trail alarms and (when on) AWS Config. */
  private audit(
    props: AccountBaselineStackProps,
    home: KeyScope,
    tags: { tags: Record<string, string> }[],
    configRole: IamRole | undefined,
  ): AuditTrail {
    const { config, stateBackend } = props;
    const { accountId, partition } = home;
    const names = config.names;
    const protect = config.protectStatefulResources;
    const state = stateBackend.s3;
    const unique = (prefix: string, region: string) => `${prefix}-${accountId}-${region}`;
    const trail = new AuditTrail(this, 'audit', {
      scope: home,
      trailName: names.trail,
      logGroupName: names.trailLogGroup,
      logsRoleName: names.trailLogsRole,
      keyAlias: names.auditKeyAlias,
      archiveBucketName: unique(names.archiveBucketPrefix, config.region),
      archiveLockMode: config.archiveLockMode,
      archiveRetentionDays: config.archiveRetentionDays,
      logRetentionDays: config.trailLogRetentionDays,
      dataEventBucketArns: [`arn:${partition}:s3:::${state.bucket}`],
      configRoleArn: configRole?.arn,
      kmsDeletionWindowDays: config.kmsDeletionWindowDays,
      preventDestroy: protect,
    });
    // Access logs must land in the state bucket's region, which may not be the home region.
    const stateProvider =
      state.region === config.region
        ? undefined
        : new AwsProvider(this, 'aws-state', {
            alias: 'state',
            region: state.region,
            defaultTags: tags,
          });
    new StateAccessLogs(this, 'state-access-logs', {
      stateBucketName: state.bucket,
      accountId,
      partition,
      logBucketName: unique(names.accessLogBucketPrefix, state.region),
      retentionDays: config.archiveRetentionDays + 1,
      provider: stateProvider,
      preventDestroy: protect,
    });
    new TrailAlarms(this, 'trail-alarms', {
      logGroupName: trail.logGroupName,
      topicName: names.alarmTopic,
      topicKeyArn: trail.key.keyArn,
      scope: home,
      namespace: names.alarmNamespace,
      alarmNamePrefix: 'healthcare-account',
      alarmEmail: config.alarmEmail,
    });
    if (configRole !== undefined) {
      new ConfigRecorder(this, 'config', {
        recorderName: names.configRecorder,
        role: configRole,
        accountId,
        bucketName: trail.archive.bucketName,
        bucketArn: trail.archive.bucketArn,
        keyArn: trail.key.keyArn,
        s3KeyPrefix: CONFIG_PREFIX,
        includeGlobalResourceTypes: config.accountWide,
        conformancePackName: names.conformancePack,
      });
    }
    return trail;
  }

  private backups(config: BaselineConfig, home: KeyScope, drProvider: AwsProvider): PhiBackup {
    const names = config.names;
    return new PhiBackup(this, 'backup', {
      scope: home,
      drScope: { ...home, region: config.drRegion },
      drProvider,
      vaultName: names.backupVault,
      drVaultName: names.drBackupVault,
      keyAlias: names.backupKeyAlias,
      drKeyAlias: names.drBackupKeyAlias,
      planName: names.backupPlan,
      selectionName: names.backupSelection,
      roleName: names.backupRole,
      lockMode: config.vaultLockMode,
      changeableForDays: config.vaultLockChangeableForDays,
      dailyRetentionDays: config.dailyBackupRetentionDays,
      monthlyRetentionDays: config.monthlyBackupRetentionDays,
      continuousRetentionDays: config.continuousBackupRetentionDays,
      kmsDeletionWindowDays: config.kmsDeletionWindowDays,
      preventDestroy: config.protectStatefulResources,
    });
  }

  private outputs(): void {
    const out = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description });
    if (this.trail !== undefined) {
      out('trail_arn', this.trail.trailArn, 'ARN of the multi-region audit trail');
      out('audit_archive_bucket_name', this.trail.archive.bucketName, 'Object Lock audit archive');
      out('audit_kms_key_arn', this.trail.key.keyArn, 'Key of the trail, archive and alarms');
    }
    out('backup_vault_name', this.backup.vaultName, 'Home-region backup vault');
    out('backup_dr_vault_arn', this.backup.drVaultArn, 'DR-region backup vault (copies)');
    out('backup_plan_id', this.backup.planId, 'Backup plan of the PHI-tagged resources');
  }
}
