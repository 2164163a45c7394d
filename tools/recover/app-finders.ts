/**
 * The application's finders: Lambda, SNS, SQS, WAF, API Gateway, and the bootstrap's and
 * baseline's stores (S3, DynamoDB, AWS Backup). Names are account-unique except a REST API's,
 * so REST APIs are listed by the stack's tags; their resources, methods, responses,
 * integrations and stages are looked up under the API the plan knows (GetResources with the
 * methods embedded). The dead-letter queue is named by prefix. Import formats:
 * website/docs/r/<type>.html.markdown, "Import".
 */
import {
  GetResourcesCommand,
  GetRestApisCommand,
  GetStagesCommand,
  Resource,
} from '@aws-sdk/client-api-gateway';
import { DescribeBackupVaultCommand } from '@aws-sdk/client-backup';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand, GetPolicyCommand } from '@aws-sdk/client-lambda';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { ListTopicsCommand } from '@aws-sdk/client-sns';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { ListWebACLsCommand } from '@aws-sdk/client-wafv2';
import {
  allPages,
  cli,
  Existing,
  Finder,
  FinderContext,
  hasStackTags,
  lookup,
  present,
  byName,
} from './finder';
import { knownString, PlannedCreate } from './plan-facts';

function key(...parts: readonly (string | undefined)[]): string | undefined {
  return parts.every((p) => p !== undefined) ? parts.join('|') : undefined;
}

export const lambdaFunctionFinder = byName(
  'aws_lambda_function',
  'function name',
  'function_name',
  async (ctx, name) => {
    const r = await lookup(
      () => ctx.clients.lambda.send(new GetFunctionCommand({ FunctionName: name })),
      'ResourceNotFoundException',
    );
    const arn = r?.Configuration?.FunctionArn;
    if (!r) return undefined;
    return {
      importId: name,
      ids: present(name, arn),
      label: `${name}${arn ? ` (${arn})` : ''}`,
      deleteCommand: cli(ctx.region, 'lambda', 'delete-function', `--function-name ${name}`),
    };
  },
);

export const lambdaPermissionFinder: Finder = {
  type: 'aws_lambda_permission',
  importFormat: 'FUNCTION_NAME/STATEMENT_ID',
  listing: 'parents',
  plannedKey: (c) => key(knownString(c, 'function_name'), knownString(c, 'statement_id')),
  async find(ctx, creates) {
    const functions = [...new Set(creates.map((c) => knownString(c, 'function_name')!))];
    const found: Existing[] = [];
    for (const fn of functions) {
      const r = await lookup(
        () => ctx.clients.lambda.send(new GetPolicyCommand({ FunctionName: fn })),
        'ResourceNotFoundException',
      );
      const statements = (JSON.parse(r?.Policy ?? '{}') as { Statement?: { Sid?: string }[] })
        .Statement;
      for (const s of statements ?? []) {
        if (!s.Sid) continue;
        found.push({
          type: 'aws_lambda_permission',
          region: ctx.region,
          importId: `${fn}/${s.Sid}`,
          key: `${fn}|${s.Sid}`,
          ids: [],
          label: `${s.Sid} on ${fn}`,
          deleteCommand: cli(
            ctx.region,
            'lambda',
            'remove-permission',
            `--function-name ${fn} --statement-id ${s.Sid}`,
          ),
        });
      }
    }
    return found;
  },
};

export const snsTopicFinder: Finder = {
  type: 'aws_sns_topic',
  importFormat: 'topic ARN',
  listing: 'names',
  plannedKey: (c) => knownString(c, 'name'),
  async find(ctx, creates) {
    const names = new Set(creates.map((c) => knownString(c, 'name')));
    const topics = await allPages(async (NextToken) => {
      const r = await ctx.clients.sns.send(new ListTopicsCommand({ NextToken }));
      return { items: r.Topics, next: r.NextToken };
    });
    return topics
      .map((t) => ({ arn: t.TopicArn!, name: t.TopicArn!.split(':').pop()! }))
      .filter((t) => names.has(t.name))
      .map((t) => ({
        type: 'aws_sns_topic',
        region: ctx.region,
        importId: t.arn,
        key: t.name,
        ids: [t.arn],
        label: t.arn,
        deleteCommand: cli(ctx.region, 'sns', 'delete-topic', `--topic-arn ${t.arn}`),
      }));
  },
};

/** `name=<name>` or `prefix=<name_prefix>`. */
function queueKey(c: PlannedCreate): string | undefined {
  const name = knownString(c, 'name');
  if (name) return `name=${name}`;
  const prefix = knownString(c, 'name_prefix');
  return prefix ? `prefix=${prefix}` : undefined;
}

export const sqsQueueFinder: Finder = {
  type: 'aws_sqs_queue',
  importFormat: 'queue URL',
  listing: 'names',
  plannedKey: queueKey,
  async find(ctx, creates) {
    const found: Existing[] = [];
    for (const k of new Set(creates.map(queueKey))) {
      const [kind, value] = [k!.slice(0, k!.indexOf('=')), k!.slice(k!.indexOf('=') + 1)];
      const urls = await allPages(async (NextToken) => {
        const r = await ctx.clients.sqs.send(
          new ListQueuesCommand({ QueueNamePrefix: value, NextToken }),
        );
        return { items: r.QueueUrls, next: r.NextToken };
      });
      for (const url of urls) {
        const name = url.split('/').pop()!;
        if (kind === 'name' && name !== value) continue;
        found.push({
          type: 'aws_sqs_queue',
          region: ctx.region,
          importId: url,
          key: k!,
          ids: [url],
          label: url,
          deleteCommand: cli(ctx.region, 'sqs', 'delete-queue', `--queue-url ${url}`),
        });
      }
    }
    return found;
  },
};

export const webAclFinder: Finder = {
  type: 'aws_wafv2_web_acl',
  importFormat: 'ID/NAME/SCOPE',
  listing: 'names',
  plannedKey: (c) => key(knownString(c, 'name'), knownString(c, 'scope')),
  async find(ctx, creates) {
    const found: Existing[] = [];
    for (const scope of new Set(creates.map((c) => knownString(c, 'scope')!))) {
      const names = new Set(
        creates.filter((c) => knownString(c, 'scope') === scope).map((c) => knownString(c, 'name')),
      );
      const acls = await allPages(async (NextMarker) => {
        const r = await ctx.clients.wafv2.send(
          new ListWebACLsCommand({ Scope: scope as 'REGIONAL' | 'CLOUDFRONT', NextMarker }),
        );
        return { items: r.WebACLs, next: r.NextMarker };
      });
      for (const a of acls.filter((x) => names.has(x.Name))) {
        found.push({
          type: 'aws_wafv2_web_acl',
          region: ctx.region,
          importId: `${a.Id}/${a.Name}/${scope}`,
          key: `${a.Name}|${scope}`,
          ids: present(a.Id!, a.ARN),
          label: `${a.Name} (${a.Id})`,
          deleteCommand: cli(
            ctx.region,
            'wafv2',
            'delete-web-acl',
            `--scope ${scope} --name ${a.Name} --id ${a.Id} --lock-token ${a.LockToken}`,
          ),
        });
      }
    }
    return found;
  },
};

export const restApiFinder: Finder = {
  type: 'aws_api_gateway_rest_api',
  importFormat: 'REST API id',
  listing: 'tags',
  plannedKey: (c) => knownString(c, 'name'),
  async find(ctx) {
    const apis = await allPages(async (position) => {
      const r = await ctx.clients.apigateway.send(new GetRestApisCommand({ position }));
      return { items: r.items, next: r.position };
    });
    return apis
      .filter((a) => hasStackTags(a.tags ?? {}, ctx.stackTags))
      .map((a) => ({
        type: 'aws_api_gateway_rest_api',
        region: ctx.region,
        importId: a.id!,
        key: a.name!,
        ids: [a.id!],
        label: `${a.id} (${a.name})`,
        deleteCommand: cli(ctx.region, 'apigateway', 'delete-rest-api', `--rest-api-id ${a.id}`),
      }));
  },
};

/** The resources of each REST API the planned creates name, with their methods. */
async function apiResources(
  ctx: FinderContext,
  creates: readonly PlannedCreate[],
): Promise<{ api: string; resources: Resource[] }[]> {
  const apis = [...new Set(creates.map((c) => knownString(c, 'rest_api_id')!))];
  const out: { api: string; resources: Resource[] }[] = [];
  for (const api of apis) {
    const resources = await lookup(
      () =>
        allPages(async (position) => {
          const r = await ctx.clients.apigateway.send(
            new GetResourcesCommand({ restApiId: api, embed: ['methods'], position }),
          );
          return { items: r.items, next: r.position };
        }),
      'NotFoundException',
    );
    out.push({ api, resources: resources ?? [] });
  }
  return out;
}

/** One API Gateway child found in GetResources. */
function apiChild(
  type: string,
  importFormat: string,
  keyAttributes: readonly string[],
  children: (api: string, resource: Resource) => { parts: string[]; label: string }[],
): Finder {
  return {
    type,
    importFormat,
    listing: 'parents',
    plannedKey: (c) => key(...keyAttributes.map((a) => knownString(c, a))),
    async find(ctx, creates) {
      return (await apiResources(ctx, creates)).flatMap(({ api, resources }) =>
        resources.flatMap((resource) =>
          children(api, resource).map(({ parts, label }) => ({
            type,
            region: ctx.region,
            importId: parts.join('/'),
            key: parts.join('|'),
            ids: [],
            label,
            deleteCommand: `(removed with its REST API ${api})`,
          })),
        ),
      );
    },
  };
}

const methodsOf = (resource: Resource) => Object.entries(resource.resourceMethods ?? {});

export const apiResourceFinder: Finder = {
  type: 'aws_api_gateway_resource',
  importFormat: 'REST-API-ID/RESOURCE-ID',
  listing: 'parents',
  plannedKey: (c) =>
    key(knownString(c, 'rest_api_id'), knownString(c, 'parent_id'), knownString(c, 'path_part')),
  async find(ctx, creates) {
    return (await apiResources(ctx, creates)).flatMap(({ api, resources }) =>
      resources
        .filter((r) => r.parentId)
        .map((r) => ({
          type: 'aws_api_gateway_resource',
          region: ctx.region,
          importId: `${api}/${r.id}`,
          key: `${api}|${r.parentId}|${r.pathPart}`,
          ids: [r.id!],
          label: `${r.path} (${r.id})`,
          deleteCommand: `(removed with its REST API ${api})`,
        })),
    );
  },
};

export const apiMethodFinder = apiChild(
  'aws_api_gateway_method',
  'REST-API-ID/RESOURCE-ID/HTTP-METHOD',
  ['rest_api_id', 'resource_id', 'http_method'],
  (api, r) => methodsOf(r).map(([m]) => ({ parts: [api, r.id!, m], label: `${m} ${r.path}` })),
);

export const apiMethodResponseFinder = apiChild(
  'aws_api_gateway_method_response',
  'REST-API-ID/RESOURCE-ID/HTTP-METHOD/STATUS-CODE',
  ['rest_api_id', 'resource_id', 'http_method', 'status_code'],
  (api, r) =>
    methodsOf(r).flatMap(([m, method]) =>
      Object.keys(method.methodResponses ?? {}).map((s) => ({
        parts: [api, r.id!, m, s],
        label: `${m} ${r.path} response ${s}`,
      })),
    ),
);

export const apiIntegrationFinder = apiChild(
  'aws_api_gateway_integration',
  'REST-API-ID/RESOURCE-ID/HTTP-METHOD',
  ['rest_api_id', 'resource_id', 'http_method'],
  (api, r) =>
    methodsOf(r)
      .filter(([, method]) => method.methodIntegration)
      .map(([m]) => ({ parts: [api, r.id!, m], label: `integration of ${m} ${r.path}` })),
);

export const apiIntegrationResponseFinder = apiChild(
  'aws_api_gateway_integration_response',
  'REST-API-ID/RESOURCE-ID/HTTP-METHOD/STATUS-CODE',
  ['rest_api_id', 'resource_id', 'http_method', 'status_code'],
  (api, r) =>
    methodsOf(r).flatMap(([m, method]) =>
      Object.keys(method.methodIntegration?.integrationResponses ?? {}).map((s) => ({
        parts: [api, r.id!, m, s],
        label: `integration response ${s} of ${m} ${r.path}`,
      })),
    ),
);

export const apiStageFinder: Finder = {
  type: 'aws_api_gateway_stage',
  importFormat: 'REST-API-ID/STAGE-NAME',
  listing: 'parents',
  plannedKey: (c) => key(knownString(c, 'rest_api_id'), knownString(c, 'stage_name')),
  async find(ctx, creates) {
    const found: Existing[] = [];
    for (const api of new Set(creates.map((c) => knownString(c, 'rest_api_id')!))) {
      const r = await lookup(
        () => ctx.clients.apigateway.send(new GetStagesCommand({ restApiId: api })),
        'NotFoundException',
      );
      for (const s of r?.item ?? []) {
        found.push({
          type: 'aws_api_gateway_stage',
          region: ctx.region,
          importId: `${api}/${s.stageName}`,
          key: `${api}|${s.stageName}`,
          ids: [],
          label: `stage ${s.stageName} of ${api}`,
          deleteCommand: cli(
            ctx.region,
            'apigateway',
            'delete-stage',
            `--rest-api-id ${api} --stage-name ${s.stageName}`,
          ),
        });
      }
    }
    return found;
  },
};

export const s3BucketFinder = byName(
  'aws_s3_bucket',
  'bucket name',
  'bucket',
  async (ctx, name) => {
    const r = await lookup(
      () => ctx.clients.s3.send(new HeadBucketCommand({ Bucket: name })),
      'NotFound',
      'NoSuchBucket',
    );
    if (!r) return undefined;
    return {
      importId: name,
      ids: [name, `arn:aws:s3:::${name}`],
      label: name,
      deleteCommand: `aws s3 rb s3://${name} --region ${ctx.region}   (only once it is empty and you are sure)`,
    };
  },
);

export const dynamodbTableFinder = byName(
  'aws_dynamodb_table',
  'table name',
  'name',
  async (ctx, name) => {
    const r = await lookup(
      () => ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: name })),
      'ResourceNotFoundException',
    );
    if (!r?.Table) return undefined;
    return {
      importId: name,
      ids: present(name, r.Table.TableArn),
      label: `${name} (${r.Table.TableStatus})`,
      deleteCommand: cli(ctx.region, 'dynamodb', 'delete-table', `--table-name ${name}`),
    };
  },
);

export const backupVaultFinder = byName(
  'aws_backup_vault',
  'vault name',
  'name',
  async (ctx, name) => {
    const r = await lookup(
      () => ctx.clients.backup.send(new DescribeBackupVaultCommand({ BackupVaultName: name })),
      'ResourceNotFoundException',
    );
    if (!r) return undefined;
    return {
      importId: name,
      ids: present(name, r.BackupVaultArn),
      label: `${name} (${r.NumberOfRecoveryPoints ?? 0} recovery points)`,
      deleteCommand: cli(
        ctx.region,
        'backup',
        'delete-backup-vault',
        `--backup-vault-name ${name}`,
      ),
    };
  },
);

export const APP_FINDERS: readonly Finder[] = [
  lambdaFunctionFinder,
  lambdaPermissionFinder,
  snsTopicFinder,
  sqsQueueFinder,
  webAclFinder,
  restApiFinder,
  apiResourceFinder,
  apiMethodFinder,
  apiMethodResponseFinder,
  apiIntegrationFinder,
  apiIntegrationResponseFinder,
  apiStageFinder,
  s3BucketFinder,
  dynamodbTableFinder,
  backupVaultFinder,
];
