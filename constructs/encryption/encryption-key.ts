import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Token } from 'cdktf';
import { Construct } from 'constructs';

/** AWS services a key policy can let use a key (each gets its own narrow statement). */
export type KeyUser =
  | 'logs'
  | 'rds'
  | 'elasticache'
  | 'secretsmanager'
  | 'sns'
  | 'cloudwatch'
  | 'lambda'
  | 'sqs';

export interface EncryptionKeyProps {
  /** Alias including the `alias/` prefix, e.g. `alias/healthcare-data-prod`. */
  readonly alias: string;
  readonly description: string;
  /** Services whose use of the key the key policy allows; nothing else gets a grant. */
  readonly users: readonly KeyUser[];
  /** @default 30 */
  readonly deletionWindowDays?: number;
  /** Adds `lifecycle.prevent_destroy`. @default false */
  readonly preventDestroy?: boolean;
  /**
   * Region the service principals and `kms:ViaService` values name.
   * @default - the provider's region (data aws_region)
   */
  readonly region?: string;
}

export const MIN_DELETION_WINDOW_DAYS = 7;
export const MAX_DELETION_WINDOW_DAYS = 30;

/**
 * What the account root may do: manage the key, never use it. Without this the key
 * could become unmanageable (KMS refuses policies that lock the account out), and
 * leaving out Encrypt/Decrypt/CreateGrant keeps use limited to the services below.
 * The baseline's ServiceKey uses the same list.
 */
export const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:UpdateAlias',
  'kms:Describe*',
  'kms:Enable*',
  'kms:Disable*',
  'kms:List*',
  'kms:Get*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

/** Envelope encryption as the AWS-managed service keys allow it. */
const VIA_SERVICE_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncrypt*',
  'kms:GenerateDataKey*',
  'kms:DescribeKey',
];

/** Services that keep a grant on the key for the lifetime of the resource. */
const GRANT_USERS: ReadonlySet<KeyUser> = new Set<KeyUser>(['rds', 'elasticache', 'lambda']);

/** Services that only ever encrypt new data keys and decrypt (SNS, SQS server-side encryption). */
const ENVELOPE_ONLY_USERS: ReadonlySet<KeyUser> = new Set<KeyUser>(['sns', 'sqs']);

/** A customer-managed KMS key with rotation, an explicit least-privilege policy and an alias. */
export class EncryptionKey extends Construct {
  readonly keyId: string;
  readonly keyArn: string;
  readonly aliasName: string;
  /** Account id and partition, resolved once per key (tokens). */
  readonly accountId: string;
  readonly partition: string;
  /** Region named in the key policy (a token unless given as a prop). */
  readonly region: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? MAX_DELETION_WINDOW_DAYS;
    const preventDestroy = props.preventDestroy ?? false;
    validate(props.alias, deletionWindowDays);

    this.accountId = new DataAwsCallerIdentity(this, 'caller-identity').accountId;
    this.partition = new DataAwsPartition(this, 'partition').partition;
    this.region = props.region ?? new DataAwsRegion(this, 'region').name;

    const policy = new DataAwsIamPolicyDocument(this, 'key-policy', {
      statement: [
        {
          sid: 'KeyAdministrationByAccount',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [this.accountRootArn()] }],
          actions: KEY_ADMINISTRATION_ACTIONS,
          resources: ['*'],
        },
        ...[...new Set(props.users)].flatMap((user) => this.userStatements(user)),
      ],
    });

    const key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      policy: policy.json,
      tags: { Name: props.alias.replace(/^alias\//, '') },
      lifecycle: preventDestroy ? { preventDestroy: true } : undefined,
    });
    const alias = new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: key.keyId });

    this.keyId = key.keyId;
    this.keyArn = key.arn;
    this.aliasName = alias.name;
  }

  private accountRootArn(): string {
    return `arn:${this.partition}:iam::${this.accountId}:root`;
  }

  /** One narrow statement (two for services that hold grants) per key user. */
  private userStatements(user: KeyUser): DataAwsIamPolicyDocumentStatement[] {
    if (user === 'logs') {
      // CloudWatch Logs encrypts as its regional service principal; the encryption
      // context (the log group's ARN) pins it to log groups of this account and region.
      return [
        {
          sid: 'AllowCloudWatchLogs',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: [`logs.${this.region}.amazonaws.com`] }],
          actions: [
            'kms:Encrypt*',
            'kms:Decrypt*',
            'kms:ReEncrypt*',
            'kms:GenerateDataKey*',
            'kms:Describe*',
          ],
          resources: ['*'],
          condition: [
            {
              test: 'ArnLike',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              values: [`arn:${this.partition}:logs:${this.region}:${this.accountId}:log-group:*`],
            },
          ],
        },
      ];
    }
    if (user === 'cloudwatch') {
      // CloudWatch alarms publish to the KMS-encrypted SNS topic as this principal.
      return [
        {
          sid: 'AllowCloudWatchAlarmsToEncryptedTopics',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        },
      ];
    }
    // Principals of this account, and only through the named service.
    const label = SERVICE_LABELS[user];
    const viaServices = (VIA_SERVICES[user] ?? [user]).map(
      (service) => `${service}.${this.region}.amazonaws.com`,
    );
    const accountPrincipal = [{ type: 'AWS', identifiers: [this.accountRootArn()] }];
    const viaConditions = [
      { test: 'StringEquals', variable: 'kms:ViaService', values: viaServices },
      { test: 'StringEquals', variable: 'kms:CallerAccount', values: [this.accountId] },
    ];
    const statements: DataAwsIamPolicyDocumentStatement[] = [
      {
        sid: `AllowUseVia${label}`,
        effect: 'Allow',
        principals: accountPrincipal,
        actions: ENVELOPE_ONLY_USERS.has(user)
          ? ['kms:Decrypt', 'kms:GenerateDataKey*']
          : VIA_SERVICE_ACTIONS,
        resources: ['*'],
        condition: viaConditions,
      },
    ];
    if (GRANT_USERS.has(user)) {
      statements.push({
        sid: `AllowGrantsVia${label}`,
        effect: 'Allow',
        principals: accountPrincipal,
        actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        resources: ['*'],
        condition: [
          ...viaConditions,
          { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] },
        ],
      });
    }
    return statements;
  }
}

/**
 * Services whose calls reach KMS under another service's name. ElastiCache calls KMS
 * through both `elasticache.<region>` and `dax.<region>`; AWS documents that a key
 * policy with kms:ViaService must allow both or cluster creation fails
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html).
 */
const VIA_SERVICES: Partial<Record<KeyUser, readonly string[]>> = {
  elasticache: ['elasticache', 'dax'],
};

const SERVICE_LABELS: Record<Exclude<KeyUser, 'logs' | 'cloudwatch'>, string> = {
  rds: 'Rds',
  elasticache: 'ElastiCache',
  secretsmanager: 'SecretsManager',
  sns: 'Sns',
  lambda: 'Lambda',
  sqs: 'Sqs',
};

/** Collects every broken rule into one message; unresolved tokens are checked by AWS. */
function validate(alias: string, deletionWindowDays: number): void {
  const rules = [
    {
      failed:
        !Token.isUnresolved(deletionWindowDays) &&
        (!Number.isInteger(deletionWindowDays) ||
          deletionWindowDays < MIN_DELETION_WINDOW_DAYS ||
          deletionWindowDays > MAX_DELETION_WINDOW_DAYS),
      message: `deletionWindowDays = ${deletionWindowDays}: must be a whole number of days from ${MIN_DELETION_WINDOW_DAYS} to ${MAX_DELETION_WINDOW_DAYS} (KMS limit)`,
    },
    {
      failed:
        !Token.isUnresolved(alias) &&
        (!alias.startsWith('alias/') || alias.startsWith('alias/aws/')),
      message: `alias = ${JSON.stringify(alias)}: must start with "alias/" and must not start with "alias/aws/" (reserved for AWS-managed keys)`,
    },
  ];
  const failures = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (failures.length > 0) {
    throw new Error(`Invalid EncryptionKey props:\n${failures.join('\n')}`);
  }
}
