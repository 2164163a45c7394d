import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';

/** Custom metric the log metric filter publishes: `NotReady-<function name>`, one per function. */
export const READINESS_METRIC_NAMESPACE = 'Healthcare/Readiness';
export const READINESS_METRIC_NAME = 'NotReady';

export interface ReadinessAlarmsProps {
  readonly functionName: string;
  /** The function's dead-letter queue. */
  readonly queueName: string;
  /** The platform's alarm topic (`PlatformAlarms.topicArn`). */
  readonly topicArn: string;
  /**
   * The topic's alarm name prefix (`PlatformAlarms.alarmNamePrefix`): alarms are named
   * `<prefix>-readiness-<what>`, because the topic policy only lets CloudWatch publish for
   * alarms under that prefix (aws:SourceArn).
   */
  readonly alarmNamePrefix: string;
}

/**
 * One alarm per way the readiness function can be unwell (errors, throttles, a 503 answer, a
 * dead letter), all notifying the platform's alarm topic, with OK actions.
 */
export class ReadinessAlarms extends Construct {
  readonly alarmNames: string[];

  constructor(scope: Construct, id: string, props: ReadinessAlarmsProps) {
    super(scope, id);
    this.alarmNames = alarmSpecs(props).map((spec) => {
      const alarmName = `${props.alarmNamePrefix}-readiness-${spec.what}`;
      new CloudwatchMetricAlarm(this, spec.what, {
        alarmName,
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: spec.dimensions,
        statistic: spec.statistic,
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        period: 300,
        evaluationPeriods: 1,
        // No invocations, no failures: a quiet function is healthy.
        treatMissingData: 'notBreaching',
        alarmActions: [props.topicArn],
        okActions: [props.topicArn],
      });
      return alarmName;
    });
  }
}

function alarmSpecs(props: ReadinessAlarmsProps) {
  const fn = props.functionName;
  const specs = [
    {
      what: 'errors',
      description: `Lambda ${fn}: the function failed (unhandled error or timeout) at least once in 5 minutes. Check its log group /aws/lambda/${fn}.`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: fn },
      statistic: 'Sum',
    },
    {
      what: 'throttles',
      description: `Lambda ${fn}: invocations were throttled (reserved concurrency reached) in 5 minutes. Operators calling /ready too often, or raise reservedConcurrency.`,
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: { FunctionName: fn },
      statistic: 'Sum',
    },
    {
      what: 'not-ready',
      description: `GET /ready (${fn}) answered 503 at least once in 5 minutes: the database or the cache failed its check. The function's log line names which and whether it timed out.`,
      namespace: READINESS_METRIC_NAMESPACE,
      metricName: `${READINESS_METRIC_NAME}-${fn}`,
      dimensions: undefined,
      statistic: 'Sum',
    },
    {
      what: 'dead-letters',
      description: `Lambda ${fn}: an asynchronous invocation failed every retry and waits in ${props.queueName}.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: props.queueName },
      statistic: 'Maximum',
    },
  ] as const;
  return specs;
}
