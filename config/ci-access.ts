/**
 * Short-lived CI credentials: the GitHub Actions OIDC trust and the two roles per platform
 * environment that the account baseline creates (constructs/ci-access/). This module is the
 * one definition both sides of the contract use: the role names (the state account's bucket
 * policy admits exactly these), the token subjects each role trusts, the state objects each
 * environment's roles may touch, and the settings' parsing and rules.
 */
import { S3StateSettings, stateKey } from './backend';
import { platformStackId, SettingSpec, SUFFIX_PATTERN } from './config';
import { NAME_RULES, PROJECT, tightestNameRule } from './names';

/** GitHub's OIDC issuer and the audience aws-actions/configure-aws-credentials asks for. */
export const GITHUB_OIDC = {
  /** The provider's URL; IAM names the provider by it without the scheme. */
  url: 'https://token.actions.githubusercontent.com',
  host: 'token.actions.githubusercontent.com',
  audience: 'sts.amazonaws.com',
} as const;

/** The request context keys of a GitHub token (the IAM condition keys of the provider). */
export const GITHUB_TOKEN_KEYS = {
  sub: `${GITHUB_OIDC.host}:sub`,
  aud: `${GITHUB_OIDC.host}:aud`,
} as const;

/** Every CI role of the account matches `<prefix>*`: the apply role may change none of them. */
export const CI_ROLE_NAME_PREFIX = `${PROJECT}-ci-`;

/** The names of an environment's CI roles. Part of the contract with the state account. */
export interface CiRoleNames {
  /** Read-only: pull-request plans, delivery plans, drift. */
  readonly plan: string;
  /** Applies a reviewed saved plan; trusted only in the environment's GitHub environment. */
  readonly apply: string;
}

export function ciRoleNames(environment: string): CiRoleNames {
  return {
    plan: `${CI_ROLE_NAME_PREFIX}plan-${environment}`,
    apply: `${CI_ROLE_NAME_PREFIX}apply-${environment}`,
  };
}

/** IAM role names are at most 64 characters. */
export const IAM_ROLE_NAME_MAX_LENGTH = 64;

/** The role ARNs of an environment in an account (the state bucket policy's principals). */
export function ciRoleArns(partition: string, accountId: string, environment: string): CiRoleNames {
  const names = ciRoleNames(environment);
  const arn = (name: string) => `arn:${partition}:iam::${accountId}:role/${name}`;
  return { plan: arn(names.plan), apply: arn(names.apply) };
}

/**
 * The repository variables docs/delivery.md names for an environment's roles:
 * `AWS_PLAN_ROLE_ARN_<ENV>` and `AWS_APPLY_ROLE_ARN_<ENV>` (hyphens become underscores:
 * GitHub variable names are letters, digits and underscores).
 */
export function githubRoleVariables(environment: string): CiRoleNames {
  const suffix = environment.toUpperCase().replace(/-/g, '_');
  return { plan: `AWS_PLAN_ROLE_ARN_${suffix}`, apply: `AWS_APPLY_ROLE_ARN_${suffix}` };
}

/** A platform environment this account hosts and the GitHub environment its applies run in. */
export interface CiEnvironment {
  /** The environment suffix (ENVIRONMENT_SUFFIX): the stack is TapStack<environment>. */
  readonly environment: string;
  /** The GitHub environment whose jobs may assume the apply role (its reviewers approve). */
  readonly githubEnvironment: string;
}

/** The token subjects (`sub`) each role admits, in the default subject format of GitHub. */
export function ciSubjects(
  repository: string,
  githubEnvironment: string,
): { readonly plan: readonly string[]; readonly apply: string } {
  return {
    plan: [`repo:${repository}:pull_request`, `repo:${repository}:ref:refs/heads/main`],
    apply: `repo:${repository}:environment:${githubEnvironment}`,
  };
}

/**
 * Who makes GitHub's OIDC provider (BASELINE_CI_OIDC_PROVIDER). IAM allows one provider per
 * URL and account (CreateOpenIDConnectProvider answers EntityAlreadyExists), and in an
 * organization a platform team or a StackSet often made it already:
 * - `create`: the baseline creates it (in the BASELINE_ACCOUNT_WIDE=on region);
 * - `existing`: the baseline only reads it (data source by URL) and trusts its ARN.
 */
export type OidcProviderMode = 'create' | 'existing';
export const OIDC_PROVIDER_MODES: readonly OidcProviderMode[] = ['create', 'existing'];

/** BASELINE_CI_REPOSITORY, BASELINE_CI_ENVIRONMENTS and BASELINE_CI_OIDC_PROVIDER, validated. */
export interface CiAccessConfig {
  /** `<owner>/<repository>`, spelled as GitHub spells it (the `sub` claim is compared exactly). */
  readonly repository: string;
  readonly environments: readonly CiEnvironment[];
  /** Create GitHub's OIDC provider, or use the one the account has. @default create */
  readonly oidcProvider: OidcProviderMode;
}

type Parsed<T> = { readonly value: T } | { readonly rule: string };

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;

export const REPOSITORY_RULE =
  '<owner>/<repository> as GitHub spells it, e.g. octo-org/healthcare-platform: the owner 1 to 39 letters, digits or single hyphens, not starting or ending with a hyphen; the repository 1 to 100 letters, digits, ".", "_" or "-", not "." or ".."';

/** GitHub's owner (user or organization) and repository name rules. */
export function parseRepository(value: string): Parsed<string> {
  const parts = value.split('/');
  const [owner, name] = parts;
  const ok =
    parts.length === 2 &&
    OWNER.test(owner) &&
    REPOSITORY.test(name) &&
    name !== '.' &&
    name !== '..';
  return ok ? { value } : { rule: `must be ${REPOSITORY_RULE}` };
}

/** GitHub environment names here: letters, digits, ".", "_", "-" and inner spaces, ≤ 255. */
const GITHUB_ENVIRONMENT = /^[A-Za-z0-9._-](?:[A-Za-z0-9._ -]{0,253}[A-Za-z0-9._-])?$/;

export interface ParsedCiEnvironments {
  readonly environments: readonly CiEnvironment[];
  readonly problems: readonly { readonly value: string; readonly rule: string }[];
}

/**
 * `dev` or `dev,prod=production`: the environment suffixes this account hosts, each with
 * the GitHub environment its applies run in (default: the suffix itself).
 */
export function parseCiEnvironments(value: string): ParsedCiEnvironments {
  const { maxSuffixLength, key } = tightestNameRule();
  const environments: CiEnvironment[] = [];
  const problems: { value: string; rule: string }[] = [];
  for (const item of value.split(',').map((s) => s.trim())) {
    const [environment, githubName, ...rest] = item.split('=').map((s) => s.trim());
    if (rest.length > 0 || !SUFFIX_PATTERN.test(environment)) {
      problems.push({
        value: item,
        rule: 'each item is an environment suffix (a lowercase letter, then lowercase letters, digits and single hyphens, e.g. "dev", "qa-eu"), optionally =<GitHub environment name>, e.g. prod=production',
      });
      continue;
    }
    if (environment.length > maxSuffixLength) {
      problems.push({
        value: item,
        rule: `an environment suffix is at most ${maxSuffixLength} characters (the ${NAME_RULES[key].what} "${NAME_RULES[key].build(environment)}" would exceed ${NAME_RULES[key].maxLength})`,
      });
      continue;
    }
    const githubEnvironment = githubName === undefined ? environment : githubName;
    if (!GITHUB_ENVIRONMENT.test(githubEnvironment)) {
      problems.push({
        value: item,
        rule: 'the GitHub environment name is 1 to 255 letters, digits, ".", "_", "-" or inner spaces',
      });
      continue;
    }
    if (environments.some((e) => e.environment === environment)) {
      problems.push({
        value: item,
        rule: `environment "${environment}" is listed twice; list each environment once`,
      });
      continue;
    }
    const sameGithub = environments.find(
      (e) => e.githubEnvironment.toLowerCase() === githubEnvironment.toLowerCase(),
    );
    if (sameGithub) {
      problems.push({
        value: item,
        rule: `GitHub environment "${githubEnvironment}" already guards "${sameGithub.environment}": a job approved for one environment could then apply the other; give each its own GitHub environment`,
      });
      continue;
    }
    environments.push({ environment, githubEnvironment });
  }
  return { environments, problems };
}

/** The state objects (and lock items) one environment's CI roles may touch. */
export interface CiStateObjects {
  /** `healthcare/<env>/TapStack<env>.tfstate` with the default key pattern. */
  readonly stateKey: string;
  /** Terraform's S3 lock file: `<state key>.tflock`. */
  readonly lockFileKey: string;
  /** The DynamoDB lock item's LockID: `<bucket>/<state key>`. */
  readonly lockId: string;
  /** The DynamoDB item holding the state's digest: `<bucket>/<state key>-md5`. */
  readonly digestId: string;
}

export function ciStateObjects(s3: S3StateSettings, environment: string): CiStateObjects {
  const key = stateKey(s3, { environment, stack: platformStackId(environment) });
  return {
    stateKey: key,
    lockFileKey: `${key}.tflock`,
    lockId: `${s3.bucket}/${key}`,
    digestId: `${s3.bucket}/${key}-md5`,
  };
}

/** The settings of the CI roles, in the account baseline's table (config/baseline.ts). */
export const CI_SETTINGS = {
  ciRepository: {
    envVar: 'BASELINE_CI_REPOSITORY',
    contextKey: 'baselineCiRepository',
    description:
      "GitHub repository whose Actions get short-lived credentials: the OIDC provider and each environment's plan and apply roles",
    defaultText: 'none (no CI roles)',
    ruleText: REPOSITORY_RULE,
  },
  ciEnvironments: {
    envVar: 'BASELINE_CI_ENVIRONMENTS',
    contextKey: 'baselineCiEnvironments',
    description:
      'The platform environments this account (and region) hosts, each with the GitHub environment its applies run in',
    defaultText: 'none; required with BASELINE_CI_REPOSITORY',
    ruleText:
      '`dev` or `dev,prod=production`: environment suffixes, each optionally `=<GitHub environment>` (default: the suffix)',
  },
  ciOidcProvider: {
    envVar: 'BASELINE_CI_OIDC_PROVIDER',
    contextKey: 'baselineCiOidcProvider',
    description:
      "Who makes GitHub's OIDC provider (one per account): `create` (this baseline) or `existing` (an organization's, read by URL; nothing created)",
    defaultText: '`create`',
    ruleText: `one of ${OIDC_PROVIDER_MODES.join(', ')}; only with BASELINE_CI_REPOSITORY; preflight refuses \`create\` when a provider the baseline does not own exists, \`existing\` when none does`,
  },
} as const satisfies Record<string, SettingSpec>;

type CiSettingKey = keyof typeof CI_SETTINGS;

/** What readCiAccess needs of the baseline's reader. */
export interface CiSettingsReader {
  raw(key: CiSettingKey): { value: string; label: string } | undefined;
  fail(label: string, value: string | undefined, rule: string): void;
}

/**
 * BASELINE_CI_REPOSITORY turns the CI roles on; BASELINE_CI_ENVIRONMENTS is then required
 * (which roles this account gets is never guessed) and refused without it.
 */
export function readCiAccess(reader: CiSettingsReader): CiAccessConfig | undefined {
  const repositoryRaw = reader.raw('ciRepository');
  const environmentsRaw = reader.raw('ciEnvironments');
  const providerRaw = reader.raw('ciOidcProvider');
  const { ciRepository, ciEnvironments } = CI_SETTINGS;
  if (!repositoryRaw) {
    for (const raw of [environmentsRaw, providerRaw]) {
      if (!raw) continue;
      reader.fail(
        raw.label,
        raw.value,
        `has no effect without ${ciRepository.envVar}: set the repository whose workflows use the roles, or unset this`,
      );
    }
    return undefined;
  }
  const oidcProvider = parseOidcProviderMode(providerRaw?.value ?? 'create');
  if (providerRaw && 'rule' in oidcProvider) {
    reader.fail(providerRaw.label, providerRaw.value, oidcProvider.rule);
  }
  const repository = parseRepository(repositoryRaw.value);
  if ('rule' in repository) reader.fail(repositoryRaw.label, repositoryRaw.value, repository.rule);
  if (!environmentsRaw) {
    reader.fail(
      ciEnvironments.envVar,
      undefined,
      `is required with ${ciRepository.envVar}: name the environments this account hosts, e.g. dev, or dev,prod=production`,
    );
    return undefined;
  }
  const parsed = parseCiEnvironments(environmentsRaw.value);
  for (const p of parsed.problems) reader.fail(environmentsRaw.label, p.value, p.rule);
  if (!('value' in repository) || !('value' in oidcProvider)) return undefined;
  return {
    repository: repository.value,
    environments: parsed.environments,
    oidcProvider: oidcProvider.value,
  };
}

/** `create` or `existing`, spelled exactly. */
export function parseOidcProviderMode(value: string): Parsed<OidcProviderMode> {
  const mode = OIDC_PROVIDER_MODES.find((m) => m === value);
  return mode !== undefined
    ? { value: mode }
    : {
        rule: `must be one of ${OIDC_PROVIDER_MODES.join(', ')}: create (the baseline creates GitHub's OIDC provider) or existing (the account has one already, e.g. made by the organization; the baseline only reads it)`,
      };
}
