/**
 * The SDK clients recover uses in one region (finder.ts RecoverClients), split by whose
 * credentials they carry, as Terraform splits them:
 *  - `state`: the state lock (the `.tflock` object and the DynamoDB item in the state
 *    bucket's account), with the caller's own credentials, as the S3 backend uses them;
 *  - `finders`: the stack's resources, as the stack's provider reaches them: through its deploy
 *    role (DEPLOY_ROLE_ARN, BASELINE_DEPLOY_ROLE_ARN) when it has one, in the role's account,
 *    with the provider's session name and external id (preflight's deployRoleCredentials).
 * Both honour the standard environment (credentials chain, AWS_ENDPOINT_URL for an emulator).
 */
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
import { STSClient } from '@aws-sdk/client-sts';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import type { DeployRole } from '../../config/deploy-role';
import { deployRoleCredentials } from '../preflight';
import type { FinderClients, RecoverClients, StateClients } from './finder';

/** Attempts of every recover client (and of the AssumeRole behind the finders'). */
export const RECOVER_MAX_ATTEMPTS = 3;

export interface RecoverClientOptions {
  /** Path-style S3 addressing, for emulators (STATE_USE_PATH_STYLE). @default false */
  readonly s3PathStyle?: boolean;
  /** The stack's deploy role: the finders act as it. @default the caller's own credentials */
  readonly role?: DeployRole;
}

/** The state lock's clients: the caller's own credentials, as Terraform's S3 backend. */
export function createStateClients(region: string, s3PathStyle = false): StateClients {
  const config = { region, maxAttempts: RECOVER_MAX_ATTEMPTS };
  return {
    s3: new S3Client({ ...config, forcePathStyle: s3PathStyle }),
    dynamodb: new DynamoDBClient(config),
    sts: new STSClient(config),
  };
}

/**
 * The finders' clients: as the stack's deploy role when given (assumed once for all of them,
 * through STS of the same region), else as the caller.
 */
export function createFinderClients(
  region: string,
  options: RecoverClientOptions = {},
): FinderClients {
  const maxAttempts = RECOVER_MAX_ATTEMPTS;
  const { role } = options;
  const config = {
    region,
    maxAttempts,
    ...(role ? { credentials: deployRoleCredentials(role, { region, maxAttempts }) } : {}),
  };
  return {
    sts: new STSClient(config),
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
    s3: new S3Client({ ...config, forcePathStyle: options.s3PathStyle ?? false }),
    dynamodb: new DynamoDBClient(config),
    backup: new BackupClient(config),
  };
}

/** Both sets of a region. */
export function createRecoverClients(
  region: string,
  options: RecoverClientOptions = {},
): RecoverClients {
  return {
    state: createStateClients(region, options.s3PathStyle),
    finders: createFinderClients(region, options),
  };
}
