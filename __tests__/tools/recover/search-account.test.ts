/**
 * Which account recover searches, as whom, and when it refuses to search: a refused deploy
 * role, or credentials that reach another account than the one the stack deploys into.
 * STS is a stub answering GetCallerIdentity (or failing as told).
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { selectStack } from '../../../tools/deploy';
import { DeployRoleRefused } from '../../../tools/preflight';
import {
  callerAccount,
  searchAccount,
  StackAccess,
  stackAccessOf,
} from '../../../tools/recover/search-account';
import { stsError } from '../../support/assume-role';

const TOOLING = '123456789012';
const PROD = '222222222222';
const ROLE_ARN = `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`;
const BASELINE_ROLE = `arn:aws:iam::${PROD}:role/baseline-deploy`;
const OPERATOR = `arn:aws:iam::${TOOLING}:user/operator`;
const ASSUMED = `arn:aws:sts::${PROD}:assumed-role/OrganizationAccountAccessRole/healthcare-prod-deploy`;
const NOT_SEARCHED = `Orphans were not searched: TapStackprod's resources are in account ${PROD}, and a search anywhere else finds none of them.`;

const select = (env: Record<string, string>, stack?: string) =>
  selectStack('recover', { STATE_BUCKET: 'my-org-tfstate', ...env }, {}, stack);

/** STS answering as `identity`, or failing with `error`; counts its calls. */
function sts(identity: { Account?: string; Arn?: string } | Error) {
  const calls: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      calls.push(command);
      if (identity instanceof Error) throw identity;
      return identity;
    },
  } as unknown as Pick<STSClient, 'send'>;
  return { client, calls };
}

const prodRole = {
  roleArn: ROLE_ARN,
  accountId: PROD,
  sessionName: 'healthcare-prod-deploy',
};

describe('stackAccessOf: the role and the pin of the selected stack', () => {
  test('an environment: DEPLOY_ROLE_ARN (with its external id), pinned by AWS_ACCOUNT_ID', () => {
    const access = stackAccessOf(
      select({
        ENVIRONMENT_SUFFIX: 'prod',
        DEPLOY_ROLE_ARN: `prod=${ROLE_ARN}`,
        DEPLOY_EXTERNAL_ID: 'prod=tooling-2026',
        AWS_ACCOUNT_ID: `prod=${PROD}`,
      }),
    );
    expect(access).toEqual({
      role: { ...prodRole, externalId: 'tooling-2026' },
      settings: { roleArn: 'DEPLOY_ROLE_ARN', externalId: 'DEPLOY_EXTERNAL_ID' },
      pin: { accountId: PROD, setting: 'AWS_ACCOUNT_ID' },
    });
  });

  test('an environment without either: only the settings that would name the role', () => {
    expect(stackAccessOf(select({ ENVIRONMENT_SUFFIX: 'dev' }))).toEqual({
      settings: { roleArn: 'DEPLOY_ROLE_ARN', externalId: 'DEPLOY_EXTERNAL_ID' },
    });
  });

  test('the baseline: BASELINE_DEPLOY_ROLE_ARN, pinned by BASELINE_ACCOUNT_ID', () => {
    const access = stackAccessOf(
      select(
        { BASELINE_DEPLOY_ROLE_ARN: BASELINE_ROLE, BASELINE_ACCOUNT_ID: PROD },
        'TapAccountBaseline',
      ),
    );
    expect(access).toEqual({
      role: {
        roleArn: BASELINE_ROLE,
        accountId: PROD,
        sessionName: 'healthcare-account-deploy',
      },
      settings: { roleArn: 'BASELINE_DEPLOY_ROLE_ARN', externalId: 'BASELINE_DEPLOY_EXTERNAL_ID' },
      pin: { accountId: PROD, setting: 'BASELINE_ACCOUNT_ID' },
    });
    expect(stackAccessOf(select({}, 'TapAccountBaseline'))).toEqual({
      settings: { roleArn: 'BASELINE_DEPLOY_ROLE_ARN', externalId: 'BASELINE_DEPLOY_EXTERNAL_ID' },
    });
  });

  test('the bootstrap assumes no role (even with DEPLOY_ROLE_ARN set); pinned by STATE_ACCOUNT_ID', () => {
    expect(
      stackAccessOf(
        select({ DEPLOY_ROLE_ARN: ROLE_ARN, STATE_ACCOUNT_ID: TOOLING }, 'TapStateBackend'),
      ),
    ).toEqual({ pin: { accountId: TOOLING, setting: 'STATE_ACCOUNT_ID' } });
    expect(stackAccessOf(select({}, 'TapStateBackend'))).toEqual({});
  });
});

describe('searchAccount', () => {
  const platform: StackAccess = {
    settings: { roleArn: 'DEPLOY_ROLE_ARN', externalId: 'DEPLOY_EXTERNAL_ID' },
  };
  const withRole: StackAccess = { ...platform, role: prodRole };

  test('with a role: the role’s account, described by the role and its setting; asked once', async () => {
    const { client, calls } = sts({ Account: PROD, Arn: ASSUMED });
    expect(await searchAccount(client, 'eu-west-1', withRole, 'TapStackprod')).toEqual({
      ok: true,
      accountId: PROD,
      description: `account ${PROD} as ${ROLE_ARN} (DEPLOY_ROLE_ARN)`,
    });
    expect(calls).toHaveLength(1);
    expect((calls[0] as { constructor: { name: string } }).constructor.name).toBe(
      'GetCallerIdentityCommand',
    );
  });

  test('without a role: the caller’s account and principal, and that no role is set', async () => {
    const { client } = sts({ Account: TOOLING, Arn: OPERATOR });
    expect(await searchAccount(client, 'eu-west-1', platform, 'TapStackdev')).toEqual({
      ok: true,
      accountId: TOOLING,
      description: `account ${TOOLING} as ${OPERATOR} (the caller's own credentials: DEPLOY_ROLE_ARN is not set)`,
    });
    expect(await searchAccount(client, 'eu-west-1', {}, 'TapStateBackend')).toEqual({
      ok: true,
      accountId: TOOLING,
      description: `account ${TOOLING} as ${OPERATOR} (the caller's own credentials: the bootstrap assumes no role)`,
    });
  });

  test('the pinned account itself is searched; one digit off is refused', async () => {
    const pinned: StackAccess = {
      ...platform,
      pin: { accountId: PROD, setting: 'AWS_ACCOUNT_ID' },
    };
    const same = await searchAccount(
      sts({ Account: PROD, Arn: `arn:aws:iam::${PROD}:user/operator` }).client,
      'eu-west-1',
      pinned,
      'TapStackprod',
    );
    expect(same.ok).toBe(true);
    const off = await searchAccount(
      sts({ Account: '222222222223', Arn: 'arn:aws:iam::222222222223:user/operator' }).client,
      'eu-west-1',
      pinned,
      'TapStackprod',
    );
    expect(off).toEqual({
      ok: false,
      lines: [
        `recover: the finders' credentials reach account 222222222223 (as arn:aws:iam::222222222223:user/operator), but TapStackprod deploys into account ${PROD} (AWS_ACCOUNT_ID).`,
        `  fix: use credentials of account ${PROD} (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN]), or set DEPLOY_ROLE_ARN to the role TapStackprod deploys through`,
        NOT_SEARCHED,
      ],
    });
  });

  test('the bootstrap pinned by STATE_ACCOUNT_ID: the fix names no role', async () => {
    const off = await searchAccount(
      sts({ Account: TOOLING, Arn: OPERATOR }).client,
      'eu-west-1',
      { pin: { accountId: PROD, setting: 'STATE_ACCOUNT_ID' } },
      'TapStateBackend',
    );
    expect(off.ok === false && off.lines[1]).toBe(
      `  fix: use credentials of account ${PROD} (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN])`,
    );
  });

  test('the role’s credentials answering for another account (an emulator without accounts) are refused', async () => {
    const result = await searchAccount(
      sts({ Account: TOOLING, Arn: OPERATOR }).client,
      'eu-west-1',
      withRole,
      'TapStackprod',
    );
    expect(result).toEqual({
      ok: false,
      lines: [
        `recover: the finders' credentials reach account ${TOOLING} (as ${OPERATOR}), but TapStackprod deploys into account ${PROD} (DEPLOY_ROLE_ARN).`,
        `  fix: AWS answered for another account than the role ${ROLE_ARN} is in: check DEPLOY_ROLE_ARN (and AWS_ENDPOINT_URL, which points every client at an emulator)`,
        NOT_SEARCHED,
      ],
    });
  });

  test('an answer without an account is refused when an account is expected, and searched when none is', async () => {
    const result = await searchAccount(sts({}).client, 'eu-west-1', withRole, 'TapStackprod');
    expect(result.ok === false && result.lines[0]).toBe(
      `recover: the finders' credentials reach account (unknown) (as (unknown principal)), but TapStackprod deploys into account ${PROD} (DEPLOY_ROLE_ARN).`,
    );
    expect(await searchAccount(sts({}).client, 'eu-west-1', platform, 'TapStackdev')).toEqual({
      ok: true,
      accountId: '(unknown)',
      description:
        "account (unknown) as (unknown principal) (the caller's own credentials: DEPLOY_ROLE_ARN is not set)",
    });
  });

  test('a refused role: the setting, the role, the session, the region and AWS’s answer; what to fix', async () => {
    const refusal = `User: ${OPERATOR} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`;
    const refused = new DeployRoleRefused(prodRole, stsError('AccessDenied', refusal, 403));
    const baseline: StackAccess = {
      role: prodRole,
      settings: { roleArn: 'BASELINE_DEPLOY_ROLE_ARN', externalId: 'BASELINE_DEPLOY_EXTERNAL_ID' },
    };
    expect(
      await searchAccount(sts(refused).client, 'eu-central-1', baseline, 'TapAccountBaseline'),
    ).toEqual({
      ok: false,
      lines: [
        `recover: could not assume BASELINE_DEPLOY_ROLE_ARN ${ROLE_ARN} (session healthcare-prod-deploy) in eu-central-1: AccessDenied, HTTP 403: ${refusal}`,
        `  fix: the trust policy of ${ROLE_ARN} (in account ${PROD}) must allow the principal running this (the caller AWS names above) sts:AssumeRole (if it requires sts:ExternalId, set BASELINE_DEPLOY_EXTERNAL_ID to that value), and that principal's own IAM policy must allow sts:AssumeRole on the role; AWS answers AccessDenied for a role that does not exist too: check BASELINE_DEPLOY_ROLE_ARN`,
        `Orphans were not searched: TapAccountBaseline's resources are in account ${PROD}, and a search anywhere else finds none of them.`,
      ],
    });
  });

  test('any other failure is thrown, not turned into an empty search', async () => {
    const down = stsError('Error', 'getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com');
    await expect(
      searchAccount(sts(down).client, 'eu-west-1', platform, 'TapStackdev'),
    ).rejects.toBe(down);
  });
});

describe('callerAccount: the account of the caller’s own credentials (where the lock is read)', () => {
  test('the account STS answers', async () => {
    expect(await callerAccount(sts({ Account: TOOLING, Arn: OPERATOR }).client)).toBe(
      `account ${TOOLING}`,
    );
    expect(await callerAccount(sts({}).client)).toBe('account (unknown)');
  });

  test('STS failing does not stop recover: the first line of why the account is not known', async () => {
    const down = stsError('Error', 'getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com\nat …');
    expect(await callerAccount(sts(down).client)).toBe(
      'account not known (STS: getaddrinfo ENOTFOUND sts.eu-west-1.amazonaws.com)',
    );
  });
});
