import { BackupPlan, BackupPlanRule } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { BackupVaultLockConfiguration } from '@cdktf/provider-aws/lib/backup-vault-lock-configuration';
import { DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import type { VaultLockMode } from '../../config/baseline';
import { accountRoot, KeyScope, ServiceKey } from '../encryption/service-key';

export interface PhiBackupProps {
  /** The home region's account, partition and region. */
  readonly scope: KeyScope;
  /** The DR region (same account and partition). */
  readonly drScope: KeyScope;
  /** A provider for the DR region: the DR vault and its key live there. */
  readonly drProvider: TerraformProvider;
  readonly vaultName: string;
  readonly drVaultName: string;
  readonly keyAlias: string;
  readonly drKeyAlias: string;
  readonly planName: string;
  readonly selectionName: string;
  readonly roleName: string;
  /** Every resource carrying this tag is backed up. @default DATA_CLASSIFICATION_PHI */
  readonly selectionTag?: { readonly key: string; readonly value: string };
  readonly lockMode: VaultLockMode;
  /** Compliance mode only: days the lock can still be changed or removed (AWS minimum 3). */
  readonly changeableForDays: number;
  readonly dailyRetentionDays: number;
  /** @default - no monthly rule */
  readonly monthlyRetentionDays?: number;
  /** Point-in-time recovery window for RDS (AWS maximum 35). */
  readonly continuousRetentionDays: number;
  /** @default 30 */
  readonly kmsDeletionWindowDays?: number;
  /** @default false */
  readonly preventDestroy?: boolean;
}

export const MIN_LOCK_RETENTION_DAYS = 7;
/** The tag the platform's production profile puts on every resource (common.md vocabulary). */
export const DATA_CLASSIFICATION_PHI = { key: 'DataClassification', value: 'PHI' } as const;
/** Days before monthly recovery points move to cold storage (AWS then keeps them ≥ 90 more). */
export const COLD_STORAGE_AFTER_DAYS = 90;

/**
 * AWS Backup for everything tagged PHI: a vault under its own key with Vault Lock, a
 * plan (daily, monthly in production, continuous for RDS), a copy of every recovery
 * point to a locked vault in the DR region under a key of that region, and the service
 * role AWS Backup takes (only this account, or its organization's backup policies, can
 * name it: IAM does not pass roles across accounts).
 */
export class PhiBackup extends Construct {
  readonly vaultName: string;
  readonly vaultArn: string;
  readonly drVaultArn: string;
  readonly planId: string;
  readonly roleArn: string;
  /** The home vault's key: the synthetic vault (same region) uses it too. */
  readonly keyArn: string;

  constructor(scope: Construct, id: string, props: PhiBackupProps) {
    super(scope, id);
    validate(props);
    const tag = props.selectionTag ?? DATA_CLASSIFICATION_PHI;
    const { vault, drVault, keyArns } = this.vaults(props);
    const plan = new BackupPlan(this, 'plan', {
      name: props.planName,
      rule: planRules(props, vault.name, drVault.arn),
    });

    const role = this.serviceRole(props, keyArns);
    new BackupSelection(this, 'selection', {
      name: props.selectionName,
      planId: plan.id,
      iamRoleArn: role.arn,
      selectionTag: [{ type: 'STRINGEQUALS', key: tag.key, value: tag.value }],
    });

    this.vaultName = vault.name;
    this.vaultArn = vault.arn;
    this.drVaultArn = drVault.arn;
    this.planId = plan.id;
    this.roleArn = role.arn;
    this.keyArn = keyArns[0];
  }

  /** The two vaults, each under its own key, each with Vault Lock. */
  private vaults(props: PhiBackupProps) {
    const protect = props.preventDestroy ? { preventDestroy: true } : undefined;

    const key = new ServiceKey(this, 'key', {
      alias: props.keyAlias,
      description: 'Healthcare account baseline: AWS Backup vault (home region)',
      scope: props.scope,
      statements: backupKeyStatements(props.scope),
      deletionWindowDays: props.kmsDeletionWindowDays,
      preventDestroy: props.preventDestroy,
    });
    const drKey = new ServiceKey(this, 'dr-key', {
      alias: props.drKeyAlias,
      description: 'Healthcare account baseline: AWS Backup vault (DR copies)',
      scope: props.drScope,
      statements: backupKeyStatements(props.drScope),
      deletionWindowDays: props.kmsDeletionWindowDays,
      preventDestroy: props.preventDestroy,
      provider: props.drProvider,
    });

    const vault = new BackupVault(this, 'vault', {
      name: props.vaultName,
      kmsKeyArn: key.keyArn,
      lifecycle: protect,
    });
    const drVault = new BackupVault(this, 'dr-vault', {
      provider: props.drProvider,
      name: props.drVaultName,
      kmsKeyArn: drKey.keyArn,
      lifecycle: protect,
    });
    const longest = Math.max(
      props.dailyRetentionDays,
      props.monthlyRetentionDays ?? 0,
      props.continuousRetentionDays,
    );
    const lock = {
      minRetentionDays: MIN_LOCK_RETENTION_DAYS,
      maxRetentionDays: longest,
      // Without changeable_for_days the lock is in governance mode: removable with
      // backup:DeleteBackupVaultLockConfiguration. With it, compliance mode: immutable
      // once the cooling-off period ends.
      changeableForDays: props.lockMode === 'compliance' ? props.changeableForDays : undefined,
    };
    new BackupVaultLockConfiguration(this, 'vault-lock', { backupVaultName: vault.name, ...lock });
    new BackupVaultLockConfiguration(this, 'dr-vault-lock', {
      provider: props.drProvider,
      backupVaultName: drVault.name,
      ...lock,
    });

    return { vault, drVault, keyArns: [key.keyArn, drKey.keyArn] };
  }

  /** The role AWS Backup takes and restores with: AWS's managed policies plus the two keys. */
  private serviceRole(props: PhiBackupProps, keyArns: string[]): IamRole {
    const { partition } = props.scope;
    const role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'AWS Backup takes, copies and restores the PHI- and synthetic-tagged resources',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'backup.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // No aws:SourceAccount condition: AWS Backup documents the key for resource
            // policies only, not for assuming its service role, and a condition it cannot meet
            // would fail every backup job while the deploy itself succeeds. Only this account
            // (or its organization's backup policies) can name the role: IAM does not pass a
            // role across accounts.
          },
        ],
      }),
    });
    BACKUP_MANAGED_POLICIES.forEach((name, i) => {
      new IamRolePolicyAttachment(this, `role-policy-${i}`, {
        role: role.name,
        policyArn: `arn:${partition}:iam::aws:policy/${name}`,
      });
    });
    new IamRolePolicy(this, 'role-vault-keys', {
      name: 'use-vault-keys',
      role: role.name,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EncryptRecoveryPoints',
            Effect: 'Allow',
            Action: [
              'kms:Encrypt',
              'kms:Decrypt',
              'kms:ReEncrypt*',
              'kms:GenerateDataKey*',
              'kms:DescribeKey',
            ],
            Resource: keyArns,
          },
          {
            Sid: 'GrantsForAwsResourcesOnly',
            Effect: 'Allow',
            Action: 'kms:CreateGrant',
            Resource: keyArns,
            Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
          },
        ],
      }),
    });
    return role;
  }
}

/** Daily, continuous (RDS point in time) and, in production, monthly; each copied to the DR vault. */
export function planRules(
  props: PhiBackupProps,
  vaultName: string,
  drVaultArn: string,
): BackupPlanRule[] {
  const copyTo = (deleteAfter: number, coldStorageAfter?: number) => [
    { destinationVaultArn: drVaultArn, lifecycle: { deleteAfter, coldStorageAfter } },
  ];
  const rules: BackupPlanRule[] = [
    {
      ruleName: 'daily',
      targetVaultName: vaultName,
      schedule: 'cron(0 3 ? * * *)',
      startWindow: 60,
      completionWindow: 360,
      lifecycle: { deleteAfter: props.dailyRetentionDays },
      copyAction: copyTo(props.dailyRetentionDays),
    },
    {
      // RDS point-in-time recovery through AWS Backup (AWS maximum 35 days); copies
      // to another region arrive as snapshots.
      ruleName: 'continuous',
      targetVaultName: vaultName,
      schedule: 'cron(0 5 ? * * *)',
      enableContinuousBackup: true,
      startWindow: 60,
      completionWindow: 360,
      lifecycle: { deleteAfter: props.continuousRetentionDays },
      copyAction: copyTo(props.continuousRetentionDays),
    },
  ];
  if (props.monthlyRetentionDays !== undefined) {
    rules.push({
      ruleName: 'monthly',
      targetVaultName: vaultName,
      schedule: 'cron(0 4 1 * ? *)',
      startWindow: 60,
      completionWindow: 720,
      lifecycle: {
        coldStorageAfter: COLD_STORAGE_AFTER_DAYS,
        deleteAfter: props.monthlyRetentionDays,
      },
      copyAction: copyTo(props.monthlyRetentionDays, COLD_STORAGE_AFTER_DAYS),
    });
  }
  return rules;
}

/** AWS managed policies of the backup role (S3 needs its own pair). */
export const BACKUP_MANAGED_POLICIES = [
  'service-role/AWSBackupServiceRolePolicyForBackup',
  'service-role/AWSBackupServiceRolePolicyForRestores',
  'AWSBackupServiceRolePolicyForS3Backup',
  'AWSBackupServiceRolePolicyForS3Restore',
];

/**
 * Principals of this account may use a vault key only through AWS Backup or RDS in its
 * region. RDS because RDS is not fully managed by AWS Backup: "Backups of resource types that
 * are not fully managed by AWS Backup typically inherit the encryption settings from their
 * source resource" (https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html),
 * and the cross-region copy of an encrypted RDS snapshot is an RDS CopyDBSnapshot in the DR
 * region, made as the backup role through rds.<dr region>, which "must specify a KMS key for
 * the destination AWS Region" (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CopyDBSnapshot.html)
 * and creates a grant on it; a restore from that copy reads it through rds.<dr region> too.
 * Grants only for AWS resources (kms:GrantIsForAWSResource): a principal cannot hand the key
 * to itself or another principal.
 */
export function backupKeyStatements(scope: KeyScope): DataAwsIamPolicyDocumentStatement[] {
  const via = [
    {
      test: 'StringEquals',
      variable: 'kms:ViaService',
      values: [`backup.${scope.region}.amazonaws.com`, `rds.${scope.region}.amazonaws.com`],
    },
    { test: 'StringEquals', variable: 'kms:CallerAccount', values: [scope.accountId] },
  ];
  const account = [{ type: 'AWS', identifiers: [accountRoot(scope)] }];
  return [
    {
      sid: 'UseThroughAwsBackupOrRds',
      effect: 'Allow',
      principals: account,
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:DescribeKey',
      ],
      resources: ['*'],
      condition: via,
    },
    {
      sid: 'GrantsThroughAwsBackupOrRds',
      effect: 'Allow',
      principals: account,
      actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      resources: ['*'],
      condition: [
        ...via,
        { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] },
      ],
    },
  ];
}

function validate(props: PhiBackupProps): void {
  const isDays = (n: number | undefined, min: number, max = 36500) =>
    n === undefined || (Number.isInteger(n) && n >= min && n <= max);
  const rules = [
    {
      failed: !isDays(props.dailyRetentionDays, MIN_LOCK_RETENTION_DAYS),
      message: `dailyRetentionDays = ${props.dailyRetentionDays}: must be a whole number of days from ${MIN_LOCK_RETENTION_DAYS} (the vault lock minimum) to 36500`,
    },
    {
      failed: !isDays(props.continuousRetentionDays, MIN_LOCK_RETENTION_DAYS, 35),
      message: `continuousRetentionDays = ${props.continuousRetentionDays}: must be a whole number of days from ${MIN_LOCK_RETENTION_DAYS} to 35 (the AWS Backup limit for continuous backups)`,
    },
    {
      failed: !isDays(props.monthlyRetentionDays, COLD_STORAGE_AFTER_DAYS + 90),
      message: `monthlyRetentionDays = ${props.monthlyRetentionDays}: must be a whole number of days, at least ${COLD_STORAGE_AFTER_DAYS + 90} (AWS keeps cold-storage recovery points at least 90 days after day ${COLD_STORAGE_AFTER_DAYS})`,
    },
    {
      failed:
        props.lockMode === 'compliance' &&
        !(Number.isInteger(props.changeableForDays) && props.changeableForDays >= 3),
      message: `changeableForDays = ${props.changeableForDays}: compliance mode needs a whole number of days, at least 3 (the AWS minimum cooling-off period)`,
    },
    {
      failed: props.scope.region === props.drScope.region,
      message: `drScope.region = ${props.drScope.region}: must differ from the home region (a copy in the same region does not survive a regional outage)`,
    },
  ];
  const failures = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (failures.length > 0) {
    throw new Error(`Invalid PhiBackup '${props.vaultName}':\n${failures.join('\n')}`);
  }
}
