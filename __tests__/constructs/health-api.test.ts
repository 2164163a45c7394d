import { ApiGatewayBasePathMapping } from '@cdktf/provider-aws/lib/api-gateway-base-path-mapping';
import { ApiGatewayDomainName } from '@cdktf/provider-aws/lib/api-gateway-domain-name';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Lazy, TerraformOutput, Testing } from 'cdktf';
import { HealthApi, HealthApiProps } from '../../constructs/api/health-api';
import type { EncryptionKey } from '../../constructs/encryption/encryption-key';

const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/abc';
const logsKey = {
  keyArn: KEY_ARN,
  keyId: 'abc',
  accountId: '111122223333',
  partition: 'aws',
} as unknown as EncryptionKey;

const baseProps: HealthApiProps = {
  name: 'healthcare-api-prod',
  stageName: 'prod',
  webAclName: 'healthcare-api-prod',
  webAclLogGroupName: 'aws-waf-logs-healthcare-api-prod',
  logsKey,
  logRetentionDays: 90,
  throttlingRateLimit: 500,
  throttlingBurstLimit: 1000,
  wafRateLimit: 2000,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Synthesizes the construct with one output per attribute, so tests see what each resolves to. */
function synth(overrides: Partial<HealthApiProps> = {}): { text: string; json: Json } {
  const text = Testing.synthScope((scope) => {
    const api = new HealthApi(scope, 'api', { ...baseProps, ...overrides });
    const attributes: Record<string, string> = {
      rest_api_id: api.restApiId,
      stage_name: api.stageName,
      stage_arn: api.stageArn,
      invoke_url: api.invokeUrl,
      health_url: api.healthUrl,
      web_acl_arn: api.webAclArn,
      api_name: api.apiName,
    };
    for (const [name, value] of Object.entries(attributes)) {
      new TerraformOutput(scope, name, { value });
    }
  });
  return { text, json: JSON.parse(text) };
}

/** The Terraform address (`type.name`) of the only resource of a type. */
function addressOf(json: Json, type: string): string {
  const names = Object.keys(json.resource[type]);
  expect(names).toHaveLength(1);
  return `${type}.${names[0]}`;
}

function only(json: Json, type: string): Json {
  return Object.values(json.resource[type])[0];
}

describe('HealthApi', () => {
  describe('given the minimal (required) props', () => {
    const { text, json } = synth();

    test('then the API is regional with a public mock GET /health', () => {
      expect(text).toHaveResourceWithProperties(ApiGatewayRestApi, {
        name: 'healthcare-api-prod',
        endpoint_configuration: { types: ['REGIONAL'] },
      });
      expect(text).toHaveResourceWithProperties(ApiGatewayResource, { path_part: 'health' });
      expect(text).toHaveResourceWithProperties(ApiGatewayMethod, {
        http_method: 'GET',
        authorization: 'NONE',
      });
      expect(text).toHaveResourceWithProperties(ApiGatewayMethodResponse, {
        status_code: '200',
        response_models: { 'application/json': 'Empty' },
      });
      expect(text).toHaveResourceWithProperties(ApiGatewayIntegration, {
        type: 'MOCK',
        request_templates: { 'application/json': '{"statusCode": 200}' },
      });
      expect(text).toHaveResourceWithProperties(ApiGatewayIntegrationResponse, {
        response_templates: { 'application/json': '{"status":"ok"}' },
      });
    });

    test('then the method response waits for the method', () => {
      expect(only(json, 'aws_api_gateway_method_response').depends_on).toEqual([
        addressOf(json, 'aws_api_gateway_method'),
      ]);
    });

    test('then the integration response cannot be created before its integration or method response', () => {
      const integrationResponse = only(json, 'aws_api_gateway_integration_response');
      expect(integrationResponse.depends_on).toEqual(
        expect.arrayContaining([
          addressOf(json, 'aws_api_gateway_integration'),
          addressOf(json, 'aws_api_gateway_method_response'),
        ]),
      );
      expect(integrationResponse.status_code).toBe(
        `\${${addressOf(json, 'aws_api_gateway_method_response')}.status_code}`,
      );
    });

    test('then the deployment is replaced (create before destroy) whenever the API changes', () => {
      const deployment = only(json, 'aws_api_gateway_deployment');
      expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
      const trigger: string = deployment.triggers.redeployment;
      expect(trigger).toMatch(/^\$\{sha1\(jsonencode\(\[.*\]\)\)\}$/);
      for (const type of [
        'aws_api_gateway_resource',
        'aws_api_gateway_method',
        'aws_api_gateway_method_response',
        'aws_api_gateway_integration',
        'aws_api_gateway_integration_response',
      ]) {
        expect(trigger).toContain(`${addressOf(json, type)}.id`);
      }
      expect(deployment.depends_on).toEqual(
        expect.arrayContaining([
          addressOf(json, 'aws_api_gateway_method'),
          addressOf(json, 'aws_api_gateway_integration'),
          addressOf(json, 'aws_api_gateway_integration_response'),
        ]),
      );
    });

    test('then the stage traces with X-Ray and writes PHI-free JSON access logs to an encrypted group', () => {
      const stage = only(json, 'aws_api_gateway_stage');
      expect(stage.stage_name).toBe('prod');
      expect(stage.xray_tracing_enabled).toBe(true);
      expect(stage.deployment_id).toBe(`\${${addressOf(json, 'aws_api_gateway_deployment')}.id}`);
      const format = JSON.parse(stage.access_log_settings.format);
      expect(Object.keys(format).sort()).toEqual(
        [
          'caller',
          'httpMethod',
          'ip',
          'protocol',
          'requestId',
          'requestTime',
          'resourcePath',
          'responseLength',
          'status',
          'user',
          'domainName',
          'errorType',
          'errorMessage',
          'integrationError',
        ].sort(),
      );
      expect(format).toMatchObject({
        domainName: '$context.domainName',
        errorType: '$context.error.responseType',
        errorMessage: '$context.error.message',
        integrationError: '$context.integration.error',
      });
      expect(stage.access_log_settings.format).not.toMatch(/body|header|querystring/i);

      const accessLogs = Object.entries(json.resource.aws_cloudwatch_log_group).find(
        ([, g]) => (g as Json).name === '/aws/apigateway/healthcare-api-prod/access-logs',
      )!;
      expect(stage.access_log_settings.destination_arn).toBe(
        `\${aws_cloudwatch_log_group.${accessLogs[0]}.arn}`,
      );
    });

    test('then every log group is encrypted with the logs key and expires', () => {
      const groups = Object.values(json.resource.aws_cloudwatch_log_group) as Json[];
      expect(groups.map((g) => g.name)).toEqual(
        expect.arrayContaining([
          '/aws/apigateway/healthcare-api-prod/access-logs',
          'aws-waf-logs-healthcare-api-prod',
          expect.stringMatching(/^API-Gateway-Execution-Logs_\$\{.*\.id\}\/prod$/),
        ]),
      );
      expect(groups).toHaveLength(3);
      for (const group of groups) {
        expect(group).toMatchObject({ kms_key_id: KEY_ARN, retention_in_days: 90 });
      }
    });

    test('then the stage waits for the execution log group', () => {
      const stage = only(json, 'aws_api_gateway_stage');
      const executionLogs = Object.entries(json.resource.aws_cloudwatch_log_group).find(([, g]) =>
        String((g as Json).name).startsWith('API-Gateway-Execution-Logs_'),
      )!;
      expect(stage.depends_on).toEqual([`aws_cloudwatch_log_group.${executionLogs[0]}`]);
    });

    test('then no account singleton or IAM role is created: the account baseline owns them', () => {
      expect(json.resource.aws_api_gateway_account).toBeUndefined();
      expect(json.resource.aws_iam_role).toBeUndefined();
      expect(json.resource.aws_iam_role_policy_attachment).toBeUndefined();
    });

    test('then every method has metrics, INFO logs, no data trace (PHI) and the throttling limits', () => {
      expect(text).toHaveResourceWithProperties(ApiGatewayMethodSettings, {
        method_path: '*/*',
        stage_name: `\${${addressOf(json, 'aws_api_gateway_stage')}.stage_name}`,
        settings: {
          metrics_enabled: true,
          logging_level: 'INFO',
          data_trace_enabled: false,
          throttling_rate_limit: 500,
          throttling_burst_limit: 1000,
        },
      });
    });

    test('then a regional web ACL allows by default and runs the managed rules and a rate limit', () => {
      const acl = only(json, 'aws_wafv2_web_acl');
      expect(acl).toMatchObject({
        name: 'healthcare-api-prod',
        scope: 'REGIONAL',
        default_action: { allow: {} },
        visibility_config: {
          cloudwatch_metrics_enabled: true,
          sampled_requests_enabled: true,
          metric_name: 'healthcare-api-prod',
        },
      });
      const rules = acl.rule as Json[];
      const byName = Object.fromEntries(rules.map((r) => [r.name, r]));
      for (const group of [
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
        'AWSManagedRulesAmazonIpReputationList',
      ]) {
        expect(byName[group]).toMatchObject({
          override_action: { none: {} },
          statement: { managed_rule_group_statement: { name: group, vendor_name: 'AWS' } },
        });
      }
      expect(byName['rate-limit-per-ip']).toMatchObject({
        action: { block: {} },
        statement: { rate_based_statement: { limit: 2000, aggregate_key_type: 'IP' } },
      });
      expect(rules).toHaveLength(4);
      for (const rule of rules) {
        expect(rule.visibility_config).toMatchObject({
          cloudwatch_metrics_enabled: true,
          sampled_requests_enabled: true,
          metric_name: expect.stringMatching(/^healthcare-api-prod-/),
        });
      }
      // Priorities are unique: WAF rejects duplicates.
      expect(new Set(rules.map((r) => r.priority)).size).toBe(rules.length);
    });

    test('then the web ACL protects the stage and logs to its log group without credentials', () => {
      expect(text).toHaveResourceWithProperties(Wafv2WebAclAssociation, {
        resource_arn: `\${${addressOf(json, 'aws_api_gateway_stage')}.arn}`,
        web_acl_arn: `\${${addressOf(json, 'aws_wafv2_web_acl')}.arn}`,
      });
      const wafLogs = Object.entries(json.resource.aws_cloudwatch_log_group).find(
        ([, g]) => (g as Json).name === 'aws-waf-logs-healthcare-api-prod',
      )!;
      expect(text).toHaveResourceWithProperties(Wafv2WebAclLoggingConfiguration, {
        resource_arn: `\${${addressOf(json, 'aws_wafv2_web_acl')}.arn}`,
        log_destination_configs: [`\${aws_cloudwatch_log_group.${wafLogs[0]}.arn}`],
      });
      const logging = only(json, 'aws_wafv2_web_acl_logging_configuration');
      expect(logging.redacted_fields).toEqual(
        expect.arrayContaining([{ single_header: { name: 'authorization' } }]),
      );
    });

    test('then the attributes reference the stage, the API and the web ACL', () => {
      const stage = addressOf(json, 'aws_api_gateway_stage');
      const restApi = addressOf(json, 'aws_api_gateway_rest_api');
      const values = Object.fromEntries(
        Object.entries(json.output).map(([name, o]) => [name, (o as Json).value]),
      );
      expect(values).toEqual({
        rest_api_id: `\${${restApi}.id}`,
        api_name: `\${${restApi}.name}`,
        stage_name: `\${${stage}.stage_name}`,
        stage_arn: `\${${stage}.arn}`,
        invoke_url: `\${${stage}.invoke_url}`,
        health_url: `\${${stage}.invoke_url}/health`,
        web_acl_arn: `\${${addressOf(json, 'aws_wafv2_web_acl')}.arn}`,
      });
      expect(values.health_url).toMatch(/\/health$/);
    });

    test('then there is no custom domain and the execute-api endpoint stays on', () => {
      expect(json.resource.aws_api_gateway_domain_name).toBeUndefined();
      expect(json.resource.aws_api_gateway_base_path_mapping).toBeUndefined();
      expect(only(json, 'aws_api_gateway_rest_api')).not.toHaveProperty(
        'disable_execute_api_endpoint',
      );
    });
  });

  describe('given full props', () => {
    test('then the access log group name and limits come from the props', () => {
      const { text } = synth({
        stageName: 'pr_123-a',
        accessLogGroupName: '/custom/access',
        throttlingRateLimit: 10,
        throttlingBurstLimit: 10,
        wafRateLimit: 100,
      });
      expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, { name: '/custom/access' });
      expect(text).toHaveResourceWithProperties(ApiGatewayStage, { stage_name: 'pr_123-a' });
      expect(text).toHaveResourceWithProperties(ApiGatewayMethodSettings, {
        settings: expect.objectContaining({
          throttling_rate_limit: 10,
          throttling_burst_limit: 10,
        }),
      });
      expect(text).toContain('"limit": 100');
    });
  });

  describe('given a custom domain', () => {
    const CERT =
      'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
    const customDomain = { domainName: 'api.example.org', certificateArn: CERT };

    function synthWithDomain() {
      const text = Testing.synthScope((scope) => {
        const api = new HealthApi(scope, 'api', {
          ...baseProps,
          customDomain,
          ready: {
            functionName: 'healthcare-readiness-prod',
            invokeArn: 'arn:aws:apigateway:eu-west-1:lambda:path/fn',
            callerPolicyName: 'healthcare-ready-callers-prod',
          },
        });
        const out = (name: string, value: string | undefined) =>
          new TerraformOutput(scope, name, { value });
        out('invoke_url', api.invokeUrl);
        out('health_url', api.healthUrl);
        out('ready_url', api.readyUrl);
        out('domain_name', api.domainName);
        out('target', api.domainTarget?.regionalDomainName);
        out('zone', api.domainTarget?.regionalZoneId);
      });
      return { text, json: JSON.parse(text) };
    }
    const { text, json } = synthWithDomain();

    test('then a regional domain with TLS_1_2 maps the stage at its root', () => {
      expect(text).toHaveResourceWithProperties(ApiGatewayDomainName, {
        domain_name: 'api.example.org',
        regional_certificate_arn: CERT,
        endpoint_configuration: { types: ['REGIONAL'] },
        security_policy: 'TLS_1_2',
      });
      const mapping = only(json, 'aws_api_gateway_base_path_mapping');
      expect(mapping).toEqual({
        api_id: `\${${addressOf(json, 'aws_api_gateway_rest_api')}.id}`,
        stage_name: `\${${addressOf(json, 'aws_api_gateway_stage')}.stage_name}`,
        domain_name: `\${${addressOf(json, 'aws_api_gateway_domain_name')}.domain_name}`,
      });
      expect(text).toHaveResourceWithProperties(ApiGatewayBasePathMapping, {
        stage_name: expect.stringContaining('stage_name'),
      });
    });

    test('then the execute-api endpoint (TLS 1.0) is disabled and a redeployment makes it take effect', () => {
      expect(only(json, 'aws_api_gateway_rest_api').disable_execute_api_endpoint).toBe(true);
      // The setting takes effect when a stage is updated: the deployment hash differs from
      // the one without a domain, so turning the domain on creates a new deployment.
      const plain = only(synth().json, 'aws_api_gateway_deployment').triggers.redeployment;
      const withDomain = only(json, 'aws_api_gateway_deployment').triggers.redeployment;
      expect(withDomain).not.toBe(plain);
      const hashOf = (trigger: string) => trigger.match(/"([0-9a-f]{40})"/)![1];
      expect(hashOf(withDomain)).not.toBe(hashOf(plain));
    });

    test('then every URL is on the custom domain and the DNS target is exposed', () => {
      const domain = `\${${addressOf(json, 'aws_api_gateway_domain_name')}`;
      const values = Object.fromEntries(
        Object.entries(json.output).map(([name, o]) => [name, (o as Json).value]),
      );
      expect(values).toEqual({
        invoke_url: `https://${domain}.domain_name}`,
        health_url: `https://${domain}.domain_name}/health`,
        ready_url: `https://${domain}.domain_name}/ready`,
        domain_name: `${domain}.domain_name}`,
        target: `${domain}.regional_domain_name}`,
        zone: `${domain}.regional_zone_id}`,
      });
    });
  });

  describe('validation', () => {
    test.each<[string, Partial<HealthApiProps>, string]>([
      [
        'the stage name has other characters',
        { stageName: 'prod/v1' },
        "stageName 'prod/v1' may only contain letters, digits, '_' and '-'",
      ],
      [
        'the WAF log group lacks the aws-waf-logs- prefix',
        { webAclLogGroupName: 'waf-logs' },
        "webAclLogGroupName 'waf-logs' must start with 'aws-waf-logs-'",
      ],
      [
        'the throttling rate is below 1',
        { throttlingRateLimit: 0, throttlingBurstLimit: 5 },
        'throttlingRateLimit 0 must be at least 1',
      ],
      [
        'the burst is below the rate',
        { throttlingRateLimit: 100, throttlingBurstLimit: 50 },
        'throttlingBurstLimit 50 must be at least throttlingRateLimit 100',
      ],
      [
        'the WAF rate limit is below 100',
        { wafRateLimit: 99 },
        'wafRateLimit 99 must be at least 100',
      ],
      [
        'the custom domain is not a host name',
        {
          customDomain: {
            domainName: 'API.example.org',
            certificateArn:
              'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
          },
        },
        "customDomain.domainName 'API.example.org' must be a lowercase DNS host name",
      ],
      [
        'the custom domain certificate is not an ACM ARN',
        { customDomain: { domainName: 'api.example.org', certificateArn: 'arn:aws:iam::1:x' } },
        "customDomain.certificateArn 'arn:aws:iam::1:x' must be an ACM certificate ARN",
      ],
    ])('throws when %s', (_case, overrides, message) => {
      expect(() => synth(overrides)).toThrow(message);
    });

    test('skips values only known at deploy time', () => {
      const late = Lazy.numberValue({ produce: () => 1 });
      expect(() =>
        synth({
          stageName: Lazy.stringValue({ produce: () => 'prod' }),
          webAclLogGroupName: Lazy.stringValue({ produce: () => 'aws-waf-logs-x' }),
          throttlingRateLimit: late,
          throttlingBurstLimit: late,
          wafRateLimit: late,
        }),
      ).not.toThrow();
    });

    test('reports every failed rule at once', () => {
      expect(() => synth({ stageName: 'a b', wafRateLimit: 1 })).toThrow(
        /HealthApi 'healthcare-api-prod': invalid settings:\n {2}- stageName[^\n]*\n {2}- wafRateLimit/,
      );
    });
  });
});

describe('HealthApi with GET /ready', () => {
  const ready = {
    functionName: 'healthcare-readiness-prod',
    invokeArn:
      'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:healthcare-readiness-prod/invocations',
    callerPolicyName: 'healthcare-ready-callers-prod',
  };
  let readyUrl: string | undefined;
  let callerPolicyArn: string | undefined;
  const text = Testing.synthScope((scope) => {
    const api = new HealthApi(scope, 'api', { ...baseProps, ready });
    readyUrl = api.readyUrl;
    callerPolicyArn = api.readyCallerPolicyArn;
  });
  const json = JSON.parse(text);
  const key = (type: string, id: string) =>
    Object.keys(json.resource[type]).find((k) => k.startsWith(`api_${id}_`)) as string;
  const restApi = `aws_api_gateway_rest_api.${key('aws_api_gateway_rest_api', 'rest-api')}`;

  test('GET /ready requires AWS_IAM (SigV4-signed callers only)', () => {
    expect(text).toHaveResourceWithProperties(ApiGatewayResource, { path_part: 'ready' });
    const method = json.resource.aws_api_gateway_method[key('aws_api_gateway_method', 'ready-get')];
    expect(method).toMatchObject({ http_method: 'GET', authorization: 'AWS_IAM' });
    expect(method.resource_id).toMatch(/aws_api_gateway_resource\.api_ready-resource_\w+\.id/);
  });

  test('is a Lambda proxy integration: POST to the function invoke ARN', () => {
    const integration =
      json.resource.aws_api_gateway_integration[
        key('aws_api_gateway_integration', 'ready-integration')
      ];
    expect(integration).toMatchObject({
      type: 'AWS_PROXY',
      integration_http_method: 'POST',
      uri: ready.invokeArn,
      timeout_milliseconds: 29000,
    });
  });

  test('lets API Gateway invoke the function for this API, stage and route only', () => {
    expect(text).toHaveResourceWithProperties(LambdaPermission, {
      action: 'lambda:InvokeFunction',
      function_name: 'healthcare-readiness-prod',
      principal: 'apigateway.amazonaws.com',
      source_arn: `\${${restApi}.execution_arn}/prod/GET/ready`,
    });
  });

  test('offers operators a policy for exactly that route', () => {
    const policy = json.resource.aws_iam_policy[key('aws_iam_policy', 'ready-caller-policy')];
    expect(policy.name).toBe('healthcare-ready-callers-prod');
    expect(JSON.parse(policy.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CallReadiness',
          Effect: 'Allow',
          Action: 'execute-api:Invoke',
          Resource: `\${${restApi}.execution_arn}/prod/GET/ready`,
        },
      ],
    });
    // A reference to the policy created here (a token until Terraform knows the ARN).
    expect(callerPolicyArn).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
    expect(readyUrl).toMatch(/\/ready$/);
  });

  test('redeploys the stage when the route changes and deploys only after it exists', () => {
    const deployment = Object.values(json.resource.aws_api_gateway_deployment)[0] as Json;
    for (const [type, id] of [
      ['aws_api_gateway_resource', 'ready-resource'],
      ['aws_api_gateway_method', 'ready-get'],
      ['aws_api_gateway_integration', 'ready-integration'],
    ]) {
      expect(deployment.triggers.redeployment).toContain(`${type}.${key(type, id)}.id`);
      expect(deployment.depends_on).toContain(`${type}.${key(type, id)}`);
    }
  });

  test('without ready props there is no /ready route', () => {
    const { json: plain } = synth();
    expect(JSON.stringify(plain)).not.toContain('ready');
    expect(plain.resource.aws_lambda_permission).toBeUndefined();
  });
});
