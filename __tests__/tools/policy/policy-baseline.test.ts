import { evaluateStack } from '../../../tools/policy/engine';
import { formatReport } from '../../../tools/policy/report';
import { BASELINE_RULES } from '../../../tools/policy/rules-baseline';
import { RULES } from '../../../tools/policy/rules';
import type { TerraformJson } from '../../../tools/policy/terraform';
import type { PolicyProfile } from '../../../tools/policy/types';
import { document } from '../../support/synthesized';

type Body = Record<string, unknown>;

const baselineDoc = (env: Record<string, string> = {}): TerraformJson => document('baseline', env);

const PROD = baselineDoc();
const copy = (): TerraformJson => JSON.parse(JSON.stringify(PROD));
const bodies = (doc: TerraformJson, type: string): Body[] =>
  Object.values(doc.resource?.[type] ?? {}) as Body[];
const firstOf = (doc: TerraformJson, type: string): Body => bodies(doc, type)[0];
/** The resource of a type whose `name` attribute is `name`. */
const byName = (doc: TerraformJson, type: string, name: string): Body =>
  bodies(doc, type).find((b) => b.name === name)!;
const phiPlan = (d: TerraformJson) => byName(d, 'aws_backup_plan', 'healthcare-phi');
const syntheticPlan = (d: TerraformJson) => byName(d, 'aws_backup_plan', 'healthcare-synthetic');

/** Results of the given rules only (the engine reports waivers for rules not run as unknown). */
const evaluate = (doc: TerraformJson, profile: PolicyProfile, ids?: string[]) =>
  evaluateStack(doc, {
    stackName: 'TapAccountBaseline',
    profile,
    rules: ids ? BASELINE_RULES.filter((r) => ids.includes(r.id)) : undefined,
  }).filter((r) => ids === undefined || ids.includes(r.ruleId));

describe.each([
  ['production', {}],
  ['standard', { BASELINE_PROFILE: 'standard' }],
] as const)('TapAccountBaseline (%s) meets the policy', (profile, env) => {
  test('no rule fails; the two waivers (SSE-S3 access-log target, unlocked synthetic vault) have their reasons', () => {
    const results = evaluate(baselineDoc(env), profile);
    const failures = results.filter((r) => r.status === 'FAIL');
    if (failures.length > 0) throw new Error(formatReport(failures));
    expect(
      results
        .filter((r) => r.status === 'WAIVED')
        .map((r) => r.ruleId)
        .sort(),
    ).toEqual(['HIPAA-BAK-002', 'HIPAA-S3-002']);
  });

  test('passes with compliance-mode locks too (an explicit opt-in)', () => {
    const results = evaluate(
      baselineDoc({
        ...env,
        BASELINE_ARCHIVE_LOCK_MODE: 'COMPLIANCE',
        BASELINE_VAULT_LOCK_MODE: 'compliance',
      }),
      profile,
    );
    expect(results.filter((r) => r.status === 'FAIL')).toEqual([]);
  });
});

describe('baseline rules table', () => {
  test('ids are unique across both tables and each cites a control', () => {
    const ids = [...RULES, ...BASELINE_RULES].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of BASELINE_RULES) {
      expect(rule.id).toMatch(/^HIPAA-[A-Z]+-\d{3}$/);
      expect(rule.control.hipaa).toMatch(/^164\./);
      expect(FAIL_CASES.some(([id]) => id === rule.id)).toBe(true);
    }
    const applied = new Set(evaluate(PROD, 'production').map((r) => r.ruleId));
    for (const rule of BASELINE_RULES) expect(applied).toContain(rule.id);
  });
});

/** [rule id, what breaks, the change] — each must turn PASS into FAIL. */
const FAIL_CASES: ReadonlyArray<[string, string, (doc: TerraformJson) => void]> = [
  [
    'HIPAA-TRAIL-001',
    'single-region',
    (d) => (firstOf(d, 'aws_cloudtrail').is_multi_region_trail = false),
  ],
  [
    'HIPAA-TRAIL-001',
    'no global events',
    (d) => (firstOf(d, 'aws_cloudtrail').include_global_service_events = false),
  ],
  ['HIPAA-TRAIL-001', 'logging off', (d) => (firstOf(d, 'aws_cloudtrail').enable_logging = false)],
  [
    'HIPAA-TRAIL-002',
    'no validation',
    (d) => (firstOf(d, 'aws_cloudtrail').enable_log_file_validation = false),
  ],
  ['HIPAA-TRAIL-003', 'AWS-managed key', (d) => delete firstOf(d, 'aws_cloudtrail').kms_key_id],
  [
    'HIPAA-TRAIL-003',
    'a foreign key',
    (d) => (firstOf(d, 'aws_cloudtrail').kms_key_id = 'alias/other'),
  ],
  [
    'HIPAA-TRAIL-004',
    'no CloudWatch Logs',
    (d) => delete firstOf(d, 'aws_cloudtrail').cloud_watch_logs_role_arn,
  ],
  [
    'HIPAA-TRAIL-005',
    'no data events',
    (d) => (firstOf(d, 'aws_cloudtrail').event_selector = [{ read_write_type: 'All' }]),
  ],
  [
    'HIPAA-ARCH-001',
    'one month in production',
    (d) =>
      (firstOf(d, 'aws_s3_bucket_object_lock_configuration').rule = {
        default_retention: { mode: 'COMPLIANCE', days: 30 },
      }),
  ],
  [
    'HIPAA-ARCH-001',
    'no default retention',
    (d) => (firstOf(d, 'aws_s3_bucket_object_lock_configuration').rule = {}),
  ],
  [
    'HIPAA-ARCH-002',
    'logs to itself',
    (d) => {
      const l = firstOf(d, 'aws_s3_bucket_logging');
      l.target_bucket = l.bucket;
    },
  ],
  ['HIPAA-ARCH-002', 'no target', (d) => delete firstOf(d, 'aws_s3_bucket_logging').target_bucket],
  ['HIPAA-ALARM-001', 'no alarm', (d) => delete d.resource!['aws_cloudwatch_metric_alarm']],
  [
    'HIPAA-BAK-001',
    'AWS-managed key',
    (d) => {
      for (const v of bodies(d, 'aws_backup_vault')) delete v.kms_key_arn;
    },
  ],
  [
    'HIPAA-BAK-002',
    'no vault lock',
    (d) => delete d.resource!['aws_backup_vault_lock_configuration'],
  ],
  [
    'HIPAA-BAK-003',
    'a lock that refuses 6-year recovery points in production',
    (d) => {
      for (const l of bodies(d, 'aws_backup_vault_lock_configuration')) l.max_retention_days = 2191;
    },
  ],
  [
    'HIPAA-BAK-003',
    'compliance mode with a 1-day cooling-off',
    (d) => {
      for (const l of bodies(d, 'aws_backup_vault_lock_configuration')) l.changeable_for_days = 1;
    },
  ],
  [
    'HIPAA-BAK-004',
    'one week in production',
    (d) => (((phiPlan(d).rule as Body[])[0].lifecycle as Body).delete_after = 7),
  ],
  ['HIPAA-BAK-004', 'no copy', (d) => delete (phiPlan(d).rule as Body[])[0].copy_action],
  ['HIPAA-BAK-004', 'no rule', (d) => (phiPlan(d).rule = [])],
  [
    'HIPAA-BAK-004',
    'nothing kept 6 years in production',
    (d) => (phiPlan(d).rule = (phiPlan(d).rule as Body[]).slice(0, 2)),
  ],
  [
    'HIPAA-BAK-005',
    'another tag',
    (d) => {
      for (const s of bodies(d, 'aws_backup_selection'))
        s.selection_tag = [{ type: 'STRINGEQUALS', key: 'DataClassification', value: 'public' }];
    },
  ],
  [
    'HIPAA-BAK-006',
    'synthetic data into the locked PHI vault',
    (d) => {
      const synthetic = syntheticPlan(d).rule as Body[];
      synthetic[0].target_vault_name = (phiPlan(d).rule as Body[])[0].target_vault_name;
    },
  ],
  [
    'HIPAA-BAK-006',
    'PHI into the unlocked synthetic vault',
    (d) => {
      for (const rule of phiPlan(d).rule as Body[])
        rule.target_vault_name = (syntheticPlan(d).rule as Body[])[0].target_vault_name;
    },
  ],
  [
    'HIPAA-BAK-006',
    'PHI and synthetic in one plan',
    (d) => {
      const synthetic = byName(d, 'aws_backup_selection', 'healthcare-synthetic-tagged');
      synthetic.plan_id = byName(d, 'aws_backup_selection', 'healthcare-phi-tagged').plan_id;
    },
  ],
  [
    'HIPAA-BAK-006',
    'a plan nothing selects for',
    (d) => delete d.resource!['aws_backup_selection'],
  ],
  [
    'HIPAA-CFG-001',
    'some types only',
    (d) =>
      (firstOf(d, 'aws_config_configuration_recorder').recording_group = { all_supported: false }),
  ],
  [
    'HIPAA-CFG-002',
    'recorder stopped',
    (d) => (firstOf(d, 'aws_config_configuration_recorder_status').is_enabled = false),
  ],
  [
    'HIPAA-CFG-003',
    'AWS-managed key',
    (d) => delete firstOf(d, 'aws_config_delivery_channel').s3_kms_key_arn,
  ],
  [
    'HIPAA-CFG-004',
    'empty pack',
    (d) => (firstOf(d, 'aws_config_conformance_pack').template_body = 'Resources: {}'),
  ],
  ['HIPAA-GD-001', 'detector off', (d) => (firstOf(d, 'aws_guardduty_detector').enable = false)],
  [
    'HIPAA-GD-002',
    'feature off',
    (d) => (firstOf(d, 'aws_guardduty_detector_feature').status = 'DISABLED'),
  ],
  [
    'HIPAA-SH-001',
    'no standard',
    (d) => delete d.resource!['aws_securityhub_standards_subscription'],
  ],
  [
    'HIPAA-SH-002',
    'another standard',
    (d) =>
      (firstOf(d, 'aws_securityhub_standards_subscription').standards_arn =
        'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0'),
  ],
  [
    'HIPAA-ACCT-001',
    'a flag off',
    (d) => (firstOf(d, 'aws_s3_account_public_access_block').restrict_public_buckets = false),
  ],
  [
    'HIPAA-ACCT-002',
    'weak passwords',
    (d) =>
      Object.assign(firstOf(d, 'aws_iam_account_password_policy'), {
        minimum_password_length: 8,
        password_reuse_prevention: 1,
        max_password_age: 0,
        require_symbols: false,
      }),
  ],
  [
    'HIPAA-ACCT-003',
    'EBS unencrypted',
    (d) => (firstOf(d, 'aws_ebs_encryption_by_default').enabled = false),
  ],
  [
    'HIPAA-ACCT-004',
    'role of another stack',
    (d) =>
      (firstOf(d, 'aws_api_gateway_account').cloudwatch_role_arn =
        'arn:aws:iam::123456789012:role/x'),
  ],
  [
    'HIPAA-ACCT-005',
    'administrator',
    (d) =>
      (firstOf(d, 'aws_iam_role_policy_attachment').policy_arn =
        'arn:aws:iam::aws:policy/AdministratorAccess'),
  ],
];

describe.each(FAIL_CASES.map(([id, what, patch]) => [id, what, patch] as const))(
  '%s (%s)',
  (id, _what, patch) => {
    test('passes unchanged and fails broken, saying why', () => {
      // Unchanged: every result passes, or is waived with its reason (the synthetic vault's lock).
      const unchanged = evaluate(PROD, 'production', [id]);
      expect(unchanged.filter((r) => r.status !== 'PASS').map((r) => r.status)).toEqual(
        unchanged.filter((r) => r.status === 'WAIVED').map(() => 'WAIVED'),
      );
      expect(unchanged.some((r) => r.status === 'PASS')).toBe(true);
      const doc = copy();
      patch(doc);
      const failed = evaluate(doc, 'production', [id]).filter((r) => r.status === 'FAIL');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed[0].detail.length).toBeGreaterThan(10);
    });
  },
);

describe('what passes', () => {
  test('a trail key given as an alias of a stack key, or as a literal key ARN', () => {
    const doc = copy();
    const alias = Object.keys(doc.resource!['aws_kms_alias'])[0];
    firstOf(doc, 'aws_cloudtrail').kms_key_id = `\${aws_kms_alias.${alias}.arn}`;
    expect(evaluate(doc, 'production', ['HIPAA-TRAIL-003'])[0].status).toBe('PASS');
    firstOf(doc, 'aws_cloudtrail').kms_key_id =
      'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(evaluate(doc, 'production', ['HIPAA-TRAIL-003'])[0].status).toBe('PASS');
  });

  test('a short lock, a short vault lock and one-week rules outside production', () => {
    const doc = copy();
    firstOf(doc, 'aws_s3_bucket_object_lock_configuration').rule = {
      default_retention: { mode: 'GOVERNANCE', years: 1 },
    };
    for (const l of bodies(doc, 'aws_backup_vault_lock_configuration')) l.max_retention_days = 35;
    phiPlan(doc).rule = (phiPlan(doc).rule as Body[]).slice(0, 2);
    ((phiPlan(doc).rule as Body[])[0].lifecycle as Body).delete_after = 7;
    const results = evaluate(doc, 'standard', ['HIPAA-ARCH-001', 'HIPAA-BAK-003', 'HIPAA-BAK-004']);
    // BAK-003 applies to production only; BAK-004 reads both plans.
    expect(results.map((r) => `${r.ruleId} ${r.status}`)).toEqual([
      'HIPAA-ARCH-001 PASS',
      'HIPAA-BAK-004 PASS',
      'HIPAA-BAK-004 PASS',
    ]);
  });

  test('the synthetic plan: one week, no copy, in production too', () => {
    const results = evaluate(PROD, 'production', ['HIPAA-BAK-004']);
    expect(results.map((r) => r.detail)).toEqual([
      '3 rule(s), each ≥ 35 days with a copy_action, longest 2192',
      'backs up DataClassification=synthetic only: short retention, no copy by design',
    ]);
  });

  test('a governance-mode or a compliance-mode vault lock in production, 6 years either way', () => {
    const doc = copy();
    expect(evaluate(doc, 'production', ['HIPAA-BAK-003']).map((r) => r.detail)).toEqual([
      'governance mode, admits 2192 days',
      'governance mode, admits 2192 days',
    ]);
    for (const l of bodies(doc, 'aws_backup_vault_lock_configuration')) l.changeable_for_days = 3;
    expect(evaluate(doc, 'production', ['HIPAA-BAK-003']).map((r) => r.detail)).toEqual([
      'compliance mode, admits 2192 days',
      'compliance mode, admits 2192 days',
    ]);
  });
});
