/**
 * Central state (STATE_ACCOUNT_ID): the state bucket and key live in one account, and each
 * environment in an account of its own reaches only its own state, through its CI roles
 * (healthcare-ci-plan-<env>: read the state, take and release the lock file;
 * healthcare-ci-apply-<env>: also write the state). The state account's bucket and key
 * policies name them; the roles themselves are the account baseline's (BASELINE_CI_*).
 */
import { environmentPrefix, S3StateSettings } from './backend';
import { ciRoleArns, ciRoleNames, CiAccessConfig } from './ci-access';
import type { ConfigProblem } from './reader';

export { ciRoleNames, environmentPrefix };

/** One environment whose state another account's roles use. */
export interface CrossAccountState {
  readonly environment: string;
  readonly accountId: string;
  /** `healthcare/<env>/`: every object of the environment's state (and lock files). */
  readonly prefix: string;
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
}

/**
 * The environments of AWS_ACCOUNT_ID's pairs whose account is not the state account: the
 * ones whose roles the bucket and key policies admit. Empty without central state.
 */
export function crossAccountStates(
  s3: Pick<S3StateSettings, 'accountId' | 'keyPattern'>,
  accounts: Readonly<Record<string, string>>,
  partition = 'aws',
): CrossAccountState[] {
  if (s3.accountId === undefined) return [];
  return Object.entries(accounts)
    .filter(([, accountId]) => accountId !== s3.accountId)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([environment, accountId]) => {
      const roles = ciRoleArns(partition, accountId, environment);
      const prefix = environmentPrefix(s3.keyPattern, environment);
      if (prefix === undefined) {
        throw new Error(
          `the state key pattern ${s3.keyPattern} keeps no folder per environment, so ${environment}'s state cannot be scoped to its account`,
        );
      }
      return {
        environment,
        accountId,
        prefix,
        planRoleArn: roles.plan,
        applyRoleArn: roles.apply,
      };
    });
}

/**
 * What central state needs of the account settings, as problems: AWS_ACCOUNT_ID names each
 * environment's account (the bucket admits each environment's CI roles from that account
 * only), and a baseline makes CI roles only for environments of its own account (roles made
 * elsewhere would never be admitted). Nothing without central state.
 */
export function centralStateProblems(p: {
  readonly stateAccountId: string | undefined;
  /** AWS_ACCOUNT_ID as given, undefined when unset. */
  readonly accountSetting: string | undefined;
  /** Its pairs (environment → account). */
  readonly accounts: Readonly<Record<string, string>>;
  readonly baselineAccountId: string | undefined;
  readonly ci: CiAccessConfig | undefined;
}): ConfigProblem[] {
  if (p.stateAccountId === undefined) return [];
  const problems: ConfigProblem[] = [];
  if (Object.keys(p.accounts).length === 0) {
    problems.push({
      setting: 'AWS_ACCOUNT_ID',
      value: p.accountSetting,
      rule: `with STATE_ACCOUNT_ID it names each environment's account (dev=111111111111,prod=222222222222): the state bucket admits each environment's CI roles from its own account only`,
    });
    return problems;
  }
  if (p.ci === undefined || p.baselineAccountId === undefined) return problems;
  const shown = p.ci.environments
    .map((e) =>
      e.githubEnvironment === e.environment
        ? e.environment
        : `${e.environment}=${e.githubEnvironment}`,
    )
    .join(',');
  for (const { environment } of p.ci.environments) {
    const account = p.accounts[environment];
    const rule =
      account === undefined
        ? `${environment} has no account in AWS_ACCOUNT_ID: with STATE_ACCOUNT_ID the state bucket admits only the CI roles of the environments AWS_ACCOUNT_ID names`
        : account !== p.baselineAccountId
          ? `${environment} is in account ${account} (AWS_ACCOUNT_ID), but this baseline is for account ${p.baselineAccountId} (BASELINE_ACCOUNT_ID): an environment's CI roles belong in its own account`
          : undefined;
    if (rule) problems.push({ setting: 'BASELINE_CI_ENVIRONMENTS', value: shown, rule });
  }
  return problems;
}
