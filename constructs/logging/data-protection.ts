/**
 * CloudWatch Logs data protection for the log groups that can carry statement text or request
 * data: one data protection policy per log group (audit + mask the same identifiers at
 * ingestion), and the one role allowed to see the masked values (`logs:Unmask`), assumable by
 * the account's principals only with MFA. See docs/phi-in-logs.md.
 */
import { CloudwatchLogDataProtectionPolicy } from '@cdktf/provider-aws/lib/cloudwatch-log-data-protection-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  customIdentifierProblems,
  managedIdentifierArn,
  MANAGED_DATA_IDENTIFIERS,
  type CustomDataIdentifier,
} from '../../config/log-masking';

/** A log group to protect: a stable label (part of the construct id) and its name. */
export interface ProtectedLogGroup {
  /** Names the policy resource (`policy-<label>`): keep it stable, it is part of the address. */
  readonly label: string;
  /** The log group's name; pass the log group resource's `name` so the policy depends on it. */
  readonly name: string;
}

/** Account, partition and region the ARNs are built in (an `EncryptionKey` satisfies it). */
export interface AccountScope {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
}

export interface LogDataProtectionProps {
  /** The policy's `Name`, e.g. `healthcare-prod-phi`. */
  readonly policyName: string;
  readonly logGroups: readonly ProtectedLogGroup[];
  /** The role that may unmask, e.g. `healthcare-log-unmask-prod`. */
  readonly unmaskRoleName: string;
  readonly scope: AccountScope;
  /** Operator-defined patterns (LOG_MASK_PATTERNS). @default none */
  readonly customIdentifiers?: readonly CustomDataIdentifier[];
  /** @default MANAGED_DATA_IDENTIFIERS (config/log-masking.ts) */
  readonly managedIdentifiers?: readonly string[];
  /** How long an unmask session lasts. @default 3600 (one hour, the shortest IAM allows) */
  readonly unmaskSessionSeconds?: number;
}

/** The AWS limit on a data protection policy document. */
export const MAX_POLICY_CHARACTERS = 30_720;

/** The policy document: one Audit and one Deidentify statement over the same identifiers. */
export function dataProtectionPolicyDocument(input: {
  readonly name: string;
  readonly managed: readonly string[];
  readonly custom: readonly CustomDataIdentifier[];
}): string {
  const identifiers = [
    ...input.managed.map(managedIdentifierArn),
    ...input.custom.map((c) => c.name),
  ];
  return JSON.stringify({
    Name: input.name,
    Description:
      'Audits and masks PHI and personal identifiers at ingestion; logs:Unmask only for the unmask role',
    Version: '2021-06-01',
    ...(input.custom.length > 0
      ? {
          Configuration: {
            CustomDataIdentifier: input.custom.map((c) => ({ Name: c.name, Regex: c.regex })),
          },
        }
      : {}),
    Statement: [
      {
        Sid: 'audit',
        DataIdentifier: identifiers,
        // Findings are counted (metric LogEventsWithFindings); no copy of them is sent anywhere.
        Operation: { Audit: { FindingsDestination: {} } },
      },
      {
        Sid: 'mask',
        DataIdentifier: identifiers,
        Operation: { Deidentify: { MaskConfig: {} } },
      },
    ],
  });
}

/** Actions the unmask role has on the protected groups: read, query and unmask. */
export const UNMASK_ROLE_LOG_GROUP_ACTIONS = [
  'logs:Unmask',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'logs:StartQuery',
  'logs:DescribeLogStreams',
  'logs:GetLogGroupFields',
] as const;
/** Logs Insights query actions that take no log group resource. */
export const UNMASK_ROLE_QUERY_ACTIONS = [
  'logs:GetQueryResults',
  'logs:StopQuery',
  'logs:DescribeQueries',
  'logs:DescribeLogGroups',
] as const;

export class LogDataProtection extends Construct {
  readonly unmaskRoleArn: string;
  readonly unmaskRoleName: string;
  /** The policy document every protected log group gets. */
  readonly policyDocument: string;

  constructor(scope: Construct, id: string, props: LogDataProtectionProps) {
    super(scope, id);
    const custom = props.customIdentifiers ?? [];
    const managed = props.managedIdentifiers ?? MANAGED_DATA_IDENTIFIERS;
    const sessionSeconds = props.unmaskSessionSeconds ?? 3600;
    this.policyDocument = dataProtectionPolicyDocument({ name: props.policyName, managed, custom });
    validate(props, managed, custom, sessionSeconds, this.policyDocument);

    for (const group of props.logGroups) {
      new CloudwatchLogDataProtectionPolicy(this, `policy-${group.label}`, {
        logGroupName: group.name,
        policyDocument: this.policyDocument,
      });
    }

    const { accountId, partition, region } = props.scope;
    const role = new IamRole(this, 'unmask-role', {
      name: props.unmaskRoleName,
      description: 'Reads the masked values (PHI) of the platform log groups; MFA sessions only',
      maxSessionDuration: sessionSeconds,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountPrincipalsWithMfa',
            Effect: 'Allow',
            Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
            Action: 'sts:AssumeRole',
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
        ],
      }),
    });
    const groupArns = props.logGroups.flatMap((group) => {
      const arn = `arn:${partition}:logs:${region}:${accountId}:log-group:${group.name}`;
      // IAM names log groups with the trailing `:*` for most actions.
      return [arn, `${arn}:*`];
    });
    new IamRolePolicy(this, 'unmask-policy', {
      name: 'unmask-protected-logs',
      role: role.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReadAndUnmaskProtectedLogGroups',
            Effect: 'Allow',
            Action: [...UNMASK_ROLE_LOG_GROUP_ACTIONS],
            Resource: groupArns,
          },
          {
            // These actions take no log group resource (Service Authorization Reference).
            Sid: 'RunLogsInsightsQueries',
            Effect: 'Allow',
            Action: [...UNMASK_ROLE_QUERY_ACTIONS],
            Resource: '*',
          },
        ],
      }),
    });
    this.unmaskRoleArn = role.arn;
    this.unmaskRoleName = role.name;
  }
}

function validate(
  props: LogDataProtectionProps,
  managed: readonly string[],
  custom: readonly CustomDataIdentifier[],
  sessionSeconds: number,
  document: string,
): void {
  const labels = props.logGroups.map((g) => g.label);
  const duplicates = labels.filter((label, i) => labels.indexOf(label) !== i);
  const problems = [
    {
      failed: props.logGroups.length === 0,
      message: 'logGroups is empty: name at least one log group to protect',
    },
    {
      failed: duplicates.length > 0,
      message: `logGroups labels ${[...new Set(duplicates)].join(', ')} are used twice; each names one policy resource`,
    },
    {
      failed: managed.length + custom.length === 0,
      message: 'no data identifiers: a policy must audit and mask at least one',
    },
    {
      failed:
        !Token.isUnresolved(sessionSeconds) &&
        !(Number.isInteger(sessionSeconds) && sessionSeconds >= 3600 && sessionSeconds <= 43200),
      message: `unmaskSessionSeconds = ${sessionSeconds}: IAM role sessions last a whole number of seconds from 3600 to 43200`,
    },
    {
      failed: document.length > MAX_POLICY_CHARACTERS,
      message: `the policy document has ${document.length} characters; CloudWatch Logs takes at most ${MAX_POLICY_CHARACTERS} (use fewer or shorter identifiers)`,
    },
    ...customIdentifierProblems(custom).map((message) => ({
      failed: true,
      message: `customIdentifiers ${message}`,
    })),
  ]
    .filter((p) => p.failed)
    .map((p) => `  - ${p.message}`);
  if (problems.length > 0) {
    throw new Error(`LogDataProtection "${props.policyName}" is invalid:\n${problems.join('\n')}`);
  }
}
