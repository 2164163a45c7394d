import { centralStateProblems } from '../../config/central-state';

const ci = (...environments: [string, string][]) => ({
  repository: 'acme/platform',
  environments: environments.map(([environment, githubEnvironment]) => ({
    environment,
    githubEnvironment,
  })),
  oidcProvider: 'create' as const,
});
const PAIRS = { dev: '111111111111', prod: '222222222222' };
const central = {
  stateAccountId: '123456789012',
  accountSetting: 'dev=111111111111,prod=222222222222',
  accounts: PAIRS,
  baselineAccountId: '111111111111',
  ci: ci(['dev', 'dev']),
};

describe('what central state asks of the account settings', () => {
  it('asks nothing without central state', () => {
    expect(
      centralStateProblems({
        ...central,
        stateAccountId: undefined,
        accounts: {},
        accountSetting: '111111111111',
      }),
    ).toEqual([]);
  });

  it("accepts a baseline whose CI environments are its account's", () => {
    expect(centralStateProblems(central)).toEqual([]);
    expect(
      centralStateProblems({
        ...central,
        baselineAccountId: '222222222222',
        ci: ci(['prod', 'production']),
      }),
    ).toEqual([]);
  });

  it('refuses AWS_ACCOUNT_ID in the one-account form, or unset', () => {
    const rule =
      "with STATE_ACCOUNT_ID it names each environment's account (dev=111111111111,prod=222222222222): the state bucket admits each environment's CI roles from its own account only";
    expect(
      centralStateProblems({ ...central, accountSetting: '111111111111', accounts: {} }),
    ).toEqual([{ setting: 'AWS_ACCOUNT_ID', value: '111111111111', rule }]);
    expect(centralStateProblems({ ...central, accountSetting: undefined, accounts: {} })).toEqual([
      { setting: 'AWS_ACCOUNT_ID', value: undefined, rule },
    ]);
  });

  it('refuses CI roles for an environment of another account, or of none', () => {
    expect(
      centralStateProblems({
        ...central,
        baselineAccountId: '222222222222',
        ci: ci(['dev', 'dev']),
      }),
    ).toEqual([
      {
        setting: 'BASELINE_CI_ENVIRONMENTS',
        value: 'dev',
        rule: "dev is in account 111111111111 (AWS_ACCOUNT_ID), but this baseline is for account 222222222222 (BASELINE_ACCOUNT_ID): an environment's CI roles belong in its own account",
      },
    ]);
    expect(
      centralStateProblems({ ...central, ci: ci(['dev', 'dev'], ['staging', 'stage']) }),
    ).toEqual([
      {
        setting: 'BASELINE_CI_ENVIRONMENTS',
        value: 'dev,staging=stage',
        rule: 'staging has no account in AWS_ACCOUNT_ID: with STATE_ACCOUNT_ID the state bucket admits only the CI roles of the environments AWS_ACCOUNT_ID names',
      },
    ]);
  });

  it('leaves the CI environments alone when this run writes no baseline (the bootstrap alone)', () => {
    expect(
      centralStateProblems({
        ...central,
        baselineAccountId: undefined,
        ci: ci(['staging', 'staging']),
      }),
    ).toEqual([]);
  });
});
