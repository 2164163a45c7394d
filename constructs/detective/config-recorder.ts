import { ConfigConfigurationRecorder } from '@cdktf/provider-aws/lib/config-configuration-recorder';
import { ConfigConfigurationRecorderStatus } from '@cdktf/provider-aws/lib/config-configuration-recorder-status';
import { ConfigConformancePack } from '@cdktf/provider-aws/lib/config-conformance-pack';
import { ConfigDeliveryChannel } from '@cdktf/provider-aws/lib/config-delivery-channel';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { LockedBucket } from '../audit/locked-bucket';
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
    description: 'AWS Config records resources and delivers to its bucket',
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
  /** Config's own bucket (globally unique: include the account id and region). */
  readonly bucketName: string;
  /** Days Config's files are kept (the audit archive's retention). */
  readonly retentionDays: number;
  /** The audit key: SSE-KMS of the bucket and of each delivery (s3_kms_key_arn). */
  readonly keyArn: string;
  /** `prevent_destroy` on the bucket. @default false */
  readonly preventDestroy?: boolean;
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
 * AWS Config: a recorder of every supported resource type, a delivery channel to a bucket
 * of its own (KMS-encrypted, daily snapshots), and the project's HIPAA conformance pack,
 * generated from the rule table.
 *
 * Not the audit archive: "AWS Config does not support the delivery channel to an Amazon S3
 * bucket where object lock is enabled"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-config-deliverychannel.html).
 * The bucket: no Object Lock, versioned, SSE-KMS with the audit key, TLS only, public access
 * blocked, expiry at the archive's retention, and the bucket policy AWS documents for
 * config.amazonaws.com with aws:SourceAccount
 * (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html).
 */
export class ConfigRecorder extends Construct {
  readonly recorderName: string;
  readonly conformancePackName: string;
  readonly bucket: LockedBucket;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    const rules = props.rules ?? HIPAA_CONFIG_RULES;
    if (rules.length === 0) {
      throw new Error(
        `ConfigRecorder '${props.recorderName}': rules is empty; a conformance pack needs at least one rule`,
      );
    }

    this.bucket = configBucket(this, props);
    const bucketArn = this.bucket.bucketArn;
    const deliveryPolicy = new IamRolePolicy(this, 'delivery-policy', {
      name: 'deliver-to-config-bucket',
      role: props.role.name,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            // Config checks the bucket exists (HeadBucket needs s3:ListBucket) and its ACL.
            Sid: 'CheckConfigBucket',
            Effect: 'Allow',
            Action: ['s3:GetBucketAcl', 's3:ListBucket'],
            Resource: bucketArn,
          },
          {
            Sid: 'WriteConfigFiles',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: `${bucketArn}/${configFilesKey(props.accountId)}`,
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
    // AWS checks write access when the channel is created (InsufficientDeliveryPolicyException).
    const channel = new ConfigDeliveryChannel(this, 'delivery-channel', {
      name: props.recorderName,
      s3BucketName: this.bucket.bucketName,
      s3KmsKeyArn: props.keyArn,
      snapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
      dependsOn: [recorder, deliveryPolicy, this.bucket.policy],
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

/** Where Config writes in its bucket (no key prefix): `AWSLogs/<account>/Config/*`. */
export function configFilesKey(accountId: string): string {
  return `AWSLogs/${accountId}/Config/*`;
}

/** Config's bucket with the three statements of AWS's policy, each for this account only. */
function configBucket(scope: Construct, props: ConfigRecorderProps): LockedBucket {
  const sourceAccount = {
    test: 'StringEquals',
    variable: 'aws:SourceAccount',
    values: [props.accountId],
  };
  const config = [{ type: 'Service', identifiers: ['config.amazonaws.com'] }];
  return new LockedBucket(scope, 'bucket', {
    bucketName: props.bucketName,
    kmsKeyArn: props.keyArn,
    expirationDays: props.retentionDays,
    preventDestroy: props.preventDestroy,
    policyStatements: (bucketArn) => [
      {
        sid: 'AWSConfigBucketPermissionsCheck',
        effect: 'Allow',
        principals: config,
        actions: ['s3:GetBucketAcl'],
        resources: [bucketArn],
        condition: [sourceAccount],
      },
      {
        sid: 'AWSConfigBucketExistenceCheck',
        effect: 'Allow',
        principals: config,
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        condition: [sourceAccount],
      },
      {
        sid: 'AWSConfigBucketDelivery',
        effect: 'Allow',
        principals: config,
        actions: ['s3:PutObject'],
        resources: [`${bucketArn}/${configFilesKey(props.accountId)}`],
        condition: [
          sourceAccount,
          { test: 'StringEquals', variable: 's3:x-amz-acl', values: ['bucket-owner-full-control'] },
        ],
      },
    ],
  });
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
