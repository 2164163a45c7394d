import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { assumeRoleOf } from './platform-stack';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { applyStateBackend, StateBackendSettings } from '../config/backend';
import type { BaselineConfig } from '../config/baseline';
import { githubRoleVariables, OidcProviderMode } from '../config/ci-access';
import { AccountSettings } from '../constructs/account/account-settings';
import {
  AccessLogs,
  ARCHIVE_ACCESS_LOG_PREFIX,
  CONFIG_ACCESS_LOG_PREFIX,
  LoggedBucket,
  STATE_ACCESS_LOG_PREFIX,
} from '../constructs/audit/access-logs';
import { auditKey } from '../constructs/audit/audit-key';
import { AuditTrail, logGroupArnOf, trailArnOf } from '../constructs/audit/audit-trail';
import { SecurityAlarmTopic } from '../constructs/audit/security-alarm-topic';
import { TrailAlarms } from '../constructs/audit/trail-alarms';
import { PhiBackup } from '../constructs/backup/phi-backup';
import { SyntheticBackup } from '../constructs/backup/synthetic-backup';
import { ConfigRecorder, configServiceRole } from '../constructs/detective/config-recorder';
import {
  SecurityEventRoutes,
  securityEventRoutes,
} from '../constructs/detective/security-event-routes';
import {
  GuardDuty,
  OrganizationGuardDuty,
  SecurityHub,
} from '../constructs/detective/threat-detection';
import { CiAccess } from '../constructs/ci-access/ci-access';
import type { GithubOidcSource } from '../constructs/ci-access/trust';
import type { KeyScope, ServiceKey } from '../constructs/encryption/service-key';
import { DeployGates, fact } from '../constructs/safety-nets/deploy-gates';
import {
  BASELINE_ALARM_GATE,
  baselineAlarmSubscriberMessage,
  organizationServiceMissingMessage,
} from '../constructs/safety-nets/gate-messages';
import { requireTerraformVersions } from './terraform-version';

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
 * The state key's environment: `account`, or `account-<id>` with BASELINE_ACCOUNT_ID, so that
 * the baselines of several accounts sharing one state bucket each keep their own state.
 */
export function baselineStateEnvironment(config: Pick<BaselineConfig, 'accountId'>): string {
  return config.accountId
    ? `${BASELINE_STATE_ENVIRONMENT}-${config.accountId}`
    : BASELINE_STATE_ENVIRONMENT;
}
/** Every trail alarm is named `<prefix>-<id>`; the topic policy admits exactly that prefix. */
export const ACCOUNT_ALARM_PREFIX = 'healthcare-account';

type Tags = { tags: Record<string, string> }[];

/**
 * `TapAccountBaseline`: the controls an account and region need once, deployed after the
 * state bootstrap (TapStateBackend) and before the environments (TapStack<env>), on the
 * same remote state. The audit key and the security alarm topic (always), the audit trail
 * and its alarms, AWS Config with its own bucket, GuardDuty and Security Hub (each `on`,
 * `organization` or `off`), findings and backup failures routed to the topic, server access
 * logs of the state and audit buckets, backups of PHI (locked, copied to the DR region) and
 * of synthetic test data (deletable), and the account settings the environments rely on.
 */
export class AccountBaselineStack extends TerraformStack {
  readonly auditKey: ServiceKey;
  readonly alarmTopic: SecurityAlarmTopic;
  readonly trail?: AuditTrail;
  readonly configRecorder?: ConfigRecorder;
  readonly backup: PhiBackup;
  readonly syntheticBackup: SyntheticBackup;
  readonly gates: DeployGates;
  /** GitHub's OIDC provider and the CI roles (BASELINE_CI_REPOSITORY set). */
  readonly ci?: CiAccess;

  constructor(scope: Construct, props: AccountBaselineStackProps) {
    const { config, stateBackend } = props;
    super(scope, config.stackId);
    requireTerraformVersions(this);
    const tags = [{ tags: { ...BASELINE_TAGS } }];
    const names = config.names;

    new AwsProvider(this, 'aws', {
      region: config.region,
      ...this.accountSettings(config),
      defaultTags: tags,
    });
    const drProvider = new AwsProvider(this, 'aws-dr', {
      alias: 'dr',
      region: config.drRegion,
      ...this.accountSettings(config),
      defaultTags: tags,
    });
    applyStateBackend(this, stateBackend, { environment: baselineStateEnvironment(config) });

    const accountId = new DataAwsCallerIdentity(this, 'account').accountId;
    const partition = new DataAwsPartition(this, 'partition').partition;
    const home: KeyScope = { accountId, partition, region: config.region };
    const trailOn = config.cloudTrail === 'on';

    const configRole =
      config.config === 'on'
        ? configServiceRole(this, 'config-role', { name: names.configRole, accountId, partition })
        : undefined;
    this.auditKey = auditKey(this, 'audit-key', {
      scope: home,
      alias: names.auditKeyAlias,
      users: {
        trail: trailOn
          ? {
              trailArn: trailArnOf(home, names.trail),
              logGroupArn: logGroupArnOf(home, names.trailLogGroup),
            }
          : undefined,
        config: configRole ? { roleArn: configRole.arn } : undefined,
      },
      kmsDeletionWindowDays: config.kmsDeletionWindowDays,
      preventDestroy: config.protectStatefulResources,
    });

    const routes = securityEventRoutes(names.eventRules, {
      guardDuty: config.guardDuty !== 'off',
      securityHub: config.securityHub !== 'off',
    });
    this.alarmTopic = new SecurityAlarmTopic(this, 'security-alarms', {
      topicName: names.alarmTopic,
      keyArn: this.auditKey.keyArn,
      scope: home,
      alarmNamePrefix: ACCOUNT_ALARM_PREFIX,
      eventRuleNames: routes.map((r) => r.ruleName),
      alarmEmail: config.alarmEmail,
    });
    new SecurityEventRoutes(this, 'security-events', {
      routes,
      topicArn: this.alarmTopic.topicArn,
    });

    if (trailOn) this.trail = this.auditTrail(config, props.stateBackend, home);
    if (configRole !== undefined) {
      this.configRecorder = new ConfigRecorder(this, 'config', {
        recorderName: names.configRecorder,
        role: configRole,
        accountId,
        bucketName: `${names.configBucketPrefix}-${accountId}-${config.region}`,
        retentionDays: config.archiveRetentionDays,
        keyArn: this.auditKey.keyArn,
        preventDestroy: config.protectStatefulResources,
        includeGlobalResourceTypes: config.accountWide,
        conformancePackName: names.conformancePack,
      });
    }
    this.accessLogs(props, home, tags);

    this.backup = this.backups(config, home, drProvider);
    this.syntheticBackup = new SyntheticBackup(this, 'synthetic-backup', {
      vaultName: names.syntheticBackupVault,
      planName: names.syntheticBackupPlan,
      selectionName: names.syntheticBackupSelection,
      keyArn: this.backup.keyArn,
      roleArn: this.backup.roleArn,
      retentionDays: config.syntheticBackupRetentionDays,
    });
    this.detectiveControls(config, home);
    new AccountSettings(this, 'account-settings', {
      accountId,
      partition,
      apiGatewayCloudWatchRoleName: names.apiGatewayCloudWatchRole,
      accountWide: config.accountWide,
    });
    this.gates = baselineGates(this, config);
    if (config.ci !== undefined) {
      this.ci = new CiAccess(this, 'ci-access', {
        repository: config.ci.repository,
        environments: config.ci.environments,
        partition,
        accountId,
        oidcProvider: githubOidcSource(config.ci.oidcProvider, config.accountWide),
        state: stateBackend.s3,
        baseline: {
          trailLogGroupName: names.trailLogGroup,
          accountAlarmPrefix: ACCOUNT_ALARM_PREFIX,
          protectedKeyAliases: [names.auditKeyAlias, names.backupKeyAlias, names.drBackupKeyAlias],
        },
      });
    }

    this.outputs();
  }

  /** Every provider of the baseline: pinned to its account, through its deploy role. */
  private accountSettings(config: BaselineConfig) {
    return {
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
      assumeRole: assumeRoleOf(config.deployRole),
    };
  }

  /** Trail, Object Lock archive and the trail's metric-filter alarms. */
  private auditTrail(
    config: BaselineConfig,
    stateBackend: StateBackendSettings,
    home: KeyScope,
  ): AuditTrail {
    const names = config.names;
    const trail = new AuditTrail(this, 'audit', {
      scope: home,
      trailName: names.trail,
      logGroupName: names.trailLogGroup,
      logsRoleName: names.trailLogsRole,
      key: this.auditKey,
      archiveBucketName: `${names.archiveBucketPrefix}-${home.accountId}-${config.region}`,
      archiveLockMode: config.archiveLockMode,
      archiveRetentionDays: config.archiveRetentionDays,
      logRetentionDays: config.trailLogRetentionDays,
      dataEventBucketArns: [`arn:${home.partition}:s3:::${stateBackend.s3.bucket}`],
      preventDestroy: config.protectStatefulResources,
    });
    new TrailAlarms(this, 'trail-alarms', {
      logGroupName: trail.logGroupName,
      topicArn: this.alarmTopic.topicArn,
      namespace: names.alarmNamespace,
      alarmNamePrefix: ACCOUNT_ALARM_PREFIX,
    });
    return trail;
  }

  /**
   * Server access logs of the state bucket, the audit archive and the Config bucket. S3
   * delivers them only within a region: one log bucket (a prefix per source) when the state
   * bucket is in the home region, else one in the state bucket's region (aliased provider
   * `aws.state`) and one in the home region.
   */
  private accessLogs(props: AccountBaselineStackProps, home: KeyScope, tags: Tags): void {
    const { config } = props;
    const state = props.stateBackend.s3;
    const logBucketName = (region: string) =>
      `${config.names.accessLogBucketPrefix}-${home.accountId}-${region}`;
    const common = {
      accountId: home.accountId,
      retentionDays: config.archiveRetentionDays + 1,
      preventDestroy: config.protectStatefulResources,
    };
    const stateSource: LoggedBucket = {
      id: 'state-bucket',
      bucketName: state.bucket,
      bucketArn: `arn:${home.partition}:s3:::${state.bucket}`,
      prefix: STATE_ACCESS_LOG_PREFIX,
    };
    const homeSources: LoggedBucket[] = [];
    if (this.trail) {
      const archive = this.trail.archive;
      homeSources.push({
        id: 'audit-archive',
        bucketName: archive.bucketName,
        bucketArn: archive.bucketArn,
        prefix: ARCHIVE_ACCESS_LOG_PREFIX,
        dependsOn: [archive.policy],
      });
    }
    if (this.configRecorder) {
      const bucket = this.configRecorder.bucket;
      homeSources.push({
        id: 'config-bucket',
        bucketName: bucket.bucketName,
        bucketArn: bucket.bucketArn,
        prefix: CONFIG_ACCESS_LOG_PREFIX,
        dependsOn: [bucket.policy],
      });
    }
    // Central state in another account: its baseline logs the state bucket, not this one.
    if (state.accountId !== undefined && state.accountId !== config.accountId) {
      if (homeSources.length > 0) {
        new AccessLogs(this, 'access-logs', {
          ...common,
          logBucketName: logBucketName(config.region),
          sources: homeSources,
        });
      }
      return;
    }
    if (state.region === config.region) {
      new AccessLogs(this, 'state-access-logs', {
        ...common,
        logBucketName: logBucketName(config.region),
        sources: [stateSource, ...homeSources],
      });
      return;
    }
    const stateProvider = new AwsProvider(this, 'aws-state', {
      alias: 'state',
      region: state.region,
      ...this.accountSettings(config),
      defaultTags: tags,
    });
    new AccessLogs(this, 'state-access-logs', {
      ...common,
      logBucketName: logBucketName(state.region),
      sources: [stateSource],
      provider: stateProvider,
    });
    if (homeSources.length > 0) {
      new AccessLogs(this, 'access-logs', {
        ...common,
        logBucketName: logBucketName(config.region),
        sources: homeSources,
      });
    }
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

  /**
   * GuardDuty and Security Hub as the settings say: `on` creates them; `organization` creates
   * nothing (the organization's delegated administrator runs them; GuardDuty's detector is
   * checked by a data-source postcondition, Security Hub by preflight only: the provider has
   * no data source that reads whether it is enabled); their findings are routed either way.
   */
  private detectiveControls(config: BaselineConfig, home: KeyScope): void {
    if (config.guardDuty === 'on') new GuardDuty(this, 'guardduty');
    if (config.guardDuty === 'organization') {
      new OrganizationGuardDuty(this, 'organization-guardduty', {
        message: organizationServiceMissingMessage('GuardDuty', 'BASELINE_GUARDDUTY', home.region),
      });
    }
    if (config.securityHub === 'on')
      new SecurityHub(this, 'security-hub', { partition: home.partition, region: home.region });
  }

  private outputs(): void {
    const out = (id: string, value: string, description: string) =>
      new TerraformOutput(this, id, { value, description });
    out(
      'audit_kms_key_arn',
      this.auditKey.keyArn,
      'Key of the trail, archive, Config bucket and alarms',
    );
    out(
      'alarm_topic_arn',
      this.alarmTopic.topicArn,
      'Security alarm topic (trail alarms, findings, backup failures)',
    );
    if (this.trail !== undefined) {
      out('trail_arn', this.trail.trailArn, 'ARN of the multi-region audit trail');
      out('audit_archive_bucket_name', this.trail.archive.bucketName, 'Object Lock audit archive');
    }
    if (this.configRecorder !== undefined) {
      out(
        'config_bucket_name',
        this.configRecorder.bucket.bucketName,
        "AWS Config's delivery bucket",
      );
    }
    out('backup_vault_name', this.backup.vaultName, 'Home-region backup vault');
    out('backup_dr_vault_arn', this.backup.drVaultArn, 'DR-region backup vault (copies)');
    out('backup_plan_id', this.backup.planId, 'Backup plan of the PHI-tagged resources');
    out(
      'synthetic_backup_vault_name',
      this.syntheticBackup.vaultName,
      'Deletable vault of the synthetic-tagged resources',
    );
    out(
      'synthetic_backup_plan_id',
      this.syntheticBackup.planId,
      'Backup plan of the synthetic-tagged resources',
    );
    if (this.ci !== undefined) {
      out('github_oidc_provider_arn', this.ci.oidcProviderArn, "GitHub Actions' OIDC provider");
      for (const [environment, roles] of Object.entries(this.ci.roles)) {
        const variables = githubRoleVariables(environment);
        out(
          `ci_plan_role_arn_${environment}`,
          roles.planRoleArn,
          `Read-only plan role of ${environment}: the GitHub variable ${variables.plan}`,
        );
        out(
          `ci_apply_role_arn_${environment}`,
          roles.applyRoleArn,
          `Apply role of ${environment}: the GitHub variable ${variables.apply}`,
        );
      }
    }
  }
}

/**
 * Where the CI roles get GitHub's OIDC provider: read the account's (`existing`), else create
 * it in the account-wide region and reference its ARN in the others.
 */
export function githubOidcSource(mode: OidcProviderMode, accountWide: boolean): GithubOidcSource {
  if (mode === 'existing') return 'existing';
  return accountWide ? 'create' : 'reference';
}

/**
 * The baseline's deploy gate, inside the Terraform so every path meets it: a production
 * baseline needs someone on the alarm topic. `npm run preflight -- --baseline` prints the
 * same message (constructs/safety-nets/gate-messages.ts).
 */
function baselineGates(scope: Construct, config: BaselineConfig): DeployGates {
  return new DeployGates(scope, 'deploy-gates', {
    facts: {
      alarm_subscriber_required: config.alarmSubscriberRequired,
      alarm_subscribers: config.alarmEmail ? [config.alarmEmail] : [],
    },
    gates: [
      {
        name: BASELINE_ALARM_GATE,
        condition: `!${fact('alarm_subscriber_required')} || length(${fact('alarm_subscribers')}) > 0`,
        message: baselineAlarmSubscriberMessage(),
      },
    ],
  });
}
