import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { AwsProvider, AwsProviderAssumeRole } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { PlatformConfig } from '../config/config';
import type { DeployRole } from '../config/deploy-role';
import { applyStateBackend, StateBackendSettings } from '../config/backend';
import { BASELINE_NAMES } from '../config/baseline';
import { PROJECT_TAG } from '../config/names';
import { HealthApi } from '../constructs/api/health-api';
import { ReadinessAlarms } from '../constructs/application/readiness-alarms';
import { ReadinessFunction } from '../constructs/application/readiness-function';
import { Cache } from '../constructs/cache/cache';
import { Database } from '../constructs/database/database';
import { DatabaseSetup } from '../constructs/database/db-setup';
import { LogDataProtection, type ProtectedLogGroup } from '../constructs/logging/data-protection';
import { EncryptionKey } from '../constructs/encryption/encryption-key';
import { Network } from '../constructs/network/network';
import { PlatformAlarms } from '../constructs/observability/alarms';
import { PlatformGates } from '../constructs/safety-nets/platform-gates';
import { stackReservedConcurrency } from '../constructs/safety-nets/gate-messages';
import { requireTerraformVersions } from './terraform-version';

export interface PlatformStackProps {
  readonly config: PlatformConfig;
  readonly stateBackend: StateBackendSettings;
}

/**
 * Tags every resource carries (provider default_tags). DataClassification says what the
 * environment may hold: `PHI` (production profile) or `synthetic` (standard profile, test
 * data only); the account baseline's backup plan selects by it.
 */
export function platformTags(config: PlatformConfig): Record<string, string> {
  return {
    Project: PROJECT_TAG,
    Environment: config.environment,
    ManagedBy: 'cdktf',
    DataClassification: config.dataClassification,
    Compliance: 'HIPAA',
  };
}

/** The provider's `assume_role` block for a deploy role, if there is one. */
export function assumeRoleOf(role: DeployRole | undefined): AwsProviderAssumeRole[] | undefined {
  if (role === undefined) return undefined;
  return [
    {
      roleArn: role.roleArn,
      sessionName: role.sessionName,
      ...(role.externalId !== undefined ? { externalId: role.externalId } : {}),
    },
  ];
}

/** The whole platform for one environment: `TapStack<suffix>`. */
export class PlatformStack extends TerraformStack {
  readonly network: Network;
  readonly dataKey: EncryptionKey;
  readonly logsKey: EncryptionKey;
  readonly database: Database;
  readonly cache: Cache;
  readonly api: HealthApi;
  readonly alarms: PlatformAlarms;
  readonly readiness: ReadinessFunction;
  readonly databaseSetup: DatabaseSetup;
  readonly logDataProtection: LogDataProtection;
  readonly gates: PlatformGates;

  constructor(scope: Construct, props: PlatformStackProps) {
    const { config } = props;
    super(scope, config.stackId);
    requireTerraformVersions(this);
    const names = config.names;
    const protect = config.protectStatefulResources;

    new AwsProvider(this, 'aws', {
      region: config.region,
      // Account pinning (AWS_ACCOUNT_ID): a plan with another account's credentials stops.
      allowedAccountIds: config.accountId ? [config.accountId] : undefined,
      // An account per environment: the provider works through the role there (DEPLOY_ROLE_ARN).
      assumeRole: assumeRoleOf(config.deployRole),
      defaultTags: [{ tags: platformTags(config) }],
    });
    applyStateBackend(this, props.stateBackend, config);

    // Two keys so each policy names only the services that need it: data at rest
    // (RDS, ElastiCache, Secrets Manager) and logs/notifications (CloudWatch Logs, SNS).
    this.dataKey = new EncryptionKey(this, 'data-key', {
      alias: names.dataKeyAlias,
      description: `Healthcare platform ${config.environment}: data at rest (RDS, ElastiCache, Secrets Manager, Lambda environment, SQS)`,
      users: ['rds', 'elasticache', 'secretsmanager', 'lambda', 'sqs'],
      deletionWindowDays: config.kmsDeletionWindowDays,
      preventDestroy: protect,
    });
    this.logsKey = new EncryptionKey(this, 'logs-key', {
      alias: names.logsKeyAlias,
      description: `Healthcare platform ${config.environment}: CloudWatch Logs and SNS alarms`,
      users: ['logs', 'sns', 'cloudwatch'],
      deletionWindowDays: config.kmsDeletionWindowDays,
      preventDestroy: protect,
    });

    this.network = new Network(this, 'network', {
      name: names.vpc,
      vpcCidr: config.network.vpcCidr,
      azCount: config.network.azCount,
      availabilityZones: config.network.availabilityZones,
      publicSubnetCidrs: config.network.publicSubnetCidrs,
      privateSubnetCidrs: config.network.privateSubnetCidrs,
      isolatedSubnetCidrs: config.network.isolatedSubnetCidrs,
      natGateways: config.network.natGateways,
      flowLogGroupName: names.flowLogGroup,
      flowLogRoleName: names.flowLogRole,
      logRetentionDays: config.logRetentionDays,
      logsKey: this.logsKey,
      endpointSecurityGroupName: names.securityGroup,
    });

    this.database = new Database(this, 'database', {
      identifier: names.database,
      parameterGroupName: names.databaseParameterGroup,
      subnetGroupName: names.databaseSubnetGroup,
      monitoringRoleName: names.databaseMonitoringRole,
      network: this.network,
      dataKey: this.dataKey,
      logsKey: this.logsKey,
      logRetentionDays: config.logRetentionDays,
      engineMajorVersion: config.database.engineMajorVersion,
      instanceClass: config.database.instanceClass,
      allocatedStorageGiB: config.database.allocatedStorageGiB,
      maxAllocatedStorageGiB: config.database.maxAllocatedStorageGiB,
      backupRetentionDays: config.database.backupRetentionDays,
      multiAz: config.database.multiAz,
      deletionProtection: config.database.deletionProtection,
      skipFinalSnapshot: config.database.skipFinalSnapshot,
      // Production keeps point-in-time recovery after an (allowed) delete.
      retainAutomatedBackups: config.isProduction,
      monitoringIntervalSeconds: config.database.monitoringIntervalSeconds,
      performanceInsightsRetentionDays: config.database.performanceInsightsRetentionDays,
      auditLog: config.database.auditLog,
      applyImmediately: config.database.applyImmediately,
      preventDestroy: protect,
      backupOwner: config.database.backupOwner,
    });

    this.cache = new Cache(this, 'cache', {
      replicationGroupId: names.cache,
      parameterGroupName: names.cacheParameterGroup,
      subnetGroupName: names.cacheSubnetGroup,
      iamUserName: names.cacheUser,
      defaultUserId: names.cacheDefaultUser,
      userGroupId: names.cacheUserGroup,
      network: this.network,
      dataKey: this.dataKey,
      logsKey: this.logsKey,
      logRetentionDays: config.logRetentionDays,
      nodeType: config.cache.nodeType,
      engineVersion: config.cache.engineVersion,
      snapshotRetentionDays: config.cache.snapshotRetentionDays,
      finalSnapshot: config.isProduction,
      preventDestroy: protect,
    });

    this.readiness = this.readinessFunction(config);

    this.api = new HealthApi(this, 'api', {
      name: names.api,
      stageName: config.environment,
      webAclName: names.webAcl,
      webAclLogGroupName: names.webAclLogGroup,
      logsKey: this.logsKey,
      logRetentionDays: config.logRetentionDays,
      throttlingRateLimit: config.api.throttlingRateLimit,
      throttlingBurstLimit: config.api.throttlingBurstLimit,
      wafRateLimit: config.api.wafRateLimit,
      ready: {
        functionName: this.readiness.functionName,
        invokeArn: this.readiness.invokeArn,
        callerPolicyName: names.readinessCallerPolicy,
      },
      customDomain: config.api.customDomain,
    });

    this.alarms = new PlatformAlarms(this, 'alarms', {
      topicName: names.alarmTopic,
      logsKey: this.logsKey,
      databaseIdentifier: this.database.instanceIdentifier,
      databaseAllocatedStorageGiB: config.database.allocatedStorageGiB,
      cacheReplicationGroupId: names.cache,
      cacheClusterIds: [1, 2].map((n) => `${names.cache}-00${n}`),
      apiName: this.api.apiName,
      apiStageName: this.api.stageName,
      alarmEmail: config.alarmEmail,
    });
    new ReadinessAlarms(this, 'readiness-alarms', {
      functionName: names.readinessFunction,
      queueName: this.readiness.deadLetterQueueName,
      topicArn: this.alarms.topicArn,
      alarmNamePrefix: this.alarms.alarmNamePrefix,
    });

    this.databaseSetup = this.databaseSetupFunction(config);
    this.logDataProtection = this.protectLogs(config);
    this.gates = this.deployGates(config);

    this.outputs();
  }

  /** Creates the readiness function's database role on deploy (no manual step, no way in needed). */
  private databaseSetupFunction(config: PlatformConfig): DatabaseSetup {
    return new DatabaseSetup(this, 'db-setup', {
      functionName: config.names.dbSetupFunction,
      network: this.network,
      dataKey: this.dataKey,
      logsKey: this.logsKey,
      logRetentionDays: config.logRetentionDays,
      database: this.database,
      role: { user: this.readiness.databaseUser, database: 'postgres' },
    });
  }

  /**
   * Data protection (audit + mask) on every log group that can carry statement text or request
   * data: the PostgreSQL log (pgaudit, slow queries, errors), the functions' logs, and all of
   * the API's log groups (access, execution, WAF), found in its subtree so a new one is covered.
   */
  private protectLogs(config: PlatformConfig): LogDataProtection {
    const apiLogGroups: ProtectedLogGroup[] = this.api.node
      .findAll()
      .filter((c): c is CloudwatchLogGroup => c instanceof CloudwatchLogGroup)
      .map((group) => ({ label: `api-${group.node.id}`, name: group.name }));
    return new LogDataProtection(this, 'log-data-protection', {
      policyName: `healthcare-${config.environment}-phi-masking`,
      unmaskRoleName: config.names.logUnmaskRole,
      scope: this.logsKey,
      customIdentifiers: config.logMasking.customIdentifiers,
      logGroups: [
        { label: 'database-postgresql', name: this.database.postgresqlLogGroupName },
        { label: 'readiness', name: this.readiness.logGroupName },
        { label: 'db-setup', name: this.databaseSetup.logGroupName },
        ...apiLogGroups,
      ],
    });
  }

  /**
   * What a plan must find true before anything is created (constructs/safety-nets): the
   * production requirements, the account baseline, the region's offer and the account's quotas.
   */
  private deployGates(config: PlatformConfig): PlatformGates {
    return new PlatformGates(this, 'deploy-gates', {
      environment: config.environment,
      region: config.region,
      production: config.isProduction,
      alarmSubscribers: config.alarmEmail ? [config.alarmEmail] : [],
      pinnedAccount: config.accountId,
      apiDomainName: config.api.customDomain?.domainName,
      baselineRoleName: BASELINE_NAMES.apiGatewayCloudWatchRole,
      network: this.network,
      database: {
        engineMajorVersion: config.database.engineMajorVersion,
        instanceClass: config.database.instanceClass,
        multiAz: config.database.multiAz,
      },
      reservedConcurrency: stackReservedConcurrency(config.readiness.reservedConcurrency),
      ownTags: { Project: PROJECT_TAG, Environment: config.environment },
    });
  }

  /** The readiness function: IAM-authenticated as one database user and the cache's IAM user. */
  private readinessFunction(config: PlatformConfig): ReadinessFunction {
    const names = config.names;
    return new ReadinessFunction(this, 'readiness', {
      functionName: names.readinessFunction,
      network: this.network,
      dataKey: this.dataKey,
      logsKey: this.logsKey,
      logRetentionDays: config.logRetentionDays,
      reservedConcurrency: config.readiness.reservedConcurrency,
      database: {
        resourceId: this.database.resourceId,
        endpointAddress: this.database.endpointAddress,
        port: this.database.port,
      },
      cache: {
        replicationGroupId: this.cache.replicationGroupId,
        replicationGroupArn: this.cache.replicationGroupArn,
        primaryEndpointAddress: this.cache.primaryEndpointAddress,
        port: this.cache.port,
        iamUserId: this.cache.iamUserId,
        iamUserArn: this.cache.iamUserArn,
      },
    });
  }

  /** Outputs named `<thing>_<attribute>`; none carries a secret value, only secret ARNs and ids. */
  private outputs(): void {
    const out = (id: string, value: unknown, description: string) =>
      new TerraformOutput(this, id, { value, description });
    out('vpc_id', this.network.vpcId, 'VPC id');
    out('public_subnet_ids', this.network.publicSubnetIds, 'Public subnet ids, one per AZ');
    out('private_subnet_ids', this.network.privateSubnetIds, 'Private (application) subnet ids');
    out('isolated_subnet_ids', this.network.isolatedSubnetIds, 'Isolated (data) subnet ids');
    out(
      'application_security_group_id',
      this.network.applicationSecurityGroupId,
      'Security group application workloads run in',
    );
    out(
      'database_endpoint_address',
      this.database.endpointAddress,
      'PostgreSQL endpoint host name',
    );
    out('database_port', this.database.port, 'PostgreSQL port');
    out(
      'database_master_secret_arn',
      this.database.masterUserSecretArn,
      'ARN of the RDS-managed master user secret',
    );
    out(
      'redis_primary_endpoint_address',
      this.cache.primaryEndpointAddress,
      'Redis primary endpoint (writes)',
    );
    out('redis_reader_endpoint_address', this.cache.readerEndpointAddress, 'Redis reader endpoint');
    out('redis_port', this.cache.port, 'Redis port');
    out('redis_user_id', this.cache.iamUserId, 'IAM-authenticated Redis user id');
    out(
      'redis_user_name',
      this.cache.iamUserId,
      'Redis user name to sign the IAM auth token for (equals the user id)',
    );
    out('kms_key_id', this.dataKey.keyId, 'Data key id');
    out('kms_key_arn', this.dataKey.keyArn, 'Data key ARN');
    out('kms_logs_key_arn', this.logsKey.keyArn, 'Logs/alarms key ARN');
    out('api_id', this.api.restApiId, 'REST API id');
    out('api_stage_name', this.api.stageName, 'API stage');
    out('api_health_url', this.api.healthUrl, 'Full GET /health URL');
    if (this.api.domainTarget) {
      out(
        'api_domain_target',
        this.api.domainTarget.regionalDomainName,
        "Point the custom domain's DNS here: a CNAME, or a Route 53 alias record (zone api_domain_zone_id); the record is yours to create",
      );
      out(
        'api_domain_zone_id',
        this.api.domainTarget.regionalZoneId,
        'Hosted zone id of api_domain_target, for a Route 53 alias record',
      );
    }
    out('alarm_topic_arn', this.alarms.topicArn, 'SNS topic alarms publish to');
    out('api_ready_url', this.api.readyUrl, 'Full GET /ready URL (SigV4-signed requests only)');
    out(
      'api_ready_caller_policy_arn',
      this.api.readyCallerPolicyArn,
      'Managed policy to attach to operator roles that may call GET /ready',
    );
    out('readiness_function_name', this.readiness.functionName, 'Readiness Lambda function');
    out(
      'readiness_database_user',
      this.readiness.databaseUser,
      'PostgreSQL role for npm run db:setup',
    );
    out(
      'db_setup_function_name',
      this.databaseSetup.functionName,
      'Lambda function that creates the readiness role on deploy (npm run db:setup -- --invoke)',
    );
    out(
      'log_unmask_role_arn',
      this.logDataProtection.unmaskRoleArn,
      'The only role that may unmask the protected log groups (MFA sessions only)',
    );
  }
}
