import { resolveStateBackend, stateKeyId } from '../../config/backend';
import { BaselineConfig, loadBaselineConfig } from '../../config/baseline';
import {
  ciRoleArns,
  ciRoleNames,
  ciStateObjects,
  ciSubjects,
  githubRoleVariables,
  parseCiEnvironments,
  parseRepository,
} from '../../config/ci-access';
import { BLANK_RULE, ConfigError } from '../../config/config';
import { tightestNameRule } from '../../config/names';

const load = (env: Record<string, string>, context: Record<string, unknown> = {}): BaselineConfig =>
  loadBaselineConfig({ env, context: (key) => context[key] });

function problemsOf(env: Record<string, string>) {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const REPO = 'octo-org/healthcare-platform';

describe('the contract: role names, ARNs, subjects, GitHub variables', () => {
  it('names the roles healthcare-ci-plan-<env> and healthcare-ci-apply-<env>', () => {
    expect(ciRoleNames('dev')).toEqual({
      plan: 'healthcare-ci-plan-dev',
      apply: 'healthcare-ci-apply-dev',
    });
    expect(ciRoleArns('aws', '111122223333', 'prod')).toEqual({
      plan: 'arn:aws:iam::111122223333:role/healthcare-ci-plan-prod',
      apply: 'arn:aws:iam::111122223333:role/healthcare-ci-apply-prod',
    });
  });

  it('keeps every role name within IAM’s 64 characters for the longest suffix allowed', () => {
    const longest = 'a'.repeat(tightestNameRule().maxSuffixLength);
    const names = ciRoleNames(longest);
    expect(names.apply.length).toBeLessThanOrEqual(64);
    expect(names.apply).toBe(`healthcare-ci-apply-${longest}`);
  });

  it('trusts pull requests and main for plans, the GitHub environment for applies', () => {
    expect(ciSubjects(REPO, 'production')).toEqual({
      plan: [
        'repo:octo-org/healthcare-platform:pull_request',
        'repo:octo-org/healthcare-platform:ref:refs/heads/main',
      ],
      apply: 'repo:octo-org/healthcare-platform:environment:production',
    });
  });

  it('names the GitHub variables docs/delivery.md uses (hyphens become underscores)', () => {
    expect(githubRoleVariables('dev')).toEqual({
      plan: 'AWS_PLAN_ROLE_ARN_DEV',
      apply: 'AWS_APPLY_ROLE_ARN_DEV',
    });
    expect(githubRoleVariables('qa-eu').plan).toBe('AWS_PLAN_ROLE_ARN_QA_EU');
  });
});

describe('BASELINE_CI_REPOSITORY: GitHub owner and repository rules', () => {
  it.each([
    'octo-org/healthcare-platform',
    'a/b',
    `${'a'.repeat(39)}/repo`,
    `owner/${'r'.repeat(100)}`,
    'Octo-Org/Repo.Name_1',
    'o/.github',
  ])('accepts %s', (value) => {
    expect(parseRepository(value)).toEqual({ value });
  });

  it.each([
    ['an owner of 40 characters', `${'a'.repeat(40)}/repo`],
    ['a repository of 101 characters', `owner/${'r'.repeat(101)}`],
    ['an owner starting with a hyphen', '-org/repo'],
    ['an owner ending with a hyphen', 'org-/repo'],
    ['two hyphens in a row', 'octo--org/repo'],
    ['a dot in the owner', 'octo.org/repo'],
    ['the repository "."', 'org/.'],
    ['the repository ".."', 'org/..'],
    ['no repository', 'org'],
    ['an empty repository', 'org/'],
    ['three parts', 'org/repo/extra'],
    ['a wildcard', 'org/*'],
    ['a space', 'org/my repo'],
  ])('refuses %s', (_, value) => {
    const parsed = parseRepository(value);
    expect(parsed).toEqual({ rule: expect.stringContaining('<owner>/<repository>') });
  });
});

describe('BASELINE_CI_ENVIRONMENTS: environment suffixes, each optionally =<GitHub environment>', () => {
  it('defaults the GitHub environment to the suffix, and takes prod=production', () => {
    expect(parseCiEnvironments('dev, prod=production')).toEqual({
      environments: [
        { environment: 'dev', githubEnvironment: 'dev' },
        { environment: 'prod', githubEnvironment: 'production' },
      ],
      problems: [],
    });
  });

  it('accepts a suffix of exactly the maximum length, refuses one more', () => {
    const max = tightestNameRule().maxSuffixLength;
    expect(parseCiEnvironments('a'.repeat(max)).problems).toEqual([]);
    expect(parseCiEnvironments('a'.repeat(max + 1)).problems).toEqual([
      {
        value: 'a'.repeat(max + 1),
        rule: expect.stringMatching(
          new RegExp(`^an environment suffix is at most ${max} characters`),
        ),
      },
    ]);
  });

  it.each([
    ['an upper-case suffix', 'Dev'],
    ['a suffix starting with a digit', '1dev'],
    ['two hyphens', 'qa--eu'],
    ['an empty item', 'dev,'],
    ['two equals signs', 'prod=a=b'],
    ['a wildcard', 'dev*'],
  ])('refuses %s', (_, value) => {
    expect(parseCiEnvironments(value).problems).toEqual([
      expect.objectContaining({
        rule: expect.stringContaining('each item is an environment suffix'),
      }),
    ]);
  });

  it('accepts a GitHub environment of 255 characters and inner spaces, refuses 256 and a wildcard', () => {
    const name255 = `p${'x'.repeat(253)}d`;
    expect(parseCiEnvironments(`prod=${name255}`).environments).toEqual([
      { environment: 'prod', githubEnvironment: name255 },
    ]);
    expect(parseCiEnvironments('prod=Production EU').environments).toEqual([
      { environment: 'prod', githubEnvironment: 'Production EU' },
    ]);
    expect(parseCiEnvironments('prod=prod*').problems.map((p) => p.value)).toEqual(['prod=prod*']);
    expect(parseCiEnvironments(`prod=${name255}x`).problems).toEqual([
      {
        value: `prod=${name255}x`,
        rule: 'the GitHub environment name is 1 to 255 letters, digits, ".", "_", "-" or inner spaces',
      },
    ]);
    expect(parseCiEnvironments('prod=').problems[0].rule).toBe(
      'the GitHub environment name is 1 to 255 letters, digits, ".", "_", "-" or inner spaces',
    );
  });

  it('refuses an environment listed twice', () => {
    expect(parseCiEnvironments('dev,dev=development').problems).toEqual([
      {
        value: 'dev=development',
        rule: 'environment "dev" is listed twice; list each environment once',
      },
    ]);
  });

  it('refuses one GitHub environment guarding two environments (names are case-insensitive)', () => {
    const parsed = parseCiEnvironments('dev=shared,prod=Shared');
    expect(parsed.environments).toEqual([{ environment: 'dev', githubEnvironment: 'shared' }]);
    expect(parsed.problems).toEqual([
      {
        value: 'prod=Shared',
        rule: expect.stringMatching(/^GitHub environment "Shared" already guards "dev"/),
      },
    ]);
  });
});

describe('the baseline reads the CI settings', () => {
  it('creates no CI roles while BASELINE_CI_REPOSITORY is unset', () => {
    expect(load({}).ci).toBeUndefined();
  });

  it('reads the repository and the environments', () => {
    expect(
      load({ BASELINE_CI_REPOSITORY: REPO, BASELINE_CI_ENVIRONMENTS: 'dev,prod=production' }).ci,
    ).toEqual({
      repository: REPO,
      environments: [
        { environment: 'dev', githubEnvironment: 'dev' },
        { environment: 'prod', githubEnvironment: 'production' },
      ],
      oidcProvider: 'create',
    });
  });

  it('reads the cdktf context keys too', () => {
    expect(
      load(
        {},
        {
          baselineCiRepository: REPO,
          baselineCiEnvironments: 'prod=production',
          baselineCiOidcProvider: 'existing',
        },
      ).ci,
    ).toEqual({
      repository: REPO,
      environments: [{ environment: 'prod', githubEnvironment: 'production' }],
      oidcProvider: 'existing',
    });
  });

  it('requires the environments with a repository', () => {
    expect(problemsOf({ BASELINE_CI_REPOSITORY: REPO })).toEqual([
      {
        setting: 'BASELINE_CI_ENVIRONMENTS',
        value: undefined,
        rule: 'is required with BASELINE_CI_REPOSITORY: name the environments this account hosts, e.g. dev, or dev,prod=production',
      },
    ]);
  });

  it('refuses environments without a repository', () => {
    expect(problemsOf({ BASELINE_CI_ENVIRONMENTS: 'dev' })).toEqual([
      {
        setting: 'BASELINE_CI_ENVIRONMENTS',
        value: 'dev',
        rule: 'has no effect without BASELINE_CI_REPOSITORY: set the repository whose workflows use the roles, or unset this',
      },
    ]);
  });

  it('reports a bad repository and a bad environment together', () => {
    const problems = problemsOf({
      BASELINE_CI_REPOSITORY: 'octo-org',
      BASELINE_CI_ENVIRONMENTS: 'dev,Prod',
    });
    expect(problems.map((p) => [p.setting, p.value])).toEqual([
      ['BASELINE_CI_REPOSITORY', 'octo-org'],
      ['BASELINE_CI_ENVIRONMENTS', 'Prod'],
    ]);
  });

  it('reads BASELINE_CI_OIDC_PROVIDER: create (the default) or existing', () => {
    const ci = { BASELINE_CI_REPOSITORY: REPO, BASELINE_CI_ENVIRONMENTS: 'dev' };
    expect(load(ci).ci?.oidcProvider).toBe('create');
    expect(load({ ...ci, BASELINE_CI_OIDC_PROVIDER: 'create' }).ci?.oidcProvider).toBe('create');
    expect(load({ ...ci, BASELINE_CI_OIDC_PROVIDER: 'existing' }).ci?.oidcProvider).toBe(
      'existing',
    );
  });

  it.each(['Existing', 'exist', 'existing,create', 'import'])(
    'refuses BASELINE_CI_OIDC_PROVIDER=%s in one message: setting, value, rule',
    (value) => {
      expect(
        problemsOf({
          BASELINE_CI_REPOSITORY: REPO,
          BASELINE_CI_ENVIRONMENTS: 'dev',
          BASELINE_CI_OIDC_PROVIDER: value,
        }),
      ).toEqual([
        {
          setting: 'BASELINE_CI_OIDC_PROVIDER',
          value,
          rule: "must be one of create, existing: create (the baseline creates GitHub's OIDC provider) or existing (the account has one already, e.g. made by the organization; the baseline only reads it)",
        },
      ]);
    },
  );

  it('refuses a blank BASELINE_CI_OIDC_PROVIDER', () => {
    expect(
      problemsOf({
        BASELINE_CI_REPOSITORY: REPO,
        BASELINE_CI_ENVIRONMENTS: 'dev',
        BASELINE_CI_OIDC_PROVIDER: '  ',
      }),
    ).toEqual([{ setting: 'BASELINE_CI_OIDC_PROVIDER', value: '', rule: BLANK_RULE }]);
  });

  it('refuses BASELINE_CI_OIDC_PROVIDER without a repository, with the environments', () => {
    const rule =
      'has no effect without BASELINE_CI_REPOSITORY: set the repository whose workflows use the roles, or unset this';
    expect(
      problemsOf({ BASELINE_CI_ENVIRONMENTS: 'dev', BASELINE_CI_OIDC_PROVIDER: 'existing' }),
    ).toEqual([
      { setting: 'BASELINE_CI_ENVIRONMENTS', value: 'dev', rule },
      { setting: 'BASELINE_CI_OIDC_PROVIDER', value: 'existing', rule },
    ]);
  });

  it('refuses a blank repository like every other setting', () => {
    expect(problemsOf({ BASELINE_CI_REPOSITORY: ' ' })).toEqual([
      { setting: 'BASELINE_CI_REPOSITORY', value: '', rule: BLANK_RULE },
    ]);
  });
});

/** The state backend settings of a terraform-backend.tf.json `s3` block. */
const backend = (s3: Record<string, unknown>, env: Record<string, string> = {}) =>
  resolveStateBackend({ terraform: { backend: { s3 } } }, env, { warn: () => undefined }).s3;
const IN_STATE_ACCOUNT = (account: string) => ({ STATE_ACCOUNT_ID: account });
const BASE = {
  bucket: 'healthcare-platform-tfstate',
  key: 'healthcare/{environment}/{stack}.tfstate',
  region: 'eu-west-1',
  encrypt: true,
  kms_key_id: 'alias/healthcare-platform-tfstate',
  use_lockfile: true,
};
const KEY_ARN = 'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe("each environment's state objects", () => {
  it('are its state key, the lock file beside it and the two DynamoDB items', () => {
    expect(ciStateObjects(backend(BASE), 'dev')).toEqual({
      stateKey: 'healthcare/dev/TapStackdev.tfstate',
      lockFileKey: 'healthcare/dev/TapStackdev.tfstate.tflock',
      lockId: 'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate',
      digestId: 'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate-md5',
    });
  });

  it('follow another key pattern', () => {
    expect(
      ciStateObjects(backend({ ...BASE, key: 'state/{stack}.tfstate' }), 'qa-eu').stateKey,
    ).toBe('state/TapStackqa-eu.tfstate');
  });
});

describe('STATE_ACCOUNT_ID (a state setting: config/backend.ts)', () => {
  it('takes exactly 12 digits', () => {
    expect(backend(BASE, IN_STATE_ACCOUNT('123456789012')).accountId).toBe('123456789012');
    expect(backend(BASE).accountId).toBeUndefined();
    for (const bad of ['12345678901', '1234567890123', '12345678901a']) {
      expect(() => backend(BASE, IN_STATE_ACCOUNT(bad))).toThrow(
        `STATE_ACCOUNT_ID = "${bad}": must be the 12-digit id of the account that holds the state bucket, e.g. 123456789012 (unset: the account each stack deploys to)`,
      );
    }
  });

  it('refuses it blank, like every override', () => {
    expect(() => backend(BASE, IN_STATE_ACCOUNT(' '))).toThrow(
      `STATE_ACCOUNT_ID = "": ${BLANK_RULE}`,
    );
  });
});

describe('the state key and lock with a state account (config/backend.ts)', () => {
  it('keeps an alias name in single-account mode', () => {
    expect(stateKeyId(backend(BASE))).toBe('alias/healthcare-platform-tfstate');
  });

  it('names an alias’s key by STATE_KMS_KEY_ARN in the state account (S3 takes only a key ARN across accounts)', () => {
    const s3 = backend(BASE, { ...IN_STATE_ACCOUNT('999988887777'), STATE_KMS_KEY_ARN: KEY_ARN });
    expect(stateKeyId(s3)).toBe(KEY_ARN);
    expect(() => stateKeyId(backend(BASE, IN_STATE_ACCOUNT('999988887777')))).toThrow(
      'no stack but TapStateBackend can name the state key yet: STATE_KMS_KEY_ARN is not set.',
    );
  });

  it('accepts the key ARN of the state account as it is', () => {
    const s3 = backend({ ...BASE, kms_key_id: KEY_ARN }, IN_STATE_ACCOUNT('999988887777'));
    expect(stateKeyId(s3)).toBe(KEY_ARN);
  });

  it('refuses a key of another account than the state account', () => {
    expect(() =>
      backend({ ...BASE, kms_key_id: KEY_ARN }, IN_STATE_ACCOUNT('111111111111')),
    ).toThrow(
      `terraform-backend.tf.json terraform.backend.s3.kms_key_id = "${KEY_ARN}": the state key is in account 999988887777, but STATE_ACCOUNT_ID says the state is in 111111111111`,
    );
  });
});
