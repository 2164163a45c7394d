import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockAws } from '../../support/aws-mock';
import type { Runner } from '../../../tools/core';
import { releaseLock } from '../../../tools/recover/release';
import { DRILL_LOCK } from './fixtures';

const dynamo = mockAws(DynamoDBClient);
const s3 = mockAws(S3Client);
const clients = {
  dynamodb: new DynamoDBClient({ region: 'eu-west-1' }),
  s3: new S3Client({ region: 'eu-west-1' }),
};
const location = {
  kind: 's3' as const,
  bucket: 'b',
  key: 'healthcare/dev/TapStackdev.tfstate',
  region: 'eu-west-1',
  table: 't',
  useLockfile: true,
  usePathStyle: false,
};
const item = (lock: object) => ({ Item: { Info: { S: JSON.stringify(lock) } } });
const object = (lock: object) => ({
  Body: { transformToString: async () => JSON.stringify(lock) } as never,
});
const noSuchKey = Object.assign(new Error('no key'), { name: 'NoSuchKey' });

function fakeTerraform() {
  const calls: { cmd: string; args: readonly string[]; cwd?: string }[] = [];
  const runner: Runner = async (cmd, args, options) => {
    calls.push({ cmd, args, cwd: options?.cwd });
    return {
      code: 0,
      stdout: 'Terraform state has been successfully unlocked!',
      stderr: '',
      durationMs: 1,
    };
  };
  return { calls, runner };
}

beforeEach(() => {
  dynamo.reset();
  s3.reset();
});

test('force-unlock in the stack folder; both places empty afterwards: unlocked, nothing removed by hand', async () => {
  dynamo.on(GetItemCommand).resolves({});
  s3.on(GetObjectCommand).rejects(noSuchKey);
  const { calls, runner } = fakeTerraform();
  const result = await releaseLock(
    '/run/stacks/TapStackdev',
    { A: '1' },
    DRILL_LOCK,
    location,
    clients,
    { runner },
  );
  expect(calls).toEqual([
    {
      cmd: 'terraform',
      args: ['force-unlock', '-force', '-no-color', DRILL_LOCK.ID],
      cwd: '/run/stacks/TapStackdev',
    },
  ]);
  expect(result).toEqual({
    released: true,
    lines: [
      `terraform force-unlock -force ${DRILL_LOCK.ID}: done (in /run/stacks/TapStackdev)`,
      'The state is unlocked.',
    ],
  });
  expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(0);
});

test('a DynamoDB item Terraform left is removed with the SDK, and the report says so', async () => {
  dynamo
    .on(GetItemCommand)
    .resolvesOnce(item(DRILL_LOCK)) // after force-unlock
    .resolvesOnce(item(DRILL_LOCK)) // removeLeftoverLock's own reading
    .resolves({}); // final check
  s3.on(GetObjectCommand).rejects(noSuchKey);
  dynamo.on(DeleteItemCommand).resolves({});
  const result = await releaseLock('/d', {}, DRILL_LOCK, location, clients, {
    runner: fakeTerraform().runner,
  });
  expect(result.released).toBe(true);
  expect(result.lines.slice(1)).toEqual([
    `Terraform left DynamoDB item LockID=b/healthcare/dev/TapStackdev.tfstate of lock ${DRILL_LOCK.ID}: removed with the AWS SDK.`,
    'The state is unlocked.',
  ]);
  expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(1);
});

test('a .tflock object Terraform left is removed with the SDK', async () => {
  dynamo.on(GetItemCommand).resolves({});
  s3.on(GetObjectCommand)
    .resolvesOnce(object(DRILL_LOCK))
    .resolvesOnce(object(DRILL_LOCK))
    .rejects(noSuchKey);
  s3.on(DeleteObjectCommand).resolves({});
  const result = await releaseLock('/d', {}, DRILL_LOCK, location, clients, {
    runner: fakeTerraform().runner,
  });
  expect(result.lines[1]).toBe(
    `Terraform left s3://b/healthcare/dev/TapStackdev.tfstate.tflock of lock ${DRILL_LOCK.ID}: removed with the AWS SDK.`,
  );
  expect(s3.commandCalls(DeleteObjectCommand)[0].args[0].input).toEqual({
    Bucket: 'b',
    Key: 'healthcare/dev/TapStackdev.tfstate.tflock',
  });
});

test('a new lock taken meanwhile (another ID) is reported and never touched', async () => {
  const fresh = { ...DRILL_LOCK, ID: 'fresh', Who: 'ci@runner', Operation: 'OperationTypePlan' };
  dynamo.on(GetItemCommand).resolves(item(fresh));
  s3.on(GetObjectCommand).resolves(object(fresh));
  const result = await releaseLock('/d', {}, DRILL_LOCK, location, clients, {
    runner: fakeTerraform().runner,
  });
  expect(result).toEqual({
    released: true,
    lines: [
      `terraform force-unlock -force ${DRILL_LOCK.ID}: done (in /d)`,
      `A new lock fresh (OperationTypePlan by ci@runner since ${DRILL_LOCK.Created}) was taken meanwhile: another run has started; it was not touched.`,
    ],
  });
  expect(dynamo.commandCalls(DeleteItemCommand)).toHaveLength(0);
  expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(0);
});

test('the same lock still there after everything: not released', async () => {
  dynamo.on(GetItemCommand).resolves(item(DRILL_LOCK));
  s3.on(GetObjectCommand).rejects(noSuchKey);
  dynamo.on(DeleteItemCommand).resolves({}); // accepted, but the item stays (a stubborn table)
  const result = await releaseLock('/d', {}, DRILL_LOCK, location, clients, {
    runner: fakeTerraform().runner,
  });
  expect(result.released).toBe(false);
  expect(result.lines[result.lines.length - 1]).toBe(
    `Lock ${DRILL_LOCK.ID} is still held: release it by hand.`,
  );
});

test("a failing force-unlock stops the release with terraform's error", async () => {
  const runner: Runner = async () => {
    throw new Error('terraform force-unlock exited with 1\nLock ID mismatch');
  };
  await expect(releaseLock('/d', {}, DRILL_LOCK, location, clients, { runner })).rejects.toThrow(
    'Lock ID mismatch',
  );
});
