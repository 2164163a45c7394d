import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Lazy, TerraformOutput, Testing } from 'cdktf';
import type { EncryptionKey } from '../../constructs/encryption/encryption-key';
import { PlatformAlarms, PlatformAlarmsProps } from '../../constructs/observability/alarms';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/abc';
const logsKey = {
  keyArn: KEY_ARN,
  keyId: 'abc',
  accountId: '111122223333',
  partition: 'aws',
  region: 'eu-west-1',
} as unknown as EncryptionKey;

const baseProps: PlatformAlarmsProps = {
  topicName: 'healthcare-alarms-prod',
  logsKey,
  databaseIdentifier: 'healthcare-db-prod',
  databaseAllocatedStorageGiB: 50,
  cacheReplicationGroupId: 'healthcare-redis-prod',
  cacheClusterIds: ['healthcare-redis-prod-001', 'healthcare-redis-prod-002'],
  apiName: 'healthcare-api-prod',
  apiStageName: 'prod',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function synth(overrides: Partial<PlatformAlarmsProps> = {}): {
  text: string;
  json: Json;
  alarms: PlatformAlarms;
} {
  let alarms: PlatformAlarms | undefined;
  const text = Testing.synthScope((scope) => {
    alarms = new PlatformAlarms(scope, 'alarms', { ...baseProps, ...overrides });
    new TerraformOutput(scope, 'topic_arn', { value: alarms.topicArn });
  });
  return { text, json: JSON.parse(text), alarms: alarms! };
}

/** Alarms keyed by alarm name. */
function alarmsByName(json: Json): Record<string, Json> {
  const all = Object.values(json.resource.aws_cloudwatch_metric_alarm ?? {}) as Json[];
  return Object.fromEntries(all.map((a) => [a.alarm_name, a]));
}

function topicAddress(json: Json): string {
  const names = Object.keys(json.resource.aws_sns_topic);
  expect(names).toHaveLength(1);
  return `aws_sns_topic.${names[0]}`;
}

describe('PlatformAlarms', () => {
  describe('given the minimal (required) props', () => {
    const { text, json, alarms } = synth();
    const topicArn = `\${${topicAddress(json)}.arn}`;
    const byName = alarmsByName(json);

    test('then the topic is encrypted with the logs key and has no subscription', () => {
      expect(text).toHaveResourceWithProperties(SnsTopic, {
        name: 'healthcare-alarms-prod',
        kms_master_key_id: KEY_ARN,
      });
      expect(text).not.toHaveResource(SnsTopicSubscription);
      expect(json.output.topic_arn.value).toBe(topicArn);
    });

    test('then only the platform alarms of our own account may publish to the topic', () => {
      const policy = Object.values(json.resource.aws_sns_topic_policy)[0] as Json;
      expect(policy.arn).toBe(topicArn);
      expect(JSON.parse(policy.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topicArn,
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111122223333' },
              ArnLike: {
                'aws:SourceArn':
                  'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:healthcare-prod-*',
              },
            },
          },
        ],
      });
    });

    test('then the alarm names use the prefix derived from the topic name', () => {
      expect(alarms.alarmNames).toEqual([
        'healthcare-prod-db-cpu-high',
        'healthcare-prod-db-free-storage-low',
        'healthcare-prod-db-freeable-memory-low',
        'healthcare-prod-cache-001-engine-cpu-high',
        'healthcare-prod-cache-001-memory-high',
        'healthcare-prod-cache-002-engine-cpu-high',
        'healthcare-prod-cache-002-memory-high',
        'healthcare-prod-api-5xx-errors',
        'healthcare-prod-api-latency-p99-high',
      ]);
      expect(Object.keys(byName).sort()).toEqual([...alarms.alarmNames].sort());
    });

    test('then every alarm notifies the topic on alarm and on recovery, and explains itself', () => {
      for (const alarm of Object.values(byName)) {
        expect(alarm.alarm_actions).toEqual([topicArn]);
        expect(alarm.ok_actions).toEqual([topicArn]);
        expect(alarm.alarm_description.length).toBeGreaterThan(30);
        expect(['missing', 'notBreaching']).toContain(alarm.treat_missing_data);
      }
    });

    test('then the database alarms watch CPU, free storage (10% of allocated) and memory', () => {
      const dimensions = { DBInstanceIdentifier: 'healthcare-db-prod' };
      expect(byName['healthcare-prod-db-cpu-high']).toMatchObject({
        namespace: 'AWS/RDS',
        metric_name: 'CPUUtilization',
        dimensions,
        statistic: 'Average',
        comparison_operator: 'GreaterThanThreshold',
        threshold: 80,
        period: 300,
        evaluation_periods: 3,
        treat_missing_data: 'missing',
      });
      expect(byName['healthcare-prod-db-free-storage-low']).toMatchObject({
        namespace: 'AWS/RDS',
        metric_name: 'FreeStorageSpace',
        dimensions,
        comparison_operator: 'LessThanThreshold',
        threshold: 5 * 1024 ** 3, // 10% of 50 GiB, in bytes
      });
      expect(byName['healthcare-prod-db-freeable-memory-low']).toMatchObject({
        namespace: 'AWS/RDS',
        metric_name: 'FreeableMemory',
        dimensions,
        comparison_operator: 'LessThanThreshold',
        threshold: 256 * 1024 * 1024,
      });
    });

    test('then each cache node has an engine CPU and a memory alarm', () => {
      for (const node of ['001', '002']) {
        const dimensions = { CacheClusterId: `healthcare-redis-prod-${node}` };
        expect(byName[`healthcare-prod-cache-${node}-engine-cpu-high`]).toMatchObject({
          namespace: 'AWS/ElastiCache',
          metric_name: 'EngineCPUUtilization',
          dimensions,
          comparison_operator: 'GreaterThanThreshold',
          threshold: 80,
        });
        expect(byName[`healthcare-prod-cache-${node}-memory-high`]).toMatchObject({
          namespace: 'AWS/ElastiCache',
          metric_name: 'DatabaseMemoryUsagePercentage',
          dimensions,
          comparison_operator: 'GreaterThanThreshold',
          threshold: 80,
        });
      }
    });

    test('then the API alarms fire on any 5XX and on p99 latency above 2 s, not on quiet periods', () => {
      const dimensions = { ApiName: 'healthcare-api-prod', Stage: 'prod' };
      expect(text).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
        alarm_name: 'healthcare-prod-api-5xx-errors',
        namespace: 'AWS/ApiGateway',
        metric_name: '5XXError',
        dimensions,
        statistic: 'Sum',
        comparison_operator: 'GreaterThanThreshold',
        threshold: 0,
        period: 300,
        evaluation_periods: 1,
        treat_missing_data: 'notBreaching',
      });
      const latency = byName['healthcare-prod-api-latency-p99-high'];
      expect(latency).toMatchObject({
        namespace: 'AWS/ApiGateway',
        metric_name: 'Latency',
        dimensions,
        extended_statistic: 'p99',
        comparison_operator: 'GreaterThanThreshold',
        threshold: 2000,
        treat_missing_data: 'notBreaching',
      });
      // A metric alarm takes a statistic or a percentile, never both.
      expect(latency.statistic).toBeUndefined();
    });
  });

  describe('given full props', () => {
    const { text, alarms, json } = synth({
      namePrefix: 'hc-staging',
      alarmEmail: 'oncall@example.org',
      databaseConnectionsThreshold: 400,
      api4xxErrorRatePercent: 5,
      cacheClusterIds: ['other-cluster-a'],
    });
    const byName = alarmsByName(json);

    test('then the e-mail address is subscribed to the topic', () => {
      expect(text).toHaveResourceWithProperties(SnsTopicSubscription, {
        protocol: 'email',
        endpoint: 'oncall@example.org',
        topic_arn: `\${${topicAddress(json)}.arn}`,
      });
    });

    test('then the optional alarms exist and the names use namePrefix', () => {
      expect(alarms.alarmNames).toEqual(
        expect.arrayContaining([
          'hc-staging-db-connections-high',
          'hc-staging-api-4xx-rate-high',
          // A cluster id that does not start with the group id is used whole.
          'hc-staging-cache-other-cluster-a-engine-cpu-high',
          'hc-staging-cache-other-cluster-a-memory-high',
        ]),
      );
      expect(alarms.alarmNames).toHaveLength(9);
      expect(byName['hc-staging-db-connections-high']).toMatchObject({
        namespace: 'AWS/RDS',
        metric_name: 'DatabaseConnections',
        dimensions: { DBInstanceIdentifier: 'healthcare-db-prod' },
        threshold: 400,
      });
      expect(byName['hc-staging-api-4xx-rate-high']).toMatchObject({
        namespace: 'AWS/ApiGateway',
        metric_name: '4XXError',
        statistic: 'Average',
        dimensions: { ApiName: 'healthcare-api-prod', Stage: 'prod' },
        threshold: 0.05,
        treat_missing_data: 'notBreaching',
      });
    });
  });

  test('derives the prefix from a topic name ending in -alarms', () => {
    const { alarms } = synth({ topicName: 'ops-alarms' });
    expect(alarms.alarmNames[0]).toBe('ops-db-cpu-high');
  });

  describe('validation', () => {
    const late = Lazy.stringValue({ produce: () => 'x' });
    test.each<[string, Partial<PlatformAlarmsProps>, string]>([
      [
        'the topic name is a token and no namePrefix is given',
        { topicName: late },
        'no alarm name prefix can be derived from it; set namePrefix',
      ],
      [
        'the allocated storage is not positive',
        { databaseAllocatedStorageGiB: 0 },
        'databaseAllocatedStorageGiB 0 must be a positive number known at synth time',
      ],
      [
        'the allocated storage is a token',
        { databaseAllocatedStorageGiB: Lazy.numberValue({ produce: () => 20 }) },
        'must be a positive number known at synth time',
      ],
      [
        'there are no cache cluster ids',
        { cacheClusterIds: [] },
        'cacheClusterIds is empty; pass the member cluster ids of healthcare-redis-prod',
      ],
      [
        'a cache cluster id is a token',
        { cacheClusterIds: [late] },
        'cacheClusterIds must be known at synth time',
      ],
      [
        'cache cluster ids repeat',
        { cacheClusterIds: ['a', 'a'] },
        'cacheClusterIds [a, a] contains duplicates',
      ],
      [
        'the alarm name prefix holds a wildcard of the topic policy',
        { namePrefix: 'healthcare-*' },
        `alarm topic 'healthcare-alarms-prod': alarmNamePrefix = "healthcare-*": must be non-empty, without spaces, * or ? (the topic policy matches alarm ARNs against "<prefix>-*")`,
      ],
      [
        'the alarm name prefix is empty',
        { namePrefix: '' },
        'alarmNamePrefix = "": must be non-empty',
      ],
    ])('throws when %s', (_case, overrides, message) => {
      expect(() => synth(overrides)).toThrow(message);
    });

    test('accepts a deploy-time topic name when namePrefix is given', () => {
      expect(synth({ topicName: late, namePrefix: 'p' }).alarms.alarmNames[0]).toBe(
        'p-db-cpu-high',
      );
    });
  });
});
