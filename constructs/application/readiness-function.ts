import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { AssetType, TerraformAsset, Token } from 'cdktf';
import { Construct } from 'constructs';
import path from 'node:path';
import type { EncryptionKey } from '../encryption/encryption-key';
import { waivePolicy } from '../policy/waiver';
import { functionBundle, type FunctionBundle } from './bundle';
import { READINESS_METRIC_NAME, READINESS_METRIC_NAMESPACE } from './readiness-alarms';

/** What the function needs of the database (the `Database` construct satisfies it). */
export interface ReadinessDatabase {
  /** The instance's `resource_id` (`db-…`): `rds-db:connect` ARNs name it, not the identifier. */
  readonly resourceId: string;
  readonly endpointAddress: string;
  readonly port: number;
}

/** What the function needs of the cache: the replication group and one IAM-enabled user. */
export interface ReadinessCache {
  readonly replicationGroupId: string;
  readonly replicationGroupArn: string;
  readonly primaryEndpointAddress: string;
  readonly port: number;
  /** The ElastiCache user (authentication mode IAM; user id = user name). */
  readonly iamUserId: string;
  readonly iamUserArn: string;
}

/** Where the function runs (the `Network` construct satisfies it). */
export interface ReadinessNetwork {
  readonly privateSubnetIds: readonly string[];
  readonly applicationSecurityGroupId: string;
}

export interface ReadinessFunctionProps {
  /** Lambda function name; also names its role, log group, queue and alarms. */
  readonly functionName: string;
  readonly network: ReadinessNetwork;
  /** Encrypts the environment variables and the dead-letter queue. */
  readonly dataKey: EncryptionKey;
  /** Encrypts the log group. */
  readonly logsKey: EncryptionKey;
  readonly logRetentionDays: number;
  readonly database: ReadinessDatabase;
  readonly cache: ReadinessCache;
  /** PostgreSQL role the IAM token logs in as (created by `npm run db:setup`). @default readiness */
  readonly databaseUser?: string;
  /** @default postgres */
  readonly databaseName?: string;
  /**
   * Concurrent executions reserved (and capped). 0 reserves none: the function shares the
   * account's unreserved pool, uncapped (for accounts whose Lambda quota is below
   * reservation + 100, which AWS keeps unreserved). @default 2
   */
  readonly reservedConcurrency?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** Timeout of each dependency check (they run concurrently). @default 3000 */
  readonly checkTimeoutMs?: number;
  /** @default 256 */
  readonly memorySizeMiB?: number;
  /** @default - functions/readiness bundled and zipped (cached in node_modules/.cache/functions) */
  readonly bundle?: FunctionBundle;
}

export const DEFAULT_DATABASE_USER = 'readiness';
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A plain, unquoted PostgreSQL identifier that is not a reserved role prefix. */
const POSTGRES_ROLE = /^[a-z_][a-z0-9_]{0,62}$/;
/** Milliseconds the handler needs besides the checks (start, log, answer). */
const HANDLER_OVERHEAD_MS = 1000;

/** Where the function's sources are, relative to the project root (the working directory). */
export const READINESS_SOURCE_DIR = path.join('functions', 'readiness');

function validate(p: Required<Omit<ReadinessFunctionProps, 'bundle'>>): void {
  const known = (v: string | number) => !Token.isUnresolved(v);
  const rules: { failed: boolean; message: string }[] = [
    {
      failed: known(p.functionName) && !FUNCTION_NAME.test(p.functionName),
      message: `functionName '${p.functionName}' must be 1 to 64 letters, digits, '-' or '_' (Lambda function and IAM role name rules)`,
    },
    {
      failed:
        known(p.databaseUser) &&
        (!POSTGRES_ROLE.test(p.databaseUser) || /^(pg_|rds)/.test(p.databaseUser)),
      message: `databaseUser '${p.databaseUser}' must be a lower-case PostgreSQL identifier (a-z, 0-9, _; ≤ 63) not starting with 'pg_' or 'rds' (reserved on RDS)`,
    },
    {
      failed:
        known(p.reservedConcurrency) &&
        !(Number.isInteger(p.reservedConcurrency) && p.reservedConcurrency >= 0),
      message: `reservedConcurrency ${p.reservedConcurrency} must be a whole number ≥ 0 (0 = no reservation)`,
    },
    {
      failed:
        known(p.timeoutSeconds) &&
        !(Number.isInteger(p.timeoutSeconds) && p.timeoutSeconds >= 1 && p.timeoutSeconds <= 29),
      message: `timeoutSeconds ${p.timeoutSeconds} must be a whole number from 1 to 29 (API Gateway gives up on an integration after 29 s)`,
    },
    {
      failed:
        known(p.checkTimeoutMs) &&
        !(
          Number.isInteger(p.checkTimeoutMs) &&
          p.checkTimeoutMs >= 100 &&
          p.checkTimeoutMs + HANDLER_OVERHEAD_MS <= p.timeoutSeconds * 1000
        ),
      message: `checkTimeoutMs ${p.checkTimeoutMs} must be a whole number ≥ 100 and leave ${HANDLER_OVERHEAD_MS} ms of timeoutSeconds (${p.timeoutSeconds} s) for the handler, so a hanging dependency gives 503, not a Lambda timeout`,
    },
    {
      failed:
        known(p.memorySizeMiB) &&
        !(Number.isInteger(p.memorySizeMiB) && p.memorySizeMiB >= 128 && p.memorySizeMiB <= 10240),
      message: `memorySizeMiB ${p.memorySizeMiB} must be a whole number from 128 to 10240 (Lambda limits)`,
    },
  ];
  const failures = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (failures.length > 0) {
    throw new Error(
      `ReadinessFunction '${p.functionName}': invalid settings:\n${failures.join('\n')}`,
    );
  }
}

/**
 * The readiness Lambda: Node.js 22 (nodejs22.x; nodejs20.x was deprecated on 2026-04-30) in the private subnets and the application security group,
 * least-privilege role, pre-created encrypted log group, KMS-encrypted environment and
 * dead-letter queue, X-Ray, reserved concurrency, and the metric filter that counts 503
 * answers (its alarms: `ReadinessAlarms`).
 */
export class ReadinessFunction extends Construct {
  readonly functionName: string;
  readonly functionArn: string;
  /** For an API Gateway `AWS_PROXY` integration `uri`. */
  readonly invokeArn: string;
  readonly roleArn: string;
  readonly roleName: string;
  readonly logGroupName: string;
  readonly deadLetterQueueArn: string;
  readonly deadLetterQueueName: string;
  readonly databaseUser: string;

  constructor(scope: Construct, id: string, props: ReadinessFunctionProps) {
    super(scope, id);
    const p = {
      databaseUser: DEFAULT_DATABASE_USER,
      databaseName: 'postgres',
      reservedConcurrency: 2,
      timeoutSeconds: 10,
      checkTimeoutMs: 3000,
      memorySizeMiB: 256,
      ...props,
    };
    validate(p);
    const bundle =
      props.bundle ??
      functionBundle({ sourceDir: path.resolve(READINESS_SOURCE_DIR), projectRoot: process.cwd() });
    const { accountId, partition, region } = props.dataKey;
    const name = props.functionName;

    // Pre-created so it is encrypted and expires; Lambda would create it unencrypted, forever.
    const logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${name}`,
      kmsKeyId: props.logsKey.keyArn,
      retentionInDays: props.logRetentionDays,
    });
    // Asynchronous invocations that fail every retry land here (API Gateway's are synchronous).
    // A name prefix, not a fixed name: SQS refuses a queue name for 60 s after its deletion
    // (QueueDeletedRecently), so a destroyed environment could not be deployed again at once.
    const deadLetters = new SqsQueue(this, 'dead-letter-queue', {
      namePrefix: `${name}-dlq-`,
      kmsMasterKeyId: props.dataKey.keyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 14 * 24 * 3600,
    });

    const { role, rolePolicy } = this.executionRole(
      name,
      this.statements(p, {
        logGroupArn: logGroup.arn,
        queueArn: deadLetters.arn,
        accountId,
        partition,
        region,
      }),
    );

    const fn = new LambdaFunction(this, 'function', {
      functionName: name,
      description: 'GET /ready: checks PostgreSQL and Redis over TLS with IAM authentication',
      role: role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: bundle.handler,
      filename: new TerraformAsset(this, 'code', { path: bundle.zipPath, type: AssetType.FILE })
        .path,
      sourceCodeHash: bundle.sourceCodeHash,
      memorySize: p.memorySizeMiB,
      timeout: p.timeoutSeconds,
      // Lambda's own 0 would throttle every call: 0 here means no reservation (the
      // provider's default, -1).
      reservedConcurrentExecutions: p.reservedConcurrency > 0 ? p.reservedConcurrency : undefined,
      kmsKeyArn: props.dataKey.keyArn,
      vpcConfig: {
        subnetIds: [...props.network.privateSubnetIds],
        securityGroupIds: [props.network.applicationSecurityGroupId],
      },
      tracingConfig: { mode: 'Active' },
      deadLetterConfig: { targetArn: deadLetters.arn },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      environment: { variables: environmentVariables(p) },
      // Lambda checks the role can create network interfaces when the function is created.
      dependsOn: [logGroup, rolePolicy],
    });

    if (p.reservedConcurrency === 0) {
      waivePolicy(
        fn,
        'HIPAA-LAMBDA-004',
        "No reservation (reservedConcurrency 0, READINESS_RESERVED_CONCURRENCY=0, refused in the production profile): the account's Lambda concurrency quota leaves no room for one, since AWS keeps 100 executions unreserved. The function shares the unreserved pool, uncapped.",
      );
    }
    this.countNotReady(name, logGroup.name);

    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    this.invokeArn = fn.invokeArn;
    this.roleArn = role.arn;
    this.roleName = role.name;
    this.logGroupName = logGroup.name;
    this.deadLetterQueueArn = deadLetters.arn;
    this.deadLetterQueueName = deadLetters.name;
    this.databaseUser = p.databaseUser;
  }

  /** The role Lambda assumes for this function only, with exactly `statements`. */
  private executionRole(name: string, statements: DataAwsIamPolicyDocumentStatement[]) {
    const role = new IamRole(this, 'role', {
      name,
      description: `Execution role of the ${name} Lambda function`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // No aws:SourceAccount condition: Lambda's execution-role page documents none, and
            // Lambda checks the trust at CreateFunction ("The role defined for the function cannot
            // be assumed by Lambda"). Only this account's functions can use the role: IAM
            // refuses to pass a role across accounts.
          },
        ],
      }),
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: statements,
    });
    const rolePolicy = new IamRolePolicy(this, 'role-policy', {
      name: 'readiness',
      role: role.id,
      policy: permissions.json,
    });
    return { role, rolePolicy };
  }

  /** Publishes one datapoint per 503 answer, read from the handler's structured log line. */
  private countNotReady(name: string, logGroupName: string): void {
    new CloudwatchLogMetricFilter(this, 'not-ready-filter', {
      name: `${name}-not-ready`,
      logGroupName,
      pattern: '{ $.event = "readiness" && $.ready IS FALSE }',
      metricTransformation: {
        namespace: READINESS_METRIC_NAMESPACE,
        name: `${READINESS_METRIC_NAME}-${name}`,
        value: '1',
        unit: 'Count',
      },
    });
  }

  /** Exactly what the function does, on exactly its resources. */
  private statements(
    p: ReadinessFunctionProps & { databaseUser: string },
    r: {
      logGroupArn: string;
      queueArn: string;
      accountId: string;
      partition: string;
      region: string;
    },
  ) {
    const viaService = (service: string) => [
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`${service}.${r.region}.amazonaws.com`],
      },
    ];
    return [
      {
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${r.logGroupArn}:*`],
      },
      {
        // AWSLambdaVPCAccessExecutionRole's EC2 actions, without its logs:* on every group.
        // These EC2 actions do not support resource-level scoping for Lambda's use.
        sid: 'ManageVpcNetworkInterfaces',
        actions: [...VPC_ENI_ACTIONS],
        resources: ['*'],
      },
      {
        sid: 'WriteTraces',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      },
      {
        sid: 'ConnectToDatabaseAsOneUser',
        actions: ['rds-db:connect'],
        resources: [
          `arn:${r.partition}:rds-db:${r.region}:${r.accountId}:dbuser:${p.database.resourceId}/${p.databaseUser}`,
        ],
      },
      {
        sid: 'ConnectToCacheAsOneUser',
        actions: ['elasticache:Connect'],
        resources: [p.cache.replicationGroupArn, p.cache.iamUserArn],
      },
      {
        sid: 'SendDeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [r.queueArn],
      },
      {
        sid: 'DecryptEnvironment',
        actions: ['kms:Decrypt'],
        resources: [p.dataKey.keyArn],
        condition: viaService('lambda'),
      },
      {
        sid: 'EncryptDeadLetters',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [p.dataKey.keyArn],
        condition: viaService('sqs'),
      },
    ];
  }
}

export const VPC_ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
] as const;

/** Endpoints and names only: nothing secret goes into the environment. */
function environmentVariables(
  p: ReadinessFunctionProps & {
    databaseName: string;
    databaseUser: string;
    checkTimeoutMs: number;
  },
): Record<string, string> {
  return {
    DB_HOST: p.database.endpointAddress,
    DB_PORT: String(p.database.port),
    DB_NAME: p.databaseName,
    DB_USER: p.databaseUser,
    CACHE_HOST: p.cache.primaryEndpointAddress,
    CACHE_PORT: String(p.cache.port),
    CACHE_REPLICATION_GROUP_ID: p.cache.replicationGroupId,
    CACHE_USER_ID: p.cache.iamUserId,
    CHECK_TIMEOUT_MS: String(p.checkTimeoutMs),
  };
}
