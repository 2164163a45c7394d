/**
 * The table of the account baseline's settings: names, sources, defaults and rules, read by
 * config/baseline.ts and documented in docs/configuration.md from here.
 */
import { CI_SETTINGS } from './ci-access';
import { DEFAULT_REGION, SettingSpec } from './settings';

const MODE_RULE = '`on`, `organization` (the organization runs it here) or `off`';

export const BASELINE_SETTINGS: Record<string, SettingSpec> = {
  baselineProfile: {
    envVar: 'BASELINE_PROFILE',
    contextKey: 'baselineProfile',
    description: 'Settings profile of the account baseline',
    defaultText: '`production`',
    ruleText: '`production` or `standard`',
  },
  baselineRegion: {
    envVar: 'BASELINE_REGION',
    contextKey: 'baselineRegion',
    description: 'Home region of the baseline (trail, archive, Config, vault)',
    defaultText: `\`AWS_REGION\`, else ${DEFAULT_REGION}`,
    ruleText: 'a commercial AWS region (config/regions.ts)',
  },
  baselineDrRegion: {
    envVar: 'BASELINE_DR_REGION',
    contextKey: 'baselineDrRegion',
    description: 'Region every backup recovery point is copied to',
    defaultText: 'per home region (`DEFAULT_DR_REGIONS`): eu-west-1 → eu-central-1',
    ruleText: 'a commercial AWS region other than the home region',
  },
  baselineCloudTrail: {
    envVar: 'BASELINE_CLOUDTRAIL',
    contextKey: 'baselineCloudTrail',
    description:
      'Trail, audit archive and trail alarms (`organization` when an organization trail records this account)',
    defaultText: '`on`',
    ruleText: MODE_RULE,
  },
  baselineConfig: {
    envVar: 'BASELINE_CONFIG',
    contextKey: 'baselineConfig',
    description: 'AWS Config recorder, its own delivery bucket and the HIPAA conformance pack',
    defaultText: '`on`',
    ruleText: MODE_RULE,
  },
  baselineGuardDuty: {
    envVar: 'BASELINE_GUARDDUTY',
    contextKey: 'baselineGuardDuty',
    description: 'GuardDuty detector with S3 and RDS protection; findings ≥ 7 to the alarm topic',
    defaultText: '`on`',
    ruleText: MODE_RULE,
  },
  baselineSecurityHub: {
    envVar: 'BASELINE_SECURITY_HUB',
    contextKey: 'baselineSecurityHub',
    description:
      'Security Hub with AWS Foundational Security Best Practices; new HIGH/CRITICAL findings to the alarm topic',
    defaultText: '`on`',
    ruleText: MODE_RULE,
  },
  baselineAccountWide: {
    envVar: 'BASELINE_ACCOUNT_WIDE',
    contextKey: 'baselineAccountWide',
    description:
      'This region owns the account-wide settings (IAM password policy, S3 account public access block, Config global resources)',
    defaultText: '`on`',
    ruleText: '`on` or `off`; `on` in exactly one region per account',
  },
  baselineAccountId: {
    envVar: 'BASELINE_ACCOUNT_ID',
    contextKey: 'baselineAccountId',
    description:
      'The account this baseline is for: pins its provider (allowed_account_ids) and names its state object (healthcare/account-<id>/…)',
    defaultText: "none (the credentials' account; state key healthcare/account/…)",
    ruleText:
      'a 12-digit AWS account id; set it for every account when several share one state bucket',
  },
  baselineDeployRoleArn: {
    envVar: 'BASELINE_DEPLOY_ROLE_ARN',
    contextKey: 'baselineDeployRoleArn',
    description:
      "IAM role the baseline's providers assume in its account (session healthcare-account-deploy)",
    defaultText: 'none (the credentials as given)',
    ruleText: 'an IAM role ARN in BASELINE_ACCOUNT_ID when that is set',
  },
  baselineDeployExternalId: {
    envVar: 'BASELINE_DEPLOY_EXTERNAL_ID',
    contextKey: 'baselineDeployExternalId',
    description: 'External id passed when assuming BASELINE_DEPLOY_ROLE_ARN',
    defaultText: 'none',
    ruleText: '2 to 1224 of `A-Za-z0-9+=,.@:/_-`; only with BASELINE_DEPLOY_ROLE_ARN',
  },
  baselineAlarmEmail: {
    envVar: 'BASELINE_ALARM_EMAIL',
    contextKey: 'baselineAlarmEmail',
    description:
      'E-mail subscribed to the security alarm topic; a production baseline refuses to deploy without it',
    defaultText: 'none',
    ruleText: 'an e-mail address; required with the production profile (deploy gate and preflight)',
  },
  baselineArchiveLockMode: {
    envVar: 'BASELINE_ARCHIVE_LOCK_MODE',
    contextKey: 'baselineArchiveLockMode',
    description: 'Object Lock mode of the audit archive',
    defaultText: '`GOVERNANCE` (both profiles)',
    ruleText:
      '`COMPLIANCE` (irreversible: nobody, root included, deletes before the retention ends) or `GOVERNANCE`',
  },
  baselineArchiveRetentionDays: {
    envVar: 'BASELINE_ARCHIVE_RETENTION_DAYS',
    contextKey: 'baselineArchiveRetentionDays',
    description: 'Object Lock default retention (and expiry) of the audit archive',
    defaultText: 'production 2192 (6 years), standard 30',
    ruleText: 'integer 1 to 36500; at least 2192 with the production profile',
  },
  baselineTrailLogRetentionDays: {
    envVar: 'BASELINE_TRAIL_LOG_RETENTION_DAYS',
    contextKey: 'baselineTrailLogRetentionDays',
    description: "Retention of the trail's CloudWatch log group",
    defaultText: 'production 365, standard 30',
    ruleText: 'one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, … 3653)',
  },
  baselineVaultLockMode: {
    envVar: 'BASELINE_VAULT_LOCK_MODE',
    contextKey: 'baselineVaultLockMode',
    description: 'Backup Vault Lock mode of the PHI vaults',
    defaultText: '`governance` (both profiles)',
    ruleText: '`compliance` (immutable after a 3-day cooling-off) or `governance`',
  },
  baselineDailyBackupRetentionDays: {
    envVar: 'BASELINE_DAILY_BACKUP_RETENTION_DAYS',
    contextKey: 'baselineDailyBackupRetentionDays',
    description: 'Retention of the daily backups (and their copies)',
    defaultText: '35',
    ruleText: 'integer 7 to 36500',
  },
  baselineSyntheticBackupRetentionDays: {
    envVar: 'BASELINE_SYNTHETIC_BACKUP_RETENTION_DAYS',
    contextKey: 'baselineSyntheticBackupRetentionDays',
    description:
      'Retention of the daily backups of DataClassification=synthetic resources (deletable vault, no DR copy)',
    defaultText: '7',
    ruleText: 'integer 1 to 35',
  },
  ...CI_SETTINGS,
};
