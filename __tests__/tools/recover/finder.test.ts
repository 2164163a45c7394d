import {
  allPages,
  cli,
  hasStackTags,
  isNotFound,
  lookup,
  present,
} from '../../../tools/recover/finder';
import { STACK_TAGS } from './fixtures';

test('present keeps the ids an API returned', () => {
  expect(present('a', undefined, '', 'arn:b')).toEqual(['a', 'arn:b']);
});

test('hasStackTags: every stack tag with its value; no stack tags never matches', () => {
  expect(hasStackTags({ ...STACK_TAGS, Name: 'x' }, STACK_TAGS)).toBe(true);
  expect(hasStackTags({ Project: 'healthcare-platform', Environment: 'prod' }, STACK_TAGS)).toBe(
    false,
  );
  expect(hasStackTags({ Project: 'healthcare-platform' }, STACK_TAGS)).toBe(false);
  expect(hasStackTags(STACK_TAGS, {})).toBe(false);
});

test('allPages follows the token until there is none', async () => {
  const tokens: (string | undefined)[] = [];
  const items = await allPages(async (token) => {
    tokens.push(token);
    return token === undefined ? { items: [1, 2], next: 'p2' } : { next: undefined };
  });
  expect(items).toEqual([1, 2]);
  expect(tokens).toEqual([undefined, 'p2']);
});

test('not found: by error name, by Code, or HTTP 404; anything else is rethrown by lookup', async () => {
  expect(isNotFound({ name: 'NoSuchEntityException' }, 'NoSuchEntityException')).toBe(true);
  expect(isNotFound({ Code: 'DBInstanceNotFound' }, 'DBInstanceNotFound')).toBe(true);
  expect(isNotFound({ $metadata: { httpStatusCode: 404 } })).toBe(true);
  expect(isNotFound({ name: 'Throttling', $metadata: { httpStatusCode: 400 } }, 'NotFound')).toBe(
    false,
  );
  expect(isNotFound(undefined, 'NotFound')).toBe(false);
  expect(await lookup(async () => 'x')).toBe('x');
  expect(
    await lookup(
      async () => Promise.reject(Object.assign(new Error('gone'), { name: 'NotFound' })),
      'NotFound',
    ),
  ).toBeUndefined();
  await expect(
    lookup(async () => Promise.reject(new Error('throttled')), 'NotFound'),
  ).rejects.toThrow('throttled');
});

test('cli: the AWS CLI command with its region', () => {
  expect(cli('eu-west-1', 'ec2', 'delete-vpc', '--vpc-id vpc-1')).toBe(
    'aws ec2 delete-vpc --region eu-west-1 --vpc-id vpc-1',
  );
});
