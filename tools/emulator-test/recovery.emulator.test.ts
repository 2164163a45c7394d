/**
 * Gap closures found by `npm run recover` (tools/emulator/moto_recovery_gaps.py, gaps 28-32):
 * after a killed apply, orphaned resources are imported and then updated, which calls the
 * Modify* APIs a fresh deploy never calls. Each answers as AWS does and refuses what the AWS
 * page says AWS refuses; docs/e2e.md cites the page of each.
 */
import {
  AssociateRouteTableCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DescribeRouteTablesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  CreateCacheSubnetGroupCommand,
  CreateReplicationGroupCommand,
  CreateUserCommand,
  CreateUserGroupCommand,
  DeleteCacheSubnetGroupCommand,
  DeleteReplicationGroupCommand,
  DeleteUserCommand,
  DescribeCacheSubnetGroupsCommand,
  DescribeUserGroupsCommand,
  DescribeUsersCommand,
  ElastiCacheClient,
  ModifyCacheSubnetGroupCommand,
  ModifyUserCommand,
  type User,
} from '@aws-sdk/client-elasticache';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { refusal, tooling, unique } from './emulator-clients';

const cache = new ElastiCacheClient(tooling());
const ec2 = new EC2Client(tooling());

async function iamUser(prefix: string, accessString = 'on ~app:* +@read'): Promise<string> {
  const id = unique(prefix);
  await cache.send(
    new CreateUserCommand({
      UserId: id,
      UserName: id,
      Engine: 'redis',
      AccessString: accessString,
      NoPasswordRequired: false,
      AuthenticationMode: { Type: 'iam' },
    }),
  );
  return id;
}

async function defaultUser(): Promise<string> {
  const id = unique('default-user');
  await cache.send(
    new CreateUserCommand({
      UserId: id,
      UserName: 'default',
      Engine: 'redis',
      AccessString: 'off -@all',
      NoPasswordRequired: true,
    }),
  );
  return id;
}

async function describeUser(id: string): Promise<User> {
  const users = (await cache.send(new DescribeUsersCommand({ UserId: id }))).Users ?? [];
  expect(users).toHaveLength(1);
  return users[0];
}

/** A finished ModifyUser: the answer and the first read say modifying, the second read active. */
async function settled(id: string): Promise<User> {
  expect((await describeUser(id)).Status).toBe('modifying');
  const user = await describeUser(id);
  expect(user.Status).toBe('active');
  return user;
}

async function network(zones: readonly string[]): Promise<{ vpc: string; subnets: string[] }> {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' }))).Vpc?.VpcId;
  if (!vpc) throw new Error('CreateVpc returned no id');
  const subnets: string[] = [];
  for (const [i, zone] of zones.entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpc,
        CidrBlock: `10.77.${i + 1}.0/24`,
        AvailabilityZone: zone,
      }),
    );
    subnets.push(subnet.Subnet?.SubnetId ?? '');
  }
  return { vpc, subnets };
}

describe('gap 28 ElastiCache ModifyUser', () => {
  it('changes the access string: the answer and the first read say modifying, the next read active', async () => {
    const id = await iamUser('modify-access');
    const answer = await cache.send(
      new ModifyUserCommand({ UserId: id, AccessString: 'on ~app:* +@read +@write' }),
    );
    expect(answer).toMatchObject({
      UserId: id,
      UserName: id,
      Status: 'modifying',
      AccessString: 'on ~app:* +@read +@write',
      Authentication: { Type: 'iam' },
      Engine: 'redis',
    });
    const user = await settled(id);
    expect(user.AccessString).toBe('on ~app:* +@read +@write');
  });

  it("appends to the access string and leaves an iam user's mode alone on NoPasswordRequired=false", async () => {
    const id = await iamUser('modify-append', 'on ~app:*');
    await cache.send(
      new ModifyUserCommand({
        UserId: id,
        AppendAccessString: '+@read',
        NoPasswordRequired: false,
      }),
    );
    const user = await settled(id);
    expect(user.AccessString).toBe('on ~app:* +@read');
    expect(user.Authentication).toEqual({ Type: 'iam' });
  });

  it('moves an iam user to two passwords (16 and 128 characters), then to no password', async () => {
    const id = await iamUser('modify-mode');
    await cache.send(
      new ModifyUserCommand({
        UserId: id,
        AuthenticationMode: { Type: 'password', Passwords: ['p'.repeat(16), 'q'.repeat(128)] },
      }),
    );
    expect((await settled(id)).Authentication).toEqual({ Type: 'password', PasswordCount: 2 });
    await cache.send(new ModifyUserCommand({ UserId: id, NoPasswordRequired: true }));
    expect((await settled(id)).Authentication).toEqual({ Type: 'no-password' });
  });

  it('refuses a user that does not exist with UserNotFound (404)', async () => {
    const missing = unique('no-user');
    expect(
      await refusal(cache.send(new ModifyUserCommand({ UserId: missing, AccessString: 'on' }))),
    ).toEqual({ code: 'UserNotFound', message: `User ${missing} not found.`, status: 404 });
  });

  it('refuses a second change while the first is under way with InvalidUserState', async () => {
    const id = await iamUser('modify-twice');
    await cache.send(new ModifyUserCommand({ UserId: id, AccessString: 'on ~a:* +@read' }));
    expect(
      await refusal(cache.send(new ModifyUserCommand({ UserId: id, AccessString: 'on ~b:*' }))),
    ).toEqual({
      code: 'InvalidUserState',
      message: `User ${id} is not in active state (it is modifying).`,
      status: 400,
    });
    expect((await settled(id)).AccessString).toBe('on ~a:* +@read');
  });

  it.each([
    [
      'passwords with NoPasswordRequired',
      { Passwords: ['p'.repeat(20)], NoPasswordRequired: true },
      'No password required flag is true but passwords are provided',
    ],
    [
      'passwords with the iam mode',
      { Passwords: ['p'.repeat(20)], AuthenticationMode: { Type: 'iam' as const } },
      'Password field is not allowed with authentication type: iam',
    ],
    [
      'the password mode without a password',
      { AuthenticationMode: { Type: 'password' as const } },
      'A user with Authentication Mode: password, must have at least one password',
    ],
  ])('refuses %s with InvalidParameterCombination', async (_, change, message) => {
    const id = await iamUser('modify-combination');
    expect(await refusal(cache.send(new ModifyUserCommand({ UserId: id, ...change })))).toEqual({
      code: 'InvalidParameterCombination',
      message,
      status: 400,
    });
    expect((await describeUser(id)).Status).toBe('active');
  });

  it('refuses a 15-character password and a password user left without one (InvalidParameterValue)', async () => {
    const id = await iamUser('modify-value');
    expect(
      await refusal(cache.send(new ModifyUserCommand({ UserId: id, Passwords: ['p'.repeat(15)] }))),
    ).toEqual({
      code: 'InvalidParameterValue',
      message: 'Passwords length must be between 16-128 characters.',
      status: 400,
    });
    const open = await defaultUser();
    const r = await refusal(
      cache.send(new ModifyUserCommand({ UserId: open, NoPasswordRequired: false })),
    );
    expect([r.code, r.status]).toEqual(['InvalidParameterValue', 400]);
    expect(r.message).toBe(
      'No password was provided. If you want to create/update the user without password, please use the NoPasswordRequired flag.',
    );
  });
});

describe('gap 29 ElastiCache users and their user groups agree', () => {
  it('answers UserGroupIds; DeleteUser takes the user out of its group, not the default user', async () => {
    const def = await defaultUser();
    const member = await iamUser('member');
    const group = unique('ug');
    await cache.send(
      new CreateUserGroupCommand({ UserGroupId: group, Engine: 'redis', UserIds: [def, member] }),
    );
    expect((await describeUser(member)).UserGroupIds).toEqual([group]);

    expect(await refusal(cache.send(new DeleteUserCommand({ UserId: def })))).toEqual({
      code: 'DefaultUserAssociatedToUserGroup',
      message: `User ${def} is the default user of user group(s) ${group}; a user group needs its default user.`,
      status: 400,
    });

    const deleted = await cache.send(new DeleteUserCommand({ UserId: member }));
    expect([deleted.Status, deleted.UserGroupIds]).toEqual(['deleting', []]);
    const after = await cache.send(new DescribeUserGroupsCommand({ UserGroupId: group }));
    expect(after.UserGroups?.[0]?.UserIds).toEqual([def]);
    expect((await describeUser(def)).UserGroupIds).toEqual([group]);
  });
});

describe('gap 30 ElastiCache ModifyCacheSubnetGroup', () => {
  it('changes the description and the subnets, answering each subnet with its zone', async () => {
    const { vpc, subnets } = await network(['eu-west-1a', 'eu-west-1b']);
    const name = unique('subnets');
    await cache.send(
      new CreateCacheSubnetGroupCommand({
        CacheSubnetGroupName: name,
        CacheSubnetGroupDescription: 'one zone',
        SubnetIds: [subnets[0]],
      }),
    );
    const answer = await cache.send(
      new ModifyCacheSubnetGroupCommand({
        CacheSubnetGroupName: name,
        CacheSubnetGroupDescription: 'two zones',
        SubnetIds: subnets,
      }),
    );
    const expected = {
      CacheSubnetGroupName: name,
      CacheSubnetGroupDescription: 'two zones',
      VpcId: vpc,
      Subnets: [
        { SubnetIdentifier: subnets[0], SubnetAvailabilityZone: { Name: 'eu-west-1a' } },
        { SubnetIdentifier: subnets[1], SubnetAvailabilityZone: { Name: 'eu-west-1b' } },
      ],
    };
    expect(answer.CacheSubnetGroup).toMatchObject(expected);
    const read = await cache.send(
      new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: name }),
    );
    expect(read.CacheSubnetGroups?.[0]).toMatchObject(expected);
  });

  it('refuses a missing group (CacheSubnetGroupNotFoundFault), a missing subnet and two VPCs (InvalidSubnet)', async () => {
    const missing = unique('no-group');
    const first = await network(['eu-west-1a']);
    const second = await network(['eu-west-1a']);
    expect(
      await refusal(
        cache.send(
          new ModifyCacheSubnetGroupCommand({
            CacheSubnetGroupName: missing,
            SubnetIds: first.subnets,
          }),
        ),
      ),
    ).toEqual({
      code: 'CacheSubnetGroupNotFoundFault',
      message: `CacheSubnetGroup ${missing} not found.`,
      status: 400,
    });
    const name = unique('subnets');
    await cache.send(
      new CreateCacheSubnetGroupCommand({
        CacheSubnetGroupName: name,
        CacheSubnetGroupDescription: 'd',
        SubnetIds: first.subnets,
      }),
    );
    expect(
      await refusal(
        cache.send(
          new ModifyCacheSubnetGroupCommand({
            CacheSubnetGroupName: name,
            SubnetIds: ['subnet-0000000000000000f'],
          }),
        ),
      ),
    ).toEqual({
      code: 'InvalidSubnet',
      message: 'Subnet subnet-0000000000000000f does not exist.',
      status: 400,
    });
    const twoVpcs = await refusal(
      cache.send(
        new ModifyCacheSubnetGroupCommand({
          CacheSubnetGroupName: name,
          SubnetIds: [...first.subnets, ...second.subnets],
        }),
      ),
    );
    expect([twoVpcs.code, twoVpcs.status]).toEqual(['InvalidSubnet', 400]);
    expect(twoVpcs.message).toBe(
      `The subnets are in more than one VPC: ${[first.vpc, second.vpc].sort().join(', ')}.`,
    );
  });

  it("refuses to drop the zone of a cache's node (SubnetInUse) and to delete a group in use", async () => {
    const { subnets } = await network(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    const name = unique('subnets');
    await cache.send(
      new CreateCacheSubnetGroupCommand({
        CacheSubnetGroupName: name,
        CacheSubnetGroupDescription: 'd',
        SubnetIds: subnets.slice(0, 2),
      }),
    );
    const group = unique('rg');
    await cache.send(
      new CreateReplicationGroupCommand({
        ReplicationGroupId: group,
        ReplicationGroupDescription: 'two nodes',
        Engine: 'redis',
        CacheNodeType: 'cache.t4g.micro',
        NumCacheClusters: 2,
        CacheSubnetGroupName: name,
      }),
    );
    const dropB = await refusal(
      cache.send(
        new ModifyCacheSubnetGroupCommand({
          CacheSubnetGroupName: name,
          SubnetIds: [subnets[0], subnets[2]],
        }),
      ),
    );
    expect(dropB).toEqual({
      code: 'SubnetInUse',
      message: 'A cache node of this subnet group is in eu-west-1b; keep a subnet there.',
      status: 400,
    });
    const added = await cache.send(
      new ModifyCacheSubnetGroupCommand({ CacheSubnetGroupName: name, SubnetIds: subnets }),
    );
    expect(added.CacheSubnetGroup?.Subnets?.map((s) => s.SubnetIdentifier)).toEqual(subnets);
    expect(
      await refusal(cache.send(new DeleteCacheSubnetGroupCommand({ CacheSubnetGroupName: name }))),
    ).toEqual({
      code: 'CacheSubnetGroupInUse',
      message: `Cache subnet group ${name} is currently in use by ${group}-001, ${group}-002.`,
      status: 400,
    });
    await cache.send(new DeleteReplicationGroupCommand({ ReplicationGroupId: group }));
    await cache.send(new DeleteCacheSubnetGroupCommand({ CacheSubnetGroupName: name }));
    const gone = await refusal(
      cache.send(new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: name })),
    );
    expect(gone.code).toBe('CacheSubnetGroupNotFoundFault');
  });
});

describe('gap 31 EC2 DeleteSubnet takes its route table association with it', () => {
  it('leaves no association of the deleted subnet, so the route table can be deleted', async () => {
    const { vpc, subnets } = await network(['eu-west-1a', 'eu-west-1b']);
    const table = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpc }))).RouteTable
      ?.RouteTableId;
    for (const subnet of subnets) {
      await ec2.send(new AssociateRouteTableCommand({ RouteTableId: table, SubnetId: subnet }));
    }
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnets[0] }));
    const read = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [table ?? ''] }));
    expect(read.RouteTables?.[0]?.Associations?.map((a) => a.SubnetId)).toEqual([subnets[1]]);

    // Still refused while a live subnet is associated, as AWS refuses it.
    const r = await refusal(ec2.send(new DeleteRouteTableCommand({ RouteTableId: table })));
    expect([r.code, r.status]).toEqual(['DependencyViolation', 400]);

    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnets[1] }));
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: table }));
    const gone = await refusal(
      ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [table ?? ''] })),
    );
    expect(gone.code).toBe('InvalidRouteTableID.NotFound');
  });
});

describe('gap 32 RDS ModifyDBInstance keeps the managed master user secret', () => {
  const rds = new RDSClient(tooling());
  const kms = new KMSClient(tooling());

  it('keeps the secret (new key only) of an instance that manages it; refuses a password with it', async () => {
    const id = unique('db');
    const created = await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        Engine: 'postgres',
        EngineVersion: '16',
        DBInstanceClass: 'db.t4g.micro',
        AllocatedStorage: 20,
        MasterUsername: 'app_admin',
        ManageMasterUserPassword: true,
      }),
    );
    const secret = created.DBInstance?.MasterUserSecret?.SecretArn;
    expect(secret).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-/);

    const r = await refusal(
      rds.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: id,
          ManageMasterUserPassword: true,
          MasterUserPassword: 'a-password-of-20-ch',
          ApplyImmediately: true,
        }),
      ),
    );
    expect(r).toEqual({
      code: 'InvalidParameterCombination',
      message:
        "Can't manage the master user password with AWS Secrets Manager if MasterUserPassword is specified.",
      status: 400,
    });

    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.Arn;
    const modified = await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: id,
        ManageMasterUserPassword: true,
        MasterUserSecretKmsKeyId: key,
        ApplyImmediately: true,
      }),
    );
    expect(modified.DBInstance?.MasterUserSecret).toMatchObject({
      SecretArn: secret,
      KmsKeyId: key,
    });
    await rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true }),
    );
  });
});
