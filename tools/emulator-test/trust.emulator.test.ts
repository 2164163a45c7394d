/**
 * Rule R12 (tools/emulator/moto_trust_rules.py): STS evaluates the role's trust policy, as
 * AWS does. AssumeRole needs a role that exists and trusts the caller (account root, role,
 * ExternalId, aws:PrincipalArn / aws:PrincipalAccount conditions, an explicit Deny wins);
 * AssumeRoleWithWebIdentity is in web-identity.emulator.test.ts. Plus the planting endpoint
 * that creates OrganizationAccountAccessRole as Organizations does.
 */
import { GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  DEV_ACCOUNT,
  ORG_ACCESS_ROLE,
  PROD_ACCOUNT,
  TOOLING_ACCOUNT,
  assumeRole,
  inAccount,
  organizationAccount,
  plant,
  refusal,
  roleArn,
  tooling,
  unique,
  type ClientSettings,
  createRole,
  whoAmI,
} from './emulator-clients';

/** GetCallerIdentity's ARN for the emulator's default credentials (moto's default user). */
const TOOLING_CALLER = `arn:aws:sts::${TOOLING_ACCOUNT}:user/moto`;
const denied = (caller: string, role: string) => ({
  code: 'AccessDenied',
  message: `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}`,
  status: 403,
});

const trust = (...statements: unknown[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allow = (principal: unknown, condition?: unknown) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: 'sts:AssumeRole',
  ...(condition ? { Condition: condition } : {}),
});

describe('the organization-account planting endpoint', () => {
  const account = '444444444444';

  it('creates OrganizationAccountAccessRole trusting the management account, with AdministratorAccess', async () => {
    const planted = await organizationAccount(account);
    expect(planted).toEqual({
      account,
      managementAccount: TOOLING_ACCOUNT,
      role: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`,
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${TOOLING_ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      policy: 'arn:aws:iam::aws:policy/AdministratorAccess',
      created: true,
    });
    const admin = await assumeRole(tooling(), roleArn(account, ORG_ACCESS_ROLE), 'org-check');
    const iam = new IAMClient(admin);
    const role = await iam.send(new GetRoleCommand({ RoleName: ORG_ACCESS_ROLE }));
    expect(JSON.parse(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!))).toEqual(
      planted.trust,
    );
    const attached = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: ORG_ACCESS_ROLE }),
    );
    expect(attached.AttachedPolicies).toEqual([
      {
        PolicyName: 'AdministratorAccess',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      },
    ]);
  });

  it('answers the same role again (created: false) for the same management account', async () => {
    const again = await organizationAccount(account);
    expect([again.role, again.created]).toEqual([
      `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`,
      false,
    ]);
  });

  it('refuses another management account, a malformed id and the management account itself (HTTP 400)', async () => {
    const other = await plant('organization-account', { account, managementAccount: DEV_ACCOUNT });
    expect(other.status).toBe(400);
    expect(other.json.error).toContain(
      `account ${account} already has OrganizationAccountAccessRole`,
    );
    const short = await plant('organization-account', {
      account: '44444444444',
      managementAccount: TOOLING_ACCOUNT,
    });
    expect(short).toEqual({
      status: 400,
      json: { error: 'account must be a 12-digit AWS account id' },
    });
    const self = await plant('organization-account', {
      account: TOOLING_ACCOUNT,
      managementAccount: TOOLING_ACCOUNT,
    });
    expect(self.status).toBe(400);
    expect(self.json.error).toBe(
      'the management account is no member account: Organizations creates no role in it',
    );
  });
});

describe('R12 AssumeRole: the role must exist and its trust policy must allow the caller', () => {
  const sts = new STSClient(tooling());
  let devAdmin: ClientSettings;
  let prodAdmin: ClientSettings;

  beforeAll(async () => {
    devAdmin = await inAccount(DEV_ACCOUNT);
    prodAdmin = await inAccount(PROD_ACCOUNT);
  });

  it('refuses a role that does not exist with AccessDenied, as AWS words it', async () => {
    const missing = roleArn(DEV_ACCOUNT, unique('no-such-role'));
    const r = await refusal(assumeRole(tooling(), missing));
    expect(r).toEqual(denied(TOOLING_CALLER, missing));
  });

  it("accepts OrganizationAccountAccessRole: the session acts in the role's account", async () => {
    const arn = roleArn(DEV_ACCOUNT, ORG_ACCESS_ROLE);
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: arn,
        RoleSessionName: 'operator',
      }),
    );
    expect(out.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${DEV_ACCOUNT}:assumed-role/OrganizationAccountAccessRole/operator`,
    );
    expect(await whoAmI(devAdmin)).toEqual({
      account: DEV_ACCOUNT,
      arn: `arn:aws:sts::${DEV_ACCOUNT}:assumed-role/OrganizationAccountAccessRole/emulator-test`,
    });
  });

  it("refuses a session of dev's administrator OrganizationAccountAccessRole (it trusts the management account only)", async () => {
    const arn = roleArn(DEV_ACCOUNT, ORG_ACCESS_ROLE);
    const r = await refusal(assumeRole(devAdmin, arn));
    expect(r).toEqual(
      denied(
        `arn:aws:sts::${DEV_ACCOUNT}:assumed-role/OrganizationAccountAccessRole/emulator-test`,
        arn,
      ),
    );
  });

  it("refuses the tooling account a role that trusts another account's root", async () => {
    const name = unique('trusts-prod');
    const arn = await createRole(
      devAdmin,
      name,
      trust(allow({ AWS: `arn:aws:iam::${PROD_ACCOUNT}:root` })),
    );
    expect(await refusal(assumeRole(tooling(), arn))).toEqual(denied(TOOLING_CALLER, arn));
    const prodSession = await assumeRole(prodAdmin, arn, 'from-prod');
    expect(await whoAmI(prodSession)).toEqual({
      account: DEV_ACCOUNT,
      arn: `arn:aws:sts::${DEV_ACCOUNT}:assumed-role/${name}/from-prod`,
    });
  });

  it('accepts the bare account id as the account principal', async () => {
    const name = unique('bare-account');
    const arn = await createRole(devAdmin, name, trust(allow({ AWS: TOOLING_ACCOUNT })));
    expect((await whoAmI(await assumeRole(tooling(), arn, 'bare'))).arn).toBe(
      `arn:aws:sts::${DEV_ACCOUNT}:assumed-role/${name}/bare`,
    );
  });

  it("a role ARN principal admits that role's sessions and no one else of the account", async () => {
    const name = unique('trusts-dev-admin');
    const arn = await createRole(
      prodAdmin,
      name,
      trust(allow({ AWS: roleArn(DEV_ACCOUNT, ORG_ACCESS_ROLE) })),
    );
    const session = await assumeRole(devAdmin, arn, 'chained');
    expect(await whoAmI(session)).toEqual({
      account: PROD_ACCOUNT,
      arn: `arn:aws:sts::${PROD_ACCOUNT}:assumed-role/${name}/chained`,
    });
    expect(await refusal(assumeRole(tooling(), arn))).toEqual(denied(TOOLING_CALLER, arn));
  });

  describe('sts:ExternalId', () => {
    let arn: string;
    beforeAll(async () => {
      arn = await createRole(
        devAdmin,
        unique('external-id'),
        trust(
          allow(
            { AWS: `arn:aws:iam::${TOOLING_ACCOUNT}:root` },
            { StringEquals: { 'sts:ExternalId': 'expected-id-1' } },
          ),
        ),
      );
    });

    it('refuses a call without the required external id', async () => {
      expect(await refusal(assumeRole(tooling(), arn))).toEqual(denied(TOOLING_CALLER, arn));
    });

    it('refuses a wrong external id, one character off', async () => {
      expect(await refusal(assumeRole(tooling(), arn, 'wrong-id', 'expected-id-2'))).toEqual(
        denied(TOOLING_CALLER, arn),
      );
    });

    it('accepts the required external id', async () => {
      const session = await assumeRole(tooling(), arn, 'with-id', 'expected-id-1');
      expect((await whoAmI(session)).account).toBe(DEV_ACCOUNT);
    });

    it('ignores an external id the trust does not ask for, as AWS does', async () => {
      const session = await assumeRole(
        tooling(),
        roleArn(DEV_ACCOUNT, ORG_ACCESS_ROLE),
        'extra-id',
        'not-required',
      );
      expect((await whoAmI(session)).arn).toBe(
        `arn:aws:sts::${DEV_ACCOUNT}:assumed-role/OrganizationAccountAccessRole/extra-id`,
      );
    });
  });

  it('an explicit Deny on aws:PrincipalArn wins over the Allow; a Deny that does not match changes nothing', async () => {
    const root = `arn:aws:iam::${TOOLING_ACCOUNT}:root`;
    const deniedArn = await createRole(
      devAdmin,
      unique('deny-root'),
      trust(allow({ AWS: root }), {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalArn': root } },
      }),
    );
    expect(await refusal(assumeRole(tooling(), deniedArn))).toEqual(
      denied(TOOLING_CALLER, deniedArn),
    );
    const otherArn = await createRole(
      devAdmin,
      unique('deny-others'),
      trust(allow({ AWS: root }), {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sts:*',
        Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/blocked-*' } },
      }),
    );
    expect((await whoAmI(await assumeRole(tooling(), otherArn))).account).toBe(DEV_ACCOUNT);
  });

  it("aws:PrincipalAccount admits the named account's principals only", async () => {
    const arn = await createRole(
      prodAdmin,
      unique('dev-account-only'),
      trust(allow({ AWS: '*' }, { StringEquals: { 'aws:PrincipalAccount': DEV_ACCOUNT } })),
    );
    expect((await whoAmI(await assumeRole(devAdmin, arn))).account).toBe(PROD_ACCOUNT);
    expect(await refusal(assumeRole(tooling(), arn))).toEqual(denied(TOOLING_CALLER, arn));
  });
});
