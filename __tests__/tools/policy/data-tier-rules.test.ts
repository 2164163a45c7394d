/**
 * The data-tier rules beyond their one failing fixture: each way a parameter group, a backup
 * owner, a data protection policy or an unmask grant can go wrong, and what passes.
 */
import { evaluateStack } from '../../../tools/policy/engine';
import { RULES } from '../../../tools/policy/rules';
import { doc, Patch } from './fixtures';
import { document } from '../../support/synthesized';

const check = (id: string, address: string, patch: Patch = {}, environment = 'prod') => {
  const results = evaluateStack(doc(patch, environment), {
    stackName: 'Fixture',
    rules: RULES.filter((r) => r.id === id),
  }).filter((r) => r.address === address);
  expect(results).toHaveLength(1);
  return { status: results[0].status, detail: results[0].detail };
};

const dp = (statements: unknown[], version = '2021-06-01') => ({
  'aws_cloudwatch_log_data_protection_policy.fnlogs': {
    log_group_name: '${aws_cloudwatch_log_group.fnlogs.name}',
    policy_document: JSON.stringify({ Version: version, Statement: statements }),
  },
});
const EMAIL = ['arn:aws:dataprotection::aws:data-identifier/EmailAddress'];
const audit = (ids: string[] = EMAIL) => ({
  DataIdentifier: ids,
  Operation: { Audit: { FindingsDestination: {} } },
});
const mask = (ids: string[] = EMAIL, config: unknown = {}) => ({
  DataIdentifier: ids,
  Operation: { Deidentify: { MaskConfig: config } },
});

describe('HIPAA-RDS-017 / HIPAA-EC-011: parameter group replacement', () => {
  test('a fixed name with create_before_destroy fails; so does no create_before_destroy', () => {
    expect(
      check('HIPAA-RDS-017', 'aws_db_parameter_group.pg', {
        'aws_db_parameter_group.pg': { lifecycle: undefined },
      }),
    ).toEqual({
      status: 'FAIL',
      detail:
        'lifecycle.create_before_destroy is not set: a replacement would delete the group first, which RDS/ElastiCache refuse while an instance uses it',
    });
  });

  test('name_prefix passes', () => {
    expect(check('HIPAA-RDS-017', 'aws_db_parameter_group.pg')).toEqual({
      status: 'PASS',
      detail:
        'name_prefix = healthcare-pg-prod-postgres16-: every replacement gets a new, unique name',
    });
  });

  test('a hash that does not match the description fails (the description changed, the name did not)', () => {
    expect(
      check('HIPAA-EC-011', 'aws_elasticache_parameter_group.epg', {
        'aws_elasticache_parameter_group.epg': { description: 'Redis 7, new text' },
      }).status,
    ).toBe('FAIL');
  });

  test('the synthesized platform passes both', () => {
    const ids = [
      'HIPAA-RDS-017',
      'HIPAA-EC-011',
      'HIPAA-RDS-018',
      'HIPAA-LOG-003',
      'HIPAA-IAM-004',
    ];
    // Only these rules run, so the stack's waiver of another rule is reported as unknown: left out.
    const results = evaluateStack(document('platform'), {
      stackName: 'TapStackprod',
      rules: RULES.filter((r) => ids.includes(r.id)),
    }).filter((r) => ids.includes(r.ruleId));
    expect(results.filter((r) => r.status !== 'PASS')).toEqual([]);
    // 10 log groups in the environment, 6 of them data-bearing and protected.
    expect(results.filter((r) => r.ruleId === 'HIPAA-LOG-003')).toHaveLength(10);
    expect(
      results.filter((r) => r.ruleId === 'HIPAA-LOG-003' && r.detail.includes('audits and masks')),
    ).toHaveLength(6);
  });
});

describe('HIPAA-RDS-018: backups owned by the continuous rule (production)', () => {
  test('a retention other than 35 fails even with both attributes ignored', () => {
    expect(
      check('HIPAA-RDS-018', 'aws_db_instance.db', {
        'aws_db_instance.db': { backup_retention_period: 14 },
      }),
    ).toEqual({
      status: 'FAIL',
      detail: "backup_retention_period = 14: create it with the continuous rule's 35 days",
    });
  });

  test('passes at 35 with both ignored', () => {
    expect(check('HIPAA-RDS-018', 'aws_db_instance.db').status).toBe('PASS');
  });

  test('does not apply to the standard profile (synthetic data, Terraform owns the backups)', () => {
    const results = evaluateStack(doc({ 'aws_db_instance.db': { lifecycle: undefined } }, 'dev'), {
      stackName: 'Fixture',
      rules: RULES.filter((r) => r.id === 'HIPAA-RDS-018'),
    });
    expect(results).toEqual([]);
  });
});

describe('HIPAA-LOG-003: data protection on log groups with statement text or request data', () => {
  const lg = 'aws_cloudwatch_log_group.fnlogs';

  test.each([
    ['/aws/rds/instance/db/postgresql'],
    ['/aws/apigateway/api/access-logs'],
    ['API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.x.id}/prod'],
    ['aws-waf-logs-api'],
  ])('%s without a policy fails', (name) => {
    expect(
      check('HIPAA-LOG-003', lg, {
        [lg]: { name },
        'aws_cloudwatch_log_data_protection_policy.fnlogs': null,
      }).detail,
    ).toBe(
      `${name} has no aws_cloudwatch_log_data_protection_policy: PHI in it would be kept unmasked`,
    );
  });

  test.each([
    ['/aws/rds/instance/db/upgrade'],
    ['/healthcare/prod/vpc-flow-logs'],
    ['/aws/elasticache/redis/slow-log'],
  ])('%s needs none', (name) => {
    expect(
      check('HIPAA-LOG-003', lg, {
        [lg]: { name },
        'aws_cloudwatch_log_data_protection_policy.fnlogs': null,
      }),
    ).toEqual({ status: 'PASS', detail: `${name} carries no statement text or request data` });
  });

  test.each([
    [
      'another Version',
      dp([audit(), mask()], '2020-01-01'),
      'Version is 2020-01-01, not 2021-06-01',
    ],
    [
      'no Deidentify statement',
      dp([audit()]),
      'the document must have exactly one Audit and one Deidentify statement',
    ],
    [
      'two Audit statements',
      dp([audit(), audit()]),
      'the document must have exactly one Audit and one Deidentify statement',
    ],
    [
      'a MaskConfig that is not empty',
      dp([audit(), mask(EMAIL, { Mask: 'x' })]),
      'the Deidentify statement must be {"MaskConfig": {}}',
    ],
    [
      'different identifier lists',
      dp([audit(), mask([...EMAIL, 'Custom'])]),
      'the Audit and Deidentify statements name different DataIdentifier lists',
    ],
    ['no identifier', dp([audit([]), mask([])]), 'no DataIdentifier is masked'],
    [
      'a document that is not JSON',
      {
        'aws_cloudwatch_log_data_protection_policy.fnlogs': {
          log_group_name: '${aws_cloudwatch_log_group.fnlogs.name}',
          policy_document: '${data.aws_cloudwatch_log_data_protection_policy_document.d.json}',
        },
      },
      'policy_document is not JSON the check can read',
    ],
  ])('a policy with %s fails', (_what, patch, why) => {
    expect(check('HIPAA-LOG-003', lg, patch as Patch)).toEqual({
      status: 'FAIL',
      detail: `aws_cloudwatch_log_data_protection_policy.fnlogs: ${why}`,
    });
  });
});

describe('HIPAA-IAM-004: only MFA roles may logs:Unmask', () => {
  const policy = (statement: Record<string, unknown>) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Resource: '*', ...statement }],
    });

  test('the MFA role passes', () => {
    expect(check('HIPAA-IAM-004', 'aws_iam_role_policy.unmask')).toEqual({
      status: 'PASS',
      detail: 'grants logs:Unmask to aws_iam_role.unmask, assumable only with MFA',
    });
  });

  test.each([['logs:*'], ['logs:Un*'], ['LOGS:UNMASK'], ['*']])(
    '%s on a role without MFA fails (wildcards and case count)',
    (action) => {
      expect(
        check('HIPAA-IAM-004', 'aws_iam_role_policy.rp', {
          'aws_iam_role_policy.rp': { policy: policy({ Action: action }) },
        }).detail,
      ).toMatch(/^grants logs:Unmask to aws_iam_role\.mon, which can be assumed without MFA/);
    },
  );

  test('a NotAction that leaves logs:Unmask in grants it', () => {
    expect(
      check('HIPAA-IAM-004', 'aws_iam_role_policy.rp', {
        'aws_iam_role_policy.rp': { policy: policy({ NotAction: 's3:*' }) },
      }).status,
    ).toBe('FAIL');
    expect(
      check('HIPAA-IAM-004', 'aws_iam_role_policy.rp', {
        'aws_iam_role_policy.rp': { policy: policy({ NotAction: 'logs:*' }) },
      }).status,
    ).toBe('PASS');
  });

  test('a managed policy may not grant it at all', () => {
    expect(
      check('HIPAA-IAM-004', 'aws_iam_policy.p', {
        'aws_iam_policy.p': { policy: policy({ Action: 'logs:Unmask' }) },
      }),
    ).toEqual({
      status: 'FAIL',
      detail: 'a managed policy grants logs:Unmask: it could be attached to any principal',
    });
  });

  test('a grant to a role outside the stack cannot be checked and fails', () => {
    expect(
      check('HIPAA-IAM-004', 'aws_iam_role_policy.rp', {
        'aws_iam_role_policy.rp': {
          role: 'someone-elses-role',
          policy: policy({ Action: 'logs:Unmask' }),
        },
      }).detail,
    ).toBe(
      'grants logs:Unmask to role someone-elses-role, which is not a role of this stack whose trust can be checked',
    );
  });

  test("an inline_policy on the role is checked against the role's own trust", () => {
    expect(
      check('HIPAA-IAM-004', 'aws_iam_role.mon', {
        'aws_iam_role.mon': {
          inline_policy: [{ name: 'x', policy: policy({ Action: 'logs:Unmask' }) }],
        },
      }).status,
    ).toBe('FAIL');
    expect(
      check('HIPAA-IAM-004', 'aws_iam_role.unmask', {
        'aws_iam_role.unmask': {
          inline_policy: [{ name: 'x', policy: policy({ Action: 'logs:Unmask' }) }],
        },
      }).status,
    ).toBe('PASS');
  });

  test('a trust policy with one statement without MFA fails, and so does an unreadable one', () => {
    const trust = (statements: unknown[]) => ({
      'aws_iam_role.unmask': { assume_role_policy: JSON.stringify({ Statement: statements }) },
    });
    const withMfa = {
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'sts:AssumeRole',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    };
    const ifExists = {
      ...withMfa,
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } },
    };
    expect(check('HIPAA-IAM-004', 'aws_iam_role_policy.unmask', trust([withMfa])).status).toBe(
      'PASS',
    );
    expect(
      check('HIPAA-IAM-004', 'aws_iam_role_policy.unmask', trust([withMfa, ifExists])).status,
    ).toBe('FAIL');
    expect(check('HIPAA-IAM-004', 'aws_iam_role_policy.unmask', trust([])).status).toBe('FAIL');
    expect(
      check('HIPAA-IAM-004', 'aws_iam_role_policy.unmask', {
        'aws_iam_role.unmask': { assume_role_policy: 'not a policy' },
      }).status,
    ).toBe('FAIL');
  });
});
