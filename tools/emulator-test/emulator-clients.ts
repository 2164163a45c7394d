/**
 * What the emulator tests share: SDK client settings for an account on the emulator, the
 * planting endpoints (tools/emulator/moto_planting.py), and how a refusal reads.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export const EMULATOR_TEST_REGION = 'eu-west-1';
/** The account of the emulator's default credentials (moto's DEFAULT_ACCOUNT_ID). */
export const TOOLING_ACCOUNT = '123456789012';
export const DEV_ACCOUNT = '111111111111';
export const PROD_ACCOUNT = '222222222222';

export interface ClientSettings {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  readonly maxAttempts: number;
  readonly forcePathStyle: boolean;
}

export function endpoint(): string {
  const value = process.env.EMULATOR_TEST_ENDPOINT;
  if (!value) throw new Error('EMULATOR_TEST_ENDPOINT is not set: run with npm run test:emulator');
  return value;
}

/** Settings for the tooling account (the default credentials). One attempt: a refusal is final. */
export function tooling(region = EMULATOR_TEST_REGION): ClientSettings {
  return {
    endpoint: endpoint(),
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
    forcePathStyle: true,
  };
}

/** The role AWS Organizations creates in every account it creates. */
export const ORG_ACCESS_ROLE = 'OrganizationAccountAccessRole';

export const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

/**
 * The account as AWS Organizations leaves it when the tooling (management) account creates it:
 * OrganizationAccountAccessRole trusting the tooling account, with administrator rights
 * (POST /moto-api/healthcare/organization-account; the same answer when it exists already).
 */
export async function organizationAccount(account: string): Promise<Record<string, unknown>> {
  const planted = await plant('organization-account', {
    account,
    managementAccount: TOOLING_ACCOUNT,
  });
  if (planted.status !== 200) {
    throw new Error(
      `organization-account answered ${planted.status}: ${JSON.stringify(planted.json)}`,
    );
  }
  return planted.json;
}

/** STS AssumeRole with these settings' credentials: settings for the role's session. */
export async function assumeRole(
  caller: ClientSettings,
  arn: string,
  sessionName = 'emulator-test',
  externalId?: string,
): Promise<ClientSettings> {
  const out = await new STSClient(caller).send(
    new AssumeRoleCommand({
      RoleArn: arn,
      RoleSessionName: sessionName,
      ...(externalId !== undefined ? { ExternalId: externalId } : {}),
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
  return {
    ...caller,
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    },
  };
}

/**
 * Settings for another account: the tooling account assumes its OrganizationAccountAccessRole
 * (created first, as Organizations does: STS refuses a role that does not exist, rule R12).
 */
export async function inAccount(
  account: string,
  region = EMULATOR_TEST_REGION,
): Promise<ClientSettings> {
  await organizationAccount(account);
  return assumeRole(tooling(region), roleArn(account, ORG_ACCESS_ROLE));
}

/** POST /moto-api/healthcare/<what>: the planted state as the emulator reports it. */
export async function plant(
  what: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${endpoint()}/moto-api/healthcare/${what}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

export async function resetEmulator(): Promise<void> {
  const response = await fetch(`${endpoint()}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`reset answered HTTP ${response.status}`);
}

export interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly status: number | undefined;
}

/** The error a call ends with; fails the test if the call succeeds. */
export async function refusal(call: Promise<unknown>): Promise<Refusal> {
  try {
    await call;
  } catch (error) {
    const e = error as {
      name?: string;
      Code?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number };
    };
    return {
      code: e.Code ?? e.name ?? '',
      message: e.message ?? '',
      status: e.$metadata?.httpStatusCode,
    };
  }
  throw new Error('the call succeeded; the emulator was expected to refuse it');
}

/** A name no other test uses. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A role in the account of `admin`, with this trust policy; returns its ARN. */
export async function createRole(
  admin: ClientSettings,
  name: string,
  document: string,
): Promise<string> {
  const out = await new IAMClient(admin).send(
    new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: document }),
  );
  return out.Role!.Arn!;
}

/** Who STS says the credentials are. */
export async function whoAmI(
  settings: ClientSettings,
): Promise<{ account?: string; arn?: string }> {
  const who = await new STSClient(settings).send(new GetCallerIdentityCommand({}));
  return { account: who.Account, arn: who.Arn };
}
