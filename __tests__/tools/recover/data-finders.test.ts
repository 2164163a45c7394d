import {
  DescribeCacheParameterGroupsCommand,
  DescribeCacheSubnetGroupsCommand,
  DescribeReplicationGroupsCommand,
  DescribeUserGroupsCommand,
  DescribeUsersCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import {
  DescribeDBInstancesCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBSubnetGroupsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockAws } from '../../support/aws-mock';
import {
  cacheParameterGroupFinder,
  cacheSubnetGroupFinder,
  cacheUserFinder,
  cacheUserGroupFinder,
  dbInstanceFinder,
  dbParameterGroupFinder,
  dbSubnetGroupFinder,
  groupKey,
  subnetGroupKey,
  replicationGroupFinder,
} from '../../../tools/recover/data-finders';
import { adoptWith, context, planned } from './fixtures';

const rds = mockAws(RDSClient);
const cache = mockAws(ElastiCacheClient);
const clients = {
  rds: new RDSClient({ region: 'eu-west-1' }),
  elasticache: new ElastiCacheClient({ region: 'eu-west-1' }),
};
beforeEach(() => {
  rds.reset();
  cache.reset();
});
const notFound = (name: string) => Object.assign(new Error(`${name}: not found`), { name });

describe('aws_db_instance: by identifier', () => {
  const db = planned('aws_db_instance.database_instance_D7FC2283', {
    identifier: 'healthcare-db-dev',
  });

  test('the database a killed apply left is adopted by its identifier; the state may hold it by DbiResourceId or ARN', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'healthcare-db-dev',
          DbiResourceId: 'db-IGH5OBYXZBQ3CY46JN44HOEGD2',
          DBInstanceArn: 'arn:aws:rds:eu-west-1:123456789012:db:healthcare-db-dev',
          DBInstanceStatus: 'creating',
          Engine: 'postgres',
          EngineVersion: '16.4',
        },
      ],
    });
    const { found, blocks } = await adoptWith(clients, dbInstanceFinder, [db]);
    expect(blocks).toEqual([
      { to: 'aws_db_instance.database_instance_D7FC2283', id: 'healthcare-db-dev' },
    ]);
    expect(found[0]).toEqual({
      type: 'aws_db_instance',
      region: 'eu-west-1',
      importId: 'healthcare-db-dev',
      key: 'healthcare-db-dev',
      ids: [
        'healthcare-db-dev',
        'db-IGH5OBYXZBQ3CY46JN44HOEGD2',
        'arn:aws:rds:eu-west-1:123456789012:db:healthcare-db-dev',
      ],
      label: 'healthcare-db-dev (creating, postgres 16.4)',
      deleteCommand:
        'aws rds delete-db-instance --region eu-west-1 --db-instance-identifier healthcare-db-dev --final-db-snapshot-identifier healthcare-db-dev-orphan-final',
    });
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0].args[0].input).toEqual({
      DBInstanceIdentifier: 'healthcare-db-dev',
    });
  });

  test("the same identifier in the state (as the database's own id) is skipped; a subnet group of that name is not the database", async () => {
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [{ DBInstanceIdentifier: 'healthcare-db-dev', DBInstanceStatus: 'available' }],
    });
    expect(
      (
        await adoptWith(
          clients,
          dbInstanceFinder,
          [db],
          new Set(['aws_db_instance healthcare-db-dev']),
        )
      ).blocks,
    ).toEqual([]);
    expect(
      (
        await adoptWith(
          clients,
          dbInstanceFinder,
          [db],
          new Set(['aws_db_subnet_group healthcare-db-dev']),
        )
      ).blocks,
    ).toHaveLength(1);
  });

  test('not found, or being deleted: nothing', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .rejectsOnce(notFound('DBInstanceNotFoundFault'))
      .resolves({
        DBInstances: [{ DBInstanceIdentifier: 'healthcare-db-dev', DBInstanceStatus: 'deleting' }],
      });
    expect((await adoptWith(clients, dbInstanceFinder, [db])).found).toEqual([]);
    expect((await adoptWith(clients, dbInstanceFinder, [db])).found).toEqual([]);
  });

  test('any other error is not "not found"', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(notFound('AccessDenied'));
    await expect(adoptWith(clients, dbInstanceFinder, [db])).rejects.toThrow('AccessDenied');
  });
});

describe('subnet groups, replication group, users: by name', () => {
  const ISOLATED = ['subnet-b', 'subnet-a'];
  const inSubnets = (ids: string[]) => ids.map((SubnetIdentifier) => ({ SubnetIdentifier }));

  test('aws_db_subnet_group: by name and the subnets the plan knows (in any order)', async () => {
    rds.on(DescribeDBSubnetGroupsCommand).resolves({
      DBSubnetGroups: [
        {
          DBSubnetGroupName: 'healthcare-db-dev',
          VpcId: 'vpc-1',
          DBSubnetGroupArn: 'arn:sg',
          Subnets: inSubnets(['subnet-a', 'subnet-b']),
        },
      ],
    });
    const group = planned('aws_db_subnet_group.db', {
      name: 'healthcare-db-dev',
      subnet_ids: ISOLATED,
    });
    const dbGroup = await adoptWith(clients, dbSubnetGroupFinder, [group]);
    expect(dbGroup.blocks).toEqual([{ to: 'aws_db_subnet_group.db', id: 'healthcare-db-dev' }]);
    expect(dbGroup.found[0]).toMatchObject({
      key: 'healthcare-db-dev|subnet-a,subnet-b',
      ids: ['healthcare-db-dev', 'arn:sg'],
      deleteCommand:
        'aws rds delete-db-subnet-group --region eu-west-1 --db-subnet-group-name healthcare-db-dev',
    });
    expect(rds.commandCalls(DescribeDBSubnetGroupsCommand)[0].args[0].input).toEqual({
      DBSubnetGroupName: 'healthcare-db-dev',
    });
  });

  test('a subnet group of the planned name in other subnets (an abandoned network) is not adopted', async () => {
    cache.on(DescribeCacheSubnetGroupsCommand).resolves({
      CacheSubnetGroups: [
        {
          CacheSubnetGroupName: 'healthcare-redis-dev',
          VpcId: 'vpc-old',
          Subnets: inSubnets(['subnet-old-a', 'subnet-old-b']),
        },
      ],
    });
    const group = planned('aws_elasticache_subnet_group.c', {
      name: 'healthcare-redis-dev',
      subnet_ids: ISOLATED,
    });
    const { found, blocks } = await adoptWith(clients, cacheSubnetGroupFinder, [group]);
    expect(blocks).toEqual([]);
    expect(found[0]).toMatchObject({
      key: 'healthcare-redis-dev|subnet-old-a,subnet-old-b',
      deleteCommand:
        'aws elasticache delete-cache-subnet-group --region eu-west-1 --cache-subnet-group-name healthcare-redis-dev',
    });
    cache.on(DescribeCacheSubnetGroupsCommand).resolves({
      CacheSubnetGroups: [
        {
          CacheSubnetGroupName: 'healthcare-redis-dev',
          VpcId: 'vpc-1',
          Subnets: inSubnets(ISOLATED),
        },
      ],
    });
    expect((await adoptWith(clients, cacheSubnetGroupFinder, [group])).blocks).toEqual([
      { to: 'aws_elasticache_subnet_group.c', id: 'healthcare-redis-dev' },
    ]);
  });

  test('a subnet group waits while its subnets are planned (ids unknown, wholly or in part)', () => {
    expect(
      subnetGroupKey(planned('aws_db_subnet_group.db', { name: 'n' }, { subnet_ids: true })),
    ).toBeUndefined();
    expect(
      subnetGroupKey(
        planned(
          'aws_db_subnet_group.db',
          { name: 'n', subnet_ids: ['subnet-a'] },
          { subnet_ids: [false, true] },
        ),
      ),
    ).toBeUndefined();
    expect(
      subnetGroupKey(planned('aws_db_subnet_group.db', { name: 'n', subnet_ids: 'x' })),
    ).toBeUndefined();
    expect(
      subnetGroupKey(
        planned(
          'aws_db_subnet_group.db',
          { name: 'n', subnet_ids: ['subnet-b', 'subnet-a'] },
          { subnet_ids: [false, false] },
        ),
      ),
    ).toBe('n|subnet-a,subnet-b');
  });

  test('subnet groups not found, or listing no subnets', async () => {
    rds.on(DescribeDBSubnetGroupsCommand).rejects(notFound('DBSubnetGroupNotFoundFault'));
    cache.on(DescribeCacheSubnetGroupsCommand).rejects(notFound('CacheSubnetGroupNotFoundFault'));
    const db = planned('aws_db_subnet_group.db', { name: 'x', subnet_ids: [] });
    const c = planned('aws_elasticache_subnet_group.c', { name: 'x', subnet_ids: [] });
    expect((await adoptWith(clients, dbSubnetGroupFinder, [db])).found).toEqual([]);
    expect((await adoptWith(clients, cacheSubnetGroupFinder, [c])).found).toEqual([]);
    rds
      .on(DescribeDBSubnetGroupsCommand)
      .resolves({ DBSubnetGroups: [{ DBSubnetGroupName: 'x' }] });
    cache
      .on(DescribeCacheSubnetGroupsCommand)
      .resolves({ CacheSubnetGroups: [{ CacheSubnetGroupName: 'x', Subnets: [{}] }] });
    expect((await adoptWith(clients, dbSubnetGroupFinder, [db])).blocks).toEqual([
      { to: 'aws_db_subnet_group.db', id: 'x' },
    ]);
    expect(
      (await adoptWith(clients, cacheSubnetGroupFinder, [c])).found.map((f) => [f.key, f.ids]),
    ).toEqual([['x|', ['x']]]);
  });

  test('aws_elasticache_replication_group: adopted unless it is being deleted', async () => {
    const rg = planned('aws_elasticache_replication_group.cache_replication-group_FA5C54CF', {
      replication_group_id: 'healthcare-redis-dev',
    });
    cache
      .on(DescribeReplicationGroupsCommand)
      .resolvesOnce({
        ReplicationGroups: [
          { ReplicationGroupId: 'healthcare-redis-dev', Status: 'creating', ARN: 'arn:rg' },
        ],
      })
      .resolvesOnce({
        ReplicationGroups: [{ ReplicationGroupId: 'healthcare-redis-dev', Status: 'deleting' }],
      })
      .rejects(notFound('ReplicationGroupNotFoundFault'));
    const first = await adoptWith(clients, replicationGroupFinder, [rg]);
    expect(first.blocks).toEqual([
      {
        to: 'aws_elasticache_replication_group.cache_replication-group_FA5C54CF',
        id: 'healthcare-redis-dev',
      },
    ]);
    expect(first.found[0].deleteCommand).toBe(
      'aws elasticache delete-replication-group --region eu-west-1 --replication-group-id healthcare-redis-dev --final-snapshot-identifier healthcare-redis-dev-orphan-final',
    );
    expect((await adoptWith(clients, replicationGroupFinder, [rg])).found).toEqual([]);
    expect((await adoptWith(clients, replicationGroupFinder, [rg])).found).toEqual([]);
  });

  test('aws_elasticache_user and aws_elasticache_user_group by their ids', async () => {
    cache.on(DescribeUsersCommand).resolves({
      Users: [
        {
          UserId: 'healthcare-app-dev',
          UserName: 'healthcare-app-dev',
          Status: 'active',
          ARN: 'arn:u',
        },
      ],
    });
    cache.on(DescribeUserGroupsCommand).resolves({
      UserGroups: [
        {
          UserGroupId: 'healthcare-redis-dev',
          Status: 'active',
          UserIds: ['healthcare-dflt-dev', 'healthcare-app-dev'],
        },
      ],
    });
    expect(
      (
        await adoptWith(clients, cacheUserFinder, [
          planned('aws_elasticache_user.iam', { user_id: 'healthcare-app-dev' }),
        ])
      ).blocks,
    ).toEqual([{ to: 'aws_elasticache_user.iam', id: 'healthcare-app-dev' }]);
    const group = await adoptWith(clients, cacheUserGroupFinder, [
      planned('aws_elasticache_user_group.g', { user_group_id: 'healthcare-redis-dev' }),
    ]);
    expect(group.blocks).toEqual([
      { to: 'aws_elasticache_user_group.g', id: 'healthcare-redis-dev' },
    ]);
    expect(group.found[0].label).toBe(
      'healthcare-redis-dev (healthcare-dflt-dev, healthcare-app-dev)',
    );
    cache.on(DescribeUsersCommand).resolves({ Users: [{ UserId: 'x', Status: 'deleting' }] });
    cache.on(DescribeUserGroupsCommand).rejects(notFound('UserGroupNotFoundFault'));
    expect(
      (
        await adoptWith(clients, cacheUserFinder, [
          planned('aws_elasticache_user.iam', { user_id: 'x' }),
        ])
      ).found,
    ).toEqual([]);
    expect(
      (
        await adoptWith(clients, cacheUserGroupFinder, [
          planned('aws_elasticache_user_group.g', { user_group_id: 'x' }),
        ])
      ).found,
    ).toEqual([]);
  });
});

describe('parameter groups: by name, or by name_prefix and family', () => {
  test('keys', () => {
    expect(
      groupKey(planned('aws_db_parameter_group.p', { name: 'healthcare-pg-dev-postgres16' })),
    ).toBe('name=healthcare-pg-dev-postgres16');
    expect(
      groupKey(
        planned(
          'aws_db_parameter_group.p',
          { name: null, name_prefix: 'healthcare-pg-dev-', family: 'postgres16' },
          { name: true },
        ),
      ),
    ).toBe('prefix=healthcare-pg-dev-|family=postgres16');
    expect(
      groupKey(
        planned('aws_db_parameter_group.p', { name_prefix: 'p-' }, { name: true, family: true }),
      ),
    ).toBeUndefined();
  });

  test('a named group is adopted by name; groups of other names are not ours', async () => {
    rds.on(DescribeDBParameterGroupsCommand).resolves({
      DBParameterGroups: [
        { DBParameterGroupName: 'default.postgres16', DBParameterGroupFamily: 'postgres16' },
        {
          DBParameterGroupName: 'healthcare-pg-dev-postgres16',
          DBParameterGroupFamily: 'postgres16',
          DBParameterGroupArn: 'arn:pg',
        },
      ],
    });
    const { found, blocks } = await adoptWith(clients, dbParameterGroupFinder, [
      planned('aws_db_parameter_group.p', {
        name: 'healthcare-pg-dev-postgres16',
        family: 'postgres16',
      }),
    ]);
    expect(blocks).toEqual([
      { to: 'aws_db_parameter_group.p', id: 'healthcare-pg-dev-postgres16' },
    ]);
    expect(found).toHaveLength(1);
  });

  test('by prefix: one group of the family is adopted, another family is not a candidate; two are ambiguous', async () => {
    const prefixed = planned(
      'aws_db_parameter_group.p',
      { name_prefix: 'healthcare-pg-dev-', family: 'postgres16' },
      { name: true },
    );
    rds
      .on(DescribeDBParameterGroupsCommand)
      .resolvesOnce({
        DBParameterGroups: [
          {
            DBParameterGroupName: 'healthcare-pg-dev-20261207075426119500000001',
            DBParameterGroupFamily: 'postgres16',
          },
          {
            DBParameterGroupName: 'healthcare-pg-dev-20261201000000000000000001',
            DBParameterGroupFamily: 'postgres15',
          },
        ],
        Marker: 'm',
      })
      .resolvesOnce({ DBParameterGroups: [] });
    expect((await adoptWith(clients, dbParameterGroupFinder, [prefixed])).blocks).toEqual([
      { to: 'aws_db_parameter_group.p', id: 'healthcare-pg-dev-20261207075426119500000001' },
    ]);
    rds.on(DescribeDBParameterGroupsCommand).resolves({
      DBParameterGroups: [
        { DBParameterGroupName: 'healthcare-pg-dev-1', DBParameterGroupFamily: 'postgres16' },
        { DBParameterGroupName: 'healthcare-pg-dev-2', DBParameterGroupFamily: 'postgres16' },
      ],
    });
    const two = await adoptWith(clients, dbParameterGroupFinder, [prefixed]);
    expect(two.found).toHaveLength(2);
    expect(two.blocks).toEqual([]);
  });

  test('aws_elasticache_parameter_group the same way', async () => {
    cache.on(DescribeCacheParameterGroupsCommand).resolves({
      CacheParameterGroups: [
        {
          CacheParameterGroupName: 'healthcare-redis-dev-redis7',
          CacheParameterGroupFamily: 'redis7',
          ARN: 'arn:cpg',
        },
        { CacheParameterGroupName: 'default.redis7', CacheParameterGroupFamily: 'redis7' },
      ],
    });
    const { found, blocks } = await adoptWith(clients, cacheParameterGroupFinder, [
      planned('aws_elasticache_parameter_group.p', {
        name: 'healthcare-redis-dev-redis7',
        family: 'redis7',
      }),
    ]);
    expect(blocks).toEqual([
      { to: 'aws_elasticache_parameter_group.p', id: 'healthcare-redis-dev-redis7' },
    ]);
    expect(found[0].deleteCommand).toBe(
      'aws elasticache delete-cache-parameter-group --region eu-west-1 --cache-parameter-group-name healthcare-redis-dev-redis7',
    );
  });
});

test('a user group that lists no users, and groups without ARNs', async () => {
  cache
    .on(DescribeUserGroupsCommand)
    .resolves({ UserGroups: [{ UserGroupId: 'g', Status: 'active' }] });
  const found = await cacheUserGroupFinder.find(context(clients), [
    planned('aws_elasticache_user_group.g', { user_group_id: 'g' }),
  ]);
  expect(found.map((f) => [f.label, f.ids])).toEqual([['g ()', ['g']]]);
});
