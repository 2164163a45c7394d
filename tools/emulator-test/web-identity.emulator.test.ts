/**
 * Rule R12, web identity (tools/emulator/moto_trust_rules.py): AssumeRoleWithWebIdentity needs
 * a JWT whose issuer has an OIDC provider in the role's account, an audience among its client
 * ids, and claims the role's trust admits; the token's signature is not verified (the
 * emulator cannot know GitHub's keys). The CI roles' trust is written out here as
 * constructs/ci-access/trust.ts synthesizes it (StringEquals on aud and sub,
 * __tests__/constructs/ci-access.test.ts), with the subjects of config/ci-access.ts.
 */
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DEV_ACCOUNT,
  PROD_ACCOUNT,
  TOOLING_ACCOUNT,
  inAccount,
  refusal,
  roleArn,
  tooling,
  unique,
  createRole,
  whoAmI,
} from './emulator-clients';

const HOST = 'token.actions.githubusercontent.com';
const ISSUER = `https://${HOST}`;
const REPO = 'example-org/healthcare-platform';
const WEB_DENIED = {
  code: 'AccessDenied',
  message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
  status: 403,
};
const INVALID_TOKEN = {
  code: 'InvalidIdentityToken',
  message:
    'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
  status: 400,
};

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned GitHub Actions token (the emulator reads the claims, not the signature). */
function githubToken(claims: Record<string, unknown>, signature = ''): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
    iss: ISSUER,
    aud: 'sts.amazonaws.com',
    repository: REPO,
    iat: now,
    exp: now + 600,
    ...claims,
  })}.${signature}`;
}

/** The CI roles' trust policy, as constructs/ci-access/trust.ts synthesizes it. */
const ciTrust = (account: string, subjects: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'GitHubActions',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/${HOST}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${HOST}:aud`]: 'sts.amazonaws.com',
            [`${HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
          },
        },
      },
    ],
  });

function withToken(role: string, token: string) {
  return new STSClient(tooling()).send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: role,
      RoleSessionName: 'GitHubActions',
      WebIdentityToken: token,
    }),
  );
}

describe('R12 AssumeRoleWithWebIdentity: the CI roles admit exactly the subjects they trust', () => {
  const prodApply = roleArn(PROD_ACCOUNT, 'healthcare-ci-apply-prod');
  const prodPlan = roleArn(PROD_ACCOUNT, 'healthcare-ci-plan-prod');
  const devPlan = roleArn(DEV_ACCOUNT, 'healthcare-ci-plan-dev');

  beforeAll(async () => {
    const prod = new IAMClient(await inAccount(PROD_ACCOUNT));
    const dev = new IAMClient(await inAccount(DEV_ACCOUNT));
    await prod.send(
      new CreateOpenIDConnectProviderCommand({ Url: ISSUER, ClientIDList: ['sts.amazonaws.com'] }),
    );
    // dev's provider also knows a second client id: its tokens pass the provider, not the trust.
    await dev.send(
      new CreateOpenIDConnectProviderCommand({
        Url: ISSUER,
        ClientIDList: ['sts.amazonaws.com', 'other-client'],
      }),
    );
    const plan = [`repo:${REPO}:pull_request`, `repo:${REPO}:ref:refs/heads/main`];
    for (const [iam, account, name, subjects] of [
      [prod, PROD_ACCOUNT, 'healthcare-ci-apply-prod', [`repo:${REPO}:environment:production`]],
      [prod, PROD_ACCOUNT, 'healthcare-ci-plan-prod', plan],
      [dev, DEV_ACCOUNT, 'healthcare-ci-plan-dev', plan],
    ] as const) {
      await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: ciTrust(account, [...subjects]),
        }),
      );
    }
  });

  it("accepts the production apply role for a job in the GitHub environment production, in prod's account", async () => {
    const sub = `repo:${REPO}:environment:production`;
    const out = await withToken(prodApply, githubToken({ sub }));
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${PROD_ACCOUNT}:assumed-role/healthcare-ci-apply-prod/GitHubActions`,
    );
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]+:GitHubActions$/);
    expect([out.SubjectFromWebIdentityToken, out.Provider, out.Audience]).toEqual([
      sub,
      ISSUER,
      'sts.amazonaws.com',
    ]);
    const c = out.Credentials!;
    const who = await whoAmI({
      ...tooling(),
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken,
      },
    });
    expect(who).toEqual({
      account: PROD_ACCOUNT,
      arn: `arn:aws:sts::${PROD_ACCOUNT}:assumed-role/healthcare-ci-apply-prod/GitHubActions`,
    });
  });

  it('refuses the production apply role to a job in the GitHub environment dev', async () => {
    const r = await refusal(
      withToken(prodApply, githubToken({ sub: `repo:${REPO}:environment:dev` })),
    );
    expect(r).toEqual(WEB_DENIED);
  });

  it("refuses the apply role to main's plan job and to another repository's production job", async () => {
    for (const sub of [
      `repo:${REPO}:ref:refs/heads/main`,
      `repo:example-org/other-repo:environment:production`,
    ]) {
      expect(await refusal(withToken(prodApply, githubToken({ sub })))).toEqual(WEB_DENIED);
    }
  });

  it('accepts the plan role for a push to main and for a pull request', async () => {
    for (const sub of [`repo:${REPO}:ref:refs/heads/main`, `repo:${REPO}:pull_request`]) {
      const out = await withToken(prodPlan, githubToken({ sub }));
      expect([out.AssumedRoleUser?.Arn, out.SubjectFromWebIdentityToken]).toEqual([
        `arn:aws:sts::${PROD_ACCOUNT}:assumed-role/healthcare-ci-plan-prod/GitHubActions`,
        sub,
      ]);
    }
  });

  it('refuses the plan role to another branch and to an environment job', async () => {
    for (const sub of [
      `repo:${REPO}:ref:refs/heads/main2`,
      `repo:${REPO}:ref:refs/heads/feature`,
      `repo:${REPO}:environment:production`,
    ]) {
      expect(await refusal(withToken(prodPlan, githubToken({ sub })))).toEqual(WEB_DENIED);
    }
  });

  it("refuses an audience the provider knows but the trust's aud condition does not", async () => {
    const r = await refusal(
      withToken(
        devPlan,
        githubToken({ sub: `repo:${REPO}:ref:refs/heads/main`, aud: 'other-client' }),
      ),
    );
    expect(r).toEqual(WEB_DENIED);
  });

  it("refuses an audience that is not among the provider's client ids with InvalidIdentityToken", async () => {
    const r = await refusal(
      withToken(prodPlan, githubToken({ sub: `repo:${REPO}:pull_request`, aud: 'other-client' })),
    );
    expect(r).toEqual({
      code: 'InvalidIdentityToken',
      message: 'Incorrect token audience',
      status: 400,
    });
  });

  it('does not verify the signature (the emulator cannot know GitHub keys): any signature is read', async () => {
    const out = await withToken(
      prodPlan,
      githubToken({ sub: `repo:${REPO}:pull_request` }, 'bm90LWEtc2lnbmF0dXJl'),
    );
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${PROD_ACCOUNT}:assumed-role/healthcare-ci-plan-prod/GitHubActions`,
    );
  });

  it('refuses a token that is not a JWT with InvalidIdentityToken', async () => {
    const notJson = `${b64({ alg: 'none' })}.${Buffer.from('not json').toString('base64url')}.`;
    for (const token of [
      'e2e-token-not-checked-by-the-emulator',
      `${b64({ alg: 'none' })}.${b64({ iss: ISSUER })}`,
      notJson,
    ]) {
      expect(await refusal(withToken(prodPlan, token))).toEqual(INVALID_TOKEN);
    }
  });

  it("refuses a token whose issuer has no OIDC provider in the role's account", async () => {
    const r = await refusal(
      withToken(
        prodPlan,
        githubToken({ sub: `repo:${REPO}:pull_request`, iss: 'https://gitlab.com' }),
      ),
    );
    expect(r).toEqual({
      code: 'InvalidIdentityToken',
      message: 'No OpenIDConnect provider found in your account for https://gitlab.com',
      status: 400,
    });
    // The tooling account has no OIDC provider (the e2e creates GitHub's in dev and prod only).
    const arn = await createRole(
      tooling(),
      unique('healthcare-ci-plan-qa'),
      ciTrust(TOOLING_ACCOUNT, [`repo:${REPO}:pull_request`]),
    );
    expect(
      await refusal(withToken(arn, githubToken({ sub: `repo:${REPO}:pull_request` }))),
    ).toEqual({
      code: 'InvalidIdentityToken',
      message: `No OpenIDConnect provider found in your account for ${ISSUER}`,
      status: 400,
    });
  });

  it('refuses an expired token with ExpiredTokenException', async () => {
    const r = await refusal(
      withToken(prodPlan, githubToken({ sub: `repo:${REPO}:pull_request`, exp: 1700000000 })),
    );
    expect([r.code, r.status]).toEqual(['ExpiredTokenException', 400]);
    expect(r.message).toMatch(
      /^Token expired: current date\/time \d+ must be before the expiration date\/time 1700000000$/,
    );
  });

  it('refuses a role that does not exist', async () => {
    const r = await refusal(
      withToken(
        roleArn(PROD_ACCOUNT, unique('no-ci-role')),
        githubToken({ sub: `repo:${REPO}:pull_request` }),
      ),
    );
    expect(r).toEqual(WEB_DENIED);
  });

  it('evaluates conditions on other claims of the token (<host>:repository); an absent claim does not match', async () => {
    const arn = await createRole(
      await inAccount(PROD_ACCOUNT),
      unique('by-repository'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::${PROD_ACCOUNT}:oidc-provider/${HOST}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: { [`${HOST}:aud`]: 'sts.amazonaws.com', [`${HOST}:repository`]: REPO },
              StringLike: { [`${HOST}:sub`]: `repo:${REPO}:*` },
            },
          },
        ],
      }),
    );
    const ok = await withToken(arn, githubToken({ sub: `repo:${REPO}:ref:refs/heads/any` }));
    expect(ok.SubjectFromWebIdentityToken).toBe(`repo:${REPO}:ref:refs/heads/any`);
    expect(
      await refusal(
        withToken(arn, githubToken({ sub: `repo:${REPO}:pull_request`, repository: undefined })),
      ),
    ).toEqual(WEB_DENIED);
    expect(
      await refusal(
        withToken(
          arn,
          githubToken({ sub: `repo:${REPO}:pull_request`, repository: 'example-org/other' }),
        ),
      ),
    ).toEqual(WEB_DENIED);
  });
});
