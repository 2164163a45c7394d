import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Construct } from 'constructs';
import type { S3StateSettings } from '../../config/backend';
import {
  CI_ROLE_NAME_PREFIX,
  CiEnvironment,
  ciRoleNames,
  ciStateObjects,
  ciSubjects,
} from '../../config/ci-access';
import { waivePolicy } from '../policy/waiver';
import { ApplyGuardProps, applyAllowStatement, applyGuardStatements } from './apply-permissions';
import { planReadStatements } from './plan-permissions';
import { policy, policyJson, Statement } from './policy-document';
import { CiRoleKind, CiStateProps, stateStatements } from './state-permissions';
import { GithubOidc, GithubOidcSource, githubTrustPolicy } from './trust';

export interface CiAccessProps {
  /** `<owner>/<repository>` (BASELINE_CI_REPOSITORY). */
  readonly repository: string;
  /** The environments this account hosts (BASELINE_CI_ENVIRONMENTS). */
  readonly environments: readonly CiEnvironment[];
  readonly partition: string;
  /** This account (a token of the caller identity). */
  readonly accountId: string;
  /**
   * Create GitHub's OIDC provider here (BASELINE_CI_OIDC_PROVIDER=create with
   * BASELINE_ACCOUNT_WIDE=on), reference the ARN the account-wide region creates, or read the
   * account's existing one (BASELINE_CI_OIDC_PROVIDER=existing).
   */
  readonly oidcProvider: GithubOidcSource;
  /**
   * The remote state's settings. With `accountId` (STATE_ACCOUNT_ID) the state is in that
   * account; without, in this one, and its lock table (if any) is granted too.
   */
  readonly state: S3StateSettings;
  /** What the apply role must not touch of the baseline (apply-permissions.ts). */
  readonly baseline: Pick<
    ApplyGuardProps,
    'trailLogGroupName' | 'accountAlarmPrefix' | 'protectedKeyAliases'
  >;
  /** Longest session a plan job gets. @default 3600 (1 hour) */
  readonly planSessionSeconds?: number;
  /** Longest session an apply job gets. @default 7200 (2 hours, the apply job's timeout) */
  readonly applySessionSeconds?: number;
}

/** One environment's roles. */
export interface CiRoles {
  readonly planRoleArn: string;
  readonly applyRoleArn: string;
}

/**
 * Short-lived CI credentials for GitHub Actions (docs/delivery.md): GitHub's OIDC provider
 * and, per environment this account hosts, a read-only plan role trusted by the
 * repository's pull requests and its main branch, and an apply role trusted only by jobs of
 * the environment's GitHub environment (whose reviewers approve). No access keys anywhere.
 */
export class CiAccess extends Construct {
  readonly oidcProviderArn: string;
  /** The roles of each environment, by environment suffix. */
  readonly roles: Readonly<Record<string, CiRoles>>;

  constructor(scope: Construct, id: string, props: CiAccessProps) {
    super(scope, id);
    const { partition, accountId } = props;
    const planSeconds = props.planSessionSeconds ?? 3600;
    const applySeconds = props.applySessionSeconds ?? 7200;
    const settings = props.state;
    const singleAccount = settings.accountId === undefined;
    const stateAccount = settings.accountId ?? accountId;
    const protectedKeyAliases = [
      ...props.baseline.protectedKeyAliases,
      // The state key is this account's too: the apply role uses it, never manages it.
      ...(singleAccount && settings.kmsKeyId.startsWith('alias/') ? [settings.kmsKeyId] : []),
    ];
    this.oidcProviderArn = new GithubOidc(this, 'github-oidc', {
      partition,
      accountId,
      source: props.oidcProvider,
    }).providerArn;

    const roles: Record<string, CiRoles> = {};
    for (const { environment, githubEnvironment } of props.environments) {
      const scope = new Construct(this, environment);
      const names = ciRoleNames(environment);
      const subjects = ciSubjects(props.repository, githubEnvironment);
      const state: CiStateProps = {
        partition,
        accountId: stateAccount,
        bucket: settings.bucket,
        region: settings.region,
        // Central state: the key ARN the stacks' backends name (STATE_KMS_KEY_ARN), not any
        // key of the state account carrying the alias.
        kmsKeyId: settings.keyArn ?? settings.kmsKeyId,
        ...(singleAccount && settings.dynamodbTable !== undefined
          ? { lockTable: settings.dynamodbTable }
          : {}),
        objects: ciStateObjects(settings, environment),
      };
      const role = (
        kind: CiRoleKind,
        name: string,
        trust: readonly string[],
        seconds: number,
        description: string,
      ) =>
        new IamRole(scope, `${kind}-role`, {
          name,
          description,
          assumeRolePolicy: policyJson(githubTrustPolicy(this.oidcProviderArn, trust)),
          maxSessionDuration: seconds,
        });
      const inline = (role: IamRole, id: string, name: string, statements: Statement[]) =>
        new IamRolePolicy(scope, id, {
          name,
          role: role.id,
          policy: policyJson(policy(...statements)),
        });

      const plan = role(
        'plan',
        names.plan,
        subjects.plan,
        planSeconds,
        `Read-only plans and drift checks of ${environment} from ${props.repository} (pull requests, main)`,
      );
      inline(
        plan,
        'plan-read',
        'read-stack-configuration',
        planReadStatements({ partition, accountId, environment }),
      );
      inline(plan, 'plan-state', 'terraform-state', stateStatements('plan', state));

      const apply = role(
        'apply',
        names.apply,
        [subjects.apply],
        applySeconds,
        `Applies reviewed plans of ${environment} from ${props.repository} (GitHub environment ${githubEnvironment})`,
      );
      const allow = inline(apply, 'apply-allow', 'apply-the-platform-stack', [
        applyAllowStatement(),
      ]);
      waivePolicy(
        allow,
        'HIPAA-IAM-001',
        'The apply role creates, changes and deletes every resource type of the platform stack, so its Allow is every action except S3, DynamoDB and the data reads (NotAction); the guard-rails policy denies what the stack never manages, and only a job of the GitHub environment, after its reviewers approve, can assume the role (docs/delivery.md)',
      );
      inline(
        apply,
        'apply-guard-rails',
        'guard-rails',
        applyGuardStatements({
          partition,
          accountId,
          ciRoleNamePrefix: CI_ROLE_NAME_PREFIX,
          trailLogGroupName: props.baseline.trailLogGroupName,
          accountAlarmPrefix: props.baseline.accountAlarmPrefix,
          protectedKeyAliases,
        }),
      );
      inline(apply, 'apply-state', 'terraform-state', stateStatements('apply', state));
      roles[environment] = { planRoleArn: plan.arn, applyRoleArn: apply.arn };
    }
    this.roles = roles;
  }
}
