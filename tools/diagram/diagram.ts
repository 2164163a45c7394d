/**
 * The architecture diagram, drawn from what the app synthesizes (cdktf.out/stacks/<stack>/
 * cdk.tf.json), so that it can never drift from the code:
 *
 *   resources ──fold──▶ nodes ──collapse per AZ──▶ Graphviz DOT ──@viz-js/viz──▶ SVG
 *
 * - Resources are grouped in clusters per tier (edge, public, application, data,
 *   security/keys, observability, state backend), then per construct (the construct path
 *   in each resource's `//`.metadata.path).
 * - Detail resources fold into the resource they configure (a KMS alias into its key, a
 *   route into its route table, API methods into the REST API, security-group rules into
 *   their group, where a rule becomes an edge labelled with its port).
 * - Repeats that differ only by an AZ index (`private-subnet-0..2`) and sets of alarms,
 *   log groups and VPC endpoints of one construct collapse into one node ("3 × …").
 * - Edges are the `${type.name.attr}` references between resources (through data sources
 *   such as IAM policy documents), deduplicated. Tags, provider, depends_on and lifecycle
 *   are not references that matter to the picture.
 *
 * Everything is sorted, and Graphviz is deterministic: the same stacks give the same SVG.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { instance as vizInstance } from '@viz-js/viz';

export type Tier =
  | 'edge'
  | 'public'
  | 'application'
  | 'data'
  | 'security'
  | 'observability'
  | 'state';

export interface TierStyle {
  readonly label: string;
  /** Cluster fill, border and node fill. */
  readonly fill: string;
  readonly border: string;
  readonly node: string;
}

/** The tiers in the order they are drawn, with their colours. */
export const TIERS: Readonly<Record<Tier, TierStyle>> = {
  edge: { label: 'Edge', fill: '#EAF1FB', border: '#4A78C2', node: '#FFFFFF' },
  public: { label: 'Public subnets', fill: '#EAF6EC', border: '#3C8D4F', node: '#FFFFFF' },
  application: {
    label: 'Application (private subnets)',
    fill: '#FDF6E3',
    border: '#B7892B',
    node: '#FFFFFF',
  },
  data: { label: 'Data (isolated subnets)', fill: '#FBEAEA', border: '#B94A48', node: '#FFFFFF' },
  security: { label: 'Security & keys', fill: '#F1EAFB', border: '#7A4FB5', node: '#FFFFFF' },
  observability: { label: 'Observability', fill: '#EEF0F2', border: '#6B7280', node: '#FFFFFF' },
  state: { label: 'Terraform state backend', fill: '#E6F5F5', border: '#2C8C8C', node: '#FFFFFF' },
};

export const TIER_ORDER = Object.keys(TIERS) as Tier[];

/** The tier of a resource type; subnets and route tables also look at their id. */
const TYPE_TIERS: ReadonlyArray<readonly [RegExp, Tier]> = [
  [/^aws_(api_gateway|apigatewayv2|wafv2|waf|cloudfront|route53|acm)_/, 'edge'],
  [
    /^aws_(vpc_endpoint|default_security_group|network_acl|lambda|ecs|instance)(_|$)/,
    'application',
  ],
  [/^aws_(internet_gateway|egress_only_internet_gateway|nat_gateway|eip|lb|alb)(_|$)/, 'public'],
  [/^aws_(db|rds|elasticache|secretsmanager|docdb|memorydb|efs|opensearch)_/, 'data'],
  [/^aws_(kms|iam|acmpca)_/, 'security'],
  [/^aws_(cloudwatch|sns|flow_log|xray|cloudtrail)(_|$)/, 'observability'],
  [/^aws_(s3|dynamodb)_/, 'state'],
];

/** Where a resource type goes when nothing else says: workloads, the middle of the picture. */
export const DEFAULT_TIER: Tier = 'application';

/** The tier implied by a subnet-tier word in an id (`public-subnet-0`, `isolated-route-table`). */
function subnetTierOf(id: string): Tier | undefined {
  if (/(^|[-_])public([-_]|$)/.test(id)) return 'public';
  if (/(^|[-_])(private|app|application)([-_]|$)/.test(id)) return 'application';
  if (/(^|[-_])(isolated|data|database)([-_]|$)/.test(id)) return 'data';
  return undefined;
}

/**
 * The tier of one resource from its type and its construct id (the last element of its
 * construct path). Unknown types fall into DEFAULT_TIER.
 */
export function tierOf(type: string, id = ''): Tier {
  if (/^aws_(subnet|route_table|route|route_table_association)$/.test(type)) {
    return subnetTierOf(id) ?? DEFAULT_TIER;
  }
  if (type === 'aws_vpc') return 'public';
  for (const [pattern, tier] of TYPE_TIERS) if (pattern.test(type)) return tier;
  return DEFAULT_TIER;
}

/** One resource (or data source) of a synthesized stack. */
export interface SynthResource {
  readonly stack: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  /** The Terraform name (cdktf's unique id). */
  readonly name: string;
  /** `aws_db_instance.database_instance_D7FC2283`, `data.aws_region.x`. */
  readonly address: string;
  /** Construct path below the stack: `['database', 'instance']`. */
  readonly path: readonly string[];
  readonly body: Readonly<Record<string, unknown>>;
}

/** The synthesized stacks' resources, sorted by stack and address. */
export function readSynthesizedStacks(outdir: string, stacks?: readonly string[]): SynthResource[] {
  const stacksDir = join(outdir, 'stacks');
  if (!existsSync(stacksDir)) {
    throw new Error(
      `${stacksDir} does not exist: synthesize first (node --import tsx main.ts) or pass --dir <cdktf.out>`,
    );
  }
  const names = (stacks ?? readdirSync(stacksDir)).filter((s) =>
    existsSync(join(stacksDir, s, 'cdk.tf.json')),
  );
  if (names.length === 0) throw new Error(`${stacksDir} holds no synthesized stack (cdk.tf.json)`);
  return [...names]
    .sort(compare)
    .flatMap((stack) =>
      resourcesOf(
        stack,
        JSON.parse(readFileSync(join(stacksDir, stack, 'cdk.tf.json'), 'utf8')) as unknown,
      ),
    );
}

/** The resources of one stack's Terraform JSON (e.g. from `Testing.synth`). */
export function resourcesOf(stack: string, tfJson: unknown): SynthResource[] {
  const json = (tfJson ?? {}) as Record<string, unknown>;
  const out: SynthResource[] = [];
  for (const mode of ['managed', 'data'] as const) {
    const block = (json[mode === 'managed' ? 'resource' : 'data'] ?? {}) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    for (const [type, byName] of Object.entries(block)) {
      for (const [name, body] of Object.entries(byName ?? {})) {
        const meta = (body?.['//'] as { metadata?: { path?: string } } | undefined)?.metadata;
        const fullPath = (meta?.path ?? `${stack}/${name}`).split('/');
        const path = fullPath[0] === stack ? fullPath.slice(1) : fullPath;
        out.push({
          stack,
          mode,
          type,
          name,
          address: `${mode === 'data' ? 'data.' : ''}${type}.${name}`,
          path,
          body: body ?? {},
        });
      }
    }
  }
  return out.sort((a, b) => compare(a.address, b.address));
}

/** Attributes whose references are bookkeeping, not architecture. */
const IGNORED_KEYS = new Set([
  '//',
  'tags',
  'tags_all',
  'provider',
  'depends_on',
  'lifecycle',
  'count',
  'for_each',
]);

/**
 * The addresses a resource body references with `${type.name.attr}` (or inside any
 * `${...}` expression), among the addresses `known`; sorted, without duplicates.
 */
export function referencesOf(
  body: Readonly<Record<string, unknown>>,
  known: ReadonlySet<string>,
): string[] {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      for (const expr of value.matchAll(/\$\{([^}]*)\}/g)) {
        for (const m of expr[1].matchAll(
          /(?:^|[^\w.-])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g,
        )) {
          if (known.has(m[1])) found.add(m[1]);
        }
      }
    } else if (Array.isArray(value)) {
      value.forEach(visit);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (!IGNORED_KEYS.has(k)) visit(v);
    }
  };
  for (const [k, v] of Object.entries(body)) if (!IGNORED_KEYS.has(k)) visit(v);
  return [...found].sort(compare);
}

/**
 * Detail resources and the attribute naming the resource they belong to. Their other
 * references become edges of that owner.
 */
const FOLD_INTO: Readonly<Record<string, readonly string[]>> = {
  aws_kms_alias: ['target_key_id'],
  aws_iam_role_policy: ['role'],
  aws_iam_role_policy_attachment: ['role'],
  aws_iam_policy_attachment: ['roles'],
  aws_route: ['route_table_id'],
  aws_route_table_association: ['route_table_id'],
  aws_api_gateway_resource: ['rest_api_id'],
  aws_api_gateway_method: ['rest_api_id'],
  aws_api_gateway_method_response: ['rest_api_id'],
  aws_api_gateway_integration: ['rest_api_id'],
  aws_api_gateway_integration_response: ['rest_api_id'],
  aws_api_gateway_deployment: ['rest_api_id'],
  aws_api_gateway_stage: ['rest_api_id'],
  aws_api_gateway_method_settings: ['rest_api_id'],
  aws_secretsmanager_secret_version: ['secret_id'],
  aws_secretsmanager_secret_policy: ['secret_arn'],
  aws_secretsmanager_secret_rotation: ['secret_id'],
  aws_wafv2_web_acl_association: ['web_acl_arn'],
  aws_wafv2_web_acl_logging_configuration: ['resource_arn'],
  aws_sns_topic_policy: ['arn'],
  aws_sns_topic_subscription: ['topic_arn'],
  aws_default_security_group: ['vpc_id'],
  aws_vpc_security_group_ingress_rule: ['security_group_id'],
  aws_vpc_security_group_egress_rule: ['security_group_id'],
  aws_security_group_rule: ['security_group_id'],
  aws_cloudwatch_log_resource_policy: [],
};

/** Types folded into the one resource that references them (parameter groups). */
const FOLD_INTO_REFERRER = new Set(['aws_db_parameter_group', 'aws_elasticache_parameter_group']);

/** S3 bucket configuration resources fold into their bucket. */
function foldAttributes(type: string): readonly string[] | undefined {
  if (/^aws_s3_bucket_/.test(type)) return ['bucket'];
  return FOLD_INTO[type];
}

/** Types that collapse into one node per construct however their ids differ. */
const COLLAPSE_WHOLE_TYPE = new Set([
  'aws_cloudwatch_metric_alarm',
  'aws_cloudwatch_log_group',
  'aws_vpc_endpoint',
]);

/** Readable names of resource types; others are derived from the type. */
const TYPE_TITLES: Readonly<Record<string, string>> = {
  aws_api_gateway_rest_api: 'API Gateway REST API',
  aws_api_gateway_account: 'API Gateway account',
  aws_wafv2_web_acl: 'WAF web ACL',
  aws_internet_gateway: 'Internet gateway',
  aws_nat_gateway: 'NAT gateway',
  aws_eip: 'Elastic IP',
  aws_vpc: 'VPC',
  aws_subnet: 'subnet',
  aws_route_table: 'route table',
  aws_vpc_endpoint: 'VPC endpoint',
  aws_security_group: 'Security group',
  aws_db_instance: 'RDS',
  aws_db_subnet_group: 'DB subnet group',
  aws_elasticache_replication_group: 'ElastiCache',
  aws_elasticache_subnet_group: 'Cache subnet group',
  aws_secretsmanager_secret: 'Secret',
  aws_kms_key: 'KMS key',
  aws_iam_role: 'IAM role',
  aws_cloudwatch_log_group: 'log group',
  aws_cloudwatch_metric_alarm: 'CloudWatch alarm',
  aws_sns_topic: 'SNS topic',
  aws_flow_log: 'VPC flow log',
  aws_s3_bucket: 'S3 bucket',
  aws_dynamodb_table: 'DynamoDB table',
};

const ENGINES: Readonly<Record<string, string>> = {
  postgres: 'PostgreSQL',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  redis: 'Redis',
  valkey: 'Valkey',
  memcached: 'Memcached',
};

/** A box in the picture: one resource, or several folded/collapsed together. */
export interface DiagramNode {
  readonly id: string;
  readonly tier: Tier;
  readonly stack: string;
  /** Construct path of the node's resources (`database`, `cache/auth-token`); '' at stack level. */
  readonly construct: string;
  readonly type: string;
  /** Lines of the label. */
  readonly label: readonly string[];
  /** Addresses (`stack:address`) of the resources the node stands for. */
  readonly members: readonly string[];
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  /** Ports of a security-group rule, when the edge is one. */
  readonly label?: string;
  readonly kind: 'reference' | 'traffic';
  /** The two resources reference each other. */
  readonly both?: boolean;
}

export interface DiagramModel {
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly DiagramEdge[];
}

interface Draft {
  resource: SynthResource;
  key: string;
  tier: Tier;
  folded: SynthResource[];
}

/** Builds the nodes and edges from the resources of one or more stacks. */
export function buildModel(
  resources: readonly SynthResource[],
  stateStacks?: readonly string[],
): DiagramModel {
  const key = (r: SynthResource) => `${r.stack}:${r.address}`;
  const byKey = new Map(resources.map((r) => [key(r), r]));
  const knownByStack = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!knownByStack.has(r.stack)) knownByStack.set(r.stack, new Set());
    knownByStack.get(r.stack)!.add(r.address);
  }
  const isStateStack = (stack: string) =>
    stateStacks ? stateStacks.includes(stack) : /state|backend|bootstrap/i.test(stack);

  // References, following data sources (an IAM policy document names the log group).
  const directRefs = new Map<string, string[]>();
  for (const r of resources) {
    directRefs.set(
      key(r),
      referencesOf(r.body, knownByStack.get(r.stack)!).map((a) => `${r.stack}:${a}`),
    );
  }
  const managedRefs = (k: string, seen = new Set<string>()): string[] => {
    const out = new Set<string>();
    for (const ref of directRefs.get(k)!) {
      const target = byKey.get(ref)!;
      if (target.mode === 'managed') out.add(ref);
      else if (!seen.has(ref)) {
        seen.add(ref);
        managedRefs(ref, seen).forEach((x) => out.add(x));
      }
    }
    return [...out].sort(compare);
  };
  const refsOf = new Map(
    resources.filter((r) => r.mode === 'managed').map((r) => [key(r), managedRefs(key(r))]),
  );

  // 1. Fold detail resources into their owners.
  const owner = new Map<string, string>();
  const managed = resources.filter((r) => r.mode === 'managed');
  for (const r of managed) {
    const attrs = foldAttributes(r.type);
    if (!attrs) continue;
    const known = knownByStack.get(r.stack)!;
    for (const attr of attrs) {
      const refs = referencesOf({ [attr]: r.body[attr] }, known).filter(
        (a) => !a.startsWith('data.'),
      );
      if (refs.length > 0) {
        owner.set(key(r), `${r.stack}:${refs[0]}`);
        break;
      }
    }
  }
  for (const r of managed) {
    if (!FOLD_INTO_REFERRER.has(r.type)) continue;
    const referrers = managed.filter((o) => refsOf.get(key(o))!.includes(key(r)));
    if (referrers.length === 1) owner.set(key(r), key(referrers[0]));
  }
  const rootOf = (k: string): string => {
    let current = k;
    for (let i = 0; i < 10 && owner.has(current); i++) current = owner.get(current)!;
    return current;
  };

  // 2. Tiers: by type and id; state stacks; security groups follow what they are attached to.
  const drafts = new Map<string, Draft>();
  for (const r of managed) {
    if (rootOf(key(r)) !== key(r)) continue;
    const id = r.path[r.path.length - 1] ?? r.name;
    drafts.set(key(r), {
      resource: r,
      key: key(r),
      tier: isStateStack(r.stack) ? 'state' : tierOf(r.type, id),
      folded: [],
    });
  }
  for (const r of managed) {
    const root = rootOf(key(r));
    if (root !== key(r)) drafts.get(root)?.folded.push(r);
  }
  for (const d of drafts.values()) {
    if (d.resource.type !== 'aws_security_group' || d.tier === 'state') continue;
    const attached = managed
      .filter(
        (o) =>
          o.type !== 'aws_security_group' &&
          !isSecurityGroupRule(o.type) &&
          refsOf.get(key(o))!.includes(d.key),
      )
      .map((o) => drafts.get(rootOf(key(o)))?.tier)
      .filter((t): t is Tier => t !== undefined);
    const tiers = [...new Set(attached)].sort(
      (a, b) => TIER_ORDER.indexOf(b) - TIER_ORDER.indexOf(a),
    );
    d.tier = tiers[0] ?? DEFAULT_TIER;
  }

  // 3. Collapse repeats per AZ (and whole sets of alarms, log groups, endpoints).
  const groups = new Map<string, Draft[]>();
  for (const d of [...drafts.values()].sort((a, b) => compare(a.key, b.key))) {
    const r = d.resource;
    const id = r.path[r.path.length - 1] ?? r.name;
    const stem = COLLAPSE_WHOLE_TYPE.has(r.type) ? '*' : id.replace(/[-_]?\d+$/, '');
    const construct = r.path.slice(0, -1).join('/');
    const groupKey = `${r.stack}|${d.tier}|${construct}|${r.type}|${stem}`;
    if (!groups.has(groupKey)) groups.set(groupKey, []);
    groups.get(groupKey)!.push(d);
  }
  const nodeOf = new Map<string, string>();
  const nodes: DiagramNode[] = [];
  for (const [groupKey, members] of [...groups.entries()].sort((a, b) => compare(a[0], b[0]))) {
    members.sort((a, b) => compareNatural(idOf(a.resource), idOf(b.resource)));
    const first = members[0].resource;
    const id = nodeId(groupKey);
    const allMembers = members.flatMap((m) => [m.key, ...m.folded.map(key)]).sort(compare);
    for (const m of allMembers) nodeOf.set(m, id);
    nodes.push({
      id,
      tier: members[0].tier,
      stack: first.stack,
      construct: first.path.slice(0, -1).join('/'),
      type: first.type,
      label: labelOf(members),
      members: allMembers,
    });
  }

  // 4. Edges between nodes, deduplicated; security-group rules are traffic with ports.
  const edges = new Map<string, DiagramEdge>();
  const addEdge = (edge: DiagramEdge) => {
    if (edge.from === edge.to) return;
    const k = `${edge.from}>${edge.to}>${edge.kind}`;
    const existing = edges.get(k);
    if (!existing) {
      edges.set(k, edge);
    } else if (edge.label && existing.label !== edge.label) {
      const labels = new Set([...(existing.label ?? '').split(', '), edge.label].filter((l) => l));
      edges.set(k, { ...existing, label: [...labels].sort(compareNatural).join(', ') });
    }
  };
  for (const r of managed) {
    const from = nodeOf.get(key(r));
    if (!from) continue;
    const rule = securityGroupRule(r, knownByStack.get(r.stack)!);
    if (rule) {
      const own = nodeOf.get(`${r.stack}:${rule.group}`);
      const peer = rule.peer ? nodeOf.get(`${r.stack}:${rule.peer}`) : undefined;
      if (own && peer) {
        addEdge(
          rule.direction === 'ingress'
            ? { from: peer, to: own, label: rule.ports, kind: 'traffic' }
            : { from: own, to: peer, label: rule.ports, kind: 'traffic' },
        );
      }
      continue;
    }
    for (const ref of refsOf.get(key(r))!) {
      const to = nodeOf.get(ref);
      const keep = CONTAINER_EDGES[byKey.get(ref)!.type];
      if (to && (!keep || keep.has(r.type))) addEdge({ from, to, kind: 'reference' });
    }
  }
  // A pair referencing each other (a stage and the log group named after its API) is one
  // two-headed edge.
  for (const [k, e] of [...edges.entries()].sort((a, b) => compare(a[0], b[0]))) {
    const back = `${e.to}>${e.from}>${e.kind}`;
    if (e.kind === 'reference' && edges.has(k) && edges.has(back)) {
      edges.delete(back);
      edges.set(k, { ...e, both: true });
    }
  }
  return {
    nodes: nodes.sort((a, b) => compare(a.id, b.id)),
    edges: [...edges.values()].sort(
      (a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.kind, b.kind),
    ),
  };
}

function isSecurityGroupRule(type: string): boolean {
  return /^aws_(vpc_security_group_(ingress|egress)_rule|security_group_rule)$/.test(type);
}

/**
 * Containers every resource inside them references (`vpc_id`): the cluster already says
 * so, so only the resources that define the container keep the edge.
 */
const CONTAINER_EDGES: Readonly<Record<string, ReadonlySet<string>>> = {
  aws_vpc: new Set(['aws_subnet', 'aws_internet_gateway', 'aws_flow_log']),
};

interface RuleInfo {
  readonly direction: 'ingress' | 'egress';
  readonly group: string;
  readonly peer?: string;
  readonly ports: string;
}

function securityGroupRule(r: SynthResource, known: ReadonlySet<string>): RuleInfo | undefined {
  const m = /^aws_vpc_security_group_(ingress|egress)_rule$/.exec(r.type);
  const legacy = r.type === 'aws_security_group_rule';
  if (!m && !legacy) return undefined;
  const direction = (m ? m[1] : String(r.body.type)) === 'egress' ? 'egress' : 'ingress';
  const group = referencesOf({ g: r.body.security_group_id }, known)[0];
  if (!group) return undefined;
  const peerAttr = r.body.referenced_security_group_id ?? r.body.source_security_group_id;
  const peer =
    referencesOf({ p: peerAttr }, known)[0] ?? referencesOf({ p: r.body.prefix_list_id }, known)[0];
  const from = r.body.from_port;
  const to = r.body.to_port;
  const protocol = String(r.body.ip_protocol ?? r.body.protocol ?? '-1');
  const ports =
    protocol === '-1'
      ? 'all'
      : from === to || to === undefined
        ? String(from)
        : `${String(from)}-${String(to)}`;
  return { direction, group, peer, ports };
}

function idOf(r: SynthResource): string {
  return r.path[r.path.length - 1] ?? r.name;
}

/** A literal attribute value without `${...}` expressions, or undefined. */
function literal(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value
    .replace(/\$\{[^}]*\}/g, '')
    .replace(/[-_/.:\s]+$/, '')
    .trim();
  return text === '' ? undefined : text;
}

function nameOf(r: SynthResource): string | undefined {
  const b = r.body;
  const tags = (b.tags ?? {}) as Record<string, unknown>;
  for (const v of [
    b.identifier,
    b.replication_group_id,
    b.alarm_name,
    b.bucket,
    b.name,
    tags.Name,
    b.cidr_block,
  ]) {
    const text = literal(v);
    if (text) return text;
  }
  return undefined;
}

function titleOf(r: SynthResource): string {
  const base =
    TYPE_TITLES[r.type] ??
    r.type
      .replace(/^aws_/, '')
      .split('_')
      .map((w) => (w.length <= 3 ? w.toUpperCase() : w))
      .join(' ');
  if (r.type === 'aws_db_instance' || r.type === 'aws_elasticache_replication_group') {
    const engine = literal(r.body.engine) ?? (r.type === 'aws_db_instance' ? '' : 'redis');
    return `${base} ${ENGINES[engine] ?? engine}`.trim();
  }
  if (r.type === 'aws_subnet' || r.type === 'aws_route_table') {
    const word = /(public|private|isolated)/.exec(idOf(r))?.[1];
    return word ? `${word} ${base}` : base;
  }
  return base;
}

/** The short member names of a collapsed node: endpoint services, log-group leaves, ... */
function shortName(r: SynthResource): string {
  if (r.type === 'aws_vpc_endpoint') {
    const service = String(r.body.service_name ?? '');
    return service.slice(service.lastIndexOf('.') + 1) || idOf(r);
  }
  if (r.type === 'aws_subnet') return literal(r.body.cidr_block) ?? idOf(r);
  if (r.type === 'aws_cloudwatch_log_group') {
    return idOf(r).replace(/^log-group-|-log-group$/, '');
  }
  return idOf(r);
}

function labelOf(members: readonly Draft[]): string[] {
  const first = members[0].resource;
  const title = titleOf(first);
  if (members.length > 1) {
    const lines = [`${members.length} × ${title}`];
    if (
      first.type === 'aws_cloudwatch_metric_alarm' ||
      first.type === 'aws_nat_gateway' ||
      first.type === 'aws_eip' ||
      first.type === 'aws_route_table'
    ) {
      return lines;
    }
    return [
      ...lines,
      ...wrap(
        members.map((m) => shortName(m.resource)),
        34,
      ),
    ];
  }
  const lines = [capitalizeFirst(title)];
  if (first.type === 'aws_kms_key') {
    const aliases = members[0].folded
      .filter((f) => f.type === 'aws_kms_alias')
      .map((f) => literal(f.body.name))
      .filter((n): n is string => n !== undefined)
      .sort(compare);
    if (aliases.length > 0) return [...lines, ...aliases];
  }
  if (first.type === 'aws_api_gateway_rest_api') {
    const stages = members[0].folded
      .filter((f) => f.type === 'aws_api_gateway_stage')
      .map((f) => literal(f.body.stage_name))
      .filter((n): n is string => n !== undefined);
    const name = nameOf(first);
    return [...lines, ...(name ? [name] : []), ...stages.map((s) => `stage ${s}`)];
  }
  const name = nameOf(first);
  return name ? [...lines, name] : lines;
}

function wrap(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line}, ${item}` : item;
    if (line && next.length > width) {
      lines.push(`${line},`);
      line = item;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function capitalizeFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function nodeId(groupKey: string): string {
  return `n_${groupKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}

const FONT = 'Helvetica,Arial,sans-serif';

const LEGEND =
  'Generated from the synthesized stacks by npm run diagram. Arrow A → B: A references B. ' +
  'Red: traffic a security-group rule allows (port). Dashed: uses a key or role. Dashed boxes: constructs.';

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The row of each tier in the picture, top to bottom: requests enter at the edge and
 * go down through the public and application tiers to the data; keys, roles and
 * monitoring that serve every tier sit below; the state backend stands apart at the top.
 */
export const LAYOUT_ROWS: Readonly<Record<Tier, number>> = {
  edge: 0,
  state: 0,
  public: 1,
  application: 2,
  data: 3,
  observability: 4,
  security: 5,
};

/** The Graphviz DOT text of a model: clusters per tier, then per construct. */
export function toDot(
  model: DiagramModel,
  title = 'Healthcare API platform: architecture',
): string {
  const out: string[] = [];
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const label = (lines: readonly string[]) => q(lines.join('\n')).replace(/\n/g, '\\n');
  out.push('digraph architecture {');
  out.push(
    `  graph [rankdir=TB, compound=true, newrank=true, nodesep=0.25, ranksep=0.7, pad=0.3, fontname=${q(FONT)}, fontsize=20, labelloc=t, label=<${html(title)}<BR/><FONT POINT-SIZE="12" COLOR="#555555">${html(LEGEND)}</FONT>>];`,
  );
  out.push(
    `  node [shape=box, style="rounded,filled", fontname=${q(FONT)}, fontsize=11, margin="0.2,0.08", penwidth=1.2];`,
  );
  out.push(
    `  edge [fontname=${q(FONT)}, fontsize=9, color="#7F8C8D", arrowsize=0.6, penwidth=0.9];`,
  );
  const tierNodes = (tier: Tier) => model.nodes.filter((n) => n.tier === tier);
  for (const tier of TIER_ORDER) {
    const nodes = tierNodes(tier);
    if (nodes.length === 0) continue;
    const style = TIERS[tier];
    const stacks = [...new Set(nodes.map((n) => n.stack))].sort(compare);
    const tierLabel = tier === 'state' ? `${style.label} (${stacks.join(', ')})` : style.label;
    out.push(`  subgraph cluster_${tier} {`);
    out.push(
      `    graph [label=${q(tierLabel)}, style="rounded,filled", fillcolor=${q(style.fill)}, color=${q(style.border)}, fontcolor=${q(style.border)}, fontsize=15, penwidth=1.5, margin=12];`,
    );
    const constructs = [...new Set(nodes.map((n) => n.construct))].sort(compare);
    for (const construct of constructs) {
      const inConstruct = nodes.filter((n) => n.construct === construct);
      const indent = construct ? '      ' : '    ';
      if (construct) {
        out.push(`    subgraph cluster_${tier}_${construct.replace(/[^A-Za-z0-9]+/g, '_')} {`);
        out.push(
          `      graph [label=${q(construct)}, style="rounded,dashed", color=${q(style.border)}, fontcolor="#444444", fontsize=11, penwidth=0.8, margin=8];`,
        );
      }
      for (const n of inConstruct) {
        out.push(
          `${indent}${n.id} [label=${label(n.label)}, fillcolor=${q(style.node)}, color=${q(style.border)}];`,
        );
      }
      if (construct) out.push('    }');
    }
    out.push('  }');
  }
  const tierOfNode = new Map(model.nodes.map((n) => [n.id, n.tier]));
  const rank = (id: string) => LAYOUT_ROWS[tierOfNode.get(id) ?? DEFAULT_TIER];
  // Invisible row anchors keep each row of tiers below the previous one whatever the
  // references say: row_k -> every node of row k -> row_k+1 (weight 0: no sideways pull).
  const rows = [...new Set(model.nodes.map((n) => rank(n.id)))].sort((a, b) => a - b);
  for (const row of rows) out.push(`  row_${row} [shape=point, style=invis, width=0, height=0];`);
  rows.forEach((row, i) => {
    const next = rows[i + 1];
    for (const n of model.nodes.filter((m) => rank(m.id) === row)) {
      out.push(`  row_${row} -> ${n.id} [style=invis, weight=1];`);
      if (next !== undefined) out.push(`  ${n.id} -> row_${next} [style=invis, weight=1];`);
    }
  });
  for (const e of model.edges) {
    const attrs: string[] = [];
    // Graphviz puts an edge's tail above its head. A reference to a resource of a tier
    // drawn higher up (a subnet to its VPC) is laid out reversed and drawn with dir=back,
    // so the tiers stack as traffic flows: edge, public, application, data, then the rest.
    const upward = rank(e.to) < rank(e.from);
    if (e.both) attrs.push('dir=both');
    else if (upward) attrs.push('dir=back');
    if (e.kind === 'traffic') {
      attrs.push(`color="#C0392B"`, 'penwidth=1.4', `fontcolor="#C0392B"`);
      if (e.label) attrs.push(`label=${q(e.label)}`);
    } else if (tierOfNode.get(e.to) === 'security') {
      // Keys and roles are used by almost everything: light, so the data flow stands out.
      attrs.push(`color="#B9A6D6"`, 'style=dashed');
    }
    const [tail, head] = upward ? [e.to, e.from] : [e.from, e.to];
    out.push(`  ${tail} -> ${head}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}

/** Renders DOT to SVG with Graphviz (WebAssembly); the result is deterministic. */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await vizInstance();
  return viz.renderString(dot, { format: 'svg' });
}

/** The whole pipeline on a cdktf.out folder: DOT and SVG. */
export async function diagramFromOutdir(
  outdir: string,
  stacks?: readonly string[],
): Promise<{ dot: string; svg: string; model: DiagramModel }> {
  const model = buildModel(readSynthesizedStacks(outdir, stacks));
  const dot = toDot(model);
  return { dot, svg: await renderSvg(dot), model };
}

/** The project root (the folder holding main.ts). */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** Prefixes and names of environment variables that change what main.ts synthesizes. */
const CONFIG_ENV =
  /^(ENVIRONMENT_SUFFIX|AWS_REGION|AWS_DEFAULT_REGION|PLATFORM_PROFILE|VPC_CIDR|AZ_COUNT|NAT_GATEWAYS|[A-Z]+_SUBNET_CIDRS|DB_.*|CACHE_.*|API_.*|WAF_.*|LOG_.*|SECRET_.*|ALARM_.*|STATE_.*|CDKTF_CONTEXT_JSON|CDKTF_OUTDIR)$/;

/**
 * Synthesizes the app with its default settings (the `prod` platform stack and the state
 * backend) into `outdir` by running main.ts, with every configuration variable of the
 * caller's environment removed so that the diagram always shows the defaults.
 */
export function synthesizeDefaults(outdir: string): void {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!CONFIG_ENV.test(k)) env[k] = v;
  env.CDKTF_OUTDIR = outdir;
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: PROJECT_ROOT,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `synthesis failed (node --import tsx main.ts, exit ${String(result.status)}):\n${result.stderr || result.stdout}`,
    );
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `subnet-2` before `subnet-10`. */
function compareNatural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
