import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';

/** `GET /ready`: the readiness function behind IAM authorization. */
export interface ReadyRouteProps {
  /** Name (or ARN) of the function API Gateway invokes. */
  readonly functionName: string;
  /** The function's `invoke_arn` (the `AWS_PROXY` integration `uri`). */
  readonly invokeArn: string;
  /** Managed policy that lets an operator role call GET /ready; attach it to operators' roles. */
  readonly callerPolicyName: string;
}

export interface ReadyRouteResources {
  readonly resource: ApiGatewayResource;
  readonly method: ApiGatewayMethod;
  readonly integration: ApiGatewayIntegration;
  /** `arn:…:execute-api:<region>:<account>:<api id>/<stage>/GET/ready` */
  readonly routeArn: string;
  readonly callerPolicyArn: string;
}

/**
 * GET /ready with `AWS_IAM` authorization and a Lambda proxy integration. Only signed requests
 * from principals of this account whose IAM policy allows `execute-api:Invoke` on the route
 * pass; the caller policy created here grants exactly that route and nothing else.
 */
export function readyRoute(
  scope: Construct,
  restApi: ApiGatewayRestApi,
  stageName: string,
  props: ReadyRouteProps,
): ReadyRouteResources {
  const resource = new ApiGatewayResource(scope, 'ready-resource', {
    restApiId: restApi.id,
    parentId: restApi.rootResourceId,
    pathPart: 'ready',
  });
  const method = new ApiGatewayMethod(scope, 'ready-get', {
    restApiId: restApi.id,
    resourceId: resource.id,
    httpMethod: 'GET',
    authorization: 'AWS_IAM',
  });
  // Lambda proxy integrations are always invoked with POST, whatever the method.
  const integration = new ApiGatewayIntegration(scope, 'ready-integration', {
    restApiId: restApi.id,
    resourceId: resource.id,
    httpMethod: method.httpMethod,
    type: 'AWS_PROXY',
    integrationHttpMethod: 'POST',
    uri: props.invokeArn,
    timeoutMilliseconds: 29000,
  });
  const routeArn = `${restApi.executionArn}/${stageName}/GET/ready`;
  new LambdaPermission(scope, 'ready-invoke-permission', {
    statementId: 'AllowApiGatewayGetReady',
    action: 'lambda:InvokeFunction',
    functionName: props.functionName,
    principal: 'apigateway.amazonaws.com',
    // This API, this stage, this route only (confused-deputy protection).
    sourceArn: routeArn,
  });
  const callerPolicy = new IamPolicy(scope, 'ready-caller-policy', {
    name: props.callerPolicyName,
    description: 'Lets an operator call GET /ready (a SigV4-signed request)',
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'CallReadiness',
          Effect: 'Allow',
          Action: 'execute-api:Invoke',
          Resource: routeArn,
        },
      ],
    }),
  });
  return { resource, method, integration, routeArn, callerPolicyArn: callerPolicy.arn };
}
