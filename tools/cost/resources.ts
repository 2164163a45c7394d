/**
 * What the estimate prices: resources with their attribute values and region, read from a
 * synthesized stack (`cdk.tf.json`) or from one side of a plan's resource changes. Only the
 * parts of both formats the estimate needs are read.
 */

export interface CostResource {
  /** `aws_nat_gateway.network_nat-0_D2F55FEE`; with `[n]` for each copy of a `count`. */
  readonly address: string;
  readonly type: string;
  /** Attribute values; a value Terraform knows only after apply may be absent or a `${…}` token. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The region of the provider that manages it, when known. */
  readonly region?: string;
  /**
   * For attributes whose value is not known (plan `after_unknown`): how many distinct
   * resources the configuration expression references, e.g. `subnet_ids` → 3.
   */
  readonly referenceCounts?: Readonly<Record<string, number>>;
}

export interface SynthesizedStackJson {
  readonly provider?: Readonly<Record<string, unknown>>;
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Record<string, unknown>>>>>;
}

type ProviderBlock = { alias?: unknown; region?: unknown };

/** `aws` and `aws.<alias>` → region, for the providers of a synthesized stack. */
export function providerRegions(doc: SynthesizedStackJson): Map<string, string> {
  const out = new Map<string, string>();
  const aws = doc.provider?.['aws'];
  const blocks = (Array.isArray(aws) ? aws : aws ? [aws] : []) as ProviderBlock[];
  for (const block of blocks) {
    if (typeof block.region !== 'string') continue;
    out.set(typeof block.alias === 'string' ? `aws.${block.alias}` : 'aws', block.region);
  }
  return out;
}

/** The region of the stack's default (unaliased) AWS provider. */
export function stackRegion(doc: SynthesizedStackJson): string | undefined {
  return providerRegions(doc).get('aws');
}

/** Every managed resource of a synthesized stack, one per `count` copy when count is a number. */
export function resourcesOfStack(doc: SynthesizedStackJson): CostResource[] {
  const regions = providerRegions(doc);
  const out: CostResource[] = [];
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      const { provider, count, ...values } = body;
      delete values['//'];
      const region = regions.get(typeof provider === 'string' ? provider : 'aws');
      const copies = typeof count === 'number' ? count : 1;
      for (let i = 0; i < copies; i++) {
        const address = typeof count === 'number' ? `${type}.${name}[${i}]` : `${type}.${name}`;
        out.push({ address, type, values, region });
      }
    }
  }
  return out;
}

/** The parts of `terraform show -json` the estimate reads. */
export interface PlanJson {
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly configuration?: {
    readonly provider_config?: Readonly<
      Record<string, { readonly expressions?: { readonly region?: { constant_value?: unknown } } }>
    >;
    readonly root_module?: { readonly resources?: readonly PlanConfigResource[] };
  };
}

export interface PlanResourceChange {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
  };
}

interface PlanConfigResource {
  readonly address: string;
  readonly provider_config_key?: string;
  readonly expressions?: Readonly<Record<string, { readonly references?: readonly string[] }>>;
}

/** `aws` and `aws.<alias>` → region, from the plan's provider configuration (constant regions only). */
export function planRegions(plan: PlanJson): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, config] of Object.entries(plan.configuration?.provider_config ?? {})) {
    const region = config.expressions?.region?.constant_value;
    if (typeof region === 'string') out.set(key, region);
  }
  return out;
}

/** The resource of one side (`before` or `after`) of a resource change, or undefined if that side is empty. */
export function resourceOfChange(
  plan: PlanJson,
  rc: PlanResourceChange,
  side: 'before' | 'after',
  defaultRegion: string | undefined,
): CostResource | undefined {
  const values = rc.change[side];
  if (typeof values !== 'object' || values === null) return undefined;
  const config = configOf(plan, rc.address);
  const regions = planRegions(plan);
  // The default provider takes the caller's region when given; an aliased one keeps its own.
  const key = config?.provider_config_key ?? 'aws';
  const region =
    key === 'aws' ? (defaultRegion ?? regions.get('aws')) : (regions.get(key) ?? defaultRegion);
  const unknown = (side === 'after' ? rc.change.after_unknown : undefined) as
    | Record<string, unknown>
    | undefined;
  const referenceCounts: Record<string, number> = {};
  for (const [attr, isUnknown] of Object.entries(unknown ?? {})) {
    const refs = config?.expressions?.[attr]?.references;
    if (isUnknown === true && refs) referenceCounts[attr] = distinctResources(refs);
  }
  return {
    address: rc.address,
    type: rc.type,
    values: values as Record<string, unknown>,
    region,
    referenceCounts,
  };
}

/** The configuration block of a resource instance (`x.y[0]` → `x.y`). */
function configOf(plan: PlanJson, address: string): PlanConfigResource | undefined {
  const base = address.replace(/\[[^\]]*\]$/, '');
  return plan.configuration?.root_module?.resources?.find((r) => r.address === base);
}

/** `["aws_subnet.a.id", "aws_subnet.a", "aws_subnet.b.id", "aws_subnet.b"]` → 2. */
function distinctResources(references: readonly string[]): number {
  return new Set(references.map((r) => r.replace(/\.id$/, ''))).size;
}
