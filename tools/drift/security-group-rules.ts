/**
 * Security group rules outside Terraform. The platform's groups carry their rules as
 * `aws_vpc_security_group_ingress_rule` / `_egress_rule` resources, and Terraform refreshes
 * only the rules it manages: a rule someone adds by hand (5432 from 0.0.0.0/0 on the
 * database's group) belongs to no resource. The group's own `ingress` / `egress` attributes
 * do take it in on a refresh, but as an unlabelled list difference that a deploy then writes
 * into the state (measured with Terraform 1.11.4, hashicorp/aws 5.100.0): from the next night
 * on the refresh is clean and the rule is still open. So the rules are checked by id.
 *
 * For every `aws_security_group` in the plan's state (`prior_state`, refreshed), EC2
 * DescribeSecurityGroupRules (filter `group-id`) lists its rules; a rule is managed when its
 * id (`sgr-…`) is the `id` / `security_group_rule_id` of a rule resource in the state, or when
 * an `aws_security_group_rule` resource describes it (its id is `sgrule-<hash>`, not the
 * AWS id, and one resource with several CIDRs is several AWS rules: matched by group,
 * direction, protocol, ports and source). Directions a group manages with inline `ingress` /
 * `egress` blocks (in the plan's `configuration`) are Terraform's refresh's to compare, and a
 * deploy puts them back: not listed here. `aws_default_security_group` is not checked either:
 * the stack configures it with inline `ingress = []` / `egress = []`.
 *
 * When the rules could not be listed (AccessDenied, an emulator without the call, a refused
 * deploy role), the check says so and why: never "clean".
 */
import {
  DescribeSecurityGroupRulesCommand,
  type EC2Client,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { compare, type TerraformPlan } from '../review';

export type RuleDirection = 'ingress' | 'egress';

/** A security group of the stack, from the state. */
export interface StateSecurityGroup {
  readonly address: string;
  /** `sg-…`. */
  readonly id: string;
  /** The group's name (`healthcare-db-dev`). */
  readonly name: string;
  /** Directions the group's own inline blocks manage (its configuration sets them). */
  readonly inline: readonly RuleDirection[];
}

/** An `aws_security_group_rule` resource: the AWS rules it stands for. */
export interface LegacyRule {
  readonly address: string;
  readonly groupId: string;
  readonly direction: RuleDirection;
  /** Normalised: `tcp`, `udp`, `icmp`, `icmpv6`, `-1` (all) or a protocol number. */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  /** CIDRs, IPv6 CIDRs and prefix lists, each one AWS rule. */
  readonly peers: ReadonlySet<string>;
  /** The referenced group (`sg-…`), itself when `self`. */
  readonly referencedGroupId?: string;
  /** The AWS rule id the provider stored, when the resource stands for exactly one rule. */
  readonly ruleId?: string;
}

/** What the state says about security groups and who manages their rules. */
export interface StateSecurityGroups {
  readonly groups: readonly StateSecurityGroup[];
  /** The `sgr-…` ids of `aws_vpc_security_group_{ingress,egress}_rule` resources. */
  readonly managedRuleIds: ReadonlySet<string>;
  readonly legacyRules: readonly LegacyRule[];
}

/** A rule of one of the stack's groups that no resource in the state manages. */
export interface UnmanagedRule {
  readonly group: StateSecurityGroup;
  /** `sgr-…`. */
  readonly ruleId: string;
  readonly direction: RuleDirection;
  /** `tcp 5432`, `all traffic`, `icmp type 8, all codes`. */
  readonly ports: string;
  /** `0.0.0.0/0 (any IPv4 address)`, `prefix list pl-…`, `security group sg-… (name)`. */
  readonly peer: string;
  readonly description?: string;
  /** The AWS CLI command that revokes exactly this rule. */
  readonly revoke: string;
}

/** Attributes of one resource whose differences another check explains. */
export interface ExplainedAttributes {
  readonly address: string;
  /** Top-level attribute names (nested paths included). */
  readonly attributes: readonly string[];
  readonly reason: string;
}

export type SecurityGroupRuleCheck =
  | {
      /** The state holds no `aws_security_group`: nothing to ask AWS. */
      readonly status: 'no-groups';
    }
  | {
      readonly status: 'checked';
      readonly groups: readonly StateSecurityGroup[];
      /** How many rules AWS listed for the groups. */
      readonly ruleCount: number;
      readonly unmanaged: readonly UnmanagedRule[];
      /** The groups' `ingress` / `egress` differences: this check covers them rule by rule. */
      readonly explained: readonly ExplainedAttributes[];
    }
  | {
      /** AWS was asked and did not answer: nothing is known about the rules. */
      readonly status: 'not-checked';
      readonly groups: readonly StateSecurityGroup[];
      readonly reason: string;
      readonly fix: string;
    };

export const RULE_TYPES = {
  ingress: 'aws_vpc_security_group_ingress_rule',
  egress: 'aws_vpc_security_group_egress_rule',
  legacy: 'aws_security_group_rule',
  group: 'aws_security_group',
} as const;

/** Rules per DescribeSecurityGroupRules page (the API's maximum). */
export const RULES_PER_PAGE = 1000;
/** A group holds at most 1000 rules (AWS quota): more pages than this is a broken answer. */
export const MAX_RULE_PAGES = 10;

export const EXPLAINED_REASON =
  'the group\'s own copy of all its rules: stale after the rule resources are created, and it takes in rules added outside Terraform; each rule is checked by its id under "Security group rules outside Terraform"';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];

interface StateResource {
  readonly address: string;
  readonly mode: string;
  readonly type: string;
  readonly values: Json;
  /** The address in the configuration: module path and name, without instance keys. */
  readonly configAddress: string;
}

/** Every resource of a state module tree (`prior_state.values.root_module`). */
function stateResources(module: unknown, out: StateResource[] = []): StateResource[] {
  if (!isObject(module)) return out;
  for (const r of Array.isArray(module.resources) ? module.resources : []) {
    if (!isObject(r) || typeof r.address !== 'string' || !isObject(r.values)) continue;
    out.push({
      address: r.address,
      mode: String(r.mode ?? 'managed'),
      type: String(r.type),
      values: r.values,
      configAddress: r.address.replace(/\[[^\]]*\]/g, ''),
    });
  }
  for (const child of Array.isArray(module.child_modules) ? module.child_modules : []) {
    stateResources(child, out);
  }
  return out;
}

/** `address → configured attribute names` of every resource in a configuration module tree. */
function configuredAttributes(
  module: unknown,
  prefix = '',
  out = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  if (!isObject(module)) return out;
  for (const r of Array.isArray(module.resources) ? module.resources : []) {
    if (!isObject(r) || typeof r.address !== 'string') continue;
    out.set(
      `${prefix}${r.address}`,
      new Set(Object.keys(isObject(r.expressions) ? r.expressions : {})),
    );
  }
  const calls = isObject(module.module_calls) ? module.module_calls : {};
  for (const [name, call] of Object.entries(calls)) {
    if (isObject(call)) configuredAttributes(call.module, `${prefix}module.${name}.`, out);
  }
  return out;
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  '58': 'icmpv6',
  all: '-1',
};

/** `tcp`, `udp`, `icmp`, `icmpv6`, `-1` or a number, as EC2 answers `IpProtocol`. */
export function normaliseProtocol(protocol: string): string {
  const p = protocol.toLowerCase();
  return PROTOCOL_NAMES[p] ?? p;
}

/** The group id of `sg-…` or `<account>/sg-…` (a referenced group in another account). */
const groupIdOf = (v: string): string => v.slice(v.lastIndexOf('/') + 1);

/**
 * The stack's security groups and the ids of the rules its resources manage, from the
 * plan's `prior_state` (the refreshed state), or from `values` of `terraform show -json`.
 */
export function stateSecurityGroups(plan: TerraformPlan): StateSecurityGroups {
  const raw = plan as { prior_state?: unknown; values?: unknown };
  const state = isObject(raw.prior_state) ? raw.prior_state.values : raw.values;
  const resources = stateResources(isObject(state) ? state.root_module : undefined).filter(
    (r) => r.mode === 'managed',
  );
  const config = configuredAttributes(
    isObject(plan.configuration) ? plan.configuration.root_module : undefined,
  );
  const groups: StateSecurityGroup[] = [];
  const managedRuleIds = new Set<string>();
  const legacyRules: LegacyRule[] = [];
  for (const r of resources) {
    const v = r.values;
    if (r.type === RULE_TYPES.group && str(v.id)) {
      const configured = config.get(r.configAddress) ?? new Set<string>();
      groups.push({
        address: r.address,
        id: String(v.id),
        name: str(v.name) ?? String(v.id),
        inline: (['ingress', 'egress'] as const).filter((d) => configured.has(d)),
      });
    } else if (r.type === RULE_TYPES.ingress || r.type === RULE_TYPES.egress) {
      for (const id of [str(v.id), str(v.security_group_rule_id)]) if (id) managedRuleIds.add(id);
    } else if (r.type === RULE_TYPES.legacy && str(v.security_group_id)) {
      const source = str(v.source_security_group_id);
      legacyRules.push({
        address: r.address,
        groupId: String(v.security_group_id),
        direction: v.type === 'egress' ? 'egress' : 'ingress',
        protocol: normaliseProtocol(String(v.protocol ?? '')),
        fromPort: Number(v.from_port),
        toPort: Number(v.to_port),
        peers: new Set([
          ...strings(v.cidr_blocks),
          ...strings(v.ipv6_cidr_blocks),
          ...strings(v.prefix_list_ids),
        ]),
        referencedGroupId:
          v.self === true ? String(v.security_group_id) : source ? groupIdOf(source) : undefined,
        ruleId: str(v.security_group_rule_id),
      });
    }
  }
  return {
    groups: groups.sort((a, b) => compare(a.address, b.address)),
    managedRuleIds,
    legacyRules,
  };
}

/** Whether an `aws_security_group_rule` resource stands for this AWS rule. */
export function legacyRuleMatches(legacy: LegacyRule, rule: SecurityGroupRule): boolean {
  if (legacy.ruleId !== undefined && legacy.ruleId === rule.SecurityGroupRuleId) return true;
  if (legacy.groupId !== rule.GroupId) return false;
  if (legacy.direction !== (rule.IsEgress ? 'egress' : 'ingress')) return false;
  const protocol = normaliseProtocol(rule.IpProtocol ?? '');
  if (legacy.protocol !== protocol) return false;
  if (protocol !== '-1' && (legacy.fromPort !== rule.FromPort || legacy.toPort !== rule.ToPort)) {
    return false;
  }
  const referenced = rule.ReferencedGroupInfo?.GroupId;
  if (referenced) return legacy.referencedGroupId === referenced;
  const peer = rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.PrefixListId;
  return peer !== undefined && legacy.peers.has(peer);
}

/** `tcp 5432`, `tcp 1024-65535`, `all traffic`, `icmp type 8, all codes`, `protocol 50`. */
export function describePorts(
  rule: Pick<SecurityGroupRule, 'IpProtocol' | 'FromPort' | 'ToPort'>,
): string {
  const protocol = normaliseProtocol(rule.IpProtocol ?? '-1');
  const from = rule.FromPort ?? -1;
  const to = rule.ToPort ?? -1;
  if (protocol === '-1') return 'all traffic';
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    if (from === -1) return `${protocol} all types`;
    return `${protocol} type ${from}, ${to === -1 ? 'all codes' : `code ${to}`}`;
  }
  const name = protocol === 'tcp' || protocol === 'udp' ? protocol : `protocol ${protocol}`;
  if (from === -1 && to === -1) return `${name} all ports`;
  return from === to ? `${name} ${from}` : `${name} ${from}-${to}`;
}

const ANYWHERE: Readonly<Record<string, string>> = {
  '0.0.0.0/0': 'any IPv4 address',
  '::/0': 'any IPv6 address',
};

/**
 * The other end of a rule: `0.0.0.0/0 (any IPv4 address)`, `10.0.0.0/16`, `prefix list pl-…`,
 * `security group sg-… (healthcare-app-dev)`, `security group sg-… (itself)`.
 */
export function describePeer(
  rule: Pick<
    SecurityGroupRule,
    'CidrIpv4' | 'CidrIpv6' | 'PrefixListId' | 'ReferencedGroupInfo' | 'GroupId' | 'GroupOwnerId'
  >,
  names: ReadonlyMap<string, string> = new Map(),
): string {
  const cidr = rule.CidrIpv4 ?? rule.CidrIpv6;
  if (cidr) return ANYWHERE[cidr] ? `${cidr} (${ANYWHERE[cidr]})` : cidr;
  if (rule.PrefixListId) return `prefix list ${rule.PrefixListId}`;
  const ref = rule.ReferencedGroupInfo;
  if (ref?.GroupId) {
    const owner =
      ref.UserId && rule.GroupOwnerId && ref.UserId !== rule.GroupOwnerId ? `${ref.UserId}/` : '';
    const name = ref.GroupId === rule.GroupId ? 'itself' : names.get(ref.GroupId);
    const via = ref.VpcPeeringConnectionId ? ` via ${ref.VpcPeeringConnectionId}` : '';
    return `security group ${owner}${ref.GroupId}${name ? ` (${name})` : ''}${via}`;
  }
  return '(none in the answer)';
}

/** The AWS CLI command that revokes exactly one rule, by its id. */
export function revokeCommand(
  region: string,
  groupId: string,
  direction: RuleDirection,
  ruleId: string,
): string {
  return `aws ec2 revoke-security-group-${direction} --region ${region} --group-id ${groupId} --security-group-rule-ids ${ruleId}`;
}

/** Every rule of one group, page by page. */
export async function listSecurityGroupRules(
  ec2: EC2Client,
  groupId: string,
): Promise<SecurityGroupRule[]> {
  const rules: SecurityGroupRule[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_RULE_PAGES; page++) {
    const answer = await ec2.send(
      new DescribeSecurityGroupRulesCommand({
        Filters: [{ Name: 'group-id', Values: [groupId] }],
        MaxResults: RULES_PER_PAGE,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    rules.push(...(answer.SecurityGroupRules ?? []));
    token = answer.NextToken;
    if (!token) return rules;
  }
  throw new Error(
    `DescribeSecurityGroupRules of ${groupId} still had more after ${MAX_RULE_PAGES} pages of ${RULES_PER_PAGE}`,
  );
}

export interface SecurityGroupRuleCheckOptions {
  /** The stack's region: the CLI commands name it. */
  readonly region: string;
  /** The EC2 client acting in the stack's account (made only when there is a group). */
  readonly ec2: () => EC2Client;
  /** Who the client acts as, for the reason a call was refused: `the deploy role arn:…`. */
  readonly actingAs: string;
}

/** The rules of every security group of the plan's state that no resource manages. */
export async function checkSecurityGroupRules(
  plan: TerraformPlan,
  options: SecurityGroupRuleCheckOptions,
): Promise<SecurityGroupRuleCheck> {
  const state = stateSecurityGroups(plan);
  const { groups } = state;
  if (groups.length === 0) return { status: 'no-groups' };
  const described: { group: StateSecurityGroup; rules: SecurityGroupRule[] }[] = [];
  try {
    const ec2 = options.ec2();
    for (const group of groups) {
      described.push({ group, rules: await listSecurityGroupRules(ec2, group.id) });
    }
  } catch (error) {
    return { status: 'not-checked', groups, ...whyNotChecked(error, options.actingAs) };
  }
  const names = new Map(groups.map((g) => [g.id, g.name]));
  const unmanaged: UnmanagedRule[] = [];
  for (const { group, rules } of described) {
    for (const rule of rules) {
      const id = rule.SecurityGroupRuleId ?? '(no id in the answer)';
      const direction: RuleDirection = rule.IsEgress ? 'egress' : 'ingress';
      if (group.inline.includes(direction) || state.managedRuleIds.has(id)) continue;
      if (state.legacyRules.some((legacy) => legacyRuleMatches(legacy, rule))) continue;
      unmanaged.push({
        group,
        ruleId: id,
        direction,
        ports: describePorts(rule),
        peer: describePeer({ ...rule, GroupId: group.id }, names),
        ...(rule.Description ? { description: rule.Description } : {}),
        revoke: revokeCommand(options.region, group.id, direction, id),
      });
    }
  }
  return {
    status: 'checked',
    groups,
    ruleCount: described.reduce((n, d) => n + d.rules.length, 0),
    unmanaged: unmanaged.sort(
      (a, b) =>
        compare(a.group.address, b.group.address) ||
        compare(a.direction, b.direction) ||
        compare(a.ruleId, b.ruleId),
    ),
    explained: groups
      .map((g) => ({
        address: g.address,
        attributes: (['egress', 'ingress'] as const).filter((d) => !g.inline.includes(d)),
        reason: EXPLAINED_REASON,
      }))
      .filter((e) => e.attributes.length > 0),
  };
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const UNSUPPORTED = new Set(['NotImplemented', 'InvalidAction', 'UnknownOperationException']);

/** Why AWS did not list the rules, and what to do: the reason names AWS's answer. */
export function whyNotChecked(error: unknown, actingAs: string): { reason: string; fix: string } {
  const e = (error ?? {}) as {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const message = (e.message ?? String(error)).split('\n')[0].slice(0, 300);
  const answer = `${name}${status ? ` (HTTP ${status})` : ''}: ${message}`;
  if (name === 'DeployRoleRefused') {
    return {
      reason: `the deploy role could not be assumed: ${message}`,
      fix: "`npm run preflight` names the setting (DEPLOY_ROLE_ARN, BASELINE_DEPLOY_ROLE_ARN) and what the role's trust policy must allow; then run again",
    };
  }
  if (DENIED.has(name)) {
    return {
      reason: `EC2 DescribeSecurityGroupRules was refused to ${actingAs}: ${answer}`,
      fix: `allow \`ec2:DescribeSecurityGroupRules\` (resource \`*\`: the action has no resource-level permissions) to ${actingAs}; the CI plan role has it (constructs/ci-access/plan-permissions.ts); then run again`,
    };
  }
  if (UNSUPPORTED.has(name) || status === 500 || status === 501) {
    return {
      reason: `the target does not answer EC2 DescribeSecurityGroupRules: ${answer}`,
      fix: 'run the check against AWS, or an emulator that implements DescribeSecurityGroupRules (moto 5.2.1 does)',
    };
  }
  return {
    reason: `EC2 DescribeSecurityGroupRules failed as ${actingAs}: ${answer}`,
    fix: 'check the credentials, AWS_REGION and the network (AWS_ENDPOINT_URL when targeting the emulator); then run again',
  };
}
