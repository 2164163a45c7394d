import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ciSubjects } from '../../config/ci-access';
import { githubTrustPolicy } from '../../constructs/ci-access/trust';
import { evaluateStack } from '../../tools/policy/engine';
import { formatReport } from '../../tools/policy/report';
import { document } from '../support/synthesized';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CI = {
  BASELINE_CI_REPOSITORY: 'octo-org/healthcare-platform',
  BASELINE_CI_ENVIRONMENTS: 'dev,prod=production',
};

const synth = (env: Record<string, string>): Json => document('baseline', env) as Json;
const ciRoles = (tf: Json): Json[] =>
  (Object.values(tf.resource.aws_iam_role) as Json[]).filter((r) =>
    String(r.name).startsWith('healthcare-ci-'),
  );
const trustOf = (role: Json) => JSON.parse(role.assume_role_policy);

describe('TapAccountBaseline without BASELINE_CI_REPOSITORY', () => {
  const tf = synth({});

  it('creates no OIDC provider, no CI role and no CI output', () => {
    expect(tf.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(ciRoles(tf)).toEqual([]);
    expect(Object.keys(tf.output).filter((o) => /^(ci_|github_)/.test(o))).toEqual([]);
  });
});

describe('TapAccountBaseline with CI roles, in the account-wide region', () => {
  const tf = synth(CI);

  it('creates the OIDC provider and two roles per environment', () => {
    expect(Object.keys(tf.resource.aws_iam_openid_connect_provider)).toEqual([
      'ci-access_github-oidc_provider_6021056F',
    ]);
    expect(
      ciRoles(tf)
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      'healthcare-ci-apply-dev',
      'healthcare-ci-apply-prod',
      'healthcare-ci-plan-dev',
      'healthcare-ci-plan-prod',
    ]);
  });

  it("trusts production's GitHub environment for prod's applies", () => {
    const apply = ciRoles(tf).find((r) => r.name === 'healthcare-ci-apply-prod')!;
    expect(trustOf(apply).Statement[0].Condition.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub':
        'repo:octo-org/healthcare-platform:environment:production',
    });
  });

  it('outputs the role ARNs under the names of their GitHub variables', () => {
    const outputs = Object.fromEntries(
      Object.entries(tf.output as Record<string, Json>)
        .filter(([name]) => /^(ci_|github_)/.test(name))
        .map(([name, o]) => [name, [o.value, o.description]]),
    );
    expect(outputs).toEqual({
      github_oidc_provider_arn: [
        '${aws_iam_openid_connect_provider.ci-access_github-oidc_provider_6021056F.arn}',
        "GitHub Actions' OIDC provider",
      ],
      ci_plan_role_arn_dev: [
        '${aws_iam_role.ci-access_dev_plan-role_4FF390BB.arn}',
        'Read-only plan role of dev: the GitHub variable AWS_PLAN_ROLE_ARN_DEV',
      ],
      ci_apply_role_arn_dev: [
        '${aws_iam_role.ci-access_dev_apply-role_C00710D3.arn}',
        'Apply role of dev: the GitHub variable AWS_APPLY_ROLE_ARN_DEV',
      ],
      ci_plan_role_arn_prod: [
        '${aws_iam_role.ci-access_prod_plan-role_3AE00462.arn}',
        'Read-only plan role of prod: the GitHub variable AWS_PLAN_ROLE_ARN_PROD',
      ],
      ci_apply_role_arn_prod: [
        '${aws_iam_role.ci-access_prod_apply-role_DE434062.arn}',
        'Apply role of prod: the GitHub variable AWS_APPLY_ROLE_ARN_PROD',
      ],
    });
  });

  it("keeps the apply role off the baseline's keys by alias: audit, backup, DR backup and the state key", () => {
    const guard = (Object.values(tf.resource.aws_iam_role_policy) as Json[]).find(
      (p) => p.name === 'guard-rails' && String(p.role).includes('prod_apply'),
    )!;
    const keys = JSON.parse(guard.policy).Statement.find(
      (s: Json) => s.Sid === 'NoBaselineKeyChanges',
    );
    expect(keys.Condition['ForAnyValue:StringEquals']['kms:ResourceAliases']).toEqual([
      'alias/healthcare-audit',
      'alias/healthcare-backup',
      'alias/healthcare-backup-dr',
      'alias/healthcare-platform-tfstate',
    ]);
  });

  it('meets the policy gate: nothing fails, the apply Allow is the one waived statement', () => {
    const results = evaluateStack(tf, { stackName: 'TapAccountBaseline', profile: 'production' });
    const failures = results.filter((r) => r.status === 'FAIL');
    if (failures.length > 0) throw new Error(formatReport(failures));
    expect(
      results
        .filter((r) => r.status === 'WAIVED' && r.address.includes('ci-access'))
        .map((r) => [r.ruleId, r.address]),
    ).toEqual([
      ['HIPAA-IAM-001', 'aws_iam_role_policy.ci-access_dev_apply-allow_CD042B4F'],
      ['HIPAA-IAM-001', 'aws_iam_role_policy.ci-access_prod_apply-allow_869A63DC'],
    ]);
  });
});

describe.each(['on', 'off'])(
  'TapAccountBaseline with BASELINE_CI_OIDC_PROVIDER=existing (BASELINE_ACCOUNT_WIDE=%s)',
  (accountWide) => {
    const tf = synth({
      ...CI,
      BASELINE_CI_OIDC_PROVIDER: 'existing',
      BASELINE_ACCOUNT_WIDE: accountWide,
    });
    const READ =
      '${data.aws_iam_openid_connect_provider.ci-access_github-oidc_existing_918C1139.arn}';

    it("creates no provider: reads the account's by URL", () => {
      expect(tf.resource.aws_iam_openid_connect_provider).toBeUndefined();
      const read = tf.data.aws_iam_openid_connect_provider as Record<string, Json>;
      expect(Object.entries(read).map(([id, d]) => [id, d.url])).toEqual([
        ['ci-access_github-oidc_existing_918C1139', 'https://token.actions.githubusercontent.com'],
      ]);
    });

    it('trusts the ARN the data source read in every CI role, and outputs it', () => {
      expect(ciRoles(tf).map((r) => trustOf(r).Statement[0].Principal.Federated)).toEqual(
        Array(4).fill(READ),
      );
      expect(tf.output.github_oidc_provider_arn.value).toBe(READ);
    });
  },
);

describe('TapAccountBaseline with CI roles in another region (BASELINE_ACCOUNT_WIDE=off)', () => {
  const tf = synth({ ...CI, BASELINE_ACCOUNT_WIDE: 'off' });

  it('creates no provider and trusts the one the account-wide region created, by ARN', () => {
    expect(tf.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(ciRoles(tf).map((r) => trustOf(r).Statement[0].Principal.Federated)).toEqual(
      Array(4).fill(
        'arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.account.account_id}:oidc-provider/token.actions.githubusercontent.com',
      ),
    );
    expect(tf.output.github_oidc_provider_arn.value).toBe(
      'arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.account.account_id}:oidc-provider/token.actions.githubusercontent.com',
    );
  });
});

describe('docs/delivery.md', () => {
  it("shows production's apply trust policy exactly as synthesized", () => {
    const doc = readFileSync(resolve(__dirname, '..', '..', 'docs', 'delivery.md'), 'utf8');
    const block = /Trust policy of production's apply role[^`]*```json\n([\s\S]*?)```/.exec(doc);
    expect(block).not.toBeNull();
    expect(JSON.parse(block![1])).toEqual(
      githubTrustPolicy(
        'arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com',
        [ciSubjects('<owner>/<repo>', 'production').apply],
      ),
    );
  });
});
