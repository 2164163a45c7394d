/**
 * GitHub Actions' OIDC identity provider and the trust policies of the CI roles. IAM knows
 * one provider per URL and account: with BASELINE_CI_OIDC_PROVIDER=create it is created in
 * the region that owns the account-wide settings (BASELINE_ACCOUNT_WIDE=on), and referenced
 * by its ARN everywhere else; with `existing` (an organization made it) it is read by URL
 * in every region (the data source fails the plan when the account has none) and nothing
 * is created.
 *
 * No thumbprint: the provider 5.100's `thumbprint_list` is optional, and IAM verifies
 * token.actions.githubusercontent.com with its library of trusted root CAs, so a pinned
 * thumbprint would never be used (and one that GitHub's certificate rotation outdated has
 * broken CI before): https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
 */
import { DataAwsIamOpenidConnectProvider } from '@cdktf/provider-aws/lib/data-aws-iam-openid-connect-provider';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Construct } from 'constructs';
import { GITHUB_OIDC, GITHUB_TOKEN_KEYS } from '../../config/ci-access';
import { policy, PolicyDocument } from './policy-document';

/**
 * How this stack gets the provider's ARN:
 * - `create`: it creates the provider (BASELINE_CI_OIDC_PROVIDER=create, account-wide region);
 * - `reference`: it builds the ARN of the one the account-wide region's baseline creates;
 * - `existing`: it reads the account's provider by URL (BASELINE_CI_OIDC_PROVIDER=existing).
 */
export type GithubOidcSource = 'create' | 'reference' | 'existing';

export interface GithubOidcProps {
  readonly partition: string;
  readonly accountId: string;
  readonly source: GithubOidcSource;
}

/** The provider's ARN as IAM builds it. */
export const githubOidcProviderArn = (partition: string, accountId: string): string =>
  `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC.host}`;

export class GithubOidc extends Construct {
  readonly providerArn: string;
  /** Only where this stack creates the provider (`create`). */
  readonly provider?: IamOpenidConnectProvider;
  /** Only where the account's provider is read (`existing`). */
  readonly existing?: DataAwsIamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: GithubOidcProps) {
    super(scope, id);
    if (props.source === 'create') {
      this.provider = new IamOpenidConnectProvider(this, 'provider', {
        url: GITHUB_OIDC.url,
        clientIdList: [GITHUB_OIDC.audience],
      });
      this.providerArn = this.provider.arn;
    } else if (props.source === 'existing') {
      this.existing = new DataAwsIamOpenidConnectProvider(this, 'existing', {
        url: GITHUB_OIDC.url,
      });
      this.providerArn = this.existing.arn;
    } else {
      this.providerArn = githubOidcProviderArn(props.partition, props.accountId);
    }
  }
}

/**
 * Admits a GitHub token of the provider only when its audience is STS and its subject is
 * exactly one of `subjects` (StringEquals: no wildcard ever widens it).
 */
export function githubTrustPolicy(
  providerArn: string,
  subjects: readonly string[],
): PolicyDocument {
  return policy({
    Sid: 'GitHubActions',
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [GITHUB_TOKEN_KEYS.aud]: GITHUB_OIDC.audience,
        [GITHUB_TOKEN_KEYS.sub]: subjects.length === 1 ? subjects[0] : subjects,
      },
    },
  });
}
