/**
 * Reading a synthesized Terraform JSON document (`cdk.tf.json`): its resources, the
 * references between them, and the policy documents they carry.
 */
import { HclParseError, parseJsonencode } from './hcl';
import type {
  ParsedPolicy,
  PolicyStatement,
  RuleContext,
  PolicyProfile,
  TfResource,
} from './types';

/** The parts of a synthesized stack the engine reads. */
export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Where waivers live in a resource's `//` metadata (constructs/policy/waiver.ts writes it). */
export const WAIVER_METADATA_KEY = 'policy_waivers';

export function listResources(doc: TerraformJson): TfResource[] {
  const out: TfResource[] = [];
  const add = (mode: 'managed' | 'data', blocks: TerraformJson['resource']) => {
    for (const [type, byName] of Object.entries(blocks ?? {})) {
      for (const [name, body] of Object.entries(byName)) {
        const { ['//']: meta, ...attrs } = body;
        const m = (meta ?? {}) as {
          metadata?: { path?: string };
          [WAIVER_METADATA_KEY]?: Record<string, string>;
        };
        out.push({
          mode,
          type,
          name,
          address: mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`,
          constructPath: m.metadata?.path,
          attrs,
          waivers: { ...(m[WAIVER_METADATA_KEY] ?? {}) },
        });
      }
    }
  };
  add('managed', doc.resource);
  add('data', doc.data);
  for (const [name, configs] of Object.entries(doc.provider ?? {})) {
    for (const config of blocks(configs)) {
      const alias = typeof config['alias'] === 'string' ? config['alias'] : undefined;
      out.push({
        mode: 'provider',
        type: name,
        name: alias ?? 'default',
        address: alias ? `provider.${name}.${alias}` : `provider.${name}`,
        attrs: config,
        waivers: {},
      });
    }
  }
  return out;
}

/** The key rules use for a resource's type: `aws_x`, `data.aws_x` or `provider.aws`. */
export function typeKey(r: TfResource): string {
  return r.mode === 'managed' ? r.type : `${r.mode}.${r.type}`;
}

/** The provider's default `Environment` tag, if the stack sets one. */
export function environmentTag(doc: TerraformJson): string | undefined {
  const aws = first((doc.provider ?? {})['aws']) as Record<string, unknown> | undefined;
  const tags = first(aws?.['default_tags']) as { tags?: Record<string, string> } | undefined;
  return tags?.tags?.['Environment'];
}

/**
 * The profile a stack was built for, when the caller does not know it: `standard` when
 * the stack is tagged with an environment other than `prod`, otherwise `production`
 * (an untagged stack such as the state-backend bootstrap is held to the strictest set).
 */
export function inferProfile(doc: TerraformJson): PolicyProfile {
  const env = environmentTag(doc);
  return env !== undefined && env !== 'prod' ? 'standard' : 'production';
}

/** A single nested block: cdktf writes max-1 blocks as an object, others as a list. */
export function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** Every element of a block list (an object counts as a one-element list). */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
}

/** Terraform booleans may arrive as `true` or `"true"` (some provider-aws 20.x fields are strings). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

const REFERENCE = /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.[A-Za-z0-9_.[\]"*-]*)?\}$/;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** True when `value` (any JSON) mentions `target` by address, in `${...}` or a jsonencode body. */
export function refersTo(value: unknown, target: TfResource): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return new RegExp(`(^|[^A-Za-z0-9_.-])${escapeRegex(target.address)}(\\.|\\}|\\[|$)`).test(text);
}

export function buildContext(
  stackName: string,
  profile: PolicyProfile,
  resources: readonly TfResource[],
): RuleContext {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const ofType = (type: string) => resources.filter((r) => typeKey(r) === type);
  const resolve = (value: unknown): TfResource | undefined => {
    if (typeof value !== 'string') return undefined;
    const match = REFERENCE.exec(value.trim());
    if (!match) return undefined;
    return byAddress.get(`${match[1] ?? ''}${match[2]}.${match[3]}`);
  };
  const ctx: RuleContext = {
    stackName,
    profile,
    resources,
    ofType,
    resolve,
    referencing: (type, attr, target) =>
      ofType(type).filter((r) => refersTo(r.attrs[attr], target)),
    policy: (value) => parsePolicy(value, ctx, 0),
  };
  return ctx;
}

/** Reads a policy attribute: JSON text, `${jsonencode(...)}`, or a reference to an `aws_iam_policy_document`. */
export function parsePolicy(value: unknown, ctx: RuleContext, depth: number): ParsedPolicy {
  if (value === undefined || value === null || value === '') return { ok: true, statements: [] };
  if (typeof value === 'object') return fromDocument(value);
  const text = String(value);
  const target = ctx.resolve(text);
  if (target?.mode === 'data' && target.type === 'aws_iam_policy_document') {
    return fromPolicyDocumentData(target, ctx, depth);
  }
  if (text.trim().startsWith('${jsonencode(')) {
    try {
      return fromDocument(parseJsonencode(text));
    } catch (error) {
      const message = error instanceof HclParseError ? error.message : String(error);
      return {
        ok: false,
        reason: `cannot read the jsonencode(...) policy expression (${message})`,
      };
    }
  }
  try {
    return fromDocument(JSON.parse(text));
  } catch {
    return {
      ok: false,
      reason: `policy is neither JSON, jsonencode(...) nor a reference to an aws_iam_policy_document in this stack: ${text.slice(0, 80)}`,
    };
  }
}

function fromDocument(doc: unknown): ParsedPolicy {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, reason: 'policy document is not an object' };
  }
  const raw = (doc as Record<string, unknown>)['Statement'];
  const statements = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(
    (s: Record<string, unknown>) => {
      const principal = s['Principal'];
      let principals: PolicyStatement['principals'];
      if (principal === '*') principals = '*';
      else if (principal && typeof principal === 'object')
        principals = Object.values(principal).flatMap(asList);
      return {
        effect: s['Effect'] === 'Deny' ? 'Deny' : 'Allow',
        actions: asList(s['Action']),
        notActions: asList(s['NotAction']),
        resources: asList(s['Resource']),
        notResources: asList(s['NotResource']),
        principals,
        hasCondition: isNonEmpty(s['Condition']),
        conditions: Object.entries(
          (s['Condition'] ?? {}) as Record<string, Record<string, unknown>>,
        ).flatMap(([test, byVar]) =>
          Object.entries(byVar ?? {}).map(([variable, values]) => ({
            test,
            variable,
            values: asList(values),
          })),
        ),
      } satisfies PolicyStatement;
    },
  );
  return { ok: true, statements };
}

function isNonEmpty(value: unknown): boolean {
  return value !== undefined && value !== null && Object.keys(value).length > 0;
}

function fromPolicyDocumentData(doc: TfResource, ctx: RuleContext, depth: number): ParsedPolicy {
  const statements: PolicyStatement[] = [];
  if (depth > 5) return { ok: false, reason: `${doc.address}: policy documents nest too deeply` };
  for (const key of ['source_policy_documents', 'override_policy_documents']) {
    for (const source of asList(doc.attrs[key])) {
      const parsed = parsePolicy(source, ctx, depth + 1);
      if (!parsed.ok) return parsed;
      statements.push(...parsed.statements);
    }
  }
  for (const s of blocks(doc.attrs['statement'])) {
    const principals = blocks(s['principals']);
    statements.push({
      effect: s['effect'] === 'Deny' ? 'Deny' : 'Allow',
      actions: asList(s['actions']),
      notActions: asList(s['not_actions']),
      resources: asList(s['resources']),
      notResources: asList(s['not_resources']),
      principals:
        principals.length === 0
          ? undefined
          : principals.some(
                (p) =>
                  p['type'] === '*' ||
                  (p['type'] === 'AWS' && asList(p['identifiers']).includes('*')),
              )
            ? '*'
            : principals.flatMap((p) => asList(p['identifiers'])),
      hasCondition: blocks(s['condition']).length > 0,
      conditions: blocks(s['condition']).map((c) => ({
        test: String(c['test']),
        variable: String(c['variable']),
        values: asList(c['values']),
      })),
    });
  }
  return { ok: true, statements };
}
