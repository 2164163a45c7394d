import { ApiGatewayBasePathMapping } from '@cdktf/provider-aws/lib/api-gateway-base-path-mapping';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
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
import { Wafv2WebAcl, Wafv2WebAclRule } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Fn, Token } from 'cdktf';
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import type { EncryptionKey } from '../encryption/encryption-key';
import { waivePolicy } from '../policy/waiver';
import { readyRoute, type ReadyRouteProps } from './ready-route';

export interface HealthApiProps {
  /** REST API name, e.g. `healthcare-api-prod`. */
  readonly name: string;
  /** Stage name: the environment suffix, so the URL ends in `/<stage>/health`. */
  readonly stageName: string;
  readonly webAclName: string;
  /** Must start with `aws-waf-logs-`. */
  readonly webAclLogGroupName: string;
  readonly logsKey: EncryptionKey;
  readonly logRetentionDays: number;
  readonly throttlingRateLimit: number;
  readonly throttlingBurstLimit: number;
  /** Requests per 5 minutes per IP before WAF blocks. */
  readonly wafRateLimit: number;
  /** @default `/aws/apigateway/<name>/access-logs` */
  readonly accessLogGroupName?: string;
  /** Adds `GET /ready` (IAM-authorized, Lambda proxy). @default - no /ready route */
  readonly ready?: ReadyRouteProps;
  /**
   * Serves the API on this host name only, with TLS 1.2 or later: a regional custom domain
   * (security policy TLS_1_2) mapped to the stage at its root, and the default execute-api
   * endpoint (which accepts TLS 1.0) disabled. The DNS record pointing the name at
   * `domainTarget` is the owner's to create.
   * @default - the execute-api host only
   */
  readonly customDomain?: CustomDomainProps;
}

export interface CustomDomainProps {
  /** Host name, e.g. `api.example.org`. */
  readonly domainName: string;
  /** ACM certificate in the API's region covering the name; it must be ISSUED. */
  readonly certificateArn: string;
}

/** The TLS policy of the custom domain: TLS 1.2 and 1.3 only (TLS_1_0 also accepts 1.0). */
export const DOMAIN_SECURITY_POLICY = 'TLS_1_2';
const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;

/** WAF only delivers logs to CloudWatch log groups whose name has this prefix. */
export const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';

/** AWS managed rule groups the web ACL runs, in priority order after IP reputation. */
const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesAmazonIpReputationList', priority: 10, metric: 'ip-reputation' },
  { name: 'AWSManagedRulesCommonRuleSet', priority: 30, metric: 'common' },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', priority: 40, metric: 'known-bad-inputs' },
] as const;

/** Name of the WAF rule that blocks an IP sending more than `wafRateLimit` requests per 5 minutes. */
export const RATE_LIMIT_RULE_NAME = 'rate-limit-per-ip';

/**
 * Access log line: who called what and the outcome. Deliberately no request/response bodies,
 * headers or query strings: those may carry PHI.
 */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  // Which host the client called (the custom domain, or a refused execute-api call) and why
  // API Gateway or the integration failed: API Gateway's own texts, no request content.
  domainName: '$context.domainName',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  integrationError: '$context.integration.error',
});

const STAGE_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;

function validate(props: HealthApiProps): void {
  const known = (v: string | number) => !Token.isUnresolved(v);
  const rules: { failed: boolean; message: string }[] = [
    {
      failed: known(props.stageName) && !STAGE_NAME_PATTERN.test(props.stageName),
      message: `stageName '${props.stageName}' may only contain letters, digits, '_' and '-' (API Gateway stage names match [A-Za-z0-9_-]+)`,
    },
    {
      failed:
        known(props.webAclLogGroupName) &&
        !props.webAclLogGroupName.startsWith(WAF_LOG_GROUP_PREFIX),
      message: `webAclLogGroupName '${props.webAclLogGroupName}' must start with '${WAF_LOG_GROUP_PREFIX}' (WAF only logs to such log groups); use e.g. '${WAF_LOG_GROUP_PREFIX}${props.webAclLogGroupName}'`,
    },
    {
      failed: known(props.throttlingRateLimit) && !(props.throttlingRateLimit >= 1),
      message: `throttlingRateLimit ${props.throttlingRateLimit} must be at least 1 request per second`,
    },
    {
      failed:
        known(props.throttlingRateLimit) &&
        known(props.throttlingBurstLimit) &&
        !(props.throttlingBurstLimit >= props.throttlingRateLimit),
      message: `throttlingBurstLimit ${props.throttlingBurstLimit} must be at least throttlingRateLimit ${props.throttlingRateLimit} (a burst smaller than the steady rate throttles the steady rate)`,
    },
    {
      failed: known(props.wafRateLimit) && !(props.wafRateLimit >= 100),
      message: `wafRateLimit ${props.wafRateLimit} must be at least 100 requests per 5 minutes per IP`,
    },
    {
      failed:
        props.customDomain !== undefined &&
        known(props.customDomain.domainName) &&
        !HOST_NAME.test(props.customDomain.domainName),
      message: `customDomain.domainName '${props.customDomain?.domainName}' must be a lowercase DNS host name such as api.example.org`,
    },
    {
      failed:
        props.customDomain !== undefined &&
        known(props.customDomain.certificateArn) &&
        !ACM_ARN.test(props.customDomain.certificateArn),
      message: `customDomain.certificateArn '${props.customDomain?.certificateArn}' must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)`,
    },
  ];
  const failures = rules.filter((r) => r.failed).map((r) => `  - ${r.message}`);
  if (failures.length > 0) {
    throw new Error(`HealthApi '${props.name}': invalid settings:\n${failures.join('\n')}`);
  }
}

/**
 * Regional REST API with a mock `GET /health`, access logs, X-Ray, throttling and WAF.
 *
 * Requires the account's API Gateway CloudWatch Logs role (`aws_api_gateway_account`,
 * one per account and region) for execution logging: TapAccountBaseline provides it and
 * is deployed before any environment. This construct never creates account singletons.
 */
export class HealthApi extends Construct {
  readonly restApiId: string;
  readonly stageName: string;
  readonly stageArn: string;
  /**
   * `https://<custom domain>/health`, or without one
   * `https://<id>.execute-api.<region>.amazonaws.com/<stage>/health`.
   */
  readonly healthUrl: string;
  /** Where clients call the stage: `https://<custom domain>` or the stage's invoke URL. */
  readonly invokeUrl: string;
  /** The custom domain, when one is set. */
  readonly domainName?: string;
  /**
   * What the custom domain's DNS record points at: the regional domain name
   * (`d-….execute-api.<region>.amazonaws.com`, a CNAME or an alias target) and its hosted
   * zone id (for a Route 53 alias record).
   */
  readonly domainTarget?: { readonly regionalDomainName: string; readonly regionalZoneId: string };
  readonly webAclArn: string;
  /** For alarms: the CloudWatch `ApiName` dimension. */
  readonly apiName: string;
  /** `…/<stage>/ready` when the route exists. */
  readonly readyUrl?: string;
  /** The managed policy operators' roles need to call `GET /ready`, when the route exists. */
  readonly readyCallerPolicyArn?: string;

  constructor(scope: Construct, id: string, props: HealthApiProps) {
    super(scope, id);
    validate(props);
    const accessLogGroupName =
      props.accessLogGroupName ?? `/aws/apigateway/${props.name}/access-logs`;
    const logGroup = (lgId: string, name: string) =>
      new CloudwatchLogGroup(this, lgId, {
        name,
        kmsKeyId: props.logsKey.keyArn,
        retentionInDays: props.logRetentionDays,
      });

    const restApi = new ApiGatewayRestApi(this, 'rest-api', {
      name: props.name,
      description: 'Healthcare platform API',
      endpointConfiguration: { types: ['REGIONAL'] },
      // The default endpoint negotiates TLS 1.0 and cannot be given another policy: with a
      // custom domain (TLS_1_2) it is turned off, so no client can go around the domain.
      disableExecuteApiEndpoint: props.customDomain ? true : undefined,
    });
    const resource = new ApiGatewayResource(this, 'health-resource', {
      restApiId: restApi.id,
      parentId: restApi.rootResourceId,
      pathPart: 'health',
    });
    // Public on purpose: an unauthenticated liveness probe that returns a constant and
    // touches no data. WAF and stage throttling still apply to it.
    const method = new ApiGatewayMethod(this, 'health-get', {
      restApiId: restApi.id,
      resourceId: resource.id,
      httpMethod: 'GET',
      authorization: 'NONE',
    });
    waivePolicy(
      method,
      'HIPAA-API-008',
      'GET /health is a public liveness probe: a mock integration returns a constant JSON body, reaches no backend and no PHI; WAF and stage throttling still apply.',
    );
    const methodResponse = new ApiGatewayMethodResponse(this, 'health-get-200', {
      restApiId: restApi.id,
      resourceId: resource.id,
      httpMethod: method.httpMethod,
      statusCode: '200',
      responseModels: { 'application/json': 'Empty' },
      dependsOn: [method],
    });
    const requestTemplates = { 'application/json': '{"statusCode": 200}' };
    const integration = new ApiGatewayIntegration(this, 'health-integration', {
      restApiId: restApi.id,
      resourceId: resource.id,
      httpMethod: method.httpMethod,
      type: 'MOCK',
      requestTemplates,
    });
    const responseTemplates = { 'application/json': '{"status":"ok"}' };
    // Explicit order: API Gateway rejects an integration response whose integration or
    // method response does not exist yet (the race the replaced Pulumi stack had).
    const integrationResponse = new ApiGatewayIntegrationResponse(this, 'health-integration-200', {
      restApiId: restApi.id,
      resourceId: resource.id,
      httpMethod: method.httpMethod,
      statusCode: methodResponse.statusCode,
      responseTemplates,
      dependsOn: [integration, methodResponse],
    });

    const ready = props.ready && readyRoute(this, restApi, props.stageName, props.ready);
    const readyParts = ready ? [ready.resource, ready.method, ready.integration] : [];

    // A deployment is a snapshot: redeploy whenever any part of the API (or its templates,
    // which change in place without a new id) changes.
    const deployment = new ApiGatewayDeployment(this, 'deployment', {
      restApiId: restApi.id,
      description: 'Managed by cdktf; replaced when the API definition changes',
      triggers: {
        redeployment: Fn.sha1(
          Fn.jsonencode([
            resource.id,
            method.id,
            methodResponse.id,
            integration.id,
            integrationResponse.id,
            // Hashed here: cdktf does not escape quotes in string literals inside Fn calls.
            // Disabling the execute-api endpoint takes effect only when a stage is updated
            // (API Gateway's docs): turning it on redeploys.
            createHash('sha1')
              .update(
                JSON.stringify({
                  requestTemplates,
                  responseTemplates,
                  ...(props.customDomain ? { disableExecuteApiEndpoint: true } : {}),
                }),
              )
              .digest('hex'),
            ...readyParts.map((part) => part.id),
          ]),
        ),
      },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [method, methodResponse, integration, integrationResponse, ...readyParts],
    });

    // Execution logging needs the account's API Gateway CloudWatch role
    // (aws_api_gateway_account), an account/region singleton. It belongs to the
    // TapAccountBaseline stack, which is deployed once per account and region before any
    // environment; creating it here made every environment fight over the same setting.
    const accessLogs = logGroup('access-logs', accessLogGroupName);
    // API Gateway would otherwise create this group itself: unencrypted, kept forever.
    const executionLogs = logGroup(
      'execution-logs',
      `API-Gateway-Execution-Logs_${restApi.id}/${props.stageName}`,
    );
    const stage = new ApiGatewayStage(this, 'stage', {
      restApiId: restApi.id,
      deploymentId: deployment.id,
      stageName: props.stageName,
      xrayTracingEnabled: true,
      accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
      // The execution log group exists (encrypted, with retention) before API Gateway
      // would create it itself; the account's CloudWatch role comes from the baseline.
      dependsOn: [executionLogs],
    });
    new ApiGatewayMethodSettings(this, 'method-settings', {
      restApiId: restApi.id,
      stageName: stage.stageName,
      methodPath: '*/*',
      settings: {
        metricsEnabled: true,
        loggingLevel: 'INFO',
        // Data trace logs full request/response bodies: PHI must never reach logs.
        dataTraceEnabled: false,
        throttlingRateLimit: props.throttlingRateLimit,
        throttlingBurstLimit: props.throttlingBurstLimit,
      },
    });

    const visibility = (metricName: string) => ({
      cloudwatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    // The 5.100 binding types `statement` as `any` and passes it through verbatim, so it
    // is written in Terraform's own snake_case.
    const rules: Wafv2WebAclRule[] = [
      ...MANAGED_RULE_GROUPS.map((group) => ({
        name: group.name,
        priority: group.priority,
        overrideAction: { none: {} },
        statement: { managed_rule_group_statement: { name: group.name, vendor_name: 'AWS' } },
        visibilityConfig: visibility(`${props.webAclName}-${group.metric}`),
      })),
      {
        name: RATE_LIMIT_RULE_NAME,
        priority: 20,
        action: { block: {} },
        statement: {
          rate_based_statement: { limit: props.wafRateLimit, aggregate_key_type: 'IP' },
        },
        visibilityConfig: visibility(`${props.webAclName}-${RATE_LIMIT_RULE_NAME}`),
      },
    ].sort((a, b) => a.priority - b.priority);
    const webAcl = new Wafv2WebAcl(this, 'web-acl', {
      name: props.webAclName,
      description: `Protects ${props.name}`,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(props.webAclName),
    });
    new Wafv2WebAclAssociation(this, 'web-acl-association', {
      resourceArn: stage.arn,
      webAclArn: webAcl.arn,
    });
    const webAclLogs = logGroup('web-acl-logs', props.webAclLogGroupName);
    new Wafv2WebAclLoggingConfiguration(this, 'web-acl-logging', {
      resourceArn: webAcl.arn,
      logDestinationConfigs: [webAclLogs.arn],
      // Credentials must not land in logs.
      redactedFields: [
        { singleHeader: { name: 'authorization' } },
        { singleHeader: { name: 'cookie' } },
      ],
    });

    this.restApiId = restApi.id;
    this.apiName = restApi.name;
    this.stageName = stage.stageName;
    this.stageArn = stage.arn;
    const domain = props.customDomain && this.customDomain(props.customDomain, restApi, stage);
    if (domain) {
      this.domainName = domain.domainName;
      this.domainTarget = {
        regionalDomainName: domain.regionalDomainName,
        regionalZoneId: domain.regionalZoneId,
      };
    }
    this.invokeUrl = domain ? `https://${domain.domainName}` : stage.invokeUrl;
    this.healthUrl = `${this.invokeUrl}/health`;
    this.webAclArn = webAcl.arn;
    if (ready) {
      this.readyUrl = `${this.invokeUrl}/ready`;
      this.readyCallerPolicyArn = ready.callerPolicyArn;
    }
  }

  /** The regional custom domain (TLS_1_2) with the stage at its root. */
  private customDomain(
    props: CustomDomainProps,
    restApi: ApiGatewayRestApi,
    stage: ApiGatewayStage,
  ): ApiGatewayDomainName {
    const domain = new ApiGatewayDomainName(this, 'domain-name', {
      domainName: props.domainName,
      regionalCertificateArn: props.certificateArn,
      endpointConfiguration: { types: ['REGIONAL'] },
      securityPolicy: DOMAIN_SECURITY_POLICY,
    });
    // No base path: `https://<domain>/health` is the stage's /health.
    new ApiGatewayBasePathMapping(this, 'base-path-mapping', {
      apiId: restApi.id,
      stageName: stage.stageName,
      domainName: domain.domainName,
    });
    return domain;
  }
}
