/** The SDK clients recover uses in one region (finder.ts RecoverClients). */
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { BackupClient } from '@aws-sdk/client-backup';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import type { RecoverClients } from './finder';

/**
 * The clients of a region, as the SDK configures itself (credentials, AWS_ENDPOINT_URL);
 * `s3PathStyle` for emulators (STATE_USE_PATH_STYLE).
 */
export function createRecoverClients(region: string, s3PathStyle = false): RecoverClients {
  const config = { region, maxAttempts: 3 };
  return {
    ec2: new EC2Client(config),
    rds: new RDSClient(config),
    elasticache: new ElastiCacheClient(config),
    iam: new IAMClient(config),
    logs: new CloudWatchLogsClient(config),
    kms: new KMSClient(config),
    lambda: new LambdaClient(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
    wafv2: new WAFV2Client(config),
    apigateway: new APIGatewayClient(config),
    s3: new S3Client({ ...config, forcePathStyle: s3PathStyle }),
    dynamodb: new DynamoDBClient(config),
    backup: new BackupClient(config),
  };
}
