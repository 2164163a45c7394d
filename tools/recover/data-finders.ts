/**
 * The data stores' finders: RDS and ElastiCache resources have account-unique names the
 * stack gives them (identifier, replication group id, group names), so each is looked up by
 * the name the plan gives it. A parameter group named by prefix (name_prefix) matches by
 * prefix and family; two such groups are ambiguous and neither is adopted (a new deploy
 * creates a fresh one anyway). Import formats: website/docs/r/<type>.html.markdown, "Import".
 */
import {
  DescribeCacheParameterGroupsCommand,
  DescribeCacheSubnetGroupsCommand,
  DescribeReplicationGroupsCommand,
  DescribeUserGroupsCommand,
  DescribeUsersCommand,
} from '@aws-sdk/client-elasticache';
import {
  DescribeDBInstancesCommand,
  DescribeDBParameterGroupsCommand,
  DescribeDBSubnetGroupsCommand,
} from '@aws-sdk/client-rds';
import { allPages, byName, cli, Existing, Finder, lookup, present } from './finder';
import { knownString, knownStrings, PlannedCreate } from './plan-facts';

/** `name=<name>` or, for a name_prefix, `prefix=<prefix>|family=<family>`. */
export function groupKey(c: PlannedCreate): string | undefined {
  const name = knownString(c, 'name');
  if (name) return `name=${name}`;
  const prefix = knownString(c, 'name_prefix');
  const family = knownString(c, 'family');
  return prefix && family ? `prefix=${prefix}|family=${family}` : undefined;
}

/** The key a parameter group has for the planned creates, if one of them names or prefixes it. */
export function groupKeyFor(
  name: string,
  family: string | undefined,
  creates: readonly PlannedCreate[],
): string | undefined {
  for (const c of creates) {
    if (knownString(c, 'name') === name) return `name=${name}`;
  }
  for (const c of creates) {
    const prefix = knownString(c, 'name_prefix');
    if (prefix && name.startsWith(prefix) && knownString(c, 'family') === family) {
      return `prefix=${prefix}|family=${family}`;
    }
  }
  return undefined;
}

const rds = (region: string, command: string, args: string) => cli(region, 'rds', command, args);
const cache = (region: string, command: string, args: string) =>
  cli(region, 'elasticache', command, args);

export const dbInstanceFinder = byName(
  'aws_db_instance',
  'DB identifier',
  'identifier',
  async (ctx, id) => {
    const r = await lookup(
      () => ctx.clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })),
      'DBInstanceNotFound',
      'DBInstanceNotFoundFault',
    );
    const db = r?.DBInstances?.[0];
    if (!db || db.DBInstanceStatus === 'deleting') return undefined;
    return {
      importId: id,
      ids: present(id, db.DbiResourceId, db.DBInstanceArn),
      label: `${id} (${db.DBInstanceStatus}, ${db.Engine} ${db.EngineVersion})`,
      deleteCommand: rds(
        ctx.region,
        'delete-db-instance',
        `--db-instance-identifier ${id} --final-db-snapshot-identifier ${id}-orphan-final`,
      ),
    };
  },
);

/**
 * A subnet group: its name, and its subnets once the plan knows them. A group of that name
 * whose subnets are others (those of an abandoned network) is not adopted: it is listed for
 * deletion, so the next deploy creates it in the planned subnets.
 */
export function subnetGroupKey(c: PlannedCreate): string | undefined {
  const name = knownString(c, 'name');
  const subnets = knownStrings(c, 'subnet_ids');
  return name && subnets ? `${name}|${subnets.join(',')}` : undefined;
}

const groupSubnets = (subnets: readonly { SubnetIdentifier?: string }[] | undefined) =>
  present(...(subnets ?? []).map((s) => s.SubnetIdentifier))
    .sort()
    .join(',');

export const dbSubnetGroupFinder: Finder = {
  type: 'aws_db_subnet_group',
  importFormat: 'DB subnet group name',
  listing: 'names',
  plannedKey: subnetGroupKey,
  async find(ctx, creates) {
    const found: Existing[] = [];
    for (const name of new Set(creates.map((c) => knownString(c, 'name')!))) {
      const r = await lookup(
        () => ctx.clients.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name })),
        'DBSubnetGroupNotFoundFault',
      );
      const g = r?.DBSubnetGroups?.[0];
      if (!g) continue;
      found.push({
        type: 'aws_db_subnet_group',
        region: ctx.region,
        importId: name,
        key: `${name}|${groupSubnets(g.Subnets)}`,
        ids: present(name, g.DBSubnetGroupArn),
        label: `${name} (${g.VpcId})`,
        deleteCommand: rds(ctx.region, 'delete-db-subnet-group', `--db-subnet-group-name ${name}`),
      });
    }
    return found;
  },
};

export const dbParameterGroupFinder: Finder = {
  type: 'aws_db_parameter_group',
  importFormat: 'DB parameter group name',
  listing: 'names',
  plannedKey: groupKey,
  async find(ctx, creates) {
    const groups = await allPages(async (Marker) => {
      const r = await ctx.clients.rds.send(new DescribeDBParameterGroupsCommand({ Marker }));
      return { items: r.DBParameterGroups, next: r.Marker };
    });
    return groups.flatMap((g) => {
      const key = groupKeyFor(g.DBParameterGroupName!, g.DBParameterGroupFamily, creates);
      if (!key) return [];
      const name = g.DBParameterGroupName!;
      return [
        {
          type: 'aws_db_parameter_group',
          region: ctx.region,
          importId: name,
          key,
          ids: present(name, g.DBParameterGroupArn),
          label: `${name} (${g.DBParameterGroupFamily})`,
          deleteCommand: rds(
            ctx.region,
            'delete-db-parameter-group',
            `--db-parameter-group-name ${name}`,
          ),
        },
      ];
    });
  },
};

export const replicationGroupFinder = byName(
  'aws_elasticache_replication_group',
  'replication group id',
  'replication_group_id',
  async (ctx, id) => {
    const r = await lookup(
      () =>
        ctx.clients.elasticache.send(
          new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }),
        ),
      'ReplicationGroupNotFoundFault',
    );
    const g = r?.ReplicationGroups?.[0];
    if (!g || g.Status === 'deleting') return undefined;
    return {
      importId: id,
      ids: present(id, g.ARN),
      label: `${id} (${g.Status})`,
      deleteCommand: cache(
        ctx.region,
        'delete-replication-group',
        `--replication-group-id ${id} --final-snapshot-identifier ${id}-orphan-final`,
      ),
    };
  },
);

export const cacheSubnetGroupFinder: Finder = {
  type: 'aws_elasticache_subnet_group',
  importFormat: 'cache subnet group name',
  listing: 'names',
  plannedKey: subnetGroupKey,
  async find(ctx, creates) {
    const found: Existing[] = [];
    for (const name of new Set(creates.map((c) => knownString(c, 'name')!))) {
      const r = await lookup(
        () =>
          ctx.clients.elasticache.send(
            new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: name }),
          ),
        'CacheSubnetGroupNotFoundFault',
      );
      const g = r?.CacheSubnetGroups?.[0];
      if (!g) continue;
      found.push({
        type: 'aws_elasticache_subnet_group',
        region: ctx.region,
        importId: name,
        key: `${name}|${groupSubnets(g.Subnets)}`,
        ids: present(name, g.ARN),
        label: `${name} (${g.VpcId})`,
        deleteCommand: cache(
          ctx.region,
          'delete-cache-subnet-group',
          `--cache-subnet-group-name ${name}`,
        ),
      });
    }
    return found;
  },
};

export const cacheParameterGroupFinder: Finder = {
  type: 'aws_elasticache_parameter_group',
  importFormat: 'cache parameter group name',
  listing: 'names',
  plannedKey: groupKey,
  async find(ctx, creates) {
    const groups = await allPages(async (Marker) => {
      const r = await ctx.clients.elasticache.send(
        new DescribeCacheParameterGroupsCommand({ Marker }),
      );
      return { items: r.CacheParameterGroups, next: r.Marker };
    });
    return groups.flatMap((g) => {
      const name = g.CacheParameterGroupName!;
      const key = groupKeyFor(name, g.CacheParameterGroupFamily, creates);
      if (!key) return [];
      return [
        {
          type: 'aws_elasticache_parameter_group',
          region: ctx.region,
          importId: name,
          key,
          ids: present(name, g.ARN),
          label: `${name} (${g.CacheParameterGroupFamily})`,
          deleteCommand: cache(
            ctx.region,
            'delete-cache-parameter-group',
            `--cache-parameter-group-name ${name}`,
          ),
        },
      ];
    });
  },
};

export const cacheUserFinder = byName(
  'aws_elasticache_user',
  'user id',
  'user_id',
  async (ctx, id) => {
    const r = await lookup(
      () => ctx.clients.elasticache.send(new DescribeUsersCommand({ UserId: id })),
      'UserNotFoundFault',
      'UserNotFound',
    );
    const u = r?.Users?.[0];
    if (!u || u.Status === 'deleting') return undefined;
    return {
      importId: id,
      ids: present(id, u.ARN),
      label: `${id} (user name ${u.UserName})`,
      deleteCommand: cache(ctx.region, 'delete-user', `--user-id ${id}`),
    };
  },
);

export const cacheUserGroupFinder = byName(
  'aws_elasticache_user_group',
  'user group id',
  'user_group_id',
  async (ctx, id) => {
    const r = await lookup(
      () => ctx.clients.elasticache.send(new DescribeUserGroupsCommand({ UserGroupId: id })),
      'UserGroupNotFoundFault',
      'UserGroupNotFound',
    );
    const g = r?.UserGroups?.[0];
    if (!g || g.Status === 'deleting') return undefined;
    return {
      importId: id,
      ids: present(id, g.ARN),
      label: `${id} (${(g.UserIds ?? []).join(', ')})`,
      deleteCommand: cache(ctx.region, 'delete-user-group', `--user-group-id ${id}`),
    };
  },
);

export const DATA_FINDERS: readonly Finder[] = [
  dbInstanceFinder,
  dbSubnetGroupFinder,
  dbParameterGroupFinder,
  replicationGroupFinder,
  cacheSubnetGroupFinder,
  cacheParameterGroupFinder,
  cacheUserFinder,
  cacheUserGroupFinder,
];
