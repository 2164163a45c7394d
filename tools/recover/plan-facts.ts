/**
 * What recover reads from a plan (`terraform show -json <planfile>`): the planned creates
 * with their values (known ones only: a value Terraform learns at apply is `after_unknown`),
 * what the plan imports, the ids and ARNs the state already holds (`prior_state`), and,
 * from `configuration`, the resource types of the stack, their regions and the default tags;
 * and the objects it replaces because they are tainted.
 */
import { parsePlan, TerraformPlan } from '../review';

export interface PlannedCreate {
  readonly address: string;
  readonly type: string;
  /** The region of the resource's provider configuration. */
  readonly region: string;
  readonly after: unknown;
  readonly afterUnknown: unknown;
}

export interface PlanFacts {
  /** Resources the plan creates (actions exactly ["create"]). */
  readonly creates: readonly PlannedCreate[];
  /** address → import id, for resources the plan imports. */
  readonly importing: ReadonlyMap<string, string>;
  /**
   * `<type> <id>` for every `id` and `arn` of a managed resource in the state: by type, since
   * names repeat across types (the database and its subnet group are both `healthcare-db-dev`).
   */
  readonly stateIds: ReadonlySet<string>;
  /** Region → the managed resource types configured there. */
  readonly typesByRegion: ReadonlyMap<string, ReadonlySet<string>>;
  /** The default provider's default tags. */
  readonly defaultTags: Readonly<Record<string, string>>;
  /**
   * Objects in the state the plan replaces only because they are tainted: an apply stopped
   * (an interrupt, a cancelled job) after creating them, before it could read them back.
   */
  readonly tainted: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at `path` of a planned create: `known` false when Terraform learns it at apply. */
export function plannedValue(
  create: Pick<PlannedCreate, 'after' | 'afterUnknown'>,
  ...path: readonly string[]
): { known: boolean; value: unknown } {
  let value: unknown = create.after;
  let unknown: unknown = create.afterUnknown;
  for (const key of path) {
    if (unknown === true) return { known: false, value: undefined };
    value = isObject(value) ? value[key] : undefined;
    unknown = isObject(unknown) ? unknown[key] : undefined;
  }
  return unknown === true ? { known: false, value: undefined } : { known: true, value };
}

/** A known, non-empty string at `path`, else undefined. */
export function knownString(
  create: Pick<PlannedCreate, 'after' | 'afterUnknown'>,
  ...path: readonly string[]
): string | undefined {
  const { known, value } = plannedValue(create, ...path);
  if (!known) return undefined;
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A known list of strings at `attribute` (sorted), else undefined (unknown, or a part unknown). */
export function knownStrings(
  create: Pick<PlannedCreate, 'after' | 'afterUnknown'>,
  attribute: string,
): string[] | undefined {
  const value = isObject(create.after) ? create.after[attribute] : undefined;
  const unknown = isObject(create.afterUnknown) ? create.afterUnknown[attribute] : undefined;
  if (unknown === true || (Array.isArray(unknown) && unknown.includes(true))) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return undefined;
  return [...(value as string[])].sort();
}

interface ProviderConfig {
  readonly expressions?: {
    readonly region?: { readonly constant_value?: unknown };
    readonly default_tags?: readonly { readonly tags?: { readonly constant_value?: unknown } }[];
  };
}

interface ConfigResource {
  readonly mode?: string;
  readonly type?: string;
  readonly address?: string;
  readonly provider_config_key?: string;
}

interface ConfigModule {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Readonly<Record<string, { readonly module?: ConfigModule }>>;
}

interface StateModule {
  readonly resources?: readonly {
    readonly address?: string;
    readonly mode?: string;
    readonly type?: string;
    readonly values?: Record<string, unknown>;
    readonly tainted?: boolean;
    readonly deposed_key?: string;
  }[];
  readonly child_modules?: readonly StateModule[];
}

function stateIdsOf(module: StateModule | undefined, out: Set<string>): void {
  for (const r of module?.resources ?? []) {
    if (r.mode !== 'managed') continue;
    for (const field of ['id', 'arn']) {
      const v = r.values?.[field];
      if (typeof v === 'string' && v !== '') out.add(`${r.type} ${v}`);
    }
  }
  for (const child of module?.child_modules ?? []) stateIdsOf(child, out);
}

function configResources(module: ConfigModule | undefined): ConfigResource[] {
  const own = [...(module?.resources ?? [])];
  for (const call of Object.values(module?.module_calls ?? {})) {
    own.push(...configResources(call.module));
  }
  return own;
}

/** Reads the facts recover needs from a plan; `defaultRegion` serves a provider without one. */
export function planFacts(json: unknown, defaultRegion: string): PlanFacts {
  const plan: TerraformPlan = parsePlan(json);
  const configuration = (isObject(plan.configuration) ? plan.configuration : {}) as {
    provider_config?: Record<string, ProviderConfig>;
    root_module?: ConfigModule;
  };
  const providers = configuration.provider_config ?? {};
  const regionOfKey = (key: string | undefined): string => {
    const value = providers[key ?? 'aws']?.expressions?.region?.constant_value;
    return typeof value === 'string' && value ? value : defaultRegion;
  };
  const regionOf = new Map<string, string>();
  const typesByRegion = new Map<string, Set<string>>();
  for (const r of configResources(configuration.root_module)) {
    if (r.mode !== 'managed' || !r.type || !r.address) continue;
    const region = regionOfKey(r.provider_config_key);
    regionOf.set(r.address, region);
    if (!typesByRegion.has(region)) typesByRegion.set(region, new Set());
    typesByRegion.get(region)!.add(r.type);
  }
  const tags = providers.aws?.expressions?.default_tags?.[0]?.tags?.constant_value;
  const defaultTags: Record<string, string> = {};
  if (isObject(tags)) {
    for (const [k, v] of Object.entries(tags)) if (typeof v === 'string') defaultTags[k] = v;
  }

  const creates: PlannedCreate[] = [];
  const importing = new Map<string, string>();
  const tainted: string[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    if (rc.change.importing?.id !== undefined) importing.set(rc.address, rc.change.importing.id);
    if (rc.action_reason === 'replace_because_tainted') tainted.push(rc.address);
    if (rc.change.actions.length !== 1 || rc.change.actions[0] !== 'create') continue;
    // An indexed resource's configuration address has no index: `x.y[0]` → `x.y`.
    const configAddress = rc.address.replace(/\[[^\]]*\]$/, '');
    creates.push({
      address: rc.address,
      type: rc.type,
      region: regionOf.get(configAddress) ?? regionOfKey(undefined),
      after: rc.change.after,
      afterUnknown: rc.change.after_unknown,
    });
  }
  const stateIds = new Set<string>();
  const prior = plan.prior_state as { values?: { root_module?: StateModule } } | undefined;
  stateIdsOf(prior?.values?.root_module, stateIds);
  return { creates, importing, stateIds, typesByRegion, defaultTags, tainted };
}

/**
 * The objects the state holds as tainted, from a plan's `prior_state` (Terraform's JSON
 * state marks them `"tainted": true`), in every module. A plan that stops before it
 * proposes anything (prevent_destroy on a tainted object) has no `replace_because_tainted`
 * to read; a refresh-only plan of the same state has this. Deposed objects are left out:
 * untaint does not apply to them.
 */
export function taintedInPriorState(plan: unknown): string[] {
  const prior = (plan as { prior_state?: { values?: { root_module?: StateModule } } })?.prior_state;
  const out: string[] = [];
  const walk = (module: StateModule | undefined) => {
    for (const r of module?.resources ?? []) {
      if (r.mode === 'managed' && r.tainted === true && !r.deposed_key && r.address) {
        out.push(r.address);
      }
    }
    for (const child of module?.child_modules ?? []) walk(child);
  };
  walk(prior?.values?.root_module);
  return out;
}
