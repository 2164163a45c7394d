import { loadBaselineConfig } from '../../config/baseline';
import { loadStateBackend, resolveStateBackend } from '../../config/backend';
import { ciRoleNames, crossAccountStates, environmentPrefix } from '../../config/central-state';
import { ConfigError, loadConfigs, readEnvironmentAccounts } from '../../config/config';
import { deployRoleFor, deploySessionName, roleAccount } from '../../config/deploy-role';

const ROLE = (account: string) => `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`;

function problems(load: () => unknown): string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError)
      return e.problems.map((p) => `${p.setting} = ${p.value}: ${p.rule}`);
    throw e;
  }
  return [];
}

describe('the deploy role of an environment (DEPLOY_ROLE_ARN)', () => {
  it('is assumed by the environment whose account it is in, with a session naming the stack', () => {
    const [dev, prod] = loadConfigs({
      env: {
        ENVIRONMENT_SUFFIX: 'dev,prod',
        AWS_ACCOUNT_ID: 'dev=111111111111,prod=222222222222',
        DEPLOY_ROLE_ARN: `dev=${ROLE('111111111111')},prod=${ROLE('222222222222')}`,
        DEPLOY_EXTERNAL_ID: 'prod=healthcare-prod',
      },
    });
    expect(dev.deployRole).toEqual({
      roleArn: ROLE('111111111111'),
      accountId: '111111111111',
      sessionName: 'healthcare-dev-deploy',
    });
    expect(prod.deployRole).toEqual({
      roleArn: ROLE('222222222222'),
      accountId: '222222222222',
      sessionName: 'healthcare-prod-deploy',
      externalId: 'healthcare-prod',
    });
  });

  it('is optional: without it the provider uses the credentials as given', () => {
    expect(loadConfigs({ env: { ENVIRONMENT_SUFFIX: 'dev' } })[0].deployRole).toBeUndefined();
  });

  it.each([
    [
      { DEPLOY_ROLE_ARN: 'arn:aws:iam::1111:role/x' },
      /DEPLOY_ROLE_ARN = arn:aws:iam::1111:role\/x: must be an IAM role ARN/,
    ],
    [
      { DEPLOY_ROLE_ARN: 'arn:aws:iam::111111111111:user/x' },
      /must be an IAM role ARN such as arn:aws:iam::111111111111:role\/healthcare-deploy/,
    ],
    [
      { AWS_ACCOUNT_ID: '111111111111', DEPLOY_ROLE_ARN: ROLE('222222222222') },
      /the role of environment dev is in account 222222222222, but environment dev is pinned to account 111111111111/,
    ],
    [{ DEPLOY_EXTERNAL_ID: 'x' }, /DEPLOY_EXTERNAL_ID = x: must be 2 to 1224/],
    [
      { DEPLOY_EXTERNAL_ID: 'secret-id' },
      /an external id is given for environment dev but no deploy role/,
    ],
  ])('refuses %j', (env, message) => {
    const found = problems(() => loadConfigs({ env: { ENVIRONMENT_SUFFIX: 'dev', ...env } }));
    expect(found.join('\n')).toMatch(message);
  });

  it('reads role ARNs with paths, and their account', () => {
    expect(roleAccount('arn:aws:iam::333333333333:role/ci/healthcare-deploy')).toBe('333333333333');
    expect(roleAccount('arn:aws:iam::333333333333:policy/x')).toBeUndefined();
    expect(deploySessionName('a'.repeat(80))).toHaveLength(64);
    expect(deployRoleFor('dev', undefined, undefined, undefined)).toBeUndefined();
  });
});

describe('the baseline of an account (BASELINE_ACCOUNT_ID, BASELINE_DEPLOY_ROLE_ARN)', () => {
  it('pins the account and assumes the role there', () => {
    const config = loadBaselineConfig({
      env: {
        BASELINE_ACCOUNT_ID: '111111111111',
        BASELINE_DEPLOY_ROLE_ARN: ROLE('111111111111'),
        BASELINE_DEPLOY_EXTERNAL_ID: 'ext-1',
      },
    });
    expect(config.accountId).toBe('111111111111');
    expect(config.deployRole).toEqual({
      roleArn: ROLE('111111111111'),
      accountId: '111111111111',
      sessionName: 'healthcare-account-deploy',
      externalId: 'ext-1',
    });
  });

  it.each([
    [
      { BASELINE_ACCOUNT_ID: '11111111111' },
      /BASELINE_ACCOUNT_ID = 11111111111: must be a 12-digit/,
    ],
    [
      { BASELINE_ACCOUNT_ID: '111111111111', BASELINE_DEPLOY_ROLE_ARN: ROLE('222222222222') },
      /BASELINE_DEPLOY_ROLE_ARN = .*the role of the baseline of account 111111111111 is in account 222222222222, but the baseline of account 111111111111 is pinned to account 111111111111/,
    ],
    [{ BASELINE_DEPLOY_EXTERNAL_ID: '!' }, /BASELINE_DEPLOY_EXTERNAL_ID = !: must be 2 to 1224/],
  ])('refuses %j', (env, message) => {
    expect(problems(() => loadBaselineConfig({ env })).join('\n')).toMatch(message);
  });
});

describe('central state (STATE_ACCOUNT_ID)', () => {
  const load = (env: Record<string, string>) =>
    loadStateBackend({ env }, { warn: () => undefined, localStateDirectory: '/p' });

  it('names the account of the state', () => {
    expect(load({ STATE_ACCOUNT_ID: '123456789012' }).s3.accountId).toBe('123456789012');
    expect(load({}).s3.accountId).toBeUndefined();
  });

  it('refuses a malformed account id', () => {
    expect(problems(() => load({ STATE_ACCOUNT_ID: '12345' }))).toEqual([
      'STATE_ACCOUNT_ID = 12345: must be the 12-digit id of the account that holds the state bucket, e.g. 123456789012 (unset: the account each stack deploys to)',
    ]);
  });

  it('keeps each environment in a folder of its own, and scopes it by that folder', () => {
    expect(environmentPrefix('healthcare/{environment}/{stack}.tfstate', 'dev')).toBe(
      'healthcare/dev/',
    );
    expect(environmentPrefix('{environment}/x/{stack}.tfstate', 'qa')).toBe('qa/x/');
    expect(environmentPrefix('healthcare/{stack}-{environment}.tfstate', 'dev')).toBeUndefined();
  });

  it('admits, per environment in another account, exactly its two CI roles', () => {
    const s3 = {
      accountId: '123456789012',
      keyPattern: 'healthcare/{environment}/{stack}.tfstate',
    };
    expect(
      crossAccountStates(s3, {
        dev: '111111111111',
        prod: '222222222222',
        tooling: '123456789012',
      }),
    ).toEqual([
      {
        environment: 'dev',
        accountId: '111111111111',
        prefix: 'healthcare/dev/',
        planRoleArn: 'arn:aws:iam::111111111111:role/healthcare-ci-plan-dev',
        applyRoleArn: 'arn:aws:iam::111111111111:role/healthcare-ci-apply-dev',
      },
      {
        environment: 'prod',
        accountId: '222222222222',
        prefix: 'healthcare/prod/',
        planRoleArn: 'arn:aws:iam::222222222222:role/healthcare-ci-plan-prod',
        applyRoleArn: 'arn:aws:iam::222222222222:role/healthcare-ci-apply-prod',
      },
    ]);
    expect(crossAccountStates({ keyPattern: s3.keyPattern }, { dev: '111111111111' })).toEqual([]);
    expect(ciRoleNames('qa')).toEqual({
      plan: 'healthcare-ci-plan-qa',
      apply: 'healthcare-ci-apply-qa',
    });
  });

  it("reads every environment's account from AWS_ACCOUNT_ID's pairs, whatever this run synthesizes", () => {
    expect(
      readEnvironmentAccounts({ env: { AWS_ACCOUNT_ID: 'dev=111111111111,prod=222222222222' } }),
    ).toEqual({
      dev: '111111111111',
      prod: '222222222222',
    });
    expect(readEnvironmentAccounts({ env: { AWS_ACCOUNT_ID: '111111111111' } })).toEqual({});
    expect(readEnvironmentAccounts({ env: {} })).toEqual({});
  });
});

describe('central state refuses what cannot be shared across accounts', () => {
  const doc = (s3: Record<string, unknown>) => ({
    terraform: {
      backend: {
        s3: {
          bucket: 'b-tfstate',
          key: 'healthcare/{environment}/{stack}.tfstate',
          region: 'eu-west-1',
          encrypt: true,
          kms_key_id: 'alias/k',
          use_lockfile: true,
          ...s3,
        },
      },
    },
  });
  const resolve = (s3: Record<string, unknown>) =>
    problems(() =>
      resolveStateBackend(doc(s3), { STATE_ACCOUNT_ID: '123456789012' }, { warn: () => undefined }),
    );

  it('takes a key with a folder per environment and the S3 lock file', () => {
    expect(resolve({})).toEqual([]);
  });

  it('refuses a key pattern without a folder per environment', () => {
    expect(resolve({ key: 'healthcare/{stack}-{environment}.tfstate' })).toEqual([
      "terraform-backend.tf.json terraform.backend.s3.key = healthcare/{stack}-{environment}.tfstate: with central state (STATE_ACCOUNT_ID) the key must keep each environment in a folder of its own, e.g. healthcare/{environment}/{stack}.tfstate, so that an account can be given its environment's folder only",
    ]);
  });

  it('refuses central state locked by a DynamoDB table only', () => {
    expect(resolve({ use_lockfile: false, dynamodb_table: 'lock-table' })).toEqual([
      'STATE_ACCOUNT_ID = 123456789012: state in a central account is locked with the S3 lock file only: set use_lockfile to true in terraform-backend.tf.json',
    ]);
  });
});
