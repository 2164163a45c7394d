/**
 * The e2e run's organization as settings: the tooling account that holds the central state,
 * an account per environment and how each is deployed, and the settings every synth and
 * command of the run takes. Pure: unit-tested (__tests__/tools/e2e/account-settings.test.ts).
 */

/** The account of the emulator's default credentials: state, CI identity provider's home. */
export const TOOLING_ACCOUNT = '123456789012';
/** The role AWS Organizations creates in every member account it creates. */
export const ORG_ACCESS_ROLE = 'OrganizationAccountAccessRole';
/** The repository the CI roles trust (a name only: no GitHub is reached). */
export const E2E_CI_REPOSITORY = 'example-org/healthcare-platform';

/** How the e2e runs each environment it knows. */
export interface EnvironmentAccount {
  readonly environment: string;
  readonly accountId: string;
  /** The GitHub environment its CI apply role trusts (BASELINE_CI_ENVIRONMENTS). */
  readonly githubEnvironment: string;
  /** Production profile: an alarm subscriber and the API on a custom domain are required. */
  readonly production: boolean;
  /**
   * Who deploys the platform stack: `ci` plans with healthcare-ci-plan-<env> and applies the
   * saved plan with healthcare-ci-apply-<env> (tokens as a workflow gets them); `operator`
   * runs `npm run deploy` with the tooling account's credentials and DEPLOY_ROLE_ARN.
   */
  readonly deployedBy: 'ci' | 'operator';
  /** Settings of the account's baseline synth (besides the run's). */
  readonly baseline: Readonly<Record<string, string>>;
  /**
   * The environment whose account (and account baseline) this one shares, if any: its
   * synth writes the same baseline, which that environment deploys.
   */
  readonly sharesAccountOf?: string;
}

const DEV_BASELINE = {
  BASELINE_PROFILE: 'standard',
  BASELINE_GUARDDUTY: 'organization',
  BASELINE_SECURITY_HUB: 'organization',
  BASELINE_CONFIG: 'organization',
};

/**
 * dev: a member account whose GuardDuty, Security Hub and Config the organization already
 * runs (BASELINE_*=organization; its standard baseline destroys, so the run proves the
 * organization's services outlive it), deployed from CI.
 * prod: a standalone production account whose baseline runs every service itself, deployed
 * by an operator through its deploy role.
 * drill: the fault drill's environment, a second environment in dev's account (covered by
 * dev's baseline), deployed by an operator: its deploys are killed and interrupted beside
 * dev's day-2 changes.
 */
export const ENVIRONMENT_ACCOUNTS: Readonly<Record<string, EnvironmentAccount>> = {
  dev: {
    environment: 'dev',
    accountId: '111111111111',
    githubEnvironment: 'dev',
    production: false,
    deployedBy: 'ci',
    baseline: DEV_BASELINE,
  },
  prod: {
    environment: 'prod',
    accountId: '222222222222',
    githubEnvironment: 'production',
    production: true,
    deployedBy: 'operator',
    baseline: {
      BASELINE_PROFILE: 'production',
      BASELINE_ALARM_EMAIL: 'security-alarms@example.org',
    },
  },
  drill: {
    environment: 'drill',
    accountId: '111111111111',
    githubEnvironment: 'drill',
    production: false,
    deployedBy: 'operator',
    baseline: DEV_BASELINE,
    sharesAccountOf: 'dev',
  },
};

export function environmentAccount(environment: string): EnvironmentAccount {
  const account = ENVIRONMENT_ACCOUNTS[environment];
  if (!account) {
    throw new Error(
      `the e2e knows dev, prod (each in an account of its own) and drill (in dev's account) (tools/e2e/account-settings.ts); not "${environment}"`,
    );
  }
  return account;
}

/** The environment that owns an environment's account: its baseline's and administrator's. */
export const accountOwner = (environment: string): string =>
  environmentAccount(environment).sharesAccountOf ?? environment;

/**
 * The CI roles the account baseline creates for an environment, by the names the workflows
 * and the state bucket policy use (written out here: the e2e checks the contract, it does not
 * read it from the code under test).
 */
export function ciRoleArns(
  accountId: string,
  environment: string,
): { plan: string; apply: string } {
  const role = (kind: string) =>
    `arn:aws:iam::${accountId}:role/healthcare-ci-${kind}-${environment}`;
  return { plan: role('plan'), apply: role('apply') };
}

export const orgAccessRoleArn = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/${ORG_ACCESS_ROLE}`;

/** The API's custom domain of a production environment (the certificate is imported for it). */
export const apiDomainOf = (environment: string) => `api.${environment}.e2e.example.org`;

/**
 * Settings every synth of the run shares, so that the bootstrap each one writes is the
 * same: the central state account and every environment's account; once the bootstrap is
 * deployed, the state key's ARN (without it the app writes the bootstrap alone).
 */
export function runAccountSettings(
  environments: readonly string[],
  stateKeyArn?: string,
): Record<string, string> {
  return {
    STATE_ACCOUNT_ID: TOOLING_ACCOUNT,
    AWS_ACCOUNT_ID: environments
      .map(environmentAccount)
      .map((a) => `${a.environment}=${a.accountId}`)
      .join(','),
    ...(stateKeyArn !== undefined ? { STATE_KMS_KEY_ARN: stateKeyArn } : {}),
  };
}

/**
 * The state key's ARN from the deployed bootstrap's outputs (`state_kms_key_arn`): what the
 * environments' synths take as STATE_KMS_KEY_ARN. Throws when the output is missing or is
 * not a key ARN of the tooling account.
 */
export function stateKeyArnOf(bootstrapOutputs: Readonly<Record<string, unknown>> = {}): string {
  const value = bootstrapOutputs.state_kms_key_arn;
  const keyArn = new RegExp(`^arn:aws:kms:[a-z0-9-]+:${TOOLING_ACCOUNT}:key/[a-z0-9-]+$`);
  if (typeof value !== 'string' || !keyArn.test(value)) {
    throw new Error(
      `the deployed bootstrap's output state_kms_key_arn is ${JSON.stringify(value) ?? 'missing'}, not a key ARN of the tooling account ${TOOLING_ACCOUNT}`,
    );
  }
  return value;
}

/**
 * The settings of one environment's synth (its platform stack and its account's baseline):
 * an operator's deploy role, and for production the alarm subscriber and the API's custom
 * domain with its imported certificate.
 */
export function environmentSettings(
  environment: string,
  certificateArn?: string,
): Record<string, string> {
  const a = environmentAccount(environment);
  return {
    ...(a.deployedBy === 'operator' ? { DEPLOY_ROLE_ARN: orgAccessRoleArn(a.accountId) } : {}),
    ...(certificateArn
      ? {
          ALARM_EMAIL: 'oncall@example.org',
          API_DOMAIN_NAME: apiDomainOf(environment),
          API_CERTIFICATE_ARN: certificateArn,
        }
      : {}),
    ...baselineSettings(environment),
  };
}

/** The account baseline's settings for one environment's account (its owner's). */
export function baselineSettings(environment: string): Record<string, string> {
  const a = environmentAccount(accountOwner(environment));
  return {
    BASELINE_ACCOUNT_ID: a.accountId,
    BASELINE_DEPLOY_ROLE_ARN: orgAccessRoleArn(a.accountId),
    BASELINE_CI_REPOSITORY: E2E_CI_REPOSITORY,
    BASELINE_CI_ENVIRONMENTS:
      a.githubEnvironment === a.environment
        ? a.environment
        : `${a.environment}=${a.githubEnvironment}`,
    ...a.baseline,
  };
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface EmulatorClientSettings {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: Credentials;
}

/** The variables a child process takes credentials from. */
export function credentialEnv(credentials: Credentials): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
  };
}
