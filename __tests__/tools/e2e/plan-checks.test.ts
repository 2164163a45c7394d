import {
  activeChanges,
  day2Problems,
  PlanChangeJson,
  summarizePlan,
  upgradeProblems,
} from '../../../tools/e2e/plan-checks';

function rc(
  address: string,
  actions: string[],
  before: Record<string, unknown> | null = {},
  after: Record<string, unknown> | null = {},
  mode = 'managed',
): PlanChangeJson {
  return { address, type: address.split('.')[0], mode, change: { actions, before, after } };
}

const DAY2 = { instanceClass: 'db.t4g.large', logRetentionDays: 90 };
const db = (actions: string[], after: Record<string, unknown>) =>
  rc('aws_db_instance.db', actions, { instance_class: 'db.t4g.medium' }, after);
const logs = (retention: number, actions = ['update']) =>
  rc(
    'aws_cloudwatch_log_group.app',
    actions,
    { retention_in_days: 30 },
    {
      retention_in_days: retention,
    },
  );

describe('activeChanges and summarizePlan', () => {
  test('drop no-op changes and data reads, list the rest as "<actions> <address>"', () => {
    const plan = {
      resource_changes: [
        rc('aws_vpc.v', ['no-op']),
        rc('data.aws_iam_policy_document.p', ['read'], null, {}, 'data'),
        rc('aws_db_parameter_group.pg', ['create', 'delete']),
        db(['update'], {}),
      ],
    };
    expect(activeChanges(plan).map((c) => c.address)).toEqual([
      'aws_db_parameter_group.pg',
      'aws_db_instance.db',
    ]);
    expect(summarizePlan(plan)).toEqual([
      'create+delete aws_db_parameter_group.pg',
      'update aws_db_instance.db',
    ]);
    expect(summarizePlan({})).toEqual([]);
  });
});

describe('day2Problems', () => {
  test('passes an in-place class change and retention update', () => {
    const plan = {
      resource_changes: [db(['update'], { instance_class: 'db.t4g.large' }), logs(90)],
    };
    expect(day2Problems(plan, DAY2)).toEqual([]);
  });

  test('fails when anything is replaced or created', () => {
    const plan = {
      resource_changes: [
        db(['delete', 'create'], { instance_class: 'db.t4g.large' }),
        logs(90),
        rc('aws_sqs_queue.q', ['create']),
      ],
    };
    expect(day2Problems(plan, DAY2)).toEqual([
      'aws_db_instance.db is planned as delete+create; a day-2 change must update in place',
      'aws_sqs_queue.q is planned as create; a day-2 change must update in place',
    ]);
  });

  test('fails when the instance class or a retention is not the one asked for', () => {
    const plan = {
      resource_changes: [db(['update'], { instance_class: 'db.t4g.medium' }), logs(30)],
    };
    expect(day2Problems(plan, DAY2)).toEqual([
      'aws_db_instance.db instance_class is planned as db.t4g.medium, expected db.t4g.large',
      'aws_cloudwatch_log_group.app retention_in_days is planned as 30, expected 90',
    ]);
  });

  test('fails when the database or the log groups are missing from the plan', () => {
    expect(day2Problems({}, DAY2)).toEqual(day2Problems({ resource_changes: [] }, DAY2));
    expect(day2Problems({ resource_changes: [] }, DAY2)).toEqual([
      'expected one aws_db_instance change, found 0',
      'the plan has no aws_cloudwatch_log_group',
    ]);
    const noAfter = {
      resource_changes: [rc('aws_db_instance.db', ['update'], {}, null), logs(90)],
    };
    expect(day2Problems(noAfter, DAY2)).toEqual([
      'aws_db_instance.db instance_class is planned as undefined, expected db.t4g.large',
    ]);
  });
});

describe('upgradeProblems', () => {
  const UPGRADE = {
    engineVersion: '16',
    oldFamily: 'postgres15',
    newFamily: 'postgres16',
    newNamePrefix: 'healthcare-pg-dev-postgres16-',
  };
  // As Terraform plans it: the new name is unknown until apply (name_prefix + a unique suffix).
  const group = (actions: string[], after: Record<string, unknown> = {}) =>
    rc(
      'aws_db_parameter_group.pg',
      actions,
      {
        family: 'postgres15',
        name: 'healthcare-pg-dev-postgres15-20261207081500000000000001',
        name_prefix: 'healthcare-pg-dev-postgres15-',
      },
      { family: 'postgres16', name_prefix: 'healthcare-pg-dev-postgres16-', ...after },
    );
  const upgradedDb = (actions = ['update'], after: Record<string, unknown> = {}) =>
    rc(
      'aws_db_instance.db',
      actions,
      { engine_version: '15.7' },
      {
        engine_version: '16',
        parameter_group_name: 'healthcare-pg-dev-postgres16-20261207093000000000000002',
        ...after,
      },
    );

  test('passes an in-place update with the parameter group created before the old is deleted', () => {
    const plan = {
      resource_changes: [upgradedDb(), group(['create', 'delete']), logs(90)],
    };
    expect(upgradeProblems(plan, UPGRADE)).toEqual([]);
  });

  test('passes while the new group name is still unknown in the instance', () => {
    const after = { parameter_group_name: undefined };
    const plan = { resource_changes: [upgradedDb(['update'], after), group(['create', 'delete'])] };
    expect(upgradeProblems(plan, UPGRADE)).toEqual([]);
  });

  test('fails when the database is replaced and the group is deleted before it is created', () => {
    const plan = {
      resource_changes: [upgradedDb(['delete', 'create']), group(['delete', 'create'])],
    };
    expect(upgradeProblems(plan, UPGRADE)).toEqual([
      'aws_db_instance.db is planned as delete+create; the upgrade must update it in place',
      'aws_db_parameter_group.pg is planned as delete+create; the new group must be created before the old one is deleted (create+delete)',
      'aws_db_instance.db is planned as delete+create; the upgrade must delete or replace nothing else',
    ]);
  });

  test('fails on the wrong version or group, a missing replacement, or another deletion', () => {
    const plan = {
      resource_changes: [
        upgradedDb(['update'], {
          engine_version: '15',
          parameter_group_name: 'healthcare-pg-dev-postgres15-20261207081500000000000001',
        }),
        rc('aws_kms_key.k', ['delete']),
      ],
    };
    expect(upgradeProblems(plan, UPGRADE)).toEqual([
      'aws_db_instance.db engine_version is planned as 15, expected 16',
      'aws_db_instance.db parameter_group_name is planned as healthcare-pg-dev-postgres15-20261207081500000000000001, expected healthcare-pg-dev-postgres16-…',
      'expected the postgres15 parameter group to be replaced by a postgres16 one named healthcare-pg-dev-postgres16-…',
      'aws_kms_key.k is planned as delete; the upgrade must delete or replace nothing else',
    ]);
  });

  test('fails a replacement into another family or under another prefix', () => {
    const wrongFamily = {
      resource_changes: [upgradedDb(), group(['create', 'delete'], { family: 'postgres17' })],
    };
    const wrongPrefix = {
      resource_changes: [
        upgradedDb(),
        group(['create', 'delete'], { name_prefix: 'healthcare-pg-dev-postgres15-' }),
      ],
    };
    for (const plan of [wrongFamily, wrongPrefix]) {
      expect(upgradeProblems(plan, UPGRADE)).toEqual([
        'expected the postgres15 parameter group to be replaced by a postgres16 one named healthcare-pg-dev-postgres16-…',
      ]);
    }
  });

  test('fails when there is no database change at all', () => {
    expect(upgradeProblems({ resource_changes: [group(['create', 'delete'])] }, UPGRADE)).toEqual([
      'expected one aws_db_instance change, found 0',
    ]);
    const noAfter = rc('aws_db_instance.db', ['update'], {}, null);
    expect(
      upgradeProblems({ resource_changes: [noAfter, group(['create', 'delete'])] }, UPGRADE),
    ).toEqual(['aws_db_instance.db engine_version is planned as undefined, expected 16']);
  });
});
