/** The diagram model: detail resources folded into their owners, tiers, per-AZ repeats collapsed into nodes, and the edges between nodes. */
import { idOf, labelOf, nodeId, titleOf } from './labels';
import { compare, compareNatural, referencesOf, SynthResource } from './resources';
import { DEFAULT_TIER, Tier, TIER_ORDER, tierOf } from './tiers';

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
  aws_lambda_permission: ['function_name'],
  aws_lambda_invocation: ['function_name'],
  aws_cloudwatch_log_data_protection_policy: ['log_group_name'],
  aws_backup_vault_lock_configuration: ['backup_vault_name'],
  aws_s3_bucket_logging: ['bucket', 'target_bucket'],
};

/** Types folded into the one resource that references them (parameter groups). */
const FOLD_INTO_REFERRER = new Set(['aws_db_parameter_group', 'aws_elasticache_parameter_group']);

/** S3 bucket configuration resources fold into their bucket. */
function foldAttributes(type: string): readonly string[] | undefined {
  return FOLD_INTO[type] ?? (/^aws_s3_bucket_/.test(type) ? ['bucket'] : undefined);
}

/** Types that collapse into one node per construct however their ids differ. */
const COLLAPSE_WHOLE_TYPE = new Set([
  'aws_cloudwatch_metric_alarm',
  'aws_cloudwatch_log_metric_filter',
  'aws_cloudwatch_log_group',
  'aws_vpc_endpoint',
]);

/** A box in the picture: one resource, or several folded/collapsed together. */
export interface DiagramNode {
  readonly id: string;
  readonly tier: Tier;
  readonly stack: string;
  /** Construct path of the node's resources (`database`, `cache/auth-token`); '' at stack level. */
  readonly construct: string;
  readonly type: string;
  /** The singular title of its resources (`NAT gateway`, `RDS PostgreSQL`). */
  readonly title: string;
  /** How many resources of that title the node collapses (3 for `3 × NAT gateway`). */
  readonly count: number;
  /** Lines of the label. */
  readonly label: readonly string[];
  /** Addresses (`stack:address`) of the resources the node stands for. */
  readonly members: readonly string[];
  /** A box of another tier, summarized as in the overview, drawn in a tier's detail view. */
  readonly context?: boolean;
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

export interface Draft {
  resource: SynthResource;
  key: string;
  tier: Tier;
  folded: SynthResource[];
}

/** The resources of the picture, indexed once: keys, references between managed resources. */
interface ResourceGraph {
  readonly key: (r: SynthResource) => string;
  readonly byKey: ReadonlyMap<string, SynthResource>;
  readonly knownByStack: ReadonlyMap<string, Set<string>>;
  readonly managed: readonly SynthResource[];
  /** Managed resources each managed resource references, following data sources. */
  readonly refsOf: ReadonlyMap<string, string[]>;
}

function indexResources(resources: readonly SynthResource[]): ResourceGraph {
  const key = (r: SynthResource) => `${r.stack}:${r.address}`;
  const byKey = new Map(resources.map((r) => [key(r), r]));
  const knownByStack = new Map<string, Set<string>>();
  for (const r of resources) {
    if (!knownByStack.has(r.stack)) knownByStack.set(r.stack, new Set());
    knownByStack.get(r.stack)!.add(r.address);
  }
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
  const managed = resources.filter((r) => r.mode === 'managed');
  const refsOf = new Map(managed.map((r) => [key(r), managedRefs(key(r))]));
  return { key, byKey, knownByStack, managed, refsOf };
}

/** Step 1: folds detail resources into their owners; returns each resource's root. */
function foldOwners(g: ResourceGraph): (k: string) => string {
  const { key, managed, refsOf } = g;
  const owner = new Map<string, string>();
  for (const r of managed) {
    const attrs = foldAttributes(r.type);
    if (!attrs) continue;
    const known = g.knownByStack.get(r.stack)!;
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
  return (k: string): string => {
    let current = k;
    for (let i = 0; i < 10 && owner.has(current); i++) current = owner.get(current)!;
    return current;
  };
}

/** Step 2: tiers by type and id; state stacks; security groups follow what they are attached to. */
function tierDrafts(
  g: ResourceGraph,
  rootOf: (k: string) => string,
  stackTier: (stack: string) => Tier | undefined,
): Map<string, Draft> {
  const { key, managed, refsOf } = g;
  const drafts = new Map<string, Draft>();
  for (const r of managed) {
    if (rootOf(key(r)) !== key(r)) continue;
    const id = r.path[r.path.length - 1] ?? r.name;
    drafts.set(key(r), {
      resource: r,
      key: key(r),
      tier: stackTier(r.stack) ?? tierOf(r.type, id),
      folded: [],
    });
  }
  for (const r of managed) {
    const root = rootOf(key(r));
    if (root !== key(r)) drafts.get(root)?.folded.push(r);
  }
  for (const d of drafts.values()) {
    if (d.resource.type !== 'aws_security_group' || stackTier(d.resource.stack)) continue;
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
  return drafts;
}

/** Step 3: collapses repeats per AZ (and whole sets of alarms, log groups, endpoints) into nodes. */
function collapseNodes(
  g: ResourceGraph,
  drafts: ReadonlyMap<string, Draft>,
): { nodes: DiagramNode[]; nodeOf: Map<string, string> } {
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
    const allMembers = members.flatMap((m) => [m.key, ...m.folded.map(g.key)]).sort(compare);
    for (const m of allMembers) nodeOf.set(m, id);
    nodes.push({
      id,
      tier: members[0].tier,
      stack: first.stack,
      construct: first.path.slice(0, -1).join('/'),
      type: first.type,
      title: titleOf(first),
      count: members.length,
      label: labelOf(members),
      members: allMembers,
    });
  }
  return { nodes, nodeOf };
}

/** Adds an edge once; a second security-group rule on the same pair merges its ports. */
export function addEdge(edges: Map<string, DiagramEdge>, edge: DiagramEdge): void {
  if (edge.from === edge.to) return;
  const k = `${edge.from}>${edge.to}>${edge.kind}`;
  const existing = edges.get(k);
  if (!existing) {
    edges.set(k, edge);
  } else if (edge.label && existing.label !== edge.label) {
    const labels = new Set([...(existing.label ?? '').split(', '), edge.label].filter((l) => l));
    edges.set(k, { ...existing, label: [...labels].sort(compareNatural).join(', ') });
  }
}

/** Step 4: edges between nodes, deduplicated; security-group rules are traffic with ports. */
function buildEdges(g: ResourceGraph, nodeOf: ReadonlyMap<string, string>): DiagramEdge[] {
  const { key } = g;
  const edges = new Map<string, DiagramEdge>();
  for (const r of g.managed) {
    const from = nodeOf.get(key(r));
    if (!from) continue;
    const rule = securityGroupRule(r, g.knownByStack.get(r.stack)!);
    if (rule) {
      const own = nodeOf.get(`${r.stack}:${rule.group}`);
      const peer = rule.peer ? nodeOf.get(`${r.stack}:${rule.peer}`) : undefined;
      if (own && peer) {
        addEdge(
          edges,
          rule.direction === 'ingress'
            ? { from: peer, to: own, label: rule.ports, kind: 'traffic' }
            : { from: own, to: peer, label: rule.ports, kind: 'traffic' },
        );
      }
      continue;
    }
    for (const ref of g.refsOf.get(key(r))!) {
      const to = nodeOf.get(ref);
      const keep = CONTAINER_EDGES[g.byKey.get(ref)!.type];
      if (to && (!keep || keep.has(r.type))) addEdge(edges, { from, to, kind: 'reference' });
    }
  }
  return sortedEdges(edges);
}

/**
 * The edges added with addEdge, sorted; a pair referencing each other (a stage and the log
 * group named after its API) becomes one two-headed edge.
 */
export function sortedEdges(edges: Map<string, DiagramEdge>): DiagramEdge[] {
  for (const [k, e] of [...edges.entries()].sort((a, b) => compare(a[0], b[0]))) {
    const back = `${e.to}>${e.from}>${e.kind}`;
    if (e.kind === 'reference' && edges.has(k) && edges.has(back)) {
      edges.delete(back);
      edges.set(k, { ...e, both: true });
    }
  }
  return [...edges.values()].sort(
    (a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.kind, b.kind),
  );
}

/** Builds the nodes and edges from the resources of one or more stacks. */
export function buildModel(
  resources: readonly SynthResource[],
  stateStacks?: readonly string[],
  baselineStacks?: readonly string[],
): DiagramModel {
  const isStateStack = (stack: string) =>
    stateStacks ? stateStacks.includes(stack) : /state|backend|bootstrap/i.test(stack);
  const isBaselineStack = (stack: string) =>
    baselineStacks ? baselineStacks.includes(stack) : /baseline/i.test(stack);
  // Whole stacks with a tier of their own: the state backend, the account baseline.
  const stackTier = (stack: string): Tier | undefined =>
    isStateStack(stack) ? 'state' : isBaselineStack(stack) ? 'baseline' : undefined;
  const graph = indexResources(resources);
  const rootOf = foldOwners(graph);
  const drafts = tierDrafts(graph, rootOf, stackTier);
  const { nodes, nodeOf } = collapseNodes(graph, drafts);
  return {
    nodes: nodes.sort((a, b) => compare(a.id, b.id)),
    edges: buildEdges(graph, nodeOf),
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
