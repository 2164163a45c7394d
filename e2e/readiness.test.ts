/**
 * The readiness application (issue 13) as deployed: the function's runtime, network, key,
 * tracing, concurrency and dead-letter queue, and `GET /ready` (IAM-authorized, proxied to
 * the function). Control-plane checks only: the emulator cannot run Lambda code without
 * Docker, so the handler itself is tested by `npm run test:app` (docs/e2e.md).
 */
import {
  APIGatewayClient,
  GetIntegrationCommand,
  GetMethodCommand,
  GetResourcesCommand,
} from '@aws-sdk/client-api-gateway';
import {
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { clientConfig, deployedConfig, describePlatform, list, str } from './support';

describePlatform('readiness application', (outputs) => {
  const lambda = new LambdaClient(clientConfig());
  const config = deployedConfig();
  const functionName = str(outputs, 'readiness_function_name');
  const configuration = () =>
    lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));

  it('is named for the environment and runs on nodejs22.x (nodejs20.x is deprecated) with active tracing', async () => {
    expect(functionName).toBe(config.names.readinessFunction);
    const fn = await configuration();
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.TracingConfig?.Mode).toBe('Active');
  });

  it('runs in the private subnets with the application security group', async () => {
    const fn = await configuration();
    expect([...(fn.VpcConfig?.SubnetIds ?? [])].sort()).toEqual(
      [...list(outputs, 'private_subnet_ids')].sort(),
    );
    expect(fn.VpcConfig?.SecurityGroupIds).toEqual([str(outputs, 'application_security_group_id')]);
  });

  it('encrypts its environment with the platform data key', async () => {
    const fn = await configuration();
    expect(fn.KMSKeyArn).toBe(str(outputs, 'kms_key_arn'));
  });

  it('sends failed events to its dead-letter queue and logs to its own log group', async () => {
    const fn = await configuration();
    const region = clientConfig().region;
    expect(fn.DeadLetterConfig?.TargetArn).toMatch(
      new RegExp(`^arn:aws:sqs:${region}:\\d{12}:${functionName}-dlq-\\w+$`),
    );
    expect(fn.LoggingConfig?.LogGroup).toBe(`/aws/lambda/${functionName}`);
  });

  it('reserves (and caps) its concurrency', async () => {
    const concurrency = await lambda.send(
      new GetFunctionConcurrencyCommand({ FunctionName: functionName }),
    );
    expect(concurrency.ReservedConcurrentExecutions).toBe(2);
  });

  it('serves GET /ready only to IAM-signed callers, proxied to the function', async () => {
    const api = new APIGatewayClient(clientConfig());
    const restApiId = str(outputs, 'api_id');
    const items = (await api.send(new GetResourcesCommand({ restApiId }))).items ?? [];
    const ready = items.find((r) => r.path === '/ready');
    expect(ready?.id).toBeTruthy();
    const method = await api.send(
      new GetMethodCommand({ restApiId, resourceId: ready!.id!, httpMethod: 'GET' }),
    );
    expect(method.authorizationType).toBe('AWS_IAM');
    const integration = await api.send(
      new GetIntegrationCommand({ restApiId, resourceId: ready!.id!, httpMethod: 'GET' }),
    );
    expect(integration.type).toBe('AWS_PROXY');
    expect(integration.httpMethod).toBe('POST');
    const fn = await configuration();
    expect(integration.uri).toContain(`/functions/${fn.FunctionArn}/invocations`);
    const domain = config.api.customDomain?.domainName;
    if (domain) expect(str(outputs, 'api_ready_url')).toBe(`https://${domain}/ready`);
    else expect(str(outputs, 'api_ready_url')).toMatch(new RegExp(`${restApiId}.*/ready$`));
  });
});
