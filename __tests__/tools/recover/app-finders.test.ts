import {
  APIGatewayClient,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStagesCommand,
} from '@aws-sdk/client-api-gateway';
import { BackupClient, DescribeBackupVaultCommand } from '@aws-sdk/client-backup';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ListWebACLsCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { mockAws } from '../../support/aws-mock';
import {
  apiIntegrationFinder,
  apiIntegrationResponseFinder,
  apiMethodFinder,
  apiMethodResponseFinder,
  apiResourceFinder,
  apiStageFinder,
  backupVaultFinder,
  dynamodbTableFinder,
  lambdaFunctionFinder,
  lambdaPermissionFinder,
  restApiFinder,
  s3BucketFinder,
  snsTopicFinder,
  sqsQueueFinder,
  webAclFinder,
} from '../../../tools/recover/app-finders';
import { FINDERS, finderOf } from '../../../tools/recover/finders';
import { adoptWith, planned, STACK_TAGS } from './fixtures';

const lambda = mockAws(LambdaClient);
const sns = mockAws(SNSClient);
const sqs = mockAws(SQSClient);
const waf = mockAws(WAFV2Client);
const api = mockAws(APIGatewayClient);
const s3 = mockAws(S3Client);
const dynamo = mockAws(DynamoDBClient);
const backup = mockAws(BackupClient);
const clients = {
  lambda: new LambdaClient({ region: 'eu-west-1' }),
  sns: new SNSClient({ region: 'eu-west-1' }),
  sqs: new SQSClient({ region: 'eu-west-1' }),
  wafv2: new WAFV2Client({ region: 'eu-west-1' }),
  apigateway: new APIGatewayClient({ region: 'eu-west-1' }),
  s3: new S3Client({ region: 'eu-west-1' }),
  dynamodb: new DynamoDBClient({ region: 'eu-west-1' }),
  backup: new BackupClient({ region: 'eu-west-1' }),
};
beforeEach(() => [lambda, sns, sqs, waf, api, s3, dynamo, backup].forEach((m) => m.reset()));
const notFound = (name: string) => Object.assign(new Error(name), { name });

test('aws_lambda_function: by function name', async () => {
  lambda
    .on(GetFunctionCommand)
    .resolvesOnce({ Configuration: { FunctionArn: 'arn:fn' } })
    .resolvesOnce({})
    .rejects(notFound('ResourceNotFoundException'));
  const fn = planned('aws_lambda_function.readiness', {
    function_name: 'healthcare-readiness-dev',
  });
  const first = await adoptWith(clients, lambdaFunctionFinder, [fn]);
  expect(first.blocks).toEqual([
    { to: 'aws_lambda_function.readiness', id: 'healthcare-readiness-dev' },
  ]);
  expect(first.found[0].label).toBe('healthcare-readiness-dev (arn:fn)');
  expect((await adoptWith(clients, lambdaFunctionFinder, [fn])).found[0].ids).toEqual([
    'healthcare-readiness-dev',
  ]);
  expect((await adoptWith(clients, lambdaFunctionFinder, [fn])).found).toEqual([]);
});

test("aws_lambda_permission: FUNCTION_NAME/STATEMENT_ID from the function's policy", async () => {
  lambda
    .on(GetPolicyCommand)
    .resolvesOnce({
      Policy: JSON.stringify({
        Statement: [{ Sid: 'AllowApiGatewayGetReady' }, { Effect: 'Allow' }],
      }),
    })
    .rejects(notFound('ResourceNotFoundException'));
  const permission = planned('aws_lambda_permission.invoke', {
    function_name: 'healthcare-readiness-dev',
    statement_id: 'AllowApiGatewayGetReady',
  });
  expect((await adoptWith(clients, lambdaPermissionFinder, [permission])).blocks).toEqual([
    { to: 'aws_lambda_permission.invoke', id: 'healthcare-readiness-dev/AllowApiGatewayGetReady' },
  ]);
  expect((await adoptWith(clients, lambdaPermissionFinder, [permission])).found).toEqual([]);
});

test('aws_sns_topic: by the name at the end of the ARN, imported by ARN', async () => {
  sns.on(ListTopicsCommand).resolves({
    Topics: [
      { TopicArn: 'arn:aws:sns:eu-west-1:1:healthcare-alarms-dev' },
      { TopicArn: 'arn:aws:sns:eu-west-1:1:healthcare-alarms-dev2' },
    ],
  });
  expect(
    (
      await adoptWith(clients, snsTopicFinder, [
        planned('aws_sns_topic.alarms', { name: 'healthcare-alarms-dev' }),
      ])
    ).blocks,
  ).toEqual([{ to: 'aws_sns_topic.alarms', id: 'arn:aws:sns:eu-west-1:1:healthcare-alarms-dev' }]);
});

describe('aws_sqs_queue: imported by URL', () => {
  test('by name_prefix (the readiness dead-letter queue)', async () => {
    const url =
      'https://sqs.eu-west-1.amazonaws.com/1/healthcare-readiness-dev-dlq-20261207075426119500000009';
    sqs.on(ListQueuesCommand).resolves({ QueueUrls: [url] });
    const dlq = planned(
      'aws_sqs_queue.dlq',
      { name_prefix: 'healthcare-readiness-dev-dlq-' },
      { name: true },
    );
    expect((await adoptWith(clients, sqsQueueFinder, [dlq])).blocks).toEqual([
      { to: 'aws_sqs_queue.dlq', id: url },
    ]);
    expect(sqs.commandCalls(ListQueuesCommand)[0].args[0].input.QueueNamePrefix).toBe(
      'healthcare-readiness-dev-dlq-',
    );
  });

  test('by exact name: a longer name with that prefix is not it', async () => {
    sqs.on(ListQueuesCommand).resolves({ QueueUrls: ['https://q/1/jobs-old', 'https://q/1/jobs'] });
    const { found, blocks } = await adoptWith(clients, sqsQueueFinder, [
      planned('aws_sqs_queue.jobs', { name: 'jobs' }),
    ]);
    expect(blocks).toEqual([{ to: 'aws_sqs_queue.jobs', id: 'https://q/1/jobs' }]);
    expect(found).toHaveLength(1);
    expect(
      sqsQueueFinder.plannedKey(planned('aws_sqs_queue.q', {}, { name: true, name_prefix: true })),
    ).toBeUndefined();
  });
});

test('aws_wafv2_web_acl: ID/NAME/SCOPE', async () => {
  waf.on(ListWebACLsCommand).resolves({
    WebACLs: [
      { Id: 'd4c5', Name: 'healthcare-api-dev', ARN: 'arn:waf', LockToken: 'tok' },
      { Id: 'x', Name: 'other' },
    ],
  });
  const { found, blocks } = await adoptWith(clients, webAclFinder, [
    planned('aws_wafv2_web_acl.acl', { name: 'healthcare-api-dev', scope: 'REGIONAL' }),
  ]);
  expect(blocks).toEqual([{ to: 'aws_wafv2_web_acl.acl', id: 'd4c5/healthcare-api-dev/REGIONAL' }]);
  expect(found).toHaveLength(1);
  expect(found[0].deleteCommand).toBe(
    'aws wafv2 delete-web-acl --region eu-west-1 --scope REGIONAL --name healthcare-api-dev --id d4c5 --lock-token tok',
  );
});

describe('API Gateway', () => {
  test('aws_api_gateway_rest_api: REST APIs carrying the stack tags, matched by name', async () => {
    api.on(GetRestApisCommand).resolves({
      items: [
        { id: 'a1', name: 'healthcare-api-dev', tags: STACK_TAGS },
        { id: 'a2', name: 'healthcare-api-dev', tags: { Project: 'someone-else' } },
        { id: 'a3', name: 'healthcare-api-dev' },
      ],
    });
    const { found, blocks } = await adoptWith(clients, restApiFinder, [
      planned('aws_api_gateway_rest_api.api', { name: 'healthcare-api-dev' }),
    ]);
    expect(blocks).toEqual([{ to: 'aws_api_gateway_rest_api.api', id: 'a1' }]);
    expect(found.map((f) => f.importId)).toEqual(['a1']);
  });

  const RESOURCES = {
    items: [
      { id: 'root', path: '/' },
      {
        id: 'r-ready',
        parentId: 'root',
        pathPart: 'ready',
        path: '/ready',
        resourceMethods: {
          GET: {
            httpMethod: 'GET',
            methodResponses: { '200': { statusCode: '200' } },
            methodIntegration: {
              type: 'AWS_PROXY',
              integrationResponses: { '200': { statusCode: '200' } },
            },
          },
          OPTIONS: { httpMethod: 'OPTIONS' },
        },
      },
    ],
  };

  test('resources, methods, responses and integrations under the REST API the plan knows', async () => {
    api.on(GetResourcesCommand).resolves(RESOURCES as never);
    const under = { rest_api_id: 'a1' };
    expect(
      (
        await adoptWith(clients, apiResourceFinder, [
          planned('aws_api_gateway_resource.ready', {
            ...under,
            parent_id: 'root',
            path_part: 'ready',
          }),
        ])
      ).blocks,
    ).toEqual([{ to: 'aws_api_gateway_resource.ready', id: 'a1/r-ready' }]);
    expect(api.commandCalls(GetResourcesCommand)[0].args[0].input).toEqual({
      restApiId: 'a1',
      embed: ['methods'],
      position: undefined,
    });
    const onReady = { ...under, resource_id: 'r-ready', http_method: 'GET' };
    expect(
      (await adoptWith(clients, apiMethodFinder, [planned('aws_api_gateway_method.get', onReady)]))
        .blocks,
    ).toEqual([{ to: 'aws_api_gateway_method.get', id: 'a1/r-ready/GET' }]);
    expect(
      (
        await adoptWith(clients, apiMethodResponseFinder, [
          planned('aws_api_gateway_method_response.ok', { ...onReady, status_code: '200' }),
        ])
      ).blocks,
    ).toEqual([{ to: 'aws_api_gateway_method_response.ok', id: 'a1/r-ready/GET/200' }]);
    const integration = await adoptWith(clients, apiIntegrationFinder, [
      planned('aws_api_gateway_integration.ready', onReady),
    ]);
    expect(integration.blocks).toEqual([
      { to: 'aws_api_gateway_integration.ready', id: 'a1/r-ready/GET' },
    ]);
    expect(integration.found).toHaveLength(1); // OPTIONS has no integration
    expect(
      (
        await adoptWith(clients, apiIntegrationResponseFinder, [
          planned('aws_api_gateway_integration_response.ok', { ...onReady, status_code: '200' }),
        ])
      ).blocks,
    ).toEqual([{ to: 'aws_api_gateway_integration_response.ok', id: 'a1/r-ready/GET/200' }]);
  });

  test('children wait while their REST API is planned; a REST API gone meanwhile lists nothing', async () => {
    expect(
      apiMethodFinder.plannedKey(
        planned(
          'aws_api_gateway_method.get',
          { http_method: 'GET' },
          { rest_api_id: true, resource_id: true },
        ),
      ),
    ).toBeUndefined();
    api.on(GetResourcesCommand).rejects(notFound('NotFoundException'));
    expect(
      (
        await adoptWith(clients, apiMethodFinder, [
          planned('aws_api_gateway_method.get', {
            rest_api_id: 'gone',
            resource_id: 'r',
            http_method: 'GET',
          }),
        ])
      ).found,
    ).toEqual([]);
  });

  test('aws_api_gateway_stage: REST-API-ID/STAGE-NAME', async () => {
    api
      .on(GetStagesCommand)
      .resolvesOnce({ item: [{ stageName: 'dev' }] })
      .rejects(notFound('NotFoundException'));
    const stage = planned('aws_api_gateway_stage.dev', { rest_api_id: 'a1', stage_name: 'dev' });
    expect((await adoptWith(clients, apiStageFinder, [stage])).blocks).toEqual([
      { to: 'aws_api_gateway_stage.dev', id: 'a1/dev' },
    ]);
    expect((await adoptWith(clients, apiStageFinder, [stage])).found).toEqual([]);
  });
});

describe("the bootstrap's and the baseline's stores", () => {
  test('aws_s3_bucket: by bucket name (HeadBucket)', async () => {
    s3.on(HeadBucketCommand).resolvesOnce({}).rejects(notFound('NotFound'));
    const bucket = planned('aws_s3_bucket.state-bucket', { bucket: 'healthcare-platform-tfstate' });
    const { found, blocks } = await adoptWith(clients, s3BucketFinder, [bucket]);
    expect(blocks).toEqual([
      { to: 'aws_s3_bucket.state-bucket', id: 'healthcare-platform-tfstate' },
    ]);
    expect(found[0].ids).toEqual([
      'healthcare-platform-tfstate',
      'arn:aws:s3:::healthcare-platform-tfstate',
    ]);
    expect((await adoptWith(clients, s3BucketFinder, [bucket])).found).toEqual([]);
  });

  test('aws_dynamodb_table: by name', async () => {
    dynamo
      .on(DescribeTableCommand)
      .resolvesOnce({
        Table: {
          TableName: 'healthcare-platform-tfstate-lock',
          TableArn: 'arn:t',
          TableStatus: 'ACTIVE',
        },
      })
      .rejects(notFound('ResourceNotFoundException'));
    const table = planned('aws_dynamodb_table.state-lock-table', {
      name: 'healthcare-platform-tfstate-lock',
    });
    const { found, blocks } = await adoptWith(clients, dynamodbTableFinder, [table]);
    expect(blocks).toEqual([
      { to: 'aws_dynamodb_table.state-lock-table', id: 'healthcare-platform-tfstate-lock' },
    ]);
    expect(found[0].label).toBe('healthcare-platform-tfstate-lock (ACTIVE)');
    expect((await adoptWith(clients, dynamodbTableFinder, [table])).found).toEqual([]);
  });

  test('aws_backup_vault: by name', async () => {
    backup
      .on(DescribeBackupVaultCommand)
      .resolvesOnce({ BackupVaultName: 'healthcare-backup', BackupVaultArn: 'arn:v' })
      .rejects(notFound('ResourceNotFoundException'));
    const vault = planned('aws_backup_vault.vault', { name: 'healthcare-backup' });
    const { found, blocks } = await adoptWith(clients, backupVaultFinder, [vault]);
    expect(blocks).toEqual([{ to: 'aws_backup_vault.vault', id: 'healthcare-backup' }]);
    expect(found[0].label).toBe('healthcare-backup (0 recovery points)');
    expect((await adoptWith(clients, backupVaultFinder, [vault])).found).toEqual([]);
  });
});

test('the finder registry: one finder per type, each under its own type', () => {
  expect([...FINDERS.keys()].sort()).toEqual([
    'aws_api_gateway_integration',
    'aws_api_gateway_integration_response',
    'aws_api_gateway_method',
    'aws_api_gateway_method_response',
    'aws_api_gateway_resource',
    'aws_api_gateway_rest_api',
    'aws_api_gateway_stage',
    'aws_backup_vault',
    'aws_cloudwatch_log_group',
    'aws_db_instance',
    'aws_db_parameter_group',
    'aws_db_subnet_group',
    'aws_dynamodb_table',
    'aws_eip',
    'aws_elasticache_parameter_group',
    'aws_elasticache_replication_group',
    'aws_elasticache_subnet_group',
    'aws_elasticache_user',
    'aws_elasticache_user_group',
    'aws_flow_log',
    'aws_iam_policy',
    'aws_iam_role',
    'aws_iam_role_policy',
    'aws_iam_role_policy_attachment',
    'aws_internet_gateway',
    'aws_kms_alias',
    'aws_kms_key',
    'aws_lambda_function',
    'aws_lambda_permission',
    'aws_nat_gateway',
    'aws_route',
    'aws_route_table',
    'aws_route_table_association',
    'aws_s3_bucket',
    'aws_security_group',
    'aws_sns_topic',
    'aws_sqs_queue',
    'aws_subnet',
    'aws_vpc',
    'aws_vpc_endpoint',
    'aws_vpc_security_group_egress_rule',
    'aws_vpc_security_group_ingress_rule',
    'aws_wafv2_web_acl',
  ]);
  for (const [type, finder] of FINDERS) expect(finder.type).toBe(type);
  expect(finderOf('aws_s3_bucket')).toBe(s3BucketFinder);
  expect(finderOf('aws_cloudwatch_metric_alarm')).toBeUndefined();
});
