import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { TerraformStack, Testing } from 'cdktf';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ReadinessAlarms } from '../../constructs/application/readiness-alarms';
import {
  ReadinessFunction,
  VPC_ENI_ACTIONS,
  type ReadinessFunctionProps,
} from '../../constructs/application/readiness-function';
import type { EncryptionKey } from '../../constructs/encryption/encryption-key';

const key = (name: string) =>
  ({
    keyArn: `arn:aws:kms:eu-west-1:111122223333:key/${name}`,
    keyId: name,
    accountId: '111122223333',
    partition: 'aws',
    region: 'eu-west-1',
  }) as unknown as EncryptionKey;

const zipDir = mkdtempSync(path.join(os.tmpdir(), 'readiness-zip-'));
const zipPath = path.join(zipDir, 'readiness-test.zip');
writeFileSync(zipPath, 'not really a zip');
afterAll(() => rmSync(zipDir, { recursive: true, force: true }));

const baseProps: ReadinessFunctionProps = {
  functionName: 'healthcare-readiness-prod',
  network: { privateSubnetIds: ['subnet-a', 'subnet-b'], applicationSecurityGroupId: 'sg-app' },
  dataKey: key('data'),
  logsKey: key('logs'),
  logRetentionDays: 2192,
  database: { resourceId: 'db-ABCDEFGHIJKL', endpointAddress: 'db.internal', port: 5432 },
  cache: {
    replicationGroupId: 'healthcare-redis-prod',
    replicationGroupArn:
      'arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:healthcare-redis-prod',
    primaryEndpointAddress: 'master.healthcare-redis-prod.internal',
    port: 6379,
    iamUserId: 'healthcare-readiness-prod',
    iamUserArn: 'arn:aws:elasticache:eu-west-1:111122223333:user:healthcare-readiness-prod',
  },
  bundle: { zipPath, sourceCodeHash: 'HASH=', handler: 'index.handler' },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function synth(overrides: Partial<ReadinessFunctionProps> = {}): { text: string; json: Json } {
  const text = Testing.synthScope((scope) => {
    new ReadinessFunction(scope, 'readiness', { ...baseProps, ...overrides });
  });
  return { text, json: JSON.parse(text) };
}

function only(json: Json, type: string): Json {
  const all = Object.values(json.resource?.[type] ?? json.data?.[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
}

describe('ReadinessFunction with minimal props', () => {
  const { text, json } = synth();

  test('is Node.js 22 in the private subnets and the application security group', () => {
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'healthcare-readiness-prod',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      source_code_hash: 'HASH=',
      vpc_config: { subnet_ids: ['subnet-a', 'subnet-b'], security_group_ids: ['sg-app'] },
    });
    expect(only(json, 'aws_lambda_function').filename).toMatch(
      /^assets\/readiness_code_\w+\/\w+\/readiness-test\.zip$/,
    );
  });

  test('has secure defaults: X-Ray, env encrypted with the data key, reserved concurrency, DLQ', () => {
    const fn = only(json, 'aws_lambda_function');
    expect(fn.tracing_config).toEqual({ mode: 'Active' });
    expect(fn.kms_key_arn).toBe('arn:aws:kms:eu-west-1:111122223333:key/data');
    expect(fn.reserved_concurrent_executions).toBe(2);
    expect(fn.timeout).toBe(10);
    expect(fn.memory_size).toBe(256);
    expect(fn.dead_letter_config.target_arn).toMatch(
      /^\$\{aws_sqs_queue\.readiness_dead-letter-queue_\w+\.arn\}$/,
    );
    expect(fn.logging_config).toEqual({
      log_format: 'Text',
      log_group: expect.stringMatching(/aws_cloudwatch_log_group\.readiness_log-group_\w+\.name/),
    });
    expect(fn.depends_on).toEqual([
      expect.stringMatching(/^aws_cloudwatch_log_group\./),
      expect.stringMatching(/^aws_iam_role_policy\./),
    ]);
  });

  test('passes endpoints and names only, never a secret', () => {
    expect(only(json, 'aws_lambda_function').environment.variables).toEqual({
      DB_HOST: 'db.internal',
      DB_PORT: '5432',
      DB_NAME: 'postgres',
      DB_USER: 'readiness',
      CACHE_HOST: 'master.healthcare-redis-prod.internal',
      CACHE_PORT: '6379',
      CACHE_REPLICATION_GROUP_ID: 'healthcare-redis-prod',
      CACHE_USER_ID: 'healthcare-readiness-prod',
      CHECK_TIMEOUT_MS: '3000',
    });
  });

  test('pre-creates its log group under the logs key with the configured retention', () => {
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/lambda/healthcare-readiness-prod',
      kms_key_id: 'arn:aws:kms:eu-west-1:111122223333:key/logs',
      retention_in_days: 2192,
    });
  });

  test('encrypts its dead-letter queue with the data key, named by prefix so a re-deploy is never refused', () => {
    // SQS keeps a deleted queue's name for 60 s (QueueDeletedRecently): no fixed name.
    expect(only(json, 'aws_sqs_queue')).not.toHaveProperty('name');
    expect(text).toHaveResourceWithProperties(SqsQueue, {
      name_prefix: 'healthcare-readiness-prod-dlq-',
      kms_master_key_id: 'arn:aws:kms:eu-west-1:111122223333:key/data',
      message_retention_seconds: 1209600,
    });
  });

  test('its role trusts Lambda, with no condition Lambda may not meet', () => {
    const role = only(json, 'aws_iam_role');
    expect(role.name).toBe('healthcare-readiness-prod');
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ],
    });
    expect(json.resource.aws_iam_role_policy_attachment).toBeUndefined();
    expect(text).toHaveResourceWithProperties(IamRolePolicy, { name: 'readiness' });
  });

  test('its permissions are exactly these actions on exactly these resources', () => {
    const statements = only(json, 'aws_iam_policy_document').statement;
    const logGroup = /^\$\{aws_cloudwatch_log_group\.readiness_log-group_\w+\.arn\}:\*$/;
    expect(statements).toEqual([
      {
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [expect.stringMatching(logGroup)],
      },
      { sid: 'ManageVpcNetworkInterfaces', actions: [...VPC_ENI_ACTIONS], resources: ['*'] },
      {
        sid: 'WriteTraces',
        actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        resources: ['*'],
      },
      {
        sid: 'ConnectToDatabaseAsOneUser',
        actions: ['rds-db:connect'],
        resources: ['arn:aws:rds-db:eu-west-1:111122223333:dbuser:db-ABCDEFGHIJKL/readiness'],
      },
      {
        sid: 'ConnectToCacheAsOneUser',
        actions: ['elasticache:Connect'],
        resources: [
          'arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:healthcare-redis-prod',
          'arn:aws:elasticache:eu-west-1:111122223333:user:healthcare-readiness-prod',
        ],
      },
      {
        sid: 'SendDeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [expect.stringMatching(/aws_sqs_queue\.readiness_dead-letter-queue_\w+\.arn/)],
      },
      {
        sid: 'DecryptEnvironment',
        actions: ['kms:Decrypt'],
        resources: ['arn:aws:kms:eu-west-1:111122223333:key/data'],
        condition: [
          {
            test: 'StringEquals',
            variable: 'kms:ViaService',
            values: ['lambda.eu-west-1.amazonaws.com'],
          },
        ],
      },
      {
        sid: 'EncryptDeadLetters',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['arn:aws:kms:eu-west-1:111122223333:key/data'],
        condition: [
          {
            test: 'StringEquals',
            variable: 'kms:ViaService',
            values: ['sqs.eu-west-1.amazonaws.com'],
          },
        ],
      },
    ]);
    // No wildcard action; only ENI and X-Ray calls (no resource-level support) use resource '*'.
    const actions: string[] = statements.flatMap((st: Json) => st.actions);
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(
      statements.filter((st: Json) => st.resources.includes('*')).map((st: Json) => st.sid),
    ).toEqual(['ManageVpcNetworkInterfaces', 'WriteTraces']);
  });

  test('counts 503 answers from its structured log line', () => {
    expect(text).toHaveResourceWithProperties(CloudwatchLogMetricFilter, {
      name: 'healthcare-readiness-prod-not-ready',
      pattern: '{ $.event = "readiness" && $.ready IS FALSE }',
      metric_transformation: {
        namespace: 'Healthcare/Readiness',
        name: 'NotReady-healthcare-readiness-prod',
        value: '1',
        unit: 'Count',
      },
    });
  });
});

test('full props: user, database, concurrency, timeouts and memory are used', () => {
  const { json } = synth({
    databaseUser: 'app_ready',
    databaseName: 'clinic',
    reservedConcurrency: 5,
    timeoutSeconds: 20,
    checkTimeoutMs: 5000,
    memorySizeMiB: 512,
  });
  const fn = only(json, 'aws_lambda_function');
  expect(fn).toMatchObject({ reserved_concurrent_executions: 5, timeout: 20, memory_size: 512 });
  expect(fn.environment.variables).toMatchObject({
    DB_USER: 'app_ready',
    DB_NAME: 'clinic',
    CHECK_TIMEOUT_MS: '5000',
  });
  expect(JSON.stringify(json.data)).toContain('dbuser:db-ABCDEFGHIJKL/app_ready');
});

test("reserved concurrency 0 reserves nothing (Lambda's own 0 would throttle every call) and says why", () => {
  // stack.toTerraform() keeps the `//` metadata the waivers live in (Testing.synth drops it).
  const fnOf = (reservedConcurrency: number): Json => {
    const stack = new TerraformStack(Testing.app(), 'readiness-test');
    new ReadinessFunction(stack, 'readiness', { ...baseProps, reservedConcurrency });
    const tf = JSON.parse(JSON.stringify(stack.toTerraform()));
    return Object.values(tf.resource.aws_lambda_function)[0];
  };
  const none = fnOf(0);
  expect(none).not.toHaveProperty('reserved_concurrent_executions');
  expect(none['//'].policy_waivers['HIPAA-LAMBDA-004']).toMatch(
    /^No reservation \(reservedConcurrency 0, READINESS_RESERVED_CONCURRENCY=0, refused in the production profile\)/,
  );
  // One reserved execution is a reservation, and needs no waiver.
  const one = fnOf(1);
  expect(one.reserved_concurrent_executions).toBe(1);
  expect(one['//'].policy_waivers).toBeUndefined();
});

describe('ReadinessFunction throws when', () => {
  const cases: [string, Partial<ReadinessFunctionProps>, string][] = [
    [
      'the function name breaks Lambda rules',
      { functionName: 'has space' },
      "functionName 'has space' must be 1 to 64 letters, digits, '-' or '_'",
    ],
    [
      'the database user is not a plain identifier',
      { databaseUser: 'Readiness' },
      "databaseUser 'Readiness' must be a lower-case PostgreSQL identifier",
    ],
    [
      'the database user takes a reserved RDS prefix',
      { databaseUser: 'rds_reader' },
      "databaseUser 'rds_reader'",
    ],
    [
      'reserved concurrency is negative',
      { reservedConcurrency: -1 },
      'reservedConcurrency -1 must be a whole number ≥ 0 (0 = no reservation)',
    ],
    [
      'reserved concurrency is not whole',
      { reservedConcurrency: 1.5 },
      'reservedConcurrency 1.5 must be a whole number ≥ 0',
    ],
    [
      'the timeout exceeds what API Gateway waits',
      { timeoutSeconds: 30 },
      'timeoutSeconds 30 must be a whole number from 1 to 29',
    ],
    [
      'the check timeout leaves the handler no time',
      { timeoutSeconds: 3, checkTimeoutMs: 2500 },
      'checkTimeoutMs 2500 must be a whole number ≥ 100 and leave 1000 ms of timeoutSeconds (3 s)',
    ],
    [
      'memory is outside Lambda limits',
      { memorySizeMiB: 64 },
      'memorySizeMiB 64 must be a whole number from 128 to 10240',
    ],
  ];
  test.each(cases)('%s', (_what, overrides, message) => {
    expect(() => synth(overrides)).toThrow(message);
    expect(() => synth(overrides)).toThrow(/^ReadinessFunction '[^']*': invalid settings:\n {2}- /);
  });
});

test('ReadinessAlarms: errors, throttles, 503 answers and dead letters notify the topic', () => {
  let names: string[] = [];
  const text = Testing.synthScope((scope) => {
    names = new ReadinessAlarms(scope, 'alarms', {
      functionName: 'healthcare-readiness-prod',
      queueName: 'healthcare-readiness-prod-dlq',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:alarms',
      alarmNamePrefix: 'healthcare-prod',
    }).alarmNames;
  });
  // Under the topic's prefix: its policy lets CloudWatch publish only for those alarms.
  expect(names).toEqual(
    ['errors', 'throttles', 'not-ready', 'dead-letters'].map(
      (w) => `healthcare-prod-readiness-${w}`,
    ),
  );
  const common = {
    comparison_operator: 'GreaterThanThreshold',
    threshold: 0,
    period: 300,
    evaluation_periods: 1,
    treat_missing_data: 'notBreaching',
    alarm_actions: ['arn:aws:sns:eu-west-1:111122223333:alarms'],
    ok_actions: ['arn:aws:sns:eu-west-1:111122223333:alarms'],
  };
  for (const [metric, namespace, dimensions, statistic] of [
    ['Errors', 'AWS/Lambda', { FunctionName: 'healthcare-readiness-prod' }, 'Sum'],
    ['Throttles', 'AWS/Lambda', { FunctionName: 'healthcare-readiness-prod' }, 'Sum'],
    [
      'ApproximateNumberOfMessagesVisible',
      'AWS/SQS',
      { QueueName: 'healthcare-readiness-prod-dlq' },
      'Maximum',
    ],
  ] as const) {
    expect(text).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      ...common,
      metric_name: metric,
      namespace,
      dimensions,
      statistic,
    });
  }
  expect(text).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
    ...common,
    alarm_name: 'healthcare-prod-readiness-not-ready',
    namespace: 'Healthcare/Readiness',
    metric_name: 'NotReady-healthcare-readiness-prod',
    statistic: 'Sum',
  });
});
