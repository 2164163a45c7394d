import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Lazy, TerraformOutput, Testing, Token } from 'cdktf';
import { Database, DatabaseProps } from '../../constructs/database/database';
import type { EncryptionKey } from '../../constructs/encryption/encryption-key';
import type { Network } from '../../constructs/network/network';

const DATA_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/data';
const LOGS_KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/logs';
const fakeKey = (keyArn: string, keyId: string) =>
  ({
    keyArn,
    keyId,
    aliasName: `alias/${keyId}`,
    accountId: '111122223333',
    partition: 'aws',
    region: 'eu-west-1',
  }) as unknown as EncryptionKey;
const FINAL_SNAPSHOT = 'healthcare-db-test-final-${formatdate("YYYYMMDDhhmmss", plantimestamp())}';
const network = {
  vpcId: 'vpc-123',
  vpcCidr: '10.40.0.0/16',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  publicSubnetIds: ['subnet-pa', 'subnet-pb'],
  privateSubnetIds: ['subnet-ra', 'subnet-rb'],
  isolatedSubnetIds: ['subnet-a', 'subnet-b'],
  natGatewayIds: [],
  applicationSecurityGroupId: 'sg-app',
  flowLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:flow',
} as unknown as Network;

const baseProps: DatabaseProps = {
  identifier: 'healthcare-db-test',
  parameterGroupName: 'healthcare-pg-test',
  subnetGroupName: 'healthcare-db-test',
  monitoringRoleName: 'healthcare-rds-monitoring-test',
  network,
  dataKey: fakeKey(DATA_KEY_ARN, 'data'),
  logsKey: fakeKey(LOGS_KEY_ARN, 'logs'),
  logRetentionDays: 30,
};

type Block = Record<string, Record<string, Record<string, unknown>>>;
interface Synthesized {
  readonly output: Record<string, { value: string }>;
  readonly resource: Block;
}

function synth(props: Partial<DatabaseProps> = {}): { json: string; parsed: Synthesized } {
  const json = Testing.synthScope((scope) => {
    const db = new Database(scope, 'database', { ...baseProps, ...props });
    new TerraformOutput(scope, 'identifier', { value: db.instanceIdentifier });
    new TerraformOutput(scope, 'arn', { value: db.instanceArn });
    new TerraformOutput(scope, 'address', { value: db.endpointAddress });
    new TerraformOutput(scope, 'port', { value: db.port });
    new TerraformOutput(scope, 'secret', { value: db.masterUserSecretArn });
    new TerraformOutput(scope, 'sg', { value: db.securityGroupId });
  });
  return { json, parsed: JSON.parse(json) as Synthesized };
}

const only = (block: Block, type: string): Record<string, unknown> => {
  const all = Object.values(block[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
};

describe('Database', () => {
  test('minimal props: encrypted, private, managed password, monitored, protected', () => {
    // Given / When
    const { json, parsed } = synth();

    // Then
    expect(json).toHaveResourceWithProperties(DbInstance, {
      identifier: 'healthcare-db-test',
      engine: 'postgres',
      engine_version: '16',
      auto_minor_version_upgrade: true,
      instance_class: 'db.t4g.medium',
      port: 5432,
      publicly_accessible: false,
      multi_az: false,
      storage_type: 'gp3',
      allocated_storage: 20,
      max_allocated_storage: 100,
      storage_encrypted: true,
      kms_key_id: DATA_KEY_ARN,
      username: 'healthcare_admin',
      manage_master_user_password: true,
      master_user_secret_kms_key_id: DATA_KEY_ARN,
      iam_database_authentication_enabled: true,
      ca_cert_identifier: 'rds-ca-rsa2048-g1',
      backup_retention_period: 7,
      backup_window: '03:00-04:00',
      maintenance_window: 'sun:04:30-sun:05:30',
      copy_tags_to_snapshot: true,
      delete_automated_backups: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: FINAL_SNAPSHOT,
      performance_insights_enabled: true,
      performance_insights_kms_key_id: DATA_KEY_ARN,
      performance_insights_retention_period: 7,
      monitoring_interval: 60,
      enabled_cloudwatch_logs_exports: ['postgresql', 'upgrade'],
      // A major version change is an in-place upgrade, never a replacement.
      allow_major_version_upgrade: true,
      apply_immediately: false,
      lifecycle: { prevent_destroy: false, ignore_changes: ['final_snapshot_identifier'] },
    });
    const db = only(parsed.resource, 'aws_db_instance');
    expect(db).not.toHaveProperty('password');
    expect(db).not.toHaveProperty('password_wo');
    expect(db.engine_version).toMatch(/^\d+$/);
    expect(db.db_subnet_group_name).toMatch(
      /^\$\{aws_db_subnet_group\.database_subnet-group_\w+\.name\}$/,
    );
    expect(db.parameter_group_name).toMatch(
      /^\$\{aws_db_parameter_group\.database_parameter-group_\w+\.name\}$/,
    );
    expect(db.vpc_security_group_ids).toEqual([
      expect.stringMatching(/^\$\{aws_security_group\.database_security-group_\w+\.id\}$/),
    ]);
    expect(db.monitoring_role_arn).toMatch(
      /^\$\{aws_iam_role\.database_monitoring-role_\w+\.arn\}$/,
    );
    // Created after its encrypted log groups and the monitoring policy.
    expect(db.depends_on).toEqual([
      expect.stringMatching(/^aws_cloudwatch_log_group\.database_log-group-postgresql_\w+$/),
      expect.stringMatching(/^aws_cloudwatch_log_group\.database_log-group-upgrade_\w+$/),
      expect.stringMatching(/^aws_iam_role_policy_attachment\.database_monitoring-policy_\w+$/),
    ]);

    expect(json).toHaveResourceWithProperties(DbParameterGroup, {
      name_prefix: 'healthcare-pg-test-postgres16-',
      family: 'postgres16',
      lifecycle: { create_before_destroy: true },
      parameter: [
        { name: 'rds.force_ssl', value: '1', apply_method: 'immediate' },
        { name: 'log_min_duration_statement', value: '1000', apply_method: 'immediate' },
        { name: 'log_connections', value: '1', apply_method: 'immediate' },
        { name: 'log_disconnections', value: '1', apply_method: 'immediate' },
        { name: 'log_statement', value: 'none', apply_method: 'immediate' },
        { name: 'log_parameter_max_length', value: '0', apply_method: 'immediate' },
        { name: 'log_parameter_max_length_on_error', value: '0', apply_method: 'immediate' },
        { name: 'log_error_verbosity', value: 'terse', apply_method: 'immediate' },
        {
          name: 'shared_preload_libraries',
          value: 'pg_stat_statements,pgaudit',
          apply_method: 'pending-reboot',
        },
        { name: 'pgaudit.log', value: 'ddl,role', apply_method: 'immediate' },
        { name: 'pgaudit.log_parameter', value: '0', apply_method: 'immediate' },
        { name: 'pgaudit.log_catalog', value: '0', apply_method: 'immediate' },
        { name: 'pgaudit.role', value: 'rds_pgaudit', apply_method: 'immediate' },
      ],
    });
    expect(json).toHaveResourceWithProperties(DbSubnetGroup, {
      name: 'healthcare-db-test',
      subnet_ids: ['subnet-a', 'subnet-b'],
    });
  });

  test('network: own security group, 5432 only from the application SG, no egress', () => {
    const { json, parsed } = synth();

    expect(json).toHaveResourceWithProperties(SecurityGroup, {
      name: 'healthcare-db-test',
      vpc_id: 'vpc-123',
    });
    const sg = only(parsed.resource, 'aws_security_group');
    expect(sg).not.toHaveProperty('ingress');
    expect(sg).not.toHaveProperty('egress');
    expect(parsed.resource.aws_vpc_security_group_egress_rule).toBeUndefined();

    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      ip_protocol: 'tcp',
      from_port: 5432,
      to_port: 5432,
      referenced_security_group_id: 'sg-app',
    });
    const rule = only(parsed.resource, 'aws_vpc_security_group_ingress_rule');
    expect(rule.security_group_id).toMatch(
      /^\$\{aws_security_group\.database_security-group_\w+\.id\}$/,
    );
    expect(rule).not.toHaveProperty('cidr_ipv4');
    expect(json).not.toContain('0.0.0.0/0');
  });

  test('log groups are pre-created, KMS-encrypted with the logs key and expire', () => {
    const { json, parsed } = synth();

    for (const log of ['postgresql', 'upgrade']) {
      expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: `/aws/rds/instance/healthcare-db-test/${log}`,
        kms_key_id: LOGS_KEY_ARN,
        retention_in_days: 30,
      });
    }
    const groups = Object.values(parsed.resource.aws_cloudwatch_log_group);
    expect(groups).toHaveLength(2);
    groups.forEach((g) => expect(g.kms_key_id).toBe(LOGS_KEY_ARN));
  });

  test('enhanced monitoring role is assumable only by RDS monitoring for this instance and account', () => {
    const { json, parsed } = synth();

    expect(json).toHaveResourceWithProperties(IamRole, { name: 'healthcare-rds-monitoring-test' });
    const role = only(parsed.resource, 'aws_iam_role');
    expect(JSON.parse(role.assume_role_policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'monitoring.rds.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '111122223333' },
            ArnLike: {
              'aws:SourceArn': 'arn:aws:rds:eu-west-1:111122223333:db:healthcare-db-test',
            },
          },
        },
      ],
    });
    expect(json).toHaveResourceWithProperties(IamRolePolicyAttachment, {
      policy_arn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
    });
  });

  test('exposes the instance attributes, the managed secret ARN and the port', () => {
    const { parsed } = synth();
    const ref = (attr: string) =>
      new RegExp(`^\\$\\{aws_db_instance\\.database_instance_\\w+\\.${attr}\\}$`);

    expect(parsed.output.identifier.value).toMatch(ref('identifier'));
    expect(parsed.output.arn.value).toMatch(ref('arn'));
    expect(parsed.output.address.value).toMatch(ref('address'));
    expect(parsed.output.secret.value).toMatch(ref('master_user_secret\\[0\\]\\.secret_arn'));
    expect(parsed.output.port.value).toBe(5432);
    expect(parsed.output.sg.value).toMatch(
      /^\$\{aws_security_group\.database_security-group_\w+\.id\}$/,
    );
  });

  test('full props: every setting reaches the resources', () => {
    const { json } = synth({
      engineMajorVersion: '17',
      instanceClass: 'db.r7g.large',
      allocatedStorageGiB: 100,
      maxAllocatedStorageGiB: 1000,
      backupRetentionDays: 35,
      multiAz: true,
      deletionProtection: false,
      skipFinalSnapshot: true,
      monitoringIntervalSeconds: 15,
      performanceInsightsRetentionDays: 731,
      preventDestroy: true,
      securityGroupName: 'healthcare-postgres-test',
      masterUsername: 'platform_admin',
      auditLog: 'ddl,role,read,write,-misc',
      applyImmediately: true,
      retainAutomatedBackups: true,
    });

    expect(json).toHaveResourceWithProperties(DbInstance, {
      engine_version: '17',
      instance_class: 'db.r7g.large',
      allocated_storage: 100,
      max_allocated_storage: 1000,
      backup_retention_period: 35,
      multi_az: true,
      deletion_protection: false,
      skip_final_snapshot: true,
      final_snapshot_identifier: FINAL_SNAPSHOT,
      monitoring_interval: 15,
      performance_insights_retention_period: 731,
      username: 'platform_admin',
      apply_immediately: true,
      delete_automated_backups: false,
      lifecycle: { prevent_destroy: true, ignore_changes: ['final_snapshot_identifier'] },
    });
    expect(json).toHaveResourceWithProperties(DbParameterGroup, {
      name_prefix: 'healthcare-pg-test-postgres17-',
      family: 'postgres17',
    });
    expect(json).toContain('"value": "ddl,role,read,write,-misc"');
    expect(json).toHaveResourceWithProperties(SecurityGroup, { name: 'healthcare-postgres-test' });
  });

  describe('parameter group replacement (create before destroy) never collides', () => {
    const group = (props: Partial<DatabaseProps>) =>
      only(synth(props).parsed.resource, 'aws_db_parameter_group');

    test('the name is a prefix: Terraform appends a unique suffix to every new group', () => {
      const pg = group({});
      expect(pg.name_prefix).toBe('healthcare-pg-test-postgres16-');
      expect(pg).not.toHaveProperty('name');
      expect(pg.lifecycle).toEqual({ create_before_destroy: true });
    });

    test('two descriptions (identifier changes) give two groups, both with unique generated names', () => {
      const a = group({ identifier: 'healthcare-db-a' });
      const b = group({ identifier: 'healthcare-db-b' });
      expect(a.description).not.toBe(b.description);
      // Neither sets a fixed name: the replacement's name cannot be the old group's.
      expect([a.name, b.name]).toEqual([undefined, undefined]);
      expect([a.name_prefix, b.name_prefix]).toEqual([
        'healthcare-pg-test-postgres16-',
        'healthcare-pg-test-postgres16-',
      ]);
    });

    test('the family is in the prefix, so the groups of two majors are told apart', () => {
      expect(group({ engineMajorVersion: '15' }).name_prefix).toBe(
        'healthcare-pg-test-postgres15-',
      );
      expect(group({ engineMajorVersion: '17' }).name_prefix).toBe(
        'healthcare-pg-test-postgres17-',
      );
    });

    test('the instance names the group by reference (it moves to the new group in place)', () => {
      const { parsed } = synth();
      expect(only(parsed.resource, 'aws_db_instance').parameter_group_name).toMatch(
        /^\$\{aws_db_parameter_group\.database_parameter-group_\w+\.name\}$/,
      );
    });
  });

  describe('backup ownership', () => {
    const instance = (props: Partial<DatabaseProps>) =>
      only(synth(props).parsed.resource, 'aws_db_instance');

    test('terraform (default): Terraform owns retention and window, nothing is ignored but the snapshot name', () => {
      const db = instance({ backupRetentionDays: 14 });
      expect(db.backup_retention_period).toBe(14);
      expect(db.backup_window).toBe('03:00-04:00');
      expect((db.lifecycle as { ignore_changes: string[] }).ignore_changes).toEqual([
        'final_snapshot_identifier',
      ]);
    });

    test("aws-backup: created with the continuous rule's 35 days, then retention and window are AWS Backup's", () => {
      const db = instance({ backupOwner: 'aws-backup' });
      expect(db.backup_retention_period).toBe(35);
      expect(db.backup_window).toBe('03:00-04:00');
      expect((db.lifecycle as { ignore_changes: string[] }).ignore_changes).toEqual([
        'final_snapshot_identifier',
        'backup_retention_period',
        'backup_window',
      ]);
    });

    test('aws-backup accepts an explicit 35', () => {
      expect(
        instance({ backupOwner: 'aws-backup', backupRetentionDays: 35 }).backup_retention_period,
      ).toBe(35);
    });

    test.each([34, 7])(
      'aws-backup refuses backupRetentionDays %p (AWS Backup would undo it)',
      (days) => {
        expect(() => synth({ backupOwner: 'aws-backup', backupRetentionDays: days })).toThrow(
          `backupRetentionDays = ${days}: AWS Backup's continuous rule owns this instance's backups and keeps them 35 days; create it with 35 (change the retention in the backup plan, not here)`,
        );
      },
    );
  });

  test('exposes the postgresql log group name (statement text: it gets data protection)', () => {
    const json = Testing.synthScope((scope) => {
      const db = new Database(scope, 'database', baseProps);
      new TerraformOutput(scope, 'pg-log', { value: db.postgresqlLogGroupName });
      new TerraformOutput(scope, 'prefix', { value: db.parameterGroupNamePrefix });
    });
    const out = (JSON.parse(json) as Synthesized).output;
    expect(out['pg-log'].value).toMatch(
      /^\$\{aws_cloudwatch_log_group\.database_log-group-postgresql_\w+\.name\}$/,
    );
    expect(out.prefix.value).toBe('healthcare-pg-test-postgres16-');
  });

  test.each([
    [200, 220],
    [1000, 1100],
    [21, 24],
  ])('accepts allocatedStorageGiB %p with the lowest ceiling RDS takes, %p', (a, m) => {
    expect(() => synth({ allocatedStorageGiB: a, maxAllocatedStorageGiB: m })).not.toThrow();
  });

  test.each([7, 31, 62, 713, 731])('accepts Performance Insights retention %p', (days) => {
    expect(() => synth({ performanceInsightsRetentionDays: days })).not.toThrow();
  });

  test('values that are still tokens are not validated', () => {
    const n = (name: string) => Token.asNumber(`\${var.${name}}`);
    expect(() =>
      synth({
        identifier: Lazy.stringValue({ produce: () => 'healthcare-db-test' }),
        allocatedStorageGiB: n('allocated'),
        maxAllocatedStorageGiB: n('max'),
        backupRetentionDays: n('backup'),
        monitoringIntervalSeconds: n('monitoring'),
        performanceInsightsRetentionDays: n('pi'),
      }),
    ).not.toThrow();
  });

  describe('throws when', () => {
    test.each(['Healthcare-db', '1db', 'db--test', 'db-test-', 'a'.repeat(64)])(
      'identifier is %p',
      (identifier) => {
        expect(() => synth({ identifier })).toThrow(
          `identifier = "${identifier}": an RDS DB instance identifier is 1 to 63 lowercase letters, digits or hyphens, starts with a letter, and has no two consecutive hyphens and no trailing hyphen`,
        );
      },
    );

    test.each([19, 65537, 20.5])('allocatedStorageGiB is %p', (allocatedStorageGiB) => {
      expect(() => synth({ allocatedStorageGiB, maxAllocatedStorageGiB: 70000 })).toThrow(
        `allocatedStorageGiB = ${allocatedStorageGiB}: gp3 storage for PostgreSQL is a whole number from 20 to 65536 GiB`,
      );
    });

    test.each([65537, 100.5])('maxAllocatedStorageGiB is %p', (maxAllocatedStorageGiB) => {
      expect(() => synth({ maxAllocatedStorageGiB })).toThrow(
        `maxAllocatedStorageGiB = ${maxAllocatedStorageGiB}: storage autoscaling goes up to a whole number of at most 65536 GiB`,
      );
    });

    test.each([
      [200, 100, 220],
      [200, 219, 220],
      [200, 200, 220],
      [1000, 1099, 1100],
      [21, 23, 24],
    ])(
      'allocatedStorageGiB %p with maxAllocatedStorageGiB %p (RDS needs 10%% more: %p)',
      (allocatedStorageGiB, maxAllocatedStorageGiB, lowest) => {
        expect(() => synth({ allocatedStorageGiB, maxAllocatedStorageGiB })).toThrow(
          `maxAllocatedStorageGiB = ${maxAllocatedStorageGiB}: RDS needs the autoscaling ceiling at least 10% above allocatedStorageGiB (${allocatedStorageGiB}), i.e. at least ${lowest}; raise it or lower the allocated storage`,
        );
      },
    );

    test.each([0, 36, 1.5])('backupRetentionDays is %p', (backupRetentionDays) => {
      expect(() => synth({ backupRetentionDays })).toThrow(
        `backupRetentionDays = ${backupRetentionDays}: automated backups are kept a whole number of days from 1 to 35 (0 would turn backups off)`,
      );
    });

    test.each([0, 2, 120])('monitoringIntervalSeconds is %p', (monitoringIntervalSeconds) => {
      expect(() => synth({ monitoringIntervalSeconds })).toThrow(
        `monitoringIntervalSeconds = ${monitoringIntervalSeconds}: Enhanced Monitoring accepts 1, 5, 10, 15, 30, 60 seconds`,
      );
    });

    test.each([0, 8, 30, 744, 7.5])('performanceInsightsRetentionDays is %p', (days) => {
      expect(() => synth({ performanceInsightsRetentionDays: days })).toThrow(
        `performanceInsightsRetentionDays = ${days}: Performance Insights keeps 7 days, 731 days, or a multiple of 31 days (months) up to 713`,
      );
    });

    test.each(['', 'ddl,everything', 'ddl;role', '--ddl'])('auditLog is %p', (auditLog) => {
      expect(() => synth({ auditLog })).toThrow(
        `auditLog = "${auditLog}": a comma list of pgaudit classes (read, write, function, role, ddl, misc, misc_set, all, none), each optionally prefixed with "-"`,
      );
    });

    test('several rules fail: all are reported together', () => {
      expect(() => synth({ backupRetentionDays: 0, monitoringIntervalSeconds: 2 })).toThrow(
        'Database "healthcare-db-test" is invalid:\n  - backupRetentionDays = 0: automated backups are kept a whole number of days from 1 to 35 (0 would turn backups off)\n  - monitoringIntervalSeconds = 2:',
      );
    });
  });
});
