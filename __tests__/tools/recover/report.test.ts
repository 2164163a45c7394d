import {
  age,
  deletionOrder,
  describeLock,
  formatOrphans,
  lockHomeLine,
  formatTainted,
  needsPerson,
  OrphanReport,
  verdictLines,
} from '../../../tools/recover/report';
import type { Existing } from '../../../tools/recover/finder';
import type { Matching } from '../../../tools/recover/match';
import { DRILL_LOCK } from './fixtures';

const e = (type: string, id: string): Existing => ({
  type,
  region: 'eu-west-1',
  importId: id,
  key: id,
  ids: [id],
  label: `${id} (label)`,
  deleteCommand: `aws delete ${id}`,
});
const empty: Matching = {
  adopt: [],
  ambiguous: [],
  unplanned: [],
  waiting: [],
  undecided: [],
  unchecked: [],
};
const SEARCHED =
  'account 222222222222 as arn:aws:iam::222222222222:role/OrganizationAccountAccessRole (DEPLOY_ROLE_ARN)';
const report = (
  over: Partial<OrphanReport> = {},
  matching: Partial<Matching> = {},
): OrphanReport => ({
  stack: 'TapStackdev',
  adoptions: [],
  matching: { ...empty, ...matching },
  failed: [],
  rounds: 1,
  mode: 'detect',
  searched: SEARCHED,
  tainted: [],
  ...over,
});

describe('age', () => {
  const created = '2026-12-07T07:53:57Z';
  const at = (ms: number) => new Date(Date.parse(created) + ms);
  test.each([
    [59_999, '0 min'],
    [60_000, '1 min'],
    [59 * 60_000, '59 min'],
    [60 * 60_000, '1 h 0 min'],
    [(47 * 60 + 59) * 60_000, '47 h 59 min'],
    [48 * 3600_000, '2 days'],
    [-5000, '0 min'],
  ])('%i ms after → %s', (ms, text) => {
    expect(age(created, at(ms))).toBe(text);
  });
  test('an unreadable time has no age', () => {
    expect(age('yesterday', new Date())).toBeUndefined();
  });
});

test('describeLock: operation, who, since (with its age), lock ID, where it is held', () => {
  const reading = { dynamodb: DRILL_LOCK, lockfile: DRILL_LOCK, places: [] };
  expect(describeLock(DRILL_LOCK, reading, new Date('2026-12-07T08:01:00Z'))).toEqual([
    '  operation: OperationTypeApply',
    '  who:       root@vm',
    '  since:     2026-12-07T07:53:57.545307888Z (7 min ago)',
    '  lock ID:   9003901e-e1e7-8205-9b7c-19d18b6df20e',
    '  held in:   the DynamoDB item (lock 9003901e-e1e7-8205-9b7c-19d18b6df20e) and the .tflock object (lock 9003901e-e1e7-8205-9b7c-19d18b6df20e)',
  ]);
  const bare = { ...DRILL_LOCK, Operation: '', Who: '', Created: 'x' };
  expect(describeLock(bare, { lockfile: bare, places: [] }, new Date())).toEqual([
    '  operation: (not recorded)',
    '  who:       (not recorded)',
    '  since:     x',
    `  lock ID:   ${DRILL_LOCK.ID}`,
    `  held in:   the .tflock object (lock ${DRILL_LOCK.ID})`,
  ]);
});

describe('verdictLines', () => {
  test('remote: never released; how to release it where it was taken', () => {
    const lines = verdictLines(
      { kind: 'remote', host: 'ci-1', evidence: ['asked'] },
      'TapStackdev',
      true,
    );
    expect(lines[0]).toBe(
      'The holder runs on another machine: recover cannot tell whether it is alive, and never releases it.',
    );
    expect(lines).toContain('  - asked');
    expect(lines).toContain('--release-lock refused: the holder is not on this machine.');
    expect(
      verdictLines({ kind: 'remote', host: 'ci-1', evidence: [] }, 'TapStackdev', false),
    ).not.toContain('--release-lock refused: the holder is not on this machine.');
  });

  test('alive: wait; --release-lock refused', () => {
    expect(verdictLines({ kind: 'alive', evidence: ['run r2 runs'] }, 'TapStackdev', true)).toEqual(
      [
        'The holder is ALIVE: a run on this machine is still working on the stack. Wait for it.',
        '  - run r2 runs',
        '--release-lock refused: the holder still runs.',
      ],
    );
    expect(verdictLines({ kind: 'alive', evidence: [] }, 'TapStackdev', false)).toHaveLength(1);
  });

  test('gone: safe to release, with the command (unless it is being released)', () => {
    expect(verdictLines({ kind: 'gone', evidence: ['checked'] }, 'TapStackdev', false)).toEqual([
      'The holder is gone: it ran on this machine and nothing of it runs any more.',
      '  - checked',
      'It is safe to release: npm run recover -- --stack TapStackdev --release-lock',
      '(orphans below were searched without taking the lock; nothing can be adopted until it is released)',
    ]);
    expect(verdictLines({ kind: 'gone', evidence: [] }, 'TapStackdev', true)).toHaveLength(1);
  });
});

test('deletionOrder: users before what they use, the VPC last, unknown types after, then by label', () => {
  const items = [
    e('aws_vpc', 'vpc-2'),
    e('aws_subnet', 'subnet-1'),
    e('aws_kms_key', 'k'),
    e('aws_nat_gateway', 'nat-1'),
    e('aws_db_instance', 'db'),
    e('aws_cloudwatch_log_group', 'lg'),
    e('aws_eip', 'eip'),
  ];
  expect(deletionOrder(items).map((x) => x.type)).toEqual([
    'aws_db_instance',
    'aws_nat_gateway',
    'aws_eip',
    'aws_subnet',
    'aws_vpc',
    'aws_cloudwatch_log_group',
    'aws_kms_key',
  ]);
});

test('lockHomeLine: the lock’s region and account, in describeLock’s layout, read as the caller', () => {
  expect(lockHomeLine('eu-central-1', 'account 123456789012')).toBe(
    "  lock in:   eu-central-1, account 123456789012, read with the caller's own credentials (as Terraform's S3 backend; not the deploy role)",
  );
  expect(describeLock(DRILL_LOCK, { lockfile: DRILL_LOCK, places: [] }, new Date())[4]).toMatch(
    /^ {2}held in: {3}/,
  );
});

describe('formatOrphans', () => {
  test('none', () => {
    expect(formatOrphans(report({ rounds: 2 })).split('\n')).toEqual([
      'Orphans of TapStackdev: none. Every resource of the stack found in the account is in its state (2 round(s)).',
      '  Searched account 222222222222 as arn:aws:iam::222222222222:role/OrganizationAccountAccessRole (DEPLOY_ROLE_ARN).',
    ]);
  });

  test('adoptable in detection mode: each address, what was found, its import id, and the command to adopt', () => {
    const adoptions = [
      {
        address: 'aws_db_instance.database',
        importId: 'healthcare-db-dev',
        existing: e('aws_db_instance', 'healthcare-db-dev'),
      },
    ];
    expect(formatOrphans(report({ adoptions })).split('\n')).toEqual([
      'Orphans of TapStackdev: 1 resource(s) exist in the account but not in its state (1 round(s)).',
      `  Searched ${SEARCHED}.`,
      '  Adoptable (import at the address that would otherwise create them again):',
      '    aws_db_instance.database  ←  healthcare-db-dev (label)   [import id healthcare-db-dev]',
      '  Adopt them with: npm run recover -- --stack TapStackdev --adopt   (planned, reviewed, applied after "yes")',
    ]);
    expect(formatOrphans(report({ adoptions, mode: 'adopt' }))).toContain(
      '  To adopt (import at the address',
    );
    expect(formatOrphans(report({ adoptions, mode: 'adopt' }))).not.toContain('Adopt them with');
  });

  test('to delete (in order, with commands), ambiguous, waiting, not looked for, not checked, could not check', () => {
    const text = formatOrphans(
      report(
        { failed: [{ type: 'aws_eip', region: 'eu-west-1', error: 'HTTP 500' }] },
        {
          unplanned: [e('aws_vpc', 'vpc-2'), e('aws_subnet', 'subnet-9')],
          ambiguous: [
            {
              address: 'aws_vpc.network_vpc',
              candidates: [e('aws_vpc', 'vpc-3'), e('aws_vpc', 'vpc-4')],
            },
          ],
          undecided: [e('aws_subnet', 'subnet-5')],
          unchecked: [
            {
              type: 'aws_cloudwatch_metric_alarm',
              addresses: ['a', 'b'],
              note: 'PutMetricAlarm overwrites',
            },
            { type: 'aws_config_conformance_pack', addresses: ['aws_config_conformance_pack.p'] },
          ],
        },
      ),
    );
    expect(text.split('\n')).toEqual([
      'Orphans of TapStackdev: 5 resource(s) exist in the account but not in its state (1 round(s)).',
      `  Searched ${SEARCHED}.`,
      "  Not adopted: delete it. These carry the stack's tags but no planned address wants them",
      '  (e.g. a second network from an earlier retry). In this order:',
      '    aws_subnet subnet-9 (label)',
      '      aws delete subnet-9',
      '    aws_vpc vpc-2 (label)',
      '      aws delete vpc-2',
      '  Ambiguous: 2 candidates for aws_vpc.network_vpc; none adopted. Keep one, delete the others:',
      '    aws_vpc vpc-3 (label)',
      '      aws delete vpc-3',
      '    aws_vpc vpc-4 (label)',
      '      aws delete vpc-4',
      '  Waiting on a parent: 1 resource(s) whose parent is not adopted yet (resolve the above, then run recover again):',
      '    aws_subnet subnet-5 (label)',
      '  Not looked for (their create call overwrites, or cannot fail with "already exists"):',
      '    aws_cloudwatch_metric_alarm (2): PutMetricAlarm overwrites',
      '  NOT CHECKED (no finder): if the next deploy fails with "already exists" on one of these, import it by hand:',
      '    aws_config_conformance_pack (1): aws_config_conformance_pack.p',
      '  COULD NOT CHECK aws_eip in eu-west-1: HTTP 500',
    ]);
  });
});

describe('the objects an interrupted apply left tainted', () => {
  const tainted = ['aws_iam_role.readiness_role_1', 'aws_elasticache_user.cache_iam-user_2'];

  test('named with why the next deploy would replace them, and the flag that keeps them', () => {
    expect(formatTainted('TapStackdrill', tainted, false).split('\n')).toEqual([
      'Tainted objects of TapStackdrill: 2. Terraform did not finish with them (a create interrupted or failed, or `terraform taint`), so the next deploy would REPLACE each: a fixed name collides with the object it replaces (create before destroy), a stateful one loses its data.',
      '    aws_iam_role.readiness_role_1',
      '    aws_elasticache_user.cache_iam-user_2',
      '  Check that each is whole, then keep them with: npm run recover -- --stack TapStackdrill --untaint   (the next plan reads each again: an update in place, a replacement where a changed attribute forces one, a create where it is gone)',
    ]);
  });

  test('once untainted, what the next plan does with them; none: one line', () => {
    expect(formatTainted('TapStackdrill', tainted, true).split('\n')).toEqual([
      'Tainted objects of TapStackdrill: 2, untainted (the next plan reads each again: an update in place, a replacement where a changed attribute forces one, a create where it is gone):',
      '    aws_iam_role.readiness_role_1',
      '    aws_elasticache_user.cache_iam-user_2',
    ]);
    expect(formatTainted('TapStackdrill', [], false)).toBe(
      'Tainted objects of TapStackdrill: none.',
    );
  });

  test('a person is needed while they stay tainted, not once untainted', () => {
    expect(needsPerson('free', report({ tainted }), false)).toBe(true);
    expect(needsPerson('free', report({ tainted }), false, false)).toBe(true);
    expect(needsPerson('free', report({ tainted }), false, true)).toBe(false);
    expect(needsPerson('released', report({ tainted: [] }), false)).toBe(false);
  });
});

describe('needsPerson (exit 1)', () => {
  test('a lock that stays held, or a release that failed', () => {
    for (const lock of ['held-gone', 'held-alive', 'held-remote', 'release-failed'] as const) {
      expect(needsPerson(lock, undefined, false)).toBe(true);
    }
    for (const lock of ['free', 'released', 'local'] as const)
      expect(needsPerson(lock, undefined, false)).toBe(false);
  });

  test('orphans not adopted, anything to delete, ambiguous, waiting or not checkable', () => {
    const adoptions = [{ address: 'a', importId: 'i', existing: e('aws_vpc', 'v') }];
    expect(needsPerson('free', report(), false)).toBe(false);
    expect(needsPerson('free', report({ adoptions }), false)).toBe(true);
    expect(needsPerson('free', report({ adoptions }), true)).toBe(false);
    expect(needsPerson('free', report({}, { unplanned: [e('aws_vpc', 'v')] }), true)).toBe(true);
    expect(
      needsPerson('free', report({}, { ambiguous: [{ address: 'a', candidates: [] }] }), true),
    ).toBe(true);
    expect(needsPerson('free', report({}, { undecided: [e('aws_vpc', 'v')] }), true)).toBe(true);
    expect(
      needsPerson('free', report({ failed: [{ type: 't', region: 'r', error: 'x' }] }), true),
    ).toBe(true);
    expect(
      needsPerson(
        'free',
        report({}, { unchecked: [{ type: 't', addresses: ['a'] }], waiting: ['x'] }),
        false,
      ),
    ).toBe(false);
  });
});
