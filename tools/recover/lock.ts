/**
 * The state lock where Terraform keeps it. The S3 backend of Terraform 1.11 with both
 * `dynamodb_table` and `use_lockfile` takes two locks with the same lock info
 * (internal/backend/remote-state/s3/client.go):
 *  - the DynamoDB item `LockID = "<bucket>/<key>"`, whose `Info` attribute is the lock info JSON;
 *  - the S3 object `<key>.tflock` in the state bucket, whose body is the same JSON.
 * The lock info is `{ID, Operation, Info, Who, Version, Created, Path}` (statemgr.LockInfo).
 * The bootstrap stack's local backend locks its state file with the operating system,
 * which releases it when the process dies: there is nothing to release.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';

/** Terraform's lock info (statemgr.LockInfo), as both lock places hold it. */
export interface LockInfo {
  readonly ID: string;
  /** `OperationTypeApply`, `OperationTypePlan`, … */
  readonly Operation: string;
  readonly Info: string;
  /** `user@host` of the process that took the lock. */
  readonly Who: string;
  readonly Version: string;
  /** RFC 3339 time the lock was taken. */
  readonly Created: string;
  readonly Path: string;
}

/** Where one stack's state and its locks live, read from the synthesized backend block. */
export type StateLocation =
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly key: string;
      readonly region: string;
      /** The DynamoDB lock table, when the backend names one. */
      readonly table?: string;
      readonly useLockfile: boolean;
      readonly usePathStyle: boolean;
    }
  | { readonly kind: 'local'; readonly path?: string };

/** The backend block of a synthesized stack (`<stackDir>/cdk.tf.json`). */
export function stateLocationOf(stackDir: string): StateLocation {
  const doc = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
    terraform?: { backend?: { s3?: Record<string, unknown>; local?: { path?: string } } };
  };
  const s3 = doc.terraform?.backend?.s3;
  if (!s3) return { kind: 'local', path: doc.terraform?.backend?.local?.path };
  return {
    kind: 's3',
    bucket: String(s3.bucket),
    key: String(s3.key),
    region: String(s3.region),
    ...(typeof s3.dynamodb_table === 'string' ? { table: s3.dynamodb_table } : {}),
    useLockfile: s3.use_lockfile === true,
    usePathStyle: s3.use_path_style === true,
  };
}

/** The DynamoDB item's key and the lock object's key, as Terraform builds them. */
export function lockKeys(location: Extract<StateLocation, { kind: 's3' }>) {
  return { lockId: `${location.bucket}/${location.key}`, objectKey: `${location.key}.tflock` };
}

const FIELDS = ['ID', 'Operation', 'Info', 'Who', 'Version', 'Created', 'Path'] as const;

/** Parses lock info JSON; throws naming the source when it is not Terraform's lock info. */
export function parseLockInfo(text: string, source: string): LockInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: the lock info is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source}: the lock info is not a JSON object`);
  }
  const record = value as Record<string, unknown>;
  if (typeof record.ID !== 'string' || record.ID === '') {
    throw new Error(`${source}: the lock info has no ID`);
  }
  const out: Record<string, string> = {};
  for (const field of FIELDS) out[field] = typeof record[field] === 'string' ? record[field] : '';
  return out as unknown as LockInfo;
}

export interface LockClients {
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly s3: Pick<S3Client, 'send'>;
}

/** What each lock place holds: the lock info, or nothing. */
export interface LockReading {
  /** The DynamoDB item's lock info; undefined when there is no item (or no table). */
  readonly dynamodb?: LockInfo;
  /** The `.tflock` object's lock info; undefined when there is no object (or no lock file). */
  readonly lockfile?: LockInfo;
  /** Where it looked, for the report. */
  readonly places: readonly string[];
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** Reads both lock places of an S3-backed stack. */
export async function readLock(
  location: Extract<StateLocation, { kind: 's3' }>,
  clients: LockClients,
): Promise<LockReading> {
  const { lockId, objectKey } = lockKeys(location);
  const places: string[] = [];
  let dynamodb: LockInfo | undefined;
  let lockfile: LockInfo | undefined;
  if (location.table) {
    places.push(`DynamoDB ${location.table} item LockID=${lockId}`);
    const item = await clients.dynamodb.send(
      new GetItemCommand({
        TableName: location.table,
        Key: { LockID: { S: lockId } },
        ConsistentRead: true,
      }),
    );
    const info = item.Item?.Info?.S;
    if (info) dynamodb = parseLockInfo(info, `DynamoDB item ${lockId}`);
  }
  if (location.useLockfile) {
    places.push(`s3://${location.bucket}/${objectKey}`);
    try {
      const object = await clients.s3.send(
        new GetObjectCommand({ Bucket: location.bucket, Key: objectKey }),
      );
      const body = (await object.Body?.transformToString()) ?? '';
      lockfile = parseLockInfo(body, `s3://${location.bucket}/${objectKey}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return { dynamodb, lockfile, places };
}

/** The lock one reading shows (the lock file first: Terraform takes it first). */
export function heldLock(reading: LockReading): LockInfo | undefined {
  return reading.lockfile ?? reading.dynamodb;
}

/**
 * Removes what a force-unlock left behind, for the lock `id` only: the DynamoDB item only
 * while its Info still names that lock (a condition, so a new lock taken meanwhile stays),
 * the `.tflock` object only if it still holds that lock. Returns what it removed.
 */
export async function removeLeftoverLock(
  location: Extract<StateLocation, { kind: 's3' }>,
  clients: LockClients,
  id: string,
): Promise<string[]> {
  const { lockId, objectKey } = lockKeys(location);
  const reading = await readLock(location, clients);
  const removed: string[] = [];
  if (location.table && reading.dynamodb?.ID === id) {
    await clients.dynamodb.send(
      new DeleteItemCommand({
        TableName: location.table,
        Key: { LockID: { S: lockId } },
        ConditionExpression: 'contains(Info, :id)',
        ExpressionAttributeValues: { ':id': { S: id } },
      }),
    );
    removed.push(`DynamoDB item LockID=${lockId}`);
  }
  if (reading.lockfile?.ID === id) {
    await clients.s3.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: objectKey }));
    removed.push(`s3://${location.bucket}/${objectKey}`);
  }
  return removed;
}
