/**
 * The baseline preflight's check of GitHub's OIDC provider (BASELINE_CI_OIDC_PROVIDER), asked
 * in the stack's account (as the deploy role when one is set). IAM allows one provider per URL
 * and account (CreateOpenIDConnectProvider answers EntityAlreadyExists), and Terraform cannot
 * list providers: `create` against an organization's provider would fail only at apply, after
 * the other resources were made. This check is that refusal. With `existing` the plan stops
 * by itself when there is none (the data source reads it by URL), but later and in Terraform's
 * words; this check says it first and in ours.
 */
import {
  GetOpenIDConnectProviderCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import type { BaselineConfig } from '../../config/baseline';
import { CI_SETTINGS, GITHUB_OIDC } from '../../config/ci-access';
import { notVerified } from './aws-answers';
import type { CheckResult } from './preflight';

export const GITHUB_OIDC_CHECK_NAME = 'GitHub OIDC provider';

/** The provider default tags that mark the baseline's own resources (stacks/account-baseline-stack.ts). */
const OWN_TAGS = { ManagedBy: 'cdktf', Component: 'account-baseline' } as const;

/** The settings the check reads: a BaselineConfig satisfies it. */
export type GithubOidcPreflightConfig = Pick<BaselineConfig, 'ci' | 'accountWide'>;

/** The provider as IAM answers it: its ARN, audiences and whether the baseline made it. */
interface FoundProvider {
  readonly arn: string;
  readonly audiences: readonly string[];
  readonly ours: boolean;
}

async function findGithubProvider(iam: IAMClient): Promise<FoundProvider | undefined> {
  const list = await iam.send(new ListOpenIDConnectProvidersCommand({}));
  const arn = (list.OpenIDConnectProviderList ?? [])
    .map((p) => p.Arn ?? '')
    .find((a) => a.endsWith(`:oidc-provider/${GITHUB_OIDC.host}`));
  if (arn === undefined) return undefined;
  const provider = await iam.send(
    new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
  );
  const tags = Object.fromEntries((provider.Tags ?? []).map((t) => [t.Key, t.Value]));
  return {
    arn,
    audiences: provider.ClientIDList ?? [],
    ours: Object.entries(OWN_TAGS).every(([k, v]) => tags[k] === v),
  };
}

/** `create`, but the account has a provider this baseline did not make. */
export function oidcProviderExistsMessage(arn: string): string {
  const v = CI_SETTINGS.ciOidcProvider.envVar;
  return `${v}=create, but this account already has GitHub's OIDC provider ${arn}, not made by this baseline: IAM allows one per URL and account, so creating it would fail with EntityAlreadyExists`;
}

/** `existing`, but the account has none. */
export function oidcProviderMissingMessage(): string {
  const v = CI_SETTINGS.ciOidcProvider.envVar;
  return `${v}=existing, but this account has no OIDC provider for ${GITHUB_OIDC.url}: the plan would stop at the data source that reads it`;
}

/** Never throws: an AWS error becomes a not-verified row. Undefined without CI roles. */
export async function checkGithubOidcProvider(
  config: GithubOidcPreflightConfig,
  iam: IAMClient,
): Promise<CheckResult | undefined> {
  if (config.ci === undefined) return undefined;
  const name = GITHUB_OIDC_CHECK_NAME;
  const v = CI_SETTINGS.ciOidcProvider.envVar;
  let found: FoundProvider | undefined;
  try {
    found = await findGithubProvider(iam);
  } catch (e) {
    return notVerified(
      name,
      'IAM ListOpenIDConnectProviders/GetOpenIDConnectProvider',
      'iam:ListOpenIDConnectProviders, iam:GetOpenIDConnectProvider',
      e,
    );
  }
  if (config.ci.oidcProvider === 'existing') {
    if (found === undefined) {
      return {
        name,
        status: 'fail',
        detail: oidcProviderMissingMessage(),
        fix: `have the account's owner (the organization's platform team) create it with audience ${GITHUB_OIDC.audience}, or set ${v}=create to let the baseline create it`,
      };
    }
    if (found.ours) {
      return {
        name,
        status: 'fail',
        detail: `${v}=existing, but ${found.arn} is this baseline's own (tags ManagedBy=cdktf, Component=account-baseline): switching would delete it`,
        fix: `keep ${v}=create, or remove it from TapAccountBaseline's state (terraform state rm) before another owner takes it over`,
      };
    }
    if (!found.audiences.includes(GITHUB_OIDC.audience)) {
      return {
        name,
        status: 'fail',
        detail: `${found.arn} admits the audiences ${found.audiences.join(', ') || '(none)'}, not ${GITHUB_OIDC.audience}: STS would refuse the CI roles' tokens (aws-actions/configure-aws-credentials asks for ${GITHUB_OIDC.audience})`,
        fix: `have its owner add the audience (aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${found.arn} --client-id ${GITHUB_OIDC.audience})`,
      };
    }
    return {
      name,
      status: 'pass',
      detail: `the account's provider ${found.arn} (audience ${GITHUB_OIDC.audience}): the CI roles trust it, nothing is created`,
    };
  }
  if (found !== undefined && !found.ours) {
    return {
      name,
      status: 'fail',
      detail: oidcProviderExistsMessage(found.arn),
      fix: `set ${v}=existing (the baseline then reads it and creates none)`,
    };
  }
  if (found !== undefined) {
    return { name, status: 'pass', detail: `${found.arn} is this baseline's` };
  }
  return config.accountWide
    ? { name, status: 'pass', detail: 'none yet: the baseline creates it' }
    : {
        name,
        status: 'fail',
        detail: `no OIDC provider for ${GITHUB_OIDC.url} yet: with BASELINE_ACCOUNT_WIDE=off the CI roles trust the one the account-wide region's baseline creates`,
        fix: `deploy TapAccountBaseline in the account's BASELINE_ACCOUNT_WIDE=on region first, or set ${v}=existing if someone else makes the provider`,
      };
}
