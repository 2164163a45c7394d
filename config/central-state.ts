/**
 * Central state (STATE_ACCOUNT_ID): the state bucket and key live in one account, and each
 * environment in an account of its own reaches only its own state, through its CI roles
 * (healthcare-ci-plan-<env>: read the state, take and release the lock file;
 * healthcare-ci-apply-<env>: also write the state). The state account's bucket and key
 * policies name them; the roles themselves are the account baseline's (BASELINE_CI_*).
 */
import { environmentPrefix, S3StateSettings } from './backend';
import { ciRoleArns, ciRoleNames } from './ci-access';

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
