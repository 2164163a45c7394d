/**
 * Preflight asks the account Terraform deploys into. With a deploy role (DEPLOY_ROLE_ARN for
 * an environment, BASELINE_DEPLOY_ROLE_ARN for the account baseline) the stack's provider
 * assumes that role (`assume_role`), so preflight's clients assume it too, in the same way:
 * the same role ARN, the same session name (`healthcare-<scope>-deploy`) and the external id
 * when one is set. Without a role they use the caller's credentials, as Terraform does.
 *
 * When AWS refuses the AssumeRole (a trust policy that does not name the caller, a wrong
 * external id, a role that does not exist), every call fails with `DeployRoleRefused`, and
 * the identity check turns it into one row that names the setting, the role and AWS's answer.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { BASELINE_SETTINGS } from '../../config/baseline';
import { SETTINGS } from '../../config/config';
import type { DeployRole } from '../../config/deploy-role';
import { describeError } from './aws-answers';
import type { CheckResult } from './preflight';

/** Credentials as the SDK's providers return them. */
export type RoleCredentials = Awaited<ReturnType<ReturnType<typeof fromTemporaryCredentials>>>;

/** A credentials provider an SDK v3 client takes as `credentials`. */
export type RoleCredentialsProvider = () => Promise<RoleCredentials>;

/** Where and as whom the role is assumed: STS of the clients' region, endpoint and attempts. */
export interface AssumeRoleVia {
  readonly region: string;
  readonly maxAttempts: number;
  /** STS endpoint. @default AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS, else the region's STS */
  readonly endpoint?: string;
  /** Who assumes the role. @default the SDK's default credentials chain (AWS_PROFILE, …) */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  /** Milliseconds since the epoch, for the refresh. @default Date.now */
  readonly now?: () => number;
}

/** The settings that name a deploy role, as the refusal row names them. */
export interface DeployRoleSettings {
  readonly roleArn: string;
  readonly externalId: string;
}

/** An environment's role: DEPLOY_ROLE_ARN / DEPLOY_EXTERNAL_ID. */
export const PLATFORM_ROLE_SETTINGS: DeployRoleSettings = {
  roleArn: SETTINGS.deployRoleArn.envVar,
  externalId: SETTINGS.deployExternalId.envVar,
};

/** The account baseline's role: BASELINE_DEPLOY_ROLE_ARN / BASELINE_DEPLOY_EXTERNAL_ID. */
export const BASELINE_ROLE_SETTINGS: DeployRoleSettings = {
  roleArn: BASELINE_SETTINGS.baselineDeployRoleArn.envVar,
  externalId: BASELINE_SETTINGS.baselineDeployExternalId.envVar,
};

/** Credentials closer than this to their expiry are renewed (the SDK's own margin is 5 min). */
export const ROLE_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** AWS would not give credentials of the deploy role; `cause` is its answer. */
export class DeployRoleRefused extends Error {
  constructor(
    readonly role: DeployRole,
    override readonly cause: unknown,
  ) {
    super(`could not assume ${role.roleArn}: ${describeError(cause).text}`);
    this.name = 'DeployRoleRefused';
  }
}

/**
 * Credentials of the deploy role, assumed once and shared by every client that gets this
 * provider (renewed within ROLE_REFRESH_MARGIN_MS of expiry). A refusal is not kept: the
 * next call asks again.
 */
export function deployRoleCredentials(
  role: DeployRole,
  via: AssumeRoleVia,
): RoleCredentialsProvider {
  const assume = fromTemporaryCredentials({
    params: {
      RoleArn: role.roleArn,
      RoleSessionName: role.sessionName,
      ...(role.externalId !== undefined ? { ExternalId: role.externalId } : {}),
    },
    ...(via.credentials ? { masterCredentials: via.credentials } : {}),
    clientConfig: {
      region: via.region,
      maxAttempts: via.maxAttempts,
      ...(via.endpoint ? { endpoint: via.endpoint } : {}),
    },
  });
  const now = via.now ?? Date.now;
  let current: Promise<RoleCredentials> | undefined;
  const refresh = (): Promise<RoleCredentials> =>
    (current = assume().catch((e: unknown) => {
      current = undefined;
      throw new DeployRoleRefused(role, e);
    }));
  return async () => {
    const held = current ?? refresh();
    const credentials = await held;
    const expiry = credentials.expiration?.getTime();
    if (expiry === undefined || expiry - now() > ROLE_REFRESH_MARGIN_MS) return credentials;
    // Renewed once, however many clients find the credentials old at the same time.
    return current === held ? refresh() : (current ?? refresh());
  };
}

/** AWS's messages name both principals and the role: keep them whole. */
const AWS_MESSAGE_CHARS = 600;

/**
 * The identity check's one row when the role could not be assumed: the setting, the role,
 * AWS's answer, and who must trust whom.
 */
export function deployRoleRefusedResult(
  name: string,
  region: string,
  refused: DeployRoleRefused,
  settings: DeployRoleSettings,
): CheckResult {
  const { role } = refused;
  const err = describeError(refused.cause, AWS_MESSAGE_CHARS);
  const via = role.externalId !== undefined ? `, external id from ${settings.externalId}` : '';
  const detail = `could not assume ${settings.roleArn} ${role.roleArn} (session ${role.sessionName}${via}) in ${region}: ${err.text}`;
  if (err.kind === 'credentials') {
    return {
      name,
      status: 'fail',
      detail,
      fix: `provide valid credentials for the principal that assumes ${settings.roleArn} (AWS_PROFILE, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN]); refresh an expired SSO or session token`,
    };
  }
  if (err.kind === 'network') {
    return {
      name,
      status: 'fail',
      detail,
      fix: `check ${SETTINGS.region.envVar} names a region enabled for the account, the network/proxy, and AWS_ENDPOINT_URL when targeting the emulator`,
    };
  }
  const externalId =
    role.externalId !== undefined
      ? ` with the condition sts:ExternalId equal to the value of ${settings.externalId}`
      : ` (if it requires sts:ExternalId, set ${settings.externalId} to that value)`;
  return {
    name,
    status: 'fail',
    detail,
    fix: `the trust policy of ${role.roleArn} (in account ${role.accountId}) must allow the principal running this (the caller AWS names above) sts:AssumeRole${externalId}, and that principal's own IAM policy must allow sts:AssumeRole on the role; AWS answers AccessDenied for a role that does not exist too: check ${settings.roleArn}`,
  };
}
