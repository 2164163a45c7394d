import {
  DescribeReplicationGroupsCommand,
  DescribeUserGroupsCommand,
  DescribeUsersCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clientConfig, deployedConfig, describePlatform, list, str } from './support';

describePlatform('data tier', (outputs) => {
  const config = deployedConfig();
  const dataKeyArn = str(outputs, 'kms_key_arn');
  const isolated = list(outputs, 'isolated_subnet_ids');

  describe('PostgreSQL', () => {
    const rds = new RDSClient(clientConfig());
    const instance = async () => {
      const found =
        (
          await rds.send(
            new DescribeDBInstancesCommand({ DBInstanceIdentifier: config.names.database }),
          )
        ).DBInstances ?? [];
      expect(found).toHaveLength(1);
      return found[0];
    };

    it('answers at the output endpoint and port', async () => {
      const db = await instance();
      expect(db.Endpoint?.Address).toBe(str(outputs, 'database_endpoint_address'));
      expect(db.Endpoint?.Port).toBe(outputs.database_port);
    });

    it('encrypts storage with the platform data key (not the AWS managed key)', async () => {
      const db = await instance();
      expect(db.StorageEncrypted).toBe(true);
      expect(db.KmsKeyId).toBe(dataKeyArn);
    });

    it('is not publicly accessible and lives in the isolated subnets only', async () => {
      const db = await instance();
      expect(db.PubliclyAccessible).toBe(false);
      const subnetIds = (db.DBSubnetGroup?.Subnets ?? []).map((s) => s.SubnetIdentifier).sort();
      expect(subnetIds).toEqual([...isolated].sort());
    });

    it('keeps the master password in an RDS-managed secret that exists', async () => {
      const db = await instance();
      const secretArn = str(outputs, 'database_master_secret_arn');
      expect(db.MasterUserSecret?.SecretArn).toBe(secretArn);
      const secrets = new SecretsManagerClient(clientConfig());
      const secret = await secrets.send(new DescribeSecretCommand({ SecretId: secretArn }));
      expect(secret.ARN).toBe(secretArn);
      expect(secret.DeletedDate).toBeUndefined();
    });
  });

  describe('KMS', () => {
    const kms = new KMSClient(clientConfig());
    it.each(['kms_key_arn', 'kms_logs_key_arn'])('rotates the key in %s', async (name) => {
      const rotation = await kms.send(
        new GetKeyRotationStatusCommand({ KeyId: str(outputs, name) }),
      );
      expect(rotation.KeyRotationEnabled).toBe(true);
    });
  });

  describe('Redis', () => {
    const cache = new ElastiCacheClient(clientConfig());
    const group = async () => {
      const found =
        (
          await cache.send(
            new DescribeReplicationGroupsCommand({ ReplicationGroupId: config.names.cache }),
          )
        ).ReplicationGroups ?? [];
      expect(found).toHaveLength(1);
      return found[0];
    };

    it('outputs the primary (write) endpoint the API reports, non-empty', async () => {
      const rg = await group();
      const primary = str(outputs, 'redis_primary_endpoint_address');
      expect(rg.NodeGroups?.[0]?.PrimaryEndpoint?.Address).toBe(primary);
      expect(rg.NodeGroups?.[0]?.PrimaryEndpoint?.Port).toBe(outputs.redis_port);
    });

    it('outputs the reader endpoint the API reports', async () => {
      const rg = await group();
      expect(rg.NodeGroups?.[0]?.ReaderEndpoint?.Address).toBe(
        str(outputs, 'redis_reader_endpoint_address'),
      );
    });

    it('encrypts at rest with the data key and in transit, with RBAC and no AUTH token', async () => {
      const rg = await group();
      expect(rg.AtRestEncryptionEnabled).toBe(true);
      expect(rg.TransitEncryptionEnabled).toBe(true);
      expect(rg.KmsKeyId).toBe(dataKeyArn);
      expect(rg.UserGroupIds).toEqual([config.names.cacheUserGroup]);
      expect(rg.AuthTokenEnabled ?? false).toBe(false);
    });

    it('runs two nodes with automatic failover', async () => {
      const rg = await group();
      expect(rg.MemberClusters).toHaveLength(2);
      expect(rg.AutomaticFailover).toBe('enabled');
      expect(rg.MultiAZ).toBe('enabled');
    });

    it('authenticates the application with IAM; the default user is disabled', async () => {
      const elasticache = new ElastiCacheClient(clientConfig());
      const userId = str(outputs, 'redis_user_id');
      expect(userId).toBe(config.names.cacheUser);
      expect(str(outputs, 'redis_user_name')).toBe(userId);
      const [user] =
        (await elasticache.send(new DescribeUsersCommand({ UserId: userId }))).Users ?? [];
      expect(user.UserName).toBe(userId);
      expect(user.Authentication?.Type).toBe('iam');
      const [userGroup] =
        (
          await elasticache.send(
            new DescribeUserGroupsCommand({ UserGroupId: config.names.cacheUserGroup }),
          )
        ).UserGroups ?? [];
      expect([...(userGroup.UserIds ?? [])].sort()).toEqual(
        [config.names.cacheDefaultUser, userId].sort(),
      );
      const [defaultUser] =
        (
          await elasticache.send(
            new DescribeUsersCommand({ UserId: config.names.cacheDefaultUser }),
          )
        ).Users ?? [];
      expect(defaultUser.UserName).toBe('default');
      expect(defaultUser.AccessString).toMatch(/^off /);
    });
  });
});
