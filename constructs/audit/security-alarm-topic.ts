import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { KeyScope } from '../encryption/service-key';

export interface SecurityAlarmTopicProps {
  readonly topicName: string;
  /** The audit key: its policy lets CloudWatch and EventBridge use it (audit-key.ts). */
  readonly keyArn: string;
  /** Account, partition and region of the alarms and rules that publish. */
  readonly scope: KeyScope;
  /** Only CloudWatch alarms named `<alarmNamePrefix>-…` of this account may publish. */
  readonly alarmNamePrefix: string;
  /** Only these EventBridge rules (default event bus) of this account may publish. */
  readonly eventRuleNames: readonly string[];
  /** @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * Addresses of the topic while the trail alarms created it (`trail-alarms/…`): the topic now
 * exists whatever BASELINE_CLOUDTRAIL says, and `moved` blocks keep an existing topic (and
 * its confirmed subscription) instead of replacing it.
 */
export const LEGACY_TOPIC_ADDRESSES = {
  topic: 'aws_sns_topic.trail-alarms_topic_E60DBE10',
  policy: 'aws_sns_topic_policy.trail-alarms_topic-policy_97859A70',
  email: 'aws_sns_topic_subscription.trail-alarms_email_B14BE02D',
} as const;

/** An EventBridge rule's ARN on the default event bus. */
export function eventRuleArn(scope: KeyScope, ruleName: string): string {
  return `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:rule/${ruleName}`;
}

/**
 * The baseline's security alarm topic: trail alarms, GuardDuty and Security Hub findings and
 * AWS Backup failures all reach whoever subscribes (BASELINE_ALARM_EMAIL). Encrypted with the
 * audit key. Its policy admits CloudWatch alarms of the prefix and the named EventBridge
 * rules, each of this account only (aws:SourceAccount, aws:SourceArn: confused-deputy
 * protection, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions).
 */
export class SecurityAlarmTopic extends Construct {
  readonly topicArn: string;
  readonly topicName: string;

  constructor(scope: Construct, id: string, props: SecurityAlarmTopicProps) {
    super(scope, id);
    validate(props);
    const { accountId, partition, region } = props.scope;
    const topic = new SnsTopic(this, 'topic', {
      name: props.topicName,
      kmsMasterKeyId: props.keyArn,
    });
    topic.moveFromId(LEGACY_TOPIC_ADDRESSES.topic);
    const sourceAccount = { 'aws:SourceAccount': accountId };
    const policy = new SnsTopicPolicy(this, 'topic-policy', {
      arn: topic.arn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic.arn,
            Condition: {
              StringEquals: sourceAccount,
              ArnLike: {
                'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${props.alarmNamePrefix}-*`,
              },
            },
          },
          {
            Sid: 'EventBridgeRulesPublish',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic.arn,
            Condition: {
              StringEquals: sourceAccount,
              ArnEquals: {
                'aws:SourceArn': props.eventRuleNames.map((name) =>
                  eventRuleArn(props.scope, name),
                ),
              },
            },
          },
        ],
      }),
    });
    policy.moveFromId(LEGACY_TOPIC_ADDRESSES.policy);
    if (props.alarmEmail !== undefined) {
      // Stays "pending confirmation" until the recipient clicks the link AWS mails.
      new SnsTopicSubscription(this, 'email', {
        topicArn: topic.arn,
        protocol: 'email',
        endpoint: props.alarmEmail,
      }).moveFromId(LEGACY_TOPIC_ADDRESSES.email);
    }
    this.topicArn = topic.arn;
    this.topicName = topic.name;
  }
}

function validate(props: SecurityAlarmTopicProps): void {
  const prefix = props.alarmNamePrefix;
  const names = props.eventRuleNames;
  const rules = [
    {
      failed: !Token.isUnresolved(prefix) && !/^[^*?\s]+$/.test(prefix),
      message: `alarmNamePrefix = "${prefix}": must be non-empty, without spaces, * or ? (the policy matches alarm ARNs against "<prefix>-*")`,
    },
    {
      failed: names.length === 0 || new Set(names).size !== names.length,
      message: `eventRuleNames must be a non-empty list of distinct rule names, got [${names.join(', ')}]`,
    },
  ];
  const failures = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (failures.length > 0) {
    throw new Error(`Invalid SecurityAlarmTopic '${props.topicName}':\n${failures.join('\n')}`);
  }
}
