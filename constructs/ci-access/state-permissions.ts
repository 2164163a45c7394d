/**
 * The CI roles' share of the remote state: one environment's state object and Terraform's
 * S3 lock file beside it, the state key only through S3 (and DynamoDB for the lock table),
 * and, when the state is in this account and locked with a DynamoDB table too, that
 * environment's lock items. The plan role reads the state and takes the lock; the apply role
 * also writes the state. Another environment's state is nobody's here.
 *
 * Terraform's S3 backend (1.11): it lists the bucket under `env:/` for workspaces, puts the
 * lock file with If-None-Match, reads the state (HeadObject, then GetObject; a missing state
 * must answer 404, which S3 gives only to a caller allowed s3:ListBucket on the bucket),
 * deletes the lock file, and, with a lock table, reads and writes the items `<bucket>/<key>`
 * and `<bucket>/<key>-md5`.
 */
import type { CiStateObjects } from '../../config/ci-access';
import type { Statement } from './policy-document';

export type CiRoleKind = 'plan' | 'apply';

export interface CiStateProps {
  readonly partition: string;
  /** The account holding the bucket, the key (and the table): this one or STATE_ACCOUNT_ID. */
  readonly accountId: string;
  readonly bucket: string;
  /** The bucket's region: the key's, and what S3 calls KMS through. */
  readonly region: string;
  /** An alias name (`alias/...`) or a key ARN (terraform-backend.tf.json kms_key_id). */
  readonly kmsKeyId: string;
  /** The DynamoDB lock table, only when the state is in this account. */
  readonly lockTable?: string;
  /** This environment's objects and lock items (config/ci-access.ts ciStateObjects). */
  readonly objects: CiStateObjects;
}

/** The state key: its ARN, or any key of the account carrying the alias (kms:ResourceAliases). */
function stateKey(props: CiStateProps): {
  resource: string;
  aliasCondition?: Statement['Condition'];
} {
  const { partition, region, accountId, kmsKeyId } = props;
  if (!kmsKeyId.startsWith('alias/')) return { resource: kmsKeyId };
  return {
    resource: `arn:${partition}:kms:${region}:${accountId}:key/*`,
    aliasCondition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': kmsKeyId } },
  };
}

const via = (service: string, region: string) => ({
  StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` },
});

export function stateStatements(kind: CiRoleKind, props: CiStateProps): Statement[] {
  const { partition, bucket, region, objects } = props;
  const bucketArn = `arn:${partition}:s3:::${bucket}`;
  const state = `${bucketArn}/${objects.stateKey}`;
  const lockFile = `${bucketArn}/${objects.lockFileKey}`;
  const key = stateKey(props);
  const statements: Statement[] = [
    {
      // No s3:prefix condition: the backend reads the state with HeadObject first and takes
      // only a 404 as "no state yet"; S3 answers 404 for a missing key only to a caller allowed
      // s3:ListBucket (403 otherwise), and a HeadObject carries no s3:prefix. Object names of
      // the bucket become listable, never their contents (the object statements stay scoped).
      Sid: 'ListTheStateBucket',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: bucketArn,
    },
    { Sid: 'ReadTheState', Effect: 'Allow', Action: 's3:GetObject', Resource: [state, lockFile] },
    kind === 'plan'
      ? {
          Sid: 'TakeTheLockFile',
          Effect: 'Allow',
          Action: ['s3:DeleteObject', 's3:PutObject'],
          Resource: lockFile,
        }
      : {
          Sid: 'WriteTheState',
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: [state, lockFile],
        },
    ...(kind === 'apply'
      ? [
          {
            Sid: 'ReleaseTheLockFile',
            Effect: 'Allow',
            Action: 's3:DeleteObject',
            Resource: lockFile,
          } as const,
        ]
      : []),
    {
      Sid: 'UseTheStateKeyThroughS3',
      Effect: 'Allow',
      // What S3 calls KMS for with SSE-KMS: GenerateDataKey (upload), Decrypt (download).
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: key.resource,
      Condition: { ...via('s3', region), ...key.aliasCondition },
    },
  ];
  if (props.lockTable === undefined) return statements;
  const table = `arn:${partition}:dynamodb:${region}:${props.accountId}:table/${props.lockTable}`;
  const leading = (ids: string[]) => ({
    'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ids },
  });
  return [
    ...statements,
    {
      Sid: 'ReadTheLockItems',
      Effect: 'Allow',
      Action: 'dynamodb:GetItem',
      Resource: table,
      Condition: leading([objects.lockId, objects.digestId]),
    },
    {
      // The plan role takes and releases the lock; only an apply records the state's digest.
      Sid: 'WriteTheLockItems',
      Effect: 'Allow',
      Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
      Resource: table,
      Condition: leading(kind === 'plan' ? [objects.lockId] : [objects.lockId, objects.digestId]),
    },
    {
      Sid: 'UseTheStateKeyThroughDynamoDB',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: key.resource,
      Condition: { ...via('dynamodb', region), ...key.aliasCondition },
    },
  ];
}
