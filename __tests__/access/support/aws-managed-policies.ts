/**
 * The AWS managed policies the stacks attach, as AWS publishes them (pure data). A
 * synthesized attachment of a managed policy not listed here fails the access proofs,
 * so a new attachment brings its document (and its source page) with it.
 */
import type { PolicyDocument } from './terraform-policies';

export const AWS_MANAGED_POLICIES: Readonly<
  Record<string, { source: string; document: PolicyDocument }>
> = {
  'service-role/AmazonRDSEnhancedMonitoringRole': {
    source:
      'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonRDSEnhancedMonitoringRole.html',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'EnableCreationAndManagementOfRDSCloudwatchLogGroups',
          Effect: 'Allow',
          Action: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy'],
          Resource: ['arn:aws:logs:*:*:log-group:RDS*'],
        },
        {
          Sid: 'EnableCreationAndManagementOfRDSCloudwatchLogStreams',
          Effect: 'Allow',
          Action: [
            'logs:CreateLogStream',
            'logs:PutLogEvents',
            'logs:DescribeLogStreams',
            'logs:GetLogEvents',
          ],
          Resource: ['arn:aws:logs:*:*:log-group:RDS*:log-stream:*'],
        },
      ],
    },
  },
  'service-role/AmazonAPIGatewayPushToCloudWatchLogs': {
    source:
      'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonAPIGatewayPushToCloudWatchLogs.html',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'logs:CreateLogGroup',
            'logs:CreateLogStream',
            'logs:DescribeLogGroups',
            'logs:DescribeLogStreams',
            'logs:PutLogEvents',
            'logs:GetLogEvents',
            'logs:FilterLogEvents',
          ],
          Resource: '*',
        },
      ],
    },
  },
};
