/**
 * What the apply role may do: apply any plan of the platform stack in this account, and
 * nothing that the stack never needs and that would hurt the account if a workflow were
 * abused.
 *
 * Not the AWS managed AdministratorAccess. One inline Allow of every action except
 * (NotAction) S3 and DynamoDB, which the platform stack does not use and which hold the
 * state, the audit archive and AWS Config's files (the role gets exactly its own state
 * objects below), and except the calls that read the data the platform holds: secret values,
 * log events and queries, unmasking, queue messages, database and cache connections. Then
 * explicit Denies (guard rails) for what the stack never manages: IAM users and access
 * keys, identity providers, the CI roles themselves, AWS Organizations and the account's
 * settings, and the baseline's audit trail (its log group and alarms), backup vaults and
 * their keys, AWS Config, GuardDuty and Security Hub.
 *
 * A limit, stated plainly: the stack creates IAM roles, so a holder of this role can create a
 * role without these Denies and use it. The Denies stop mistakes and a workflow's direct
 * actions; the boundary against a determined holder is who can obtain the token (the GitHub
 * environment's required reviewers), or an SCP / permissions boundary set by the organization.
 */
import type { Statement } from './policy-document';

/** Reads of the data the platform holds: neither CI role may make them. */
export const DATA_READ_ACTIONS: readonly string[] = [
  'elasticache:Connect',
  'logs:FilterLogEvents',
  'logs:GetLogEvents',
  'logs:GetLogRecord',
  'logs:GetQueryResults',
  'logs:StartLiveTail',
  'logs:StartQuery',
  'logs:Unmask',
  'rds-db:connect',
  'secretsmanager:GetSecretValue',
  'sqs:ReceiveMessage',
];

/** Left out of the apply role's Allow: the state's and the archives' services, and data reads. */
export const APPLY_NOT_ACTIONS: readonly string[] = ['dynamodb:*', 's3:*', ...DATA_READ_ACTIONS];

export interface ApplyGuardProps {
  readonly partition: string;
  readonly accountId: string;
  /** `healthcare-ci-`: every CI role of the account starts with it. */
  readonly ciRoleNamePrefix: string;
  /** The trail's CloudWatch log group (`/healthcare/account/cloudtrail`). */
  readonly trailLogGroupName: string;
  /** The trail alarms' name prefix (`healthcare-account`). */
  readonly accountAlarmPrefix: string;
  /** Aliases of keys the stack must not manage: the audit and backup keys (and the state key). */
  readonly protectedKeyAliases: readonly string[];
}

export function applyAllowStatement(): Statement {
  return {
    Sid: 'ApplyThePlatformStack',
    Effect: 'Allow',
    NotAction: [...APPLY_NOT_ACTIONS],
    Resource: '*',
  };
}

export function applyGuardStatements(props: ApplyGuardProps): Statement[] {
  const { partition, accountId } = props;
  const deny = (
    Sid: string,
    Action: string[],
    Resource: string | string[],
    Condition?: Statement['Condition'],
  ): Statement => ({
    Sid,
    Effect: 'Deny',
    Action,
    Resource,
    ...(Condition ? { Condition } : {}),
  });
  const logGroupFolder = props.trailLogGroupName.replace(/[^/]*$/, '');
  return [
    deny(
      'NoLongLivedCredentials',
      [
        'iam:CreateAccessKey',
        'iam:CreateLoginProfile',
        'iam:CreateServiceSpecificCredential',
        'iam:CreateUser',
        'iam:ResetServiceSpecificCredential',
        'iam:UpdateAccessKey',
        'iam:UpdateLoginProfile',
        'iam:UploadSSHPublicKey',
        'iam:UploadSigningCertificate',
      ],
      '*',
    ),
    deny(
      'NoIdentityProviderChanges',
      [
        'iam:AddClientIDToOpenIDConnectProvider',
        'iam:CreateOpenIDConnectProvider',
        'iam:CreateSAMLProvider',
        'iam:DeleteOpenIDConnectProvider',
        'iam:DeleteSAMLProvider',
        'iam:RemoveClientIDFromOpenIDConnectProvider',
        'iam:TagOpenIDConnectProvider',
        'iam:UntagOpenIDConnectProvider',
        'iam:UpdateOpenIDConnectProviderThumbprint',
        'iam:UpdateSAMLProvider',
      ],
      '*',
    ),
    {
      // Everything but reading them: trust, permissions, tags, deletion, passing, assuming.
      Sid: 'NoChangesToTheCiRoles',
      Effect: 'Deny',
      NotAction: ['iam:Get*', 'iam:List*'],
      Resource: `arn:${partition}:iam::${accountId}:role/${props.ciRoleNamePrefix}*`,
    },
    deny('NoOrganizationOrAccountChanges', ['account:*', 'organizations:*'], '*'),
    deny(
      'NoAuditTrailChanges',
      [
        'cloudtrail:Delete*',
        'cloudtrail:Put*',
        'cloudtrail:RemoveTags',
        'cloudtrail:Stop*',
        'cloudtrail:Update*',
      ],
      '*',
    ),
    deny(
      'NoTrailLogChanges',
      [
        'logs:AssociateKmsKey',
        'logs:DeleteLogGroup',
        'logs:DeleteMetricFilter',
        'logs:DeleteRetentionPolicy',
        'logs:DisassociateKmsKey',
        'logs:PutMetricFilter',
        'logs:PutRetentionPolicy',
      ],
      `arn:${partition}:logs:*:${accountId}:log-group:${logGroupFolder}*`,
    ),
    deny(
      'NoTrailAlarmChanges',
      ['cloudwatch:DeleteAlarms', 'cloudwatch:DisableAlarmActions', 'cloudwatch:PutMetricAlarm'],
      `arn:${partition}:cloudwatch:*:${accountId}:alarm:${props.accountAlarmPrefix}-*`,
    ),
    deny(
      'NoBackupChanges',
      ['backup:Delete*', 'backup:Disassociate*', 'backup:Put*', 'backup:Update*'],
      '*',
    ),
    deny('NoConfigChanges', ['config:Delete*', 'config:Put*', 'config:Stop*'], '*'),
    deny(
      'NoDetectiveControlChanges',
      [
        'guardduty:DeleteDetector',
        'guardduty:Disassociate*',
        'guardduty:UpdateDetector',
        'securityhub:BatchDisableStandards',
        'securityhub:DisableSecurityHub',
        'securityhub:Disassociate*',
      ],
      '*',
    ),
    deny(
      'NoBaselineKeyChanges',
      [
        'kms:CreateGrant',
        'kms:DisableKey',
        'kms:DisableKeyRotation',
        'kms:PutKeyPolicy',
        'kms:ReplicateKey',
        'kms:RevokeGrant',
        'kms:ScheduleKeyDeletion',
        'kms:UpdatePrimaryRegion',
      ],
      '*',
      { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [...props.protectedKeyAliases] } },
    ),
    deny(
      'NoBaselineAliasChanges',
      ['kms:DeleteAlias', 'kms:UpdateAlias'],
      props.protectedKeyAliases.map((a) => `arn:${partition}:kms:*:${accountId}:${a}`),
    ),
  ];
}
