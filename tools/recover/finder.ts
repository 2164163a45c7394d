/**
 * A finder looks for the resources of one Terraform type that exist in the account, and gives
 * each the natural key that a planned create of that type also has: the Name tag of a VPC,
 * the identifier of a database, the route table and destination of a route. Matching equal
 * keys (match.ts) pairs an orphan with the address that would otherwise create it again.
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { BackupClient } from '@aws-sdk/client-backup';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { WAFV2Client } from '@aws-sdk/client-wafv2';
import { knownString, PlannedCreate } from './plan-facts';

/** One resource that exists in the account. */
export interface Existing {
  readonly type: string;
  readonly region: string;
  /** The id `terraform import` takes for this type (the provider docs' Import section). */
  readonly importId: string;
  /** The natural key, compared with the key of each planned create of the type. */
  readonly key: string;
  /** Every id or ARN by which the state could already hold it. */
  readonly ids: readonly string[];
  /** What a person recognises it by (id, name, CIDR). */
  readonly label: string;
  /** The AWS CLI command that deletes it, for one that matches no planned address. */
  readonly deleteCommand: string;
}

/** The SDK clients of one region. */
export interface RecoverClients {
  readonly ec2: EC2Client;
  readonly rds: RDSClient;
  readonly elasticache: ElastiCacheClient;
  readonly iam: IAMClient;
  readonly logs: CloudWatchLogsClient;
  readonly kms: KMSClient;
  readonly lambda: LambdaClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  readonly wafv2: WAFV2Client;
  readonly apigateway: APIGatewayClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly backup: BackupClient;
}

export interface FinderContext {
  readonly region: string;
  readonly clients: RecoverClients;
  /** The tags every resource of the stack carries (Project, Environment). */
  readonly stackTags: Readonly<Record<string, string>>;
}

/**
 * How a finder looks: `tags` lists every resource of the type that carries the stack's tags
 * (one that matches no planned address is reported for deletion: a second VPC); `names`
 * looks up the names the plan gives (names are unique, a second copy cannot exist);
 * `parents` looks under parents the plan already knows (routes of a route table).
 */
export type FinderListing = 'tags' | 'names' | 'parents';

export interface Finder {
  readonly type: string;
  /** The import id format, as the provider docs give it (hashicorp/aws 5.100). */
  readonly importFormat: string;
  readonly listing: FinderListing;
  /** Where a planned create of the type finds its twin; undefined while a part is not known yet. */
  plannedKey(create: PlannedCreate): string | undefined;
  /** The existing resources of the type; `creates` are the planned creates whose key is known. */
  find(ctx: FinderContext, creates: readonly PlannedCreate[]): Promise<Existing[]>;
}

/** Tags as the EC2, RDS and ElastiCache APIs return them. */
export type TagList = readonly { readonly Key?: string; readonly Value?: string }[] | undefined;

export function tagValue(tags: TagList, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** Whether a resource's tags (as a map) include every tag of the stack. */
export function hasStackTags(
  tags: Readonly<Record<string, string | undefined>>,
  stackTags: Readonly<Record<string, string>>,
): boolean {
  const wanted = Object.entries(stackTags);
  return wanted.length > 0 && wanted.every(([k, v]) => tags[k] === v);
}

/** The values that are present (ids and ARNs an API may or may not return). */
export function present(...values: readonly (string | undefined)[]): string[] {
  return values.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** EC2 `tag:<key>` filters for the stack's tags. */
export function stackTagFilters(stackTags: Readonly<Record<string, string>>) {
  return Object.entries(stackTags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));
}

/** Every page of a paginated call. */
export async function allPages<T>(
  page: (token: string | undefined) => Promise<{ items?: readonly T[]; next?: string }>,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const result = await page(token);
    out.push(...(result.items ?? []));
    token = result.next;
  } while (token);
  return out;
}

/** The SDK error of a lookup that found nothing (each service names it its own way). */
export function isNotFound(error: unknown, ...names: readonly string[]): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    names.includes(e?.name ?? '') ||
    names.includes(e?.Code ?? '') ||
    e?.$metadata?.httpStatusCode === 404
  );
}

/** Runs a lookup of one named resource; undefined when the service says it does not exist. */
export async function lookup<T>(
  call: () => Promise<T>,
  ...notFound: readonly string[]
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error, ...notFound)) return undefined;
    throw error;
  }
}

/** `aws <service> <command> --region <region> <args>`. */
export function cli(region: string, service: string, command: string, args: string): string {
  return `aws ${service} ${command} --region ${region} ${args}`;
}

/** A type whose one natural key is an attribute the stack sets, looked up one by one. */
export function byName(
  type: string,
  importFormat: string,
  attribute: string,
  find: (
    ctx: FinderContext,
    name: string,
  ) => Promise<Omit<Existing, 'type' | 'region' | 'key'> | undefined>,
): Finder {
  return {
    type,
    importFormat,
    listing: 'names',
    plannedKey: (c) => knownString(c, attribute),
    async find(ctx, creates) {
      const names = [...new Set(creates.map((c) => knownString(c, attribute)!))];
      const found: Existing[] = [];
      for (const name of names) {
        const e = await find(ctx, name);
        if (e) found.push({ ...e, type, region: ctx.region, key: name });
      }
      return found;
    },
  };
}
