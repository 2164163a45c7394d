import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigConformancePack } from '@cdktf/provider-aws/lib/config-conformance-pack';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { HIPAA_CONFIG_RULES, HipaaConfigRule } from './hipaa-rules';

/**
 * The IAM role AWS Config records and delivers with, created on its own because the
 * audit key's policy names it (KMS refuses a policy naming a role that does not exist).
 * A role of our own rather than the service-linked AWSServiceRoleForConfig, which other
 * tooling may already have created in the account.
 */
export function configServiceRole(
  scope: Construct,
  id: string,
  props: { readonly name: string; readonly accountId: string; readonly partition: string },
): IamRole {
  const role = new IamRole(scope, id, {
    name: props.name,
    description: 'AWS Config records resources and delivers to the audit archive',
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'config.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
        },
      ],
    }),
  });
  new IamRolePolicyAttachment(scope, `${id}-managed-policy`, {
    role: role.name,
    policyArn: `arn:${props.partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
  });
  return role;
}

export interface ConfigRecorderProps {
  readonly recorderName: string;
  /** From configServiceRole(). */
  readonly role: IamRole;
  readonly accountId: string;
  /** The audit archive and its key. */
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly keyArn: string;
  /** Key prefix of Config's files in the archive. */
  readonly s3KeyPrefix: string;
  /**
   * Record IAM users, roles, policies and groups too. In exactly one region per
   * account, or each change is recorded (and billed) once per region.
   */
  readonly includeGlobalResourceTypes: boolean;
  readonly conformancePackName: string;
  /** @default HIPAA_CONFIG_RULES */
  readonly rules?: readonly HipaaConfigRule[];
}

/**
 * AWS Config: a recorder of every supported resource type, a delivery channel to the
 * audit archive (KMS-encrypted, daily snapshots), and the project's HIPAA conformance
 * pack, generated from the rule table.
 */
export class ConfigRecorder extends Construct {
  readonly recorderName: string;
  readonly conformancePackName: string;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const rules = props.rules ?? HIPAA_CONFIG_RULES;
    if (rules.length === 0) {
      throw new Error(
        `ConfigRecorder '${props.recorderName}': rules is empty; a conformance pack needs at least one rule`,
      );
    }

    const deliveryPolicy = new IamRolePolicy(this, 'delivery-policy', {
      name: 'deliver-to-audit-archive',
      role: props.role.name,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'CheckArchiveAcl',
            Effect: 'Allow',
            Action: 's3:GetBucketAcl',
            Resource: props.bucketArn,
          },
          {
            Sid: 'WriteConfigFiles',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: `${props.bucketArn}/${props.s3KeyPrefix}/AWSLogs/${props.accountId}/*`,
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
          },
          {
            Sid: 'EncryptConfigFiles',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: props.keyArn,
          },
        ],
      }),
    });

    const recorder = new ConfigConfigurationRecorder(this, 'recorder', {
      name: props.recorderName,
      roleArn: props.role.arn,
      recordingGroup: {
        allSupported: true,
        includeGlobalResourceTypes: props.includeGlobalResourceTypes,
      },
    });
    const channel = new ConfigDeliveryChannel(this, 'delivery-channel', {
      name: props.recorderName,
      s3BucketName: props.bucketName,
      s3KeyPrefix: props.s3KeyPrefix,
      s3KmsKeyArn: props.keyArn,
      snapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
      dependsOn: [recorder, deliveryPolicy],
    });
    const status = new ConfigConfigurationRecorderStatus(this, 'recorder-status', {
      name: recorder.name,
      isEnabled: true,
      dependsOn: [channel],
    });
    const pack = new ConfigConformancePack(this, 'conformance-pack', {
      name: props.conformancePackName,
      templateBody: conformancePackTemplate(rules),
      dependsOn: [status],
    });
    this.recorderName = recorder.name;
    this.conformancePackName = pack.name;
  }
}

/** `CLOUD_TRAIL_ENABLED` → `CloudTrailEnabled` (a CloudFormation logical id). */
export function logicalId(identifier: string): string {
  return identifier
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * The conformance pack template: one AWS::Config::ConfigRule per row, owner AWS, with
 * the pack's rule name and the managed rule identifier; default rule parameters.
 */
export function conformancePackTemplate(rules: readonly HipaaConfigRule[]): string {
  const seen = new Set<string>();
  const lines = ['Resources:'];
  for (const r of rules) {
    if (!/^[A-Z0-9_]+$/.test(r.identifier) || seen.has(r.identifier)) {
      throw new Error(
        `conformance pack rule identifier "${r.identifier}" must be an AWS managed rule identifier (A-Z, 0-9, _) listed once`,
      );
    }
    seen.add(r.identifier);
    lines.push(
      `  ${logicalId(r.identifier)}:`,
      '    Type: AWS::Config::ConfigRule',
      '    Properties:',
      `      ConfigRuleName: ${r.name}`,
      '      Source:',
      '        Owner: AWS',
      `        SourceIdentifier: ${r.identifier}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
