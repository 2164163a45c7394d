import { BackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { Construct } from 'constructs';
import { waivePolicy } from '../policy/waiver';

export interface SyntheticBackupProps {
  readonly vaultName: string;
  readonly planName: string;
  readonly selectionName: string;
  /** A customer-managed key of the home region whose policy admits AWS Backup (the PHI vault's). */
  readonly keyArn: string;
  /** The role AWS Backup takes (the PHI backup's role: it may use keyArn). */
  readonly roleArn: string;
  /** Days each daily recovery point is kept (AWS Backup: at least 1). */
  readonly retentionDays: number;
  /** @default DATA_CLASSIFICATION_SYNTHETIC */
  readonly selectionTag?: { readonly key: string; readonly value: string };
}

/** The tag the platform's standard profile puts on every resource: test data, never PHI. */
export const DATA_CLASSIFICATION_SYNTHETIC = {
  key: 'DataClassification',
  value: 'synthetic',
} as const;
/** The daily rule of the synthetic plan: the same hour as the PHI plan's. */
export const SYNTHETIC_SCHEDULE = 'cron(0 3 ? * * *)';
/** The longest a synthetic recovery point is kept (the setting's upper bound). */
export const MAX_SYNTHETIC_RETENTION_DAYS = 35;

/**
 * Backups of the standard profile's resources (DataClassification=synthetic: test data only)
 * kept apart from PHI: a vault without Vault Lock that `terraform destroy` empties
 * (force_destroy), a plan with one daily rule (no continuous backup, no copy to the DR
 * region), and a selection of exactly that tag. Nothing here outlives the day it is deleted,
 * so a trial account's backups never fall under the PHI vault's multi-year lock.
 */
export class SyntheticBackup extends Construct {
  readonly vaultName: string;
  readonly planId: string;

  constructor(scope: Construct, id: string, props: SyntheticBackupProps) {
    super(scope, id);
    const days = props.retentionDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_SYNTHETIC_RETENTION_DAYS) {
      throw new Error(
        `Invalid SyntheticBackup '${props.vaultName}': retentionDays = ${days}: must be a whole number of days from 1 to ${MAX_SYNTHETIC_RETENTION_DAYS}`,
      );
    }
    const tag = props.selectionTag ?? DATA_CLASSIFICATION_SYNTHETIC;
    const vault = new BackupVault(this, 'vault', {
      name: props.vaultName,
      kmsKeyArn: props.keyArn,
      forceDestroy: true,
    });
    waivePolicy(
      vault,
      'HIPAA-BAK-002',
      'Holds only DataClassification=synthetic recovery points (test data, never PHI; the production profile tags PHI, which goes to the locked vault). Deletable by design: a trial account must be removable the same day.',
    );
    const plan = new BackupPlan(this, 'plan', {
      name: props.planName,
      rule: [
        {
          ruleName: 'daily',
          targetVaultName: vault.name,
          schedule: SYNTHETIC_SCHEDULE,
          startWindow: 60,
          completionWindow: 360,
          lifecycle: { deleteAfter: days },
        },
      ],
    });
    new BackupSelection(this, 'selection', {
      name: props.selectionName,
      planId: plan.id,
      iamRoleArn: props.roleArn,
      selectionTag: [{ type: 'STRINGEQUALS', key: tag.key, value: tag.value }],
    });
    this.vaultName = vault.name;
    this.planId = plan.id;
  }
}
