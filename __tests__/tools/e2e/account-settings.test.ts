import {
  accountOwner,
  baselineSettings,
  ciRoleArns,
  credentialEnv,
  environmentAccount,
  environmentSettings,
  runAccountSettings,
  stateKeyArnOf,
} from '../../../tools/e2e/account-settings';

/** dev's account baseline, as dev and the drill (which shares dev's account) synthesize it. */
const DEV_ACCOUNT_BASELINE = {
  BASELINE_ACCOUNT_ID: '111111111111',
  BASELINE_DEPLOY_ROLE_ARN: 'arn:aws:iam::111111111111:role/OrganizationAccountAccessRole',
  BASELINE_CI_REPOSITORY: 'example-org/healthcare-platform',
  BASELINE_CI_ENVIRONMENTS: 'dev',
  BASELINE_PROFILE: 'standard',
  BASELINE_GUARDDUTY: 'organization',
  BASELINE_SECURITY_HUB: 'organization',
  BASELINE_CONFIG: 'organization',
};

describe("the e2e run's organization", () => {
  it('gives every synth the central state account and every environment’s account', () => {
    expect(runAccountSettings(['dev', 'prod'])).toEqual({
      STATE_ACCOUNT_ID: '123456789012',
      AWS_ACCOUNT_ID: 'dev=111111111111,prod=222222222222',
    });
    expect(runAccountSettings(['dev'])).toEqual({
      STATE_ACCOUNT_ID: '123456789012',
      AWS_ACCOUNT_ID: 'dev=111111111111',
    });
  });

  it('adds the state key’s ARN once the bootstrap is deployed, and takes it from its output', () => {
    const arn = 'arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-0000-4000-8000-000000000001';
    expect(runAccountSettings(['dev'], arn)).toEqual({
      STATE_ACCOUNT_ID: '123456789012',
      AWS_ACCOUNT_ID: 'dev=111111111111',
      STATE_KMS_KEY_ARN: arn,
    });
    expect(stateKeyArnOf({ state_bucket_name: 'b', state_kms_key_arn: arn })).toBe(arn);
    for (const [outputs, shown] of [
      [{}, 'missing'],
      [undefined, 'missing'],
      [{ state_kms_key_arn: 7 }, '7'],
      [
        { state_kms_key_arn: arn.replace('123456789012', '123456789013') },
        `"${arn.replace('123456789012', '123456789013')}"`,
      ],
      [
        {
          state_kms_key_arn: 'arn:aws:kms:eu-west-1:123456789012:alias/healthcare-platform-tfstate',
        },
        '"arn:aws:kms:eu-west-1:123456789012:alias/healthcare-platform-tfstate"',
      ],
    ] as const) {
      expect(() => stateKeyArnOf(outputs as Record<string, unknown> | undefined)).toThrow(
        `the deployed bootstrap's output state_kms_key_arn is ${shown}, not a key ARN of the tooling account 123456789012`,
      );
    }
  });

  it('deploys dev from CI: no deploy role, its own CI roles, a standard baseline beside the organization’s services', () => {
    expect(environmentSettings('dev')).toEqual({
      ...DEV_ACCOUNT_BASELINE,
    });
  });

  it('deploys prod by an operator through its role, a standalone production baseline and a custom domain', () => {
    const arn =
      'arn:aws:acm:eu-west-1:222222222222:certificate/0a1b2c3d-0000-4000-8000-000000000001';
    expect(environmentSettings('prod', arn)).toEqual({
      DEPLOY_ROLE_ARN: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      ALARM_EMAIL: 'oncall@example.org',
      API_DOMAIN_NAME: 'api.prod.e2e.example.org',
      API_CERTIFICATE_ARN: arn,
      BASELINE_ACCOUNT_ID: '222222222222',
      BASELINE_DEPLOY_ROLE_ARN: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
      BASELINE_CI_REPOSITORY: 'example-org/healthcare-platform',
      BASELINE_CI_ENVIRONMENTS: 'prod=production',
      BASELINE_PROFILE: 'production',
      BASELINE_ALARM_EMAIL: 'security-alarms@example.org',
    });
    // Without its certificate (E2E_SKIP_PLATFORM=1): no API settings, the baseline as ever.
    expect(Object.keys(environmentSettings('prod'))).not.toContain('API_DOMAIN_NAME');
    expect(baselineSettings('prod').BASELINE_CI_ENVIRONMENTS).toBe('prod=production');
  });

  it('deploys the drill environment by an operator in dev’s account, under dev’s baseline', () => {
    expect(runAccountSettings(['dev', 'prod', 'drill']).AWS_ACCOUNT_ID).toBe(
      'dev=111111111111,prod=222222222222,drill=111111111111',
    );
    expect(accountOwner('drill')).toBe('dev');
    expect(accountOwner('dev')).toBe('dev');
    expect(accountOwner('prod')).toBe('prod');
    expect(environmentSettings('drill')).toEqual({
      DEPLOY_ROLE_ARN: 'arn:aws:iam::111111111111:role/OrganizationAccountAccessRole',
      ...DEV_ACCOUNT_BASELINE,
    });
  });

  it('names the CI roles as the baseline creates them and the workflows assume them', () => {
    expect(ciRoleArns('111111111111', 'dev')).toEqual({
      plan: 'arn:aws:iam::111111111111:role/healthcare-ci-plan-dev',
      apply: 'arn:aws:iam::111111111111:role/healthcare-ci-apply-dev',
    });
  });

  it('refuses an environment it has no account for, naming it', () => {
    expect(environmentAccount('prod').accountId).toBe('222222222222');
    expect(() => environmentAccount('qa')).toThrow(
      'the e2e knows dev, prod (each in an account of its own) and drill (in dev\'s account) (tools/e2e/account-settings.ts); not "qa"',
    );
  });

  it('hands credentials to a child as the variables the SDK and Terraform read', () => {
    expect(credentialEnv({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' })).toEqual({
      AWS_ACCESS_KEY_ID: 'A',
      AWS_SECRET_ACCESS_KEY: 'S',
      AWS_SESSION_TOKEN: 'T',
    });
    expect(credentialEnv({ accessKeyId: 'A', secretAccessKey: 'S' })).toEqual({
      AWS_ACCESS_KEY_ID: 'A',
      AWS_SECRET_ACCESS_KEY: 'S',
    });
  });
});
