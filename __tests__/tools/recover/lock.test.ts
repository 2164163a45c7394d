import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockAws } from '../../support/aws-mock';
import {
  heldLock,
  lockKeys,
  parseLockInfo,
  readLock,
  removeLeftoverLock,
  stateLocationOf,
} from '../../../tools/recover/lock';
import { DRILL_LOCK } from './fixtures';

const dynamo = mockAws(DynamoDBClient);
const s3 = mockAws(S3Client);
const clients = {
  dynamodb: new DynamoDBClient({ region: 'eu-west-1' }),
  s3: new S3Client({ region: 'eu-west-1' }),
};

const location = {
  kind: 's3' as const,
  bucket: 'healthcare-platform-tfstate',
  key: 'healthcare/dev/TapStackdev.tfstate',
  region: 'eu-west-1',
  table: 'healthcare-platform-tfstate-lock',
  useLockfile: true,
  usePathStyle: false,
};

/** An S3 body as the SDK returns it (only what readLock uses). */
const body = (text: string) => ({ transformToString: async () => text }) as never;
const noSuchKey = () =>
  Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });

beforeEach(() => {
  dynamo.reset();
  s3.reset();
});

describe('where the lock lives', () => {
  test('the S3 backend block of a synthesized stack gives bucket, key, table and lock file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recover-lock-'));
    fs.writeFileSync(
      path.join(dir, 'cdk.tf.json'),
      JSON.stringify({
        terraform: {
          backend: {
            s3: {
              bucket: 'b',
              key: 'healthcare/dev/TapStackdev.tfstate',
              region: 'eu-west-1',
              dynamodb_table: 't',
              use_lockfile: true,
              use_path_style: true,
            },
          },
        },
      }),
    );
    expect(stateLocationOf(dir)).toEqual({
      kind: 's3',
      bucket: 'b',
      key: 'healthcare/dev/TapStackdev.tfstate',
      region: 'eu-west-1',
      table: 't',
      useLockfile: true,
      usePathStyle: true,
    });
    fs.writeFileSync(
      path.join(dir, 'cdk.tf.json'),
      JSON.stringify({ terraform: { backend: { s3: { bucket: 'b', key: 'k', region: 'r' } } } }),
    );
    expect(stateLocationOf(dir)).toEqual({
      kind: 's3',
      bucket: 'b',
      key: 'k',
      region: 'r',
      useLockfile: false,
      usePathStyle: false,
    });
    fs.writeFileSync(
      path.join(dir, 'cdk.tf.json'),
      JSON.stringify({
        terraform: { backend: { local: { path: '/p/terraform.TapStateBackend.tfstate' } } },
      }),
    );
    expect(stateLocationOf(dir)).toEqual({
      kind: 'local',
      path: '/p/terraform.TapStateBackend.tfstate',
    });
    fs.writeFileSync(path.join(dir, 'cdk.tf.json'), '{}');
    expect(stateLocationOf(dir)).toEqual({ kind: 'local', path: undefined });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the DynamoDB LockID is <bucket>/<key> and the lock object <key>.tflock, as Terraform builds them', () => {
    expect(lockKeys(location)).toEqual({
      lockId: 'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate',
      objectKey: 'healthcare/dev/TapStackdev.tfstate.tflock',
    });
  });
});

describe('parseLockInfo', () => {
  test('reads every field of the lock info', () => {
    expect(parseLockInfo(JSON.stringify(DRILL_LOCK), 'x')).toEqual(DRILL_LOCK);
  });

  test('fields that are missing or not strings read as empty', () => {
    expect(parseLockInfo('{"ID":"a","Who":7}', 'x')).toEqual({
      ID: 'a',
      Operation: '',
      Info: '',
      Who: '',
      Version: '',
      Created: '',
      Path: '',
    });
  });

  test.each([
    ['not json', /^src: the lock info is not JSON/],
    ['[1]', /^src: the lock info is not a JSON object$/],
    ['null', /^src: the lock info is not a JSON object$/],
    ['{"Who":"a@b"}', /^src: the lock info has no ID$/],
    ['{"ID":""}', /^src: the lock info has no ID$/],
  ])('refuses %s', (text, message) => {
    expect(() => parseLockInfo(text, 'src')).toThrow(message);
  });
});

describe('readLock', () => {
  test('reads the DynamoDB item (consistent read, by LockID) and the .tflock object', () => {
    dynamo.on(GetItemCommand).resolves({ Item: { Info: { S: JSON.stringify(DRILL_LOCK) } } });
    s3.on(GetObjectCommand).resolves({
      Body: body(JSON.stringify({ ...DRILL_LOCK, ID: 'other' })),
    });
    return readLock(location, clients).then((reading) => {
      expect(reading.dynamodb).toEqual(DRILL_LOCK);
      expect(reading.lockfile?.ID).toBe('other');
      expect(heldLock(reading)?.ID).toBe('other');
      expect(reading.places).toEqual([
        'DynamoDB healthcare-platform-tfstate-lock item LockID=healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate',
        's3://healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate.tflock',
      ]);
      expect(dynamo.commandCalls(GetItemCommand)[0].args[0].input).toEqual({
        TableName: 'healthcare-platform-tfstate-lock',
        Key: { LockID: { S: 'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate' } },
        ConsistentRead: true,
      });
      expect(s3.commandCalls(GetObjectCommand)[0].args[0].input).toEqual({
        Bucket: 'healthcare-platform-tfstate',
        Key: 'healthcare/dev/TapStackdev.tfstate.tflock',
      });
    });
  });

  test('no item and no object: no lock', async () => {
    dynamo.on(GetItemCommand).resolves({});
    s3.on(GetObjectCommand).rejects(noSuchKey());
    const reading = await readLock(location, clients);
    expect(reading.dynamodb).toBeUndefined();
    expect(reading.lockfile).toBeUndefined();
    expect(heldLock(reading)).toBeUndefined();
  });

  test('an item without Info (the -md5 digest item has none) is no lock; a 404 object is none', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: { Digest: { S: 'abc' } } });
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error('x'), { $metadata: { httpStatusCode: 404 } }),
    );
    expect(heldLock(await readLock(location, clients))).toBeUndefined();
  });

  test("only the DynamoDB item: the lock is the item's", async () => {
    dynamo.on(GetItemCommand).resolves({ Item: { Info: { S: JSON.stringify(DRILL_LOCK) } } });
    s3.on(GetObjectCommand).rejects(noSuchKey());
    expect(heldLock(await readLock(location, clients))).toEqual(DRILL_LOCK);
  });

  test('without a table or a lock file, only the other place is read', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(DRILL_LOCK)) });
    const fileOnly = await readLock({ ...location, table: undefined }, clients);
    expect(fileOnly.places).toEqual([
      's3://healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate.tflock',
    ]);
    expect(dynamo.commandCalls(GetItemCommand)).toHaveLength(0);
    dynamo.on(GetItemCommand).resolves({});
    const tableOnly = await readLock({ ...location, useLockfile: false }, clients);
    expect(tableOnly.places).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  test('any other S3 error stops the reading (access denied is not "no lock")', async () => {
    dynamo.on(GetItemCommand).resolves({});
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }),
    );
    await expect(readLock(location, clients)).rejects.toThrow('Access Denied');
  });

  test('an empty object body is refused as not JSON', async () => {
    s3.on(GetObjectCommand).resolves({});
    await expect(readLock({ ...location, table: undefined }, clients)).rejects.toThrow(
      'is not JSON',
    );
  });
});

describe('removeLeftoverLock', () => {
  test('removes the item (conditioned on the lock ID) and the object that still hold this lock', async () => {
    dynamo.on(GetItemCommand).resolves({ Item: { Info: { S: JSON.stringify(DRILL_LOCK) } } });
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify(DRILL_LOCK)) });
    dynamo.on(DeleteItemCommand).resolves({});
    s3.on(DeleteObjectCommand).resolves({});
    expect(await removeLeftoverLock(location, clients, DRILL_LOCK.ID)).toEqual([
      'DynamoDB item LockID=healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate',
      's3://healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate.tflock',
    ]);
    expect(dynamo.commandCalls(DeleteItemCommand)[0].args[0].input).toEqual({
      TableName: 'healthcare-platform-tfstate-lock',
      Key: { LockID: { S: 'healthcare-platform-tfstate/healthcare/dev/TapStackdev.tfstate' } },
      ConditionExpression: 'contains(Info, :id)',
      ExpressionAttributeValues: { ':id': { S: DRILL_LOCK.ID } },
    });
  });

  test('never removes a lock with another ID', async () => {
    dynamo
      .on(GetItemCommand)
      .resolves({ Item: { Info: { S: JSON.stringify({ ...DRILL_LOCK, ID: 'new' }) } } });
    s3.on(GetObjectCommand).resolves({ Body: body(JSON.stringify({ ...DRILL_LOCK, ID: 'new' })) });
    expect(await removeLeftoverLock(location, clients, DRILL_LOCK.ID)).toEqual([]);
    expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(0);
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
  });
});
