import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import type { KeyScope } from '../encryption/service-key';

export interface AlarmTopicProps {
  /** The SNS topic's name. */
  readonly topicName: string;
  /** Customer-managed key of the topic: alarm messages name resources. Its policy must let CloudWatch use it. */
  readonly keyArn: string;
  /** The account, partition and region of the alarms that publish. */
  readonly scope: KeyScope;
  /** Only alarms named `<alarmNamePrefix>-…` may publish (aws:SourceArn). */
  readonly alarmNamePrefix: string;
  /** @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * The SNS topic CloudWatch alarms notify, its policy and the optional e-mail subscription,
 * made as `topic`, `topic-policy` and `email` directly in `scope`: a function rather than a
 * construct, so the platform's and the baseline's topics keep their Terraform addresses.
 */
export function alarmTopic(scope: Construct, props: AlarmTopicProps): SnsTopic {
  const { accountId, partition, region } = props.scope;
  const prefix = props.alarmNamePrefix;
  if (!Token.isUnresolved(prefix) && !/^[^*?\s]+$/.test(prefix)) {
    throw new Error(
      `alarm topic '${props.topicName}': alarmNamePrefix = "${prefix}": must be non-empty, without spaces, * or ? (the topic policy matches alarm ARNs against "<prefix>-*")`,
    );
  }
  const topic = new SnsTopic(scope, 'topic', {
    name: props.topicName,
    // CloudWatch needs kms:Decrypt and kms:GenerateDataKey* on this key (its key policy).
    kmsMasterKeyId: props.keyArn,
  });
  new SnsTopicPolicy(scope, 'topic-policy', {
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
          // Only our own alarms of this prefix, in our own account (confused-deputy protection).
          Condition: {
            StringEquals: { 'aws:SourceAccount': accountId },
            ArnLike: {
              'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${prefix}-*`,
            },
          },
        },
      ],
    }),
  });
  if (props.alarmEmail !== undefined) {
    // Stays "pending confirmation" until the recipient clicks the link AWS mails.
    new SnsTopicSubscription(scope, 'email', {
      topicArn: topic.arn,
      protocol: 'email',
      endpoint: props.alarmEmail,
    });
  }
  return topic;
}
