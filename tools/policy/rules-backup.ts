/**
 * Policy rules for the account baseline's AWS Backup resources (constructs/backup/): the
 * vault keys, Vault Lock, the PHI and synthetic plans and their selections. Part of
 * BASELINE_RULES (rules-baseline.ts).
 */
import { attr, fail, HIPAA, pass } from './checks';
import { blocks, first } from './terraform';
import type { CheckResult, Rule, RuleContext, TfResource } from './types';

/** Six years (HIPAA documentation retention, 164.316(b)(2)(i)). */
export const PRODUCTION_ARCHIVE_RETENTION_DAYS = 2192;
/** The production backup floor: the RDS automated-backup maximum the platform uses. */
export const PRODUCTION_BACKUP_RETENTION_DAYS = 35;

/** The value references a customer-managed key of this stack (key or its alias) or is a key ARN. */
export function cmk(ctx: RuleContext, value: unknown, what: string): CheckResult {
  if (value === undefined || value === null || value === '')
    return fail(`${what} is not set: the AWS-managed key would be used`);
  let target = ctx.resolve(value);
  if (target?.type === 'aws_kms_alias') target = ctx.resolve(target.attrs['target_key_id']);
  if (target?.mode === 'managed' && target.type === 'aws_kms_key')
    return pass(`${what} is the customer-managed key ${target.address}`);
  if (/^arn:aws[a-z-]*:kms:[^:]+:\d{12}:key\/[0-9a-f-]+$/.test(String(value)))
    return pass(`${what} is the key ARN ${String(value)}`);
  return fail(`${what} = ${String(value)} is not a customer-managed key of this stack`);
}

/** The data classifications the baseline backs up (the DataClassification tag's values). */
const PHI = 'PHI';
const SYNTHETIC = 'synthetic';

/** The DataClassification values a selection picks (PHI and synthetic only). */
function classesOf(selection: TfResource): string[] {
  return blocks(attr(selection, 'selection_tag'))
    .filter((t) => t['key'] === 'DataClassification' && t['type'] === 'STRINGEQUALS')
    .map((t) => String(t['value']))
    .filter((v) => v === PHI || v === SYNTHETIC);
}

/** The DataClassification values the selections of a plan pick. */
function selectedClasses(plan: TfResource, ctx: RuleContext): string[] {
  const selections = ctx.referencing('aws_backup_selection', 'plan_id', plan);
  return [...new Set(selections.flatMap(classesOf))].sort();
}

export const BACKUP_RULES: readonly Rule[] = [
  {
    id: 'HIPAA-BAK-001',
    title: 'Backup vault is encrypted with a customer-managed KMS key',
    severity: 'high',
    resourceTypes: ['aws_backup_vault'],
    control: { configRule: 'backup-recovery-point-encrypted', hipaa: HIPAA.encryption },
    check: (r, ctx) => cmk(ctx, attr(r, 'kms_key_arn'), 'kms_key_arn'),
  },
  {
    id: 'HIPAA-BAK-002',
    title: 'Backup vault has a Vault Lock (recovery points cannot be deleted early)',
    severity: 'high',
    resourceTypes: ['aws_backup_vault'],
    control: {
      configRule: 'backup-recovery-point-manual-deletion-disabled',
      hipaa: HIPAA.backup,
    },
    check: (r, ctx) => {
      const lock = ctx.referencing('aws_backup_vault_lock_configuration', 'backup_vault_name', r);
      return lock.length > 0
        ? pass(`locked by ${lock[0].address}`)
        : fail('no aws_backup_vault_lock_configuration names this vault');
    },
  },
  {
    id: 'HIPAA-BAK-003',
    title: 'Vault Lock admits 6-year recovery points in production (governance or compliance)',
    severity: 'medium',
    profile: 'production',
    resourceTypes: ['aws_backup_vault_lock_configuration'],
    control: { configRule: 'backup-recovery-point-manual-deletion-disabled', hipaa: HIPAA.backup },
    rationale:
      'A production vault keeps PHI recovery points six years (164.316(b)(2)(i)); either lock mode is accepted, because compliance mode is irreversible and an explicit opt-in (BASELINE_VAULT_LOCK_MODE). A compliance-mode lock keeps the AWS minimum cooling-off period of 3 days.',
    check: (r) => {
      const max = Number(attr(r, 'max_retention_days'));
      const days = attr(r, 'changeable_for_days');
      const mode = days === undefined ? 'governance' : 'compliance';
      if (!(max >= PRODUCTION_ARCHIVE_RETENTION_DAYS))
        return fail(
          `max_retention_days = ${String(attr(r, 'max_retention_days'))}: the lock refuses recovery points kept ${PRODUCTION_ARCHIVE_RETENTION_DAYS} days (6 years)`,
        );
      if (mode === 'compliance' && !(Number(days) >= 3))
        return fail(`changeable_for_days = ${String(days)}: compliance mode needs at least 3`);
      return pass(`${mode} mode, admits ${max} days`);
    },
  },
  {
    id: 'HIPAA-BAK-004',
    title:
      'PHI backup rules keep ≥ 35 days in production (≥ 7 elsewhere), one keeps 6 years in production, each copies to another region',
    severity: 'high',
    resourceTypes: ['aws_backup_plan'],
    control: {
      configRule: 'backup-plan-min-frequency-and-min-retention-check',
      hipaa: HIPAA.backup,
    },
    rationale:
      'A plan whose selections pick only DataClassification=synthetic (test data) is exempt: short retention, no copy, deletable by design.',
    check: (r, ctx) => {
      const rules = blocks(attr(r, 'rule'));
      if (rules.length === 0) return fail('the plan has no rule');
      const classes = selectedClasses(r, ctx);
      if (classes.length > 0 && classes.every((c) => c === SYNTHETIC))
        return pass(
          'backs up DataClassification=synthetic only: short retention, no copy by design',
        );
      const production = ctx.profile === 'production';
      const min = production ? PRODUCTION_BACKUP_RETENTION_DAYS : 7;
      let longest = 0;
      for (const rule of rules) {
        const name = String(rule['rule_name']);
        const keep = Number(
          (first(rule['lifecycle']) as Record<string, unknown>)?.['delete_after'],
        );
        if (!(keep >= min))
          return fail(`rule ${name} keeps ${keep} days; at least ${min} required`);
        if (blocks(rule['copy_action']).length === 0)
          return fail(`rule ${name} has no copy_action: no copy survives a regional outage`);
        longest = Math.max(longest, keep);
      }
      if (production && longest < PRODUCTION_ARCHIVE_RETENTION_DAYS)
        return fail(
          `the longest rule keeps ${longest} days; production keeps PHI recovery points ${PRODUCTION_ARCHIVE_RETENTION_DAYS} days (6 years)`,
        );
      return pass(
        `${rules.length} rule(s), each ≥ ${min} days with a copy_action, longest ${longest}`,
      );
    },
  },
  {
    id: 'HIPAA-BAK-005',
    title: 'Backup selection picks resources by their DataClassification tag (PHI or synthetic)',
    severity: 'high',
    resourceTypes: ['aws_backup_selection'],
    control: { configRule: 'rds-in-backup-plan', hipaa: HIPAA.backup },
    check: (r) => {
      const classes = classesOf(r);
      return classes.length > 0 && attr(r, 'iam_role_arn')
        ? pass(`selects every resource tagged DataClassification=${classes.join(', ')}`)
        : fail('no selection_tag DataClassification=PHI or =synthetic (or no iam_role_arn)');
    },
  },
  {
    id: 'HIPAA-BAK-006',
    title: 'PHI goes only to locked vaults; synthetic test data only to unlocked, deletable ones',
    severity: 'high',
    resourceTypes: ['aws_backup_plan'],
    control: { configRule: 'backup-recovery-point-manual-deletion-disabled', hipaa: HIPAA.backup },
    rationale:
      'PHI recovery points must be deletion-proof (Vault Lock); synthetic ones must not fall under a multi-year lock, or a trial account could not be removed.',
    check: (r, ctx) => {
      const classes = selectedClasses(r, ctx);
      if (classes.length === 0)
        return fail('no aws_backup_selection picks resources for this plan');
      const vaults = blocks(attr(r, 'rule')).map((rule) => ctx.resolve(rule['target_vault_name']));
      const locked = (v: TfResource | undefined) =>
        v !== undefined &&
        ctx.referencing('aws_backup_vault_lock_configuration', 'backup_vault_name', v).length > 0;
      if (classes.includes(PHI) && classes.includes(SYNTHETIC))
        return fail(
          'one plan selects both PHI and synthetic resources: they need different vaults',
        );
      if (classes.includes(PHI) && !vaults.every(locked))
        return fail(
          'a rule sends PHI to a vault without Vault Lock (or to a vault of another stack)',
        );
      if (classes.includes(SYNTHETIC) && vaults.some(locked))
        return fail('a rule sends synthetic test data to a locked vault: it could not be deleted');
      return pass(
        `${classes.join(', ')} into ${classes.includes(PHI) ? 'locked' : 'unlocked'} vault(s)`,
      );
    },
  },
];
