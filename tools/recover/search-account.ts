/**
 * Which account recover searches, and as whom. A stack with a deploy role (DEPLOY_ROLE_ARN for
 * an environment, BASELINE_DEPLOY_ROLE_ARN for the account baseline) lives in the role's
 * account: the finders act as that role, as the stack's provider does, and STS says which
 * account they reach before anything is searched. A refused AssumeRole, or credentials that
 * reach another account than the stack's, stop recover: a search of the wrong account finds
 * nothing, and "no orphans" would be the worst possible answer after a crash.
 * The state lock keeps the caller's own credentials, as Terraform's S3 backend does.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { BASELINE_SETTINGS } from '../../config/baseline';
import { SETTINGS } from '../../config/config';
import { STATE_ENV } from '../../config/backend';
import type { DeployRole } from '../../config/deploy-role';
import type { StackSelection } from '../deploy';
import {
  BASELINE_ROLE_SETTINGS,
  DeployRoleRefused,
  deployRoleRefusedResult,
  DeployRoleSettings,
  PLATFORM_ROLE_SETTINGS,
} from '../preflight';

/** How the stack's provider reaches its account. */
export interface StackAccess {
  /** The role it assumes; undefined: the caller's own credentials. */
  readonly role?: DeployRole;
  /** The settings that name such a role; undefined for the bootstrap, which assumes none. */
  readonly settings?: DeployRoleSettings;
  /** The one account the stack may be deployed to (allowed_account_ids), and its setting. */
  readonly pin?: { readonly accountId: string; readonly setting: string };
}

/** The account of the selected stack's provider: its deploy role, its pin. */
export function stackAccessOf(selection: StackSelection): StackAccess {
  const pin = (accountId: string | undefined, setting: string) =>
    accountId ? { pin: { accountId, setting } } : {};
  switch (selection.kind) {
    case 'platform':
      return {
        ...(selection.config.deployRole ? { role: selection.config.deployRole } : {}),
        settings: PLATFORM_ROLE_SETTINGS,
        ...pin(selection.config.accountId, SETTINGS.accountId.envVar),
      };
    case 'baseline':
      return {
        ...(selection.config.deployRole ? { role: selection.config.deployRole } : {}),
        settings: BASELINE_ROLE_SETTINGS,
        ...pin(selection.config.accountId, BASELINE_SETTINGS.baselineAccountId.envVar),
      };
    case 'bootstrap':
      return pin(selection.settings.s3.accountId, STATE_ENV.accountId);
  }
}

/** The account the finders search, and a description for the report. */
export interface SearchedAccount {
  readonly ok: true;
  readonly accountId: string;
  /** `account 222222222222 as arn:…:role/… (DEPLOY_ROLE_ARN)`. */
  readonly description: string;
}

/** Why nothing is searched: the lines to print. */
export interface SearchRefused {
  readonly ok: false;
  readonly lines: readonly string[];
}

const notSearched = (stack: string, accountId: string) =>
  `Orphans were not searched: ${stack}'s resources are in account ${accountId}, and a search anywhere else finds none of them.`;

/**
 * Asks STS, with the finders' client, which account the finders reach; refuses when the
 * deploy role cannot be assumed or the account is not the stack's. Other errors are thrown.
 */
export async function searchAccount(
  sts: Pick<STSClient, 'send'>,
  region: string,
  access: StackAccess,
  stack: string,
): Promise<SearchedAccount | SearchRefused> {
  const { role, settings, pin } = access;
  const expected = role?.accountId ?? pin?.accountId;
  let identity: { Account?: string; Arn?: string };
  try {
    identity = await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    if (!(error instanceof DeployRoleRefused)) throw error;
    // Only a role is refused, and a stack with a role has the settings that name it.
    const row = deployRoleRefusedResult('deploy role', region, error, settings!);
    return {
      ok: false,
      lines: [`recover: ${row.detail}`, `  fix: ${row.fix}`, notSearched(stack, role!.accountId)],
    };
  }
  const accountId = identity.Account ?? '(unknown)';
  const caller = identity.Arn ?? '(unknown principal)';
  if (expected !== undefined && accountId !== expected) {
    const named = role ? settings!.roleArn : pin!.setting;
    const fix = role
      ? `AWS answered for another account than the role ${role.roleArn} is in: check ${settings!.roleArn} (and AWS_ENDPOINT_URL, which points every client at an emulator)`
      : `use credentials of account ${expected} (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN])${settings ? `, or set ${settings.roleArn} to the role ${stack} deploys through` : ''}`;
    return {
      ok: false,
      lines: [
        `recover: the finders' credentials reach account ${accountId} (as ${caller}), but ${stack} deploys into account ${expected} (${named}).`,
        `  fix: ${fix}`,
        notSearched(stack, expected),
      ],
    };
  }
  const how = role
    ? `${role.roleArn} (${settings!.roleArn})`
    : `${caller} (the caller's own credentials: ${settings ? `${settings.roleArn} is not set` : 'the bootstrap assumes no role'})`;
  return { ok: true, accountId, description: `account ${accountId} as ${how}` };
}

/** The account the caller's own credentials are in (the state lock's), or why it is not known. */
export async function callerAccount(sts: Pick<STSClient, 'send'>): Promise<string> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    return `account ${identity.Account ?? '(unknown)'}`;
  } catch (error) {
    return `account not known (STS: ${(error as Error).message.split('\n')[0]})`;
  }
}
