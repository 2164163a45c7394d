import { Testing } from 'cdktf';
import { loadStateBackend } from '../../../config/backend';
import { loadBaselineConfig } from '../../../config/baseline';
import { evaluateStack } from '../../../tools/policy/engine';
import { formatReport } from '../../../tools/policy/report';
import { BASELINE_RULES } from '../../../tools/policy/rules-baseline';
import { RULES } from '../../../tools/policy/rules';
import { synthesizeStack } from '../../../tools/policy/stacks';
import type { TerraformJson } from '../../../tools/policy/terraform';
import type { PolicyProfile } from '../../../tools/policy/types';
import { AccountBaselineStack } from '../../../stacks/account-baseline-stack';

type Body = Record<string, unknown>;

function baselineDoc(env: Record<string, string> = {}): TerraformJson {
  const stack = new AccountBaselineStack(Testing.app(), {
    config: loadBaselineConfig({ env }),
    stateBackend: loadStateBackend({ env }, { warn: () => undefined }),
  });
  return synthesizeStack(stack);
}

const PROD = baselineDoc();
const copy = (): TerraformJson => JSON.parse(JSON.stringify(PROD));
const bodies = (doc: TerraformJson, type: string): Body[] =>
  Object.values(doc.resource?.[type] ?? {}) as Body[];
const firstOf = (doc: TerraformJson, type: string): Body => bodies(doc, type)[0];

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
  test('no rule fails; the one waiver (SSE-S3 access-log target) has its reason', () => {
    const results = evaluate(baselineDoc(env), profile);
    const failures = results.filter((r) => r.status === 'FAIL');
    if (failures.length > 0) throw new Error(formatReport(failures));
    expect(results.filter((r) => r.status === 'WAIVED').map((r) => r.ruleId)).toEqual([
      'HIPAA-S3-002',
    ]);
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
    'governance in production',
    (d) => {
      for (const l of bodies(d, 'aws_backup_vault_lock_configuration'))
        delete l.changeable_for_days;
    },
  ],
  [
    'HIPAA-BAK-004',
    'one week in production',
    (d) => (((firstOf(d, 'aws_backup_plan').rule as Body[])[0].lifecycle as Body).delete_after = 7),
  ],
  [
    'HIPAA-BAK-004',
    'no copy',
    (d) => delete (firstOf(d, 'aws_backup_plan').rule as Body[])[0].copy_action,
  ],
  ['HIPAA-BAK-004', 'no rule', (d) => (firstOf(d, 'aws_backup_plan').rule = [])],
  [
    'HIPAA-BAK-005',
    'another tag',
    (d) =>
      (firstOf(d, 'aws_backup_selection').selection_tag = [
        { type: 'STRINGEQUALS', key: 'DataClassification', value: 'public' },
      ]),
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
      expect(evaluate(PROD, 'production', [id]).every((r) => r.status === 'PASS')).toBe(true);
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

  test('a short lock and governance vault lock outside production', () => {
    const doc = copy();
    firstOf(doc, 'aws_s3_bucket_object_lock_configuration').rule = {
      default_retention: { mode: 'GOVERNANCE', years: 1 },
    };
    ((firstOf(doc, 'aws_backup_plan').rule as Body[])[0].lifecycle as Body).delete_after = 7;
    const results = evaluate(doc, 'standard', ['HIPAA-ARCH-001', 'HIPAA-BAK-003', 'HIPAA-BAK-004']);
    expect(results.map((r) => r.status)).toEqual(['PASS', 'PASS']);
  });
});
