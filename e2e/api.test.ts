import {
  APIGatewayClient,
  GetBasePathMappingsCommand,
  GetDomainNameCommand,
  GetIntegrationCommand,
  GetIntegrationResponseCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetStageCommand,
} from '@aws-sdk/client-api-gateway';
import { GetWebACLForResourceCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { clientConfig, deployedConfig, describePlatform, str } from './support';

describePlatform('health API', (outputs) => {
  const api = new APIGatewayClient(clientConfig());
  const config = deployedConfig();
  const restApiId = str(outputs, 'api_id');
  const stageName = str(outputs, 'api_stage_name');
  const healthResourceId = async () => {
    const items = (await api.send(new GetResourcesCommand({ restApiId }))).items ?? [];
    const health = items.find((r) => r.path === '/health');
    expect(health).toBeDefined();
    return health!.id!;
  };

  it('has the stage, and the health URL points at it', async () => {
    const stage = await api.send(new GetStageCommand({ restApiId, stageName }));
    expect(stage.stageName).toBe(config.environment);
    expect(stage.deploymentId).toBeTruthy();
    const domain = config.api.customDomain?.domainName;
    // On a custom domain the stage is mapped at the root; otherwise the execute-api host names it.
    if (domain) expect(str(outputs, 'api_health_url')).toBe(`https://${domain}/health`);
    else
      expect(str(outputs, 'api_health_url')).toMatch(
        new RegExp(`${restApiId}.*/${stageName}/health$`),
      );
  });

  it('is reached only on its custom domain when it has one: TLS 1.2, mapped at the root, execute-api off', async () => {
    const domain = config.api.customDomain;
    const restApi = await api.send(new GetRestApiCommand({ restApiId }));
    expect(restApi.disableExecuteApiEndpoint).toBe(domain !== undefined);
    if (!domain) return;
    const name = await api.send(new GetDomainNameCommand({ domainName: domain.domainName }));
    expect(name.securityPolicy).toBe('TLS_1_2');
    expect(name.regionalCertificateArn).toBe(domain.certificateArn);
    expect(name.endpointConfiguration?.types).toEqual(['REGIONAL']);
    const mappings = await api.send(
      new GetBasePathMappingsCommand({ domainName: domain.domainName }),
    );
    expect(mappings.items?.map((m) => [m.basePath, m.restApiId, m.stage])).toEqual([
      ['(none)', restApiId, stageName],
    ]);
  });

  it('has GET /health with a MOCK integration and its 200 response', async () => {
    const resourceId = await healthResourceId();
    const method = await api.send(
      new GetMethodCommand({ restApiId, resourceId, httpMethod: 'GET' }),
    );
    expect(method.httpMethod).toBe('GET');
    const integration = await api.send(
      new GetIntegrationCommand({ restApiId, resourceId, httpMethod: 'GET' }),
    );
    expect(integration.type).toBe('MOCK');
    const response = await api.send(
      new GetIntegrationResponseCommand({
        restApiId,
        resourceId,
        httpMethod: 'GET',
        statusCode: '200',
      }),
    );
    expect(response.statusCode).toBe('200');
  });

  it('has the WAF web ACL associated with the stage', async () => {
    const waf = new WAFV2Client(clientConfig());
    const region = clientConfig().region;
    const stageArn = `arn:aws:apigateway:${region}::/restapis/${restApiId}/stages/${stageName}`;
    const answer = await waf.send(new GetWebACLForResourceCommand({ ResourceArn: stageArn }));
    expect(answer.WebACL?.Name).toBe(config.names.webAcl);
  });
});
