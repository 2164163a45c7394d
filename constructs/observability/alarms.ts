import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { EncryptionKey } from '../encryption/encryption-key';
import { alarmTopic } from './alarm-topic';

export interface PlatformAlarmsProps {
  readonly topicName: string;
  /** Encrypts the SNS topic; its policy must allow CloudWatch to use it. */
  readonly logsKey: EncryptionKey;
  readonly databaseIdentifier: string;
  readonly databaseAllocatedStorageGiB: number;
  readonly cacheReplicationGroupId: string;
  /** Member cluster ids of the cache (alarms are per node). */
  readonly cacheClusterIds: readonly string[];
  readonly apiName: string;
  readonly apiStageName: string;
  /** @default - no subscription */
  readonly alarmEmail?: string;
  /**
   * Prefix of every alarm name (`<namePrefix>-db-cpu-high`).
   * @default - topicName without its `-alarms` part (`healthcare-alarms-prod` → `healthcare-prod`)
   */
  readonly namePrefix?: string;
  /** Alarm when the database has more connections than this for 15 minutes. @default - no alarm */
  readonly databaseConnectionsThreshold?: number;
  /** Alarm when more than this percentage of API requests end in 4XX for 15 minutes. @default - no alarm */
  readonly api4xxErrorRatePercent?: number;
}

/**
 * What a missing datapoint means, chosen per metric family:
 * - saturation metrics (CPU, memory, storage, connections) are published every minute while the
 *   resource runs; a gap is no evidence of saturation, so the alarm keeps its state (`missing`);
 * - API Gateway publishes nothing while there is no traffic; a quiet API is healthy (`notBreaching`).
 */
type MissingData = 'missing' | 'notBreaching';

interface AlarmSpec {
  /** Construct id and name suffix: `<namePrefix>-<what>`. */
  readonly what: string;
  readonly description: string;
  readonly namespace: 'AWS/RDS' | 'AWS/ElastiCache' | 'AWS/ApiGateway';
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  /** Either a statistic or a percentile (`extendedStatistic`). */
  readonly statistic?: 'Average' | 'Sum' | 'Minimum' | 'Maximum';
  readonly extendedStatistic?: string;
  readonly comparisonOperator: 'GreaterThanThreshold' | 'LessThanThreshold';
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly treatMissingData: MissingData;
}

const FIVE_MINUTES = 300;
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** `healthcare-alarms-prod` → `healthcare-prod`; `ops-alarms` → `ops`. */
function derivePrefix(topicName: string): string {
  return topicName.replace(/-alarms(?=-|$)/, '');
}

function validate(props: PlatformAlarmsProps): void {
  const ids = props.cacheClusterIds;
  const rules: { failed: boolean; message: string }[] = [
    {
      failed: props.namePrefix === undefined && Token.isUnresolved(props.topicName),
      message: `topicName is only known at deploy time, so no alarm name prefix can be derived from it; set namePrefix`,
    },
    {
      // The threshold is computed here, so the size must be a literal.
      failed:
        Token.isUnresolved(props.databaseAllocatedStorageGiB) ||
        !(props.databaseAllocatedStorageGiB > 0),
      message: `databaseAllocatedStorageGiB ${props.databaseAllocatedStorageGiB} must be a positive number known at synth time (the free-storage alarm fires below 10% of it)`,
    },
    {
      failed: ids.length === 0,
      message: `cacheClusterIds is empty; pass the member cluster ids of ${props.cacheReplicationGroupId} (alarms are per node)`,
    },
    {
      failed: ids.some((c) => Token.isUnresolved(c)),
      message: `cacheClusterIds must be known at synth time (they name the per-node alarms); pass literal ids such as '${props.cacheReplicationGroupId}-001'`,
    },
    {
      failed: new Set(ids).size !== ids.length,
      message: `cacheClusterIds [${ids.join(', ')}] contains duplicates`,
    },
  ];
  const failures = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (failures.length > 0) {
    throw new Error(
      `PlatformAlarms '${props.topicName}': invalid settings:\n${failures.join('\n')}`,
    );
  }
}

/** CloudWatch alarms for the database, the cache and the API, to a CMK-encrypted SNS topic. */
export class PlatformAlarms extends Construct {
  readonly topicArn: string;
  /**
   * Every alarm that notifies the topic is named `<alarmNamePrefix>-…`: the topic policy lets
   * CloudWatch publish only for alarms whose ARN matches it (aws:SourceArn).
   */
  readonly alarmNamePrefix: string;
  /** Alarm names, for tests and the README. */
  readonly alarmNames: string[];

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    validate(props);
    const prefix = props.namePrefix ?? derivePrefix(props.topicName);
    this.alarmNamePrefix = prefix;

    const topic = alarmTopic(this, {
      topicName: props.topicName,
      keyArn: props.logsKey.keyArn,
      scope: props.logsKey,
      alarmNamePrefix: prefix,
      alarmEmail: props.alarmEmail,
    });

    const specs: AlarmSpec[] = [
      ...this.databaseAlarms(props),
      ...this.cacheAlarms(props),
      ...this.apiAlarms(props),
    ];
    this.alarmNames = specs.map((spec) => {
      const alarmName = `${prefix}-${spec.what}`;
      new CloudwatchMetricAlarm(this, spec.what, {
        alarmName,
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: spec.dimensions,
        statistic: spec.statistic,
        extendedStatistic: spec.extendedStatistic,
        comparisonOperator: spec.comparisonOperator,
        threshold: spec.threshold,
        period: spec.periodSeconds,
        evaluationPeriods: spec.evaluationPeriods,
        treatMissingData: spec.treatMissingData,
        // OK actions too, so on-call learns when the problem clears.
        alarmActions: [topic.arn],
        okActions: [topic.arn],
      });
      return alarmName;
    });
    this.topicArn = topic.arn;
  }

  private databaseAlarms(props: PlatformAlarmsProps): AlarmSpec[] {
    const db = props.databaseIdentifier;
    const dimensions = { DBInstanceIdentifier: db };
    const base = { namespace: 'AWS/RDS', dimensions, treatMissingData: 'missing' } as const;
    const freeStorageBytes = Math.floor(props.databaseAllocatedStorageGiB * GIB * 0.1);
    const specs: AlarmSpec[] = [
      {
        ...base,
        what: 'db-cpu-high',
        description: `Database ${db}: average CPU above 80% for 15 minutes. Check slow queries and connections; consider a larger instance class.`,
        metricName: 'CPUUtilization',
        statistic: 'Average',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 80,
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 3,
      },
      {
        ...base,
        what: 'db-free-storage-low',
        description: `Database ${db}: free storage below 10% of the ${props.databaseAllocatedStorageGiB} GiB allocated (${freeStorageBytes} bytes). RDS stops writes when storage runs out; raise allocated/max storage.`,
        metricName: 'FreeStorageSpace',
        statistic: 'Minimum',
        comparisonOperator: 'LessThanThreshold',
        threshold: freeStorageBytes,
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 1,
      },
      {
        ...base,
        what: 'db-freeable-memory-low',
        description: `Database ${db}: freeable memory below 256 MiB for 15 minutes. The instance is swapping or close to it; consider a larger instance class.`,
        metricName: 'FreeableMemory',
        statistic: 'Average',
        comparisonOperator: 'LessThanThreshold',
        threshold: 256 * MIB,
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 3,
      },
    ];
    if (props.databaseConnectionsThreshold !== undefined) {
      specs.push({
        ...base,
        what: 'db-connections-high',
        description: `Database ${db}: more than ${props.databaseConnectionsThreshold} connections for 15 minutes. Check for connection leaks or add pooling before max_connections is reached.`,
        metricName: 'DatabaseConnections',
        statistic: 'Average',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: props.databaseConnectionsThreshold,
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 3,
      });
    }
    return specs;
  }

  /** One pair per node: ElastiCache publishes these per cluster, not per replication group. */
  private cacheAlarms(props: PlatformAlarmsProps): AlarmSpec[] {
    const groupPrefix = `${props.cacheReplicationGroupId}-`;
    return props.cacheClusterIds.flatMap((clusterId): AlarmSpec[] => {
      // `healthcare-redis-prod-001` → `cache-001-…`: short, stable names and construct ids.
      const node = clusterId.startsWith(groupPrefix)
        ? clusterId.slice(groupPrefix.length)
        : clusterId;
      const base = {
        namespace: 'AWS/ElastiCache',
        dimensions: { CacheClusterId: clusterId },
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 80,
        statistic: 'Average',
        periodSeconds: FIVE_MINUTES,
        evaluationPeriods: 3,
        treatMissingData: 'missing',
      } as const;
      return [
        {
          ...base,
          what: `cache-${node}-engine-cpu-high`,
          description: `Cache node ${clusterId}: Redis engine CPU above 80% for 15 minutes. Redis is single-threaded; look for slow commands (SLOWLOG) or scale up.`,
          metricName: 'EngineCPUUtilization',
        },
        {
          ...base,
          what: `cache-${node}-memory-high`,
          description: `Cache node ${clusterId}: more than 80% of memory used for 15 minutes. Evictions follow; check TTLs or scale up.`,
          metricName: 'DatabaseMemoryUsagePercentage',
        },
      ];
    });
  }

  private apiAlarms(props: PlatformAlarmsProps): AlarmSpec[] {
    const dimensions = { ApiName: props.apiName, Stage: props.apiStageName };
    const base = {
      namespace: 'AWS/ApiGateway',
      dimensions,
      comparisonOperator: 'GreaterThanThreshold',
      periodSeconds: FIVE_MINUTES,
      treatMissingData: 'notBreaching',
    } as const;
    const specs: AlarmSpec[] = [
      {
        ...base,
        what: 'api-5xx-errors',
        description: `API ${props.apiName} (${props.apiStageName}): at least one 5XX response in 5 minutes. Check the API's execution logs and the backends.`,
        metricName: '5XXError',
        statistic: 'Sum',
        threshold: 0,
        evaluationPeriods: 1,
      },
      {
        ...base,
        what: 'api-latency-p99-high',
        description: `API ${props.apiName} (${props.apiStageName}): p99 latency above 2000 ms for 15 minutes.`,
        metricName: 'Latency',
        extendedStatistic: 'p99',
        threshold: 2000,
        evaluationPeriods: 3,
      },
    ];
    if (props.api4xxErrorRatePercent !== undefined) {
      // The Average of 4XXError is the fraction of requests that ended in 4XX.
      specs.push({
        ...base,
        what: 'api-4xx-rate-high',
        description: `API ${props.apiName} (${props.apiStageName}): more than ${props.api4xxErrorRatePercent}% of requests ended in 4XX for 15 minutes. Look for a broken client or probing.`,
        metricName: '4XXError',
        statistic: 'Average',
        threshold: props.api4xxErrorRatePercent / 100,
        evaluationPeriods: 3,
      });
    }
    return specs;
  }
}
