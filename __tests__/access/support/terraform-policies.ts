/**
 * Reads the IAM policies out of a synthesized stack (Terraform JSON) and makes them
 * concrete: every `${...}` interpolation is replaced by a test value (account
 * 111122223333, the stack's provider region, ARNs built from the resources' names), and
 * an interpolation this resolver does not know stops the test with its text and place.
 *
 * Policies are found by what they protect or grant (an alias name, a topic name, the
 * service a role trusts), never by construct id, Sid or array position.
 */
import { createHash } from 'node:crypto';

export const TEST_ACCOUNT = '111122223333';
export const OTHER_ACCOUNT = '444455556666';
export const PARTITION = 'aws';

/** A synthesized Terraform JSON document (shape known only at run time). */
export type TerraformJson = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An IAM policy document as AWS reads it. */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** The API id the resolver gives every `aws_api_gateway_rest_api` (10 characters, as AWS). */
export const TEST_REST_API_ID = 'a1b2c3d4e5';
/** The resource id the resolver gives every `aws_db_instance` (`db-` and 26 characters, as RDS). */
export const TEST_DB_RESOURCE_ID = 'db-ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** The name RDS gives a managed master user secret: `rds!db-<uuid>` (ARN suffix `-AbCdEf`). */
export const TEST_MASTER_SECRET_NAME = 'rds!db-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** A deterministic, KMS-shaped key id per Terraform resource name. */
function fakeKeyId(resourceName: string): string {
  const h = createHash('sha256').update(resourceName).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type DocStatement = Record<string, unknown>;
const KNOWN_STATEMENT_FIELDS = new Set([
  'sid',
  'effect',
  'actions',
  'not_actions',
  'resources',
  'not_resources',
  'principals',
  'not_principals',
  'condition',
]);

/** Renders an `aws_iam_policy_document` data source the way the provider does. */
export function renderPolicyDocument(doc: TerraformJson, where: string): PolicyDocument {
  // `provider` only says which region renders it (e.g. the DR key's policy): not its content.
  for (const field of Object.keys(doc)) {
    if (field !== 'statement' && field !== 'version' && field !== 'provider') {
      throw new Error(
        `${where}: aws_iam_policy_document field "${field}" is not supported by the access-proof resolver`,
      );
    }
  }
  const statements = (doc.statement ?? []) as DocStatement[];
  return {
    Version: (doc.version as string | undefined) ?? '2012-10-17',
    Statement: statements.map((s, i) => renderStatement(s, `${where} statement ${i}`)),
  };
}

function renderStatement(s: DocStatement, where: string): PolicyStatement {
  for (const field of Object.keys(s)) {
    if (!KNOWN_STATEMENT_FIELDS.has(field)) {
      throw new Error(
        `${where}: statement field "${field}" is not supported by the access-proof resolver`,
      );
    }
  }
  const out: PolicyStatement = { Effect: (s.effect as 'Allow' | 'Deny' | undefined) ?? 'Allow' };
  if (s.sid !== undefined) out.Sid = s.sid as string;
  if (s.actions !== undefined) out.Action = s.actions as string[];
  if (s.not_actions !== undefined) out.NotAction = s.not_actions as string[];
  if (s.resources !== undefined) out.Resource = s.resources as string[];
  if (s.not_resources !== undefined) out.NotResource = s.not_resources as string[];
  if (s.principals !== undefined) out.Principal = renderPrincipals(s.principals);
  if (s.not_principals !== undefined) out.NotPrincipal = renderPrincipals(s.not_principals);
  if (s.condition !== undefined) {
    const condition: Record<string, Record<string, string[]>> = {};
    for (const c of s.condition as { test: string; variable: string; values: string[] }[]) {
      condition[c.test] ??= {};
      condition[c.test][c.variable] = [...(condition[c.test][c.variable] ?? []), ...c.values];
    }
    out.Condition = condition;
  }
  return out;
}

function renderPrincipals(blocks: unknown): '*' | Record<string, string[]> {
  const list = blocks as { type: string; identifiers: string[] }[];
  // The provider writes `"Principal": "*"` for a block of type "*" (anyone, signed or not).
  if (list.some((p) => p.type === '*')) return '*';
  const out: Record<string, string[]> = {};
  for (const p of list) out[p.type] = [...(out[p.type] ?? []), ...p.identifiers];
  return out;
}

/** One synthesized stack with a resolver for its interpolations. */
export class SynthesizedStack {
  readonly region: string;

  constructor(
    readonly stackName: string,
    readonly tf: TerraformJson,
  ) {
    const provider = tf.provider?.aws?.[0];
    if (typeof provider?.region !== 'string') {
      throw new Error(`${stackName}: no literal provider region to resolve data.aws_region with`);
    }
    this.region = provider.region;
  }

  /** `[resource name, body]` of every resource of a type. */
  resources(type: string): [string, TerraformJson][] {
    return Object.entries(this.tf.resource?.[type] ?? {});
  }

  /** The one resource of `type` whose `field` resolves to `value`; fails if none or several. */
  find(type: string, field: string, value: string): [string, TerraformJson] {
    const hits = this.resources(type).filter(
      ([name, body]) =>
        typeof body[field] === 'string' &&
        this.resolve(body[field], `${type}.${name}.${field}`) === value,
    );
    if (hits.length !== 1) {
      throw new Error(
        `${this.stackName}: expected one ${type} with ${field} = ${value}, found ${hits.length}`,
      );
    }
    return hits[0];
  }

  /** Substitutes every `${...}`; throws on any expression it does not know. */
  resolve(text: string, where: string): string {
    return text.replace(/\$\{([^}]*)\}/g, (_, expr: string) => this.value(expr.trim(), where));
  }

  /** A policy attribute (JSON text or a policy document reference), resolved and parsed. */
  policy(text: string, where: string): PolicyDocument {
    const resolved = this.resolve(text, where);
    try {
      return JSON.parse(resolved) as PolicyDocument;
    } catch (e) {
      throw new Error(
        `${where}: policy is not JSON after resolution: ${(e as Error).message}\n${resolved}`,
      );
    }
  }

  /** The region of a resource: its aliased provider's (`aws.dr`), else the default provider's. */
  regionOf(body: TerraformJson, where: string): string {
    if (body.provider === undefined) return this.region;
    const alias = /^aws\.(.+)$/.exec(String(body.provider))?.[1];
    const provider = (this.tf.provider?.aws ?? []).find(
      (p: TerraformJson) => alias !== undefined && p.alias === alias,
    );
    if (typeof provider?.region !== 'string') {
      throw new Error(
        `${this.stackName} ${where}: no literal region for provider ${body.provider}`,
      );
    }
    return provider.region;
  }

  private value(expr: string, where: string): string {
    const parts = expr.split('.');
    const unknown = () =>
      new Error(
        `${this.stackName} ${where}: unknown interpolation \${${expr}}; teach __tests__/access/support/terraform-policies.ts its test value`,
      );
    if (parts[0] === 'data' && parts.length === 4) {
      const [, type, name, attr] = parts;
      if (type === 'aws_caller_identity' && attr === 'account_id') return TEST_ACCOUNT;
      if (type === 'aws_partition' && attr === 'partition') return PARTITION;
      if (type === 'aws_region' && attr === 'name') return this.region;
      if (type === 'aws_iam_policy_document' && attr === 'json') {
        const doc = this.tf.data?.aws_iam_policy_document?.[name];
        if (doc === undefined) throw unknown();
        const rendered = renderPolicyDocument(doc, `data.aws_iam_policy_document.${name}`);
        // Policy attributes hold the reference as their whole value: the text is the policy.
        return this.resolve(JSON.stringify(rendered), `data.aws_iam_policy_document.${name}`);
      }
      throw unknown();
    }
    // The RDS-managed master secret: `aws_db_instance.<name>.master_user_secret[0].secret_arn`.
    if (
      parts.length === 4 &&
      parts[0] === 'aws_db_instance' &&
      this.tf.resource?.aws_db_instance?.[parts[1]] !== undefined &&
      parts[2] === 'master_user_secret[0]' &&
      parts[3] === 'secret_arn'
    ) {
      return `arn:${PARTITION}:secretsmanager:${this.region}:${TEST_ACCOUNT}:secret:${TEST_MASTER_SECRET_NAME}-AbCdEf`;
    }
    if (parts.length !== 3) throw unknown();
    const [type, name, attr] = parts;
    const body = this.tf.resource?.[type]?.[name] as TerraformJson | undefined;
    if (body === undefined) throw unknown();
    const field = (key: string) => this.resolve(String(body[key]), `${type}.${name}.${key}`);
    const value = resourceAttribute(type, attr, {
      region: this.regionOf(body, `${type}.${name}`),
      keyId: () => fakeKeyId(name),
      field,
    });
    if (value === undefined) throw unknown();
    return value;
  }
}

interface AttributeInputs {
  region: string;
  keyId: () => string;
  field: (key: string) => string;
}

/** Test values of the resource attributes policies refer to, shaped like the real ones. */
function resourceAttribute(type: string, attr: string, r: AttributeInputs): string | undefined {
  const account = TEST_ACCOUNT;
  const table: Record<string, Record<string, () => string>> = {
    aws_kms_key: {
      arn: () => `arn:${PARTITION}:kms:${r.region}:${account}:key/${r.keyId()}`,
      key_id: r.keyId,
      id: r.keyId,
    },
    aws_sns_topic: {
      arn: () => `arn:${PARTITION}:sns:${r.region}:${account}:${r.field('name')}`,
      id: () => `arn:${PARTITION}:sns:${r.region}:${account}:${r.field('name')}`,
    },
    // The provider's `arn` of a log group has no trailing `:*`.
    aws_cloudwatch_log_group: {
      arn: () => `arn:${PARTITION}:logs:${r.region}:${account}:log-group:${r.field('name')}`,
      name: () => r.field('name'),
    },
    aws_iam_role: {
      arn: () => `arn:${PARTITION}:iam::${account}:role/${r.field('name')}`,
      name: () => r.field('name'),
      id: () => r.field('name'),
    },
    aws_s3_bucket: {
      arn: () => `arn:${PARTITION}:s3:::${r.field('bucket')}`,
      id: () => r.field('bucket'),
      bucket: () => r.field('bucket'),
    },
    aws_dynamodb_table: {
      arn: () => `arn:${PARTITION}:dynamodb:${r.region}:${account}:table/${r.field('name')}`,
      name: () => r.field('name'),
    },
    // IAM names an OIDC provider by its URL without the scheme.
    aws_iam_openid_connect_provider: {
      arn: () =>
        `arn:${PARTITION}:iam::${account}:oidc-provider/${r.field('url').replace(/^https:\/\//, '')}`,
    },
    aws_api_gateway_rest_api: { id: () => TEST_REST_API_ID },
    aws_secretsmanager_secret: {
      arn: () =>
        `arn:${PARTITION}:secretsmanager:${r.region}:${account}:secret:${r.field('name')}-AbCdEf`,
    },
    aws_db_instance: {
      identifier: () => r.field('identifier'),
      arn: () => `arn:${PARTITION}:rds:${r.region}:${account}:db:${r.field('identifier')}`,
      resource_id: () => TEST_DB_RESOURCE_ID,
    },
    aws_elasticache_replication_group: {
      arn: () =>
        `arn:${PARTITION}:elasticache:${r.region}:${account}:replicationgroup:${r.field('replication_group_id')}`,
    },
    aws_elasticache_user: {
      arn: () => `arn:${PARTITION}:elasticache:${r.region}:${account}:user:${r.field('user_id')}`,
      user_id: () => r.field('user_id'),
    },
    aws_sqs_queue: {
      // Named by prefix: SQS appends a suffix Terraform generates.
      arn: () =>
        `arn:${PARTITION}:sqs:${r.region}:${account}:${r.field('name_prefix')}20260101000000000000000001`,
    },
  };
  return table[type]?.[attr]?.();
}
