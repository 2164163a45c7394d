import { CloudwatchLogMetricFilter } from '@cdktf/provider-aws/lib/cloudwatch-log-metric-filter';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';

/** One CIS / Security Hub metric-filter control on the trail's log group. */
export interface TrailAlarmSpec {
  /** Construct id, metric name suffix and alarm name suffix. */
  readonly id: string;
  readonly metricName: string;
  readonly description: string;
  /** CloudWatch Logs filter pattern, exactly as Security Hub's control describes it. */
  readonly pattern: string;
  /** Security Hub control id and CIS AWS Foundations Benchmark v1.4.0 recommendation. */
  readonly securityHub: string;
  readonly cis: string;
}

const any = (names: readonly string[]) => `{${names.map((n) => `($.eventName=${n})`).join('||')}}`;

/**
 * The trail alarms: the filter patterns of Security Hub controls CloudWatch.1 to .11 (CIS
 * AWS Foundations Benchmark v1.4.0 section 4), https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html
 */
export const TRAIL_ALARMS: readonly TrailAlarmSpec[] = [
  {
    id: 'root-account-usage',
    metricName: 'RootAccountUsage',
    description: 'The root user made a call (other than an AWS service acting for it)',
    pattern:
      '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
    securityHub: 'CloudWatch.1',
    cis: '4.3',
  },
  {
    id: 'unauthorized-api-calls',
    metricName: 'UnauthorizedApiCalls',
    description: 'An API call was refused (UnauthorizedOperation / AccessDenied)',
    pattern: '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}',
    securityHub: 'CloudWatch.2',
    cis: '4.1',
  },
  {
    id: 'console-signin-without-mfa',
    metricName: 'ConsoleSigninWithoutMfa',
    description: 'An IAM user signed in to the console without MFA',
    pattern:
      '{($.eventName="ConsoleLogin") && ($.additionalEventData.MFAUsed !="Yes") && ($.userIdentity.type="IAMUser") && ($.responseElements.ConsoleLogin="Success")}',
    securityHub: 'CloudWatch.3',
    cis: '4.2',
  },
  {
    id: 'iam-policy-changes',
    metricName: 'IamPolicyChanges',
    description: 'An IAM policy was created, changed, attached, detached or deleted',
    pattern: any([
      'DeleteGroupPolicy',
      'DeleteRolePolicy',
      'DeleteUserPolicy',
      'PutGroupPolicy',
      'PutRolePolicy',
      'PutUserPolicy',
      'CreatePolicy',
      'DeletePolicy',
      'CreatePolicyVersion',
      'DeletePolicyVersion',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'AttachUserPolicy',
      'DetachUserPolicy',
      'AttachGroupPolicy',
      'DetachGroupPolicy',
    ]),
    securityHub: 'CloudWatch.4',
    cis: '4.4',
  },
  {
    id: 'cloudtrail-changes',
    metricName: 'CloudTrailChanges',
    description: 'A trail was created, updated, deleted, started or stopped',
    pattern: any(['CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging']),
    securityHub: 'CloudWatch.5',
    cis: '4.5',
  },
  {
    id: 'kms-key-disabled-or-deleted',
    metricName: 'KmsKeyDisabledOrScheduledForDeletion',
    description: 'A customer-managed KMS key was disabled or scheduled for deletion',
    pattern:
      '{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}',
    securityHub: 'CloudWatch.7',
    cis: '4.7',
  },
  {
    id: 'config-changes',
    metricName: 'ConfigChanges',
    description: 'The AWS Config recorder or delivery channel was stopped, changed or deleted',
    pattern:
      '{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder))}',
    securityHub: 'CloudWatch.9',
    cis: '4.9',
  },
  {
    id: 'security-group-changes',
    metricName: 'SecurityGroupChanges',
    description: 'A security group or one of its rules was created, changed or deleted',
    pattern: any([
      'AuthorizeSecurityGroupIngress',
      'AuthorizeSecurityGroupEgress',
      'RevokeSecurityGroupIngress',
      'RevokeSecurityGroupEgress',
      'CreateSecurityGroup',
      'DeleteSecurityGroup',
    ]),
    securityHub: 'CloudWatch.10',
    cis: '4.10',
  },
  {
    id: 'network-acl-changes',
    metricName: 'NetworkAclChanges',
    description: 'A network ACL, one of its entries or an association was changed',
    pattern: any([
      'CreateNetworkAcl',
      'CreateNetworkAclEntry',
      'DeleteNetworkAcl',
      'DeleteNetworkAclEntry',
      'ReplaceNetworkAclEntry',
      'ReplaceNetworkAclAssociation',
    ]),
    securityHub: 'CloudWatch.11',
    cis: '4.11',
  },
];

export interface TrailAlarmsProps {
  /** The log group the trail delivers to. */
  readonly logGroupName: string;
  /**
   * The security alarm topic (security-alarm-topic.ts): its policy admits alarms named
   * `<alarmNamePrefix>-*` of this account.
   */
  readonly topicArn: string;
  /** Metric namespace of the filters. */
  readonly namespace: string;
  /** Prefix of every alarm name (`<prefix>-root-account-usage`). */
  readonly alarmNamePrefix: string;
  /** @default TRAIL_ALARMS */
  readonly alarms?: readonly TrailAlarmSpec[];
}

/**
 * A metric filter and an alarm per control, to the KMS-encrypted security alarm topic: any
 * one matching event in five minutes alarms (the CIS recommendation's threshold).
 */
export class TrailAlarms extends Construct {
  readonly alarmNames: string[];

  constructor(scope: Construct, id: string, props: TrailAlarmsProps) {
    super(scope, id);
    const specs = props.alarms ?? TRAIL_ALARMS;
    const ids = specs.map((s) => s.id);
    if (specs.length === 0 || new Set(ids).size !== ids.length) {
      throw new Error(
        `TrailAlarms '${id}': alarms must be a non-empty list of distinct ids, got [${ids.join(', ')}]`,
      );
    }

    this.alarmNames = specs.map((spec) => {
      const filter = new CloudwatchLogMetricFilter(this, `${spec.id}-filter`, {
        name: spec.metricName,
        logGroupName: props.logGroupName,
        pattern: spec.pattern,
        metricTransformation: {
          name: spec.metricName,
          namespace: props.namespace,
          value: '1',
          defaultValue: '0',
        },
      });
      const alarmName = `${props.alarmNamePrefix}-${spec.id}`;
      new CloudwatchMetricAlarm(this, `${spec.id}-alarm`, {
        alarmName,
        alarmDescription: `${spec.description} (Security Hub ${spec.securityHub}, CIS ${spec.cis})`,
        namespace: props.namespace,
        metricName: spec.metricName,
        statistic: 'Sum',
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        period: 300,
        evaluationPeriods: 1,
        treatMissingData: 'notBreaching',
        alarmActions: [props.topicArn],
        dependsOn: [filter],
      });
      return alarmName;
    });
  }
}
