/**
 * The role a stack's AWS provider assumes (`assume_role`): each environment, and the account
 * baseline, may live in its own AWS account and be deployed through a role there. The
 * session name says which stack a call came from in CloudTrail; an external id is the
 * shared secret AWS recommends when a third party assumes the role.
 */
import { ACCOUNT_ID_PATTERN } from './account';

export interface DeployRole {
  readonly roleArn: string;
  /** The account the role belongs to (from its ARN). */
  readonly accountId: string;
  /** `healthcare-<env>-deploy`: names the stack in the role's CloudTrail events. */
  readonly sessionName: string;
  readonly externalId?: string;
}

/** An IAM role ARN in a commercial partition; the account is group 1. */
export const ROLE_ARN_PATTERN =
  /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** AWS: 2 to 1224 characters of `\w+=,.@:/-`. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

export const ROLE_ARN_RULE =
  'an IAM role ARN such as arn:aws:iam::111111111111:role/healthcare-deploy (one for every environment, or <environment>=<ARN> pairs)';
export const EXTERNAL_ID_RULE =
  '2 to 1224 letters, digits or +=,.@:/-_ (one for every environment, or <environment>=<id> pairs)';

/** The account of a role ARN, or undefined when it is no role ARN. */
export function roleAccount(arn: string): string | undefined {
  return ROLE_ARN_PATTERN.exec(arn)?.[1];
}

/** The session name of a stack's deploy role (at most 64 characters, as STS allows). */
export function deploySessionName(scope: string): string {
  return `healthcare-${scope}-deploy`.slice(0, 64);
}

/**
 * The deploy role of one stack, or the rule it breaks: the role's account must be the
 * account the stack is pinned to, when one is.
 */
export function deployRoleFor(
  scope: string,
  roleArn: string | undefined,
  externalId: string | undefined,
  pinnedAccount: string | undefined,
  /** What the messages call the stack. @default `environment <scope>` */
  what = `environment ${scope}`,
): DeployRole | { readonly rule: string } | undefined {
  if (roleArn === undefined) {
    return externalId === undefined
      ? undefined
      : { rule: `an external id is given for ${what} but no deploy role to use it with` };
  }
  const accountId = roleAccount(roleArn);
  if (accountId === undefined || !ACCOUNT_ID_PATTERN.test(accountId)) {
    return { rule: `must be ${ROLE_ARN_RULE}` };
  }
  if (pinnedAccount !== undefined && pinnedAccount !== accountId) {
    return {
      rule: `the role of ${what} is in account ${accountId}, but ${what} is pinned to account ${pinnedAccount}: a role in another account would deploy there`,
    };
  }
  return {
    roleArn,
    accountId,
    sessionName: deploySessionName(scope),
    ...(externalId !== undefined ? { externalId } : {}),
  };
}
