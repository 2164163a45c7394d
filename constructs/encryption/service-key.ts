import {
  DataAwsIamPolicyDocument,
  DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';

/** Where a key lives: account, partition and region as the key policy names them. */
export interface KeyScope {
  readonly accountId: string;
  readonly partition: string;
  readonly region: string;
}

export interface ServiceKeyProps {
  /** Alias including the `alias/` prefix. */
  readonly alias: string;
  readonly description: string;
  readonly scope: KeyScope;
  /**
   * The statements that let services use the key. The account root gets key
   * administration only (never Encrypt/Decrypt), so nothing else can use the key.
   */
  readonly statements: readonly DataAwsIamPolicyDocumentStatement[];
  /** @default 30 */
  readonly deletionWindowDays?: number;
  /** Adds `lifecycle.prevent_destroy`. @default false */
  readonly preventDestroy?: boolean;
  /** @default - the stack's default AWS provider */
  readonly provider?: TerraformProvider;
}

/**
 * What the account root may do with a baseline key: manage it, never use it. KMS refuses a
 * policy that would lock the account out; leaving use out keeps it to the named services.
 * Same list as constructs/encryption/encryption-key.ts.
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

/** The account root as a principal. */
export function accountRoot(scope: KeyScope): string {
  return `arn:${scope.partition}:iam::${scope.accountId}:root`;
}

/**
 * A customer-managed key with rotation, an alias, and a policy of exactly the statements
 * given plus key administration by the account: the building block of the baseline's
 * audit and backup keys, whose users (CloudTrail, Config, AWS Backup) the platform's
 * EncryptionKey does not serve.
 */
export class ServiceKey extends Construct {
  readonly keyId: string;
  readonly keyArn: string;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: ServiceKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? 30;
    validate(props, deletionWindowDays);
    const provider = props.provider;

    const policy = new DataAwsIamPolicyDocument(this, 'key-policy', {
      provider,
      statement: [
        {
          sid: 'KeyAdministrationByAccount',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [accountRoot(props.scope)] }],
          actions: KEY_ADMINISTRATION_ACTIONS,
          resources: ['*'],
        },
        ...props.statements,
      ],
    });
    const key = new KmsKey(this, 'key', {
      provider,
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      policy: policy.json,
      tags: { Name: props.alias.replace(/^alias\//, '') },
      lifecycle: props.preventDestroy ? { preventDestroy: true } : undefined,
    });
    const alias = new KmsAlias(this, 'alias', {
      provider,
      name: props.alias,
      targetKeyId: key.keyId,
    });
    this.keyId = key.keyId;
    this.keyArn = key.arn;
    this.aliasName = alias.name;
  }
}

function validate(props: ServiceKeyProps, deletionWindowDays: number): void {
  const rules = [
    {
      failed:
        !Number.isInteger(deletionWindowDays) || deletionWindowDays < 7 || deletionWindowDays > 30,
      message: `deletionWindowDays = ${deletionWindowDays}: must be a whole number of days from 7 to 30 (KMS limit)`,
    },
    {
      failed:
        !Token.isUnresolved(props.alias) &&
        (!props.alias.startsWith('alias/') || props.alias.startsWith('alias/aws/')),
      message: `alias = ${JSON.stringify(props.alias)}: must start with "alias/" and must not start with "alias/aws/" (reserved for AWS-managed keys)`,
    },
    {
      failed: props.statements.length === 0,
      message: `statements is empty: a key no service may use protects nothing; name the services that use "${props.alias}"`,
    },
  ];
  const failures = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (failures.length > 0) throw new Error(`Invalid ServiceKey props:\n${failures.join('\n')}`);
}
