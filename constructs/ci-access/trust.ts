/**
 * GitHub Actions' OIDC identity provider and the trust policies of the CI roles. IAM knows
 * one provider per URL and account: it is created in the region that owns the account-wide
 * settings (BASELINE_ACCOUNT_WIDE=on), and referenced by its ARN everywhere else.
 *
 * No thumbprint: the provider 5.100's `thumbprint_list` is optional, and IAM verifies
 * token.actions.githubusercontent.com with its library of trusted root CAs, so a pinned
 * thumbprint would never be used (and one that GitHub's certificate rotation outdated has
 * broken CI before): https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateOpenIDConnectProvider.html
 */
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { Construct } from 'constructs';
import { GITHUB_OIDC, GITHUB_TOKEN_KEYS } from '../../config/ci-access';
import { policy, PolicyDocument } from './policy-document';

export interface GithubOidcProps {
  readonly partition: string;
  readonly accountId: string;
  /** Create the provider here (the account-wide region), or only reference it. */
  readonly create: boolean;
}

/** The provider's ARN as IAM builds it. */
export const githubOidcProviderArn = (partition: string, accountId: string): string =>
  `arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC.host}`;

export class GithubOidc extends Construct {
  readonly providerArn: string;
  /** Undefined where another region's baseline owns the provider. */
  readonly provider?: IamOpenidConnectProvider;

  constructor(scope: Construct, id: string, props: GithubOidcProps) {
    super(scope, id);
    if (props.create) {
      this.provider = new IamOpenidConnectProvider(this, 'provider', {
        url: GITHUB_OIDC.url,
        clientIdList: [GITHUB_OIDC.audience],
      });
      this.providerArn = this.provider.arn;
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
