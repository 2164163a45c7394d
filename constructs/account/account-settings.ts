import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { EbsEncryptionByDefault } from '@cdktf/provider-aws/lib/ebs-encryption-by-default';
import { IamAccountPasswordPolicy } from '@cdktf/provider-aws/lib/iam-account-password-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { S3AccountPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-account-public-access-block';
import { Construct } from 'constructs';

export interface AccountSettingsProps {
  readonly accountId: string;
  readonly partition: string;
  /** The IAM role API Gateway writes execution and access logs with. */
  readonly apiGatewayCloudWatchRoleName: string;
  /**
   * Also the account-wide (global) settings: the IAM password policy and the S3 account
   * public access block. True in exactly one region per account.
   */
  readonly accountWide: boolean;
}

/**
 * The IAM password policy: the parameters of the HIPAA pack's iam-password-policy rule
 * (14 characters, every character class, 24 remembered, 90 days).
 */
export const PASSWORD_POLICY = {
  minimumPasswordLength: 14,
  requireLowercaseCharacters: true,
  requireUppercaseCharacters: true,
  requireNumbers: true,
  requireSymbols: true,
  passwordReusePrevention: 24,
  maxPasswordAge: 90,
  allowUsersToChangePassword: true,
} as const;

/**
 * Settings AWS keeps once per account or per account and region, which the environments
 * rely on and no environment stack may own: API Gateway's CloudWatch role (one per
 * region; every REST API stage logging needs it), EBS encryption by default (per region)
 * and, where accountWide, the password policy and the S3 account public access block.
 */
export class AccountSettings extends Construct {
  readonly apiGatewayCloudWatchRoleArn: string;

  constructor(scope: Construct, id: string, props: AccountSettingsProps) {
    super(scope, id);
    // No aws:SourceAccount condition: AWS documents none for this role, and API Gateway is not
    // documented to send the key when it assumes it (it does not for integration roles), so a
    // condition could make UpdateAccount fail ("The role ARN does not have required permissions")
    // and logging stop. Confused deputy does not arise: only this account's UpdateAccount names
    // the role, and IAM refuses to pass a role across accounts.
    const role = new IamRole(this, 'apigw-cloudwatch-role', {
      name: props.apiGatewayCloudWatchRoleName,
      description: "API Gateway writes this region's REST API execution and access logs",
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'apigateway.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    });
    const attachment = new IamRolePolicyAttachment(this, 'apigw-cloudwatch-policy', {
      role: role.name,
      policyArn: `arn:${props.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs`,
    });
    new ApiGatewayAccount(this, 'apigw-account', {
      cloudwatchRoleArn: role.arn,
      // API Gateway checks the role can be assumed and has the policy when it is set.
      dependsOn: [attachment],
    });
    this.apiGatewayCloudWatchRoleArn = role.arn;

    new EbsEncryptionByDefault(this, 'ebs-encryption-by-default', { enabled: true });

    if (props.accountWide) {
      new S3AccountPublicAccessBlock(this, 's3-account-public-access-block', {
        accountId: props.accountId,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      new IamAccountPasswordPolicy(this, 'password-policy', { ...PASSWORD_POLICY });
    }
  }
}
