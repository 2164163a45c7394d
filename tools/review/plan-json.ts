/**
 * Types and helpers for Terraform's machine-readable plan (`terraform show -json <planfile>`,
 * format_version 1.x, as written by Terraform 1.11). Shared by the plan guard and the plan
 * review: they describe the plan, they do not judge it.
 *
 * Reference: https://developer.hashicorp.com/terraform/internals/json-format
 */
import { readFileSync } from 'node:fs';

/** One element of `change.actions`. `forget` comes from a `removed { destroy = false }` block. */
export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

/** What a resource change amounts to, from its action list. */
export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'forget' | 'no-op';

/** A path into a resource's attributes: object keys are strings, list indexes numbers. */
export type AttributePath = readonly (string | number)[];

/** Why Terraform chose an action, when it is not obvious from the diff (`action_reason`). */
export type ActionReason =
  | 'replace_because_tainted'
  | 'replace_because_cannot_update'
  | 'replace_by_request'
  | 'replace_by_triggers'
  | 'delete_because_no_resource_config'
  | 'delete_because_wrong_repetition'
  | 'delete_because_count_index'
  | 'delete_because_each_key'
  | 'delete_because_no_module'
  | 'delete_because_no_move_target'
  | 'read_because_config_unknown'
  | 'read_because_dependency_pending'
  | 'read_because_check_nested';

export interface PlanChange {
  readonly actions: readonly PlanAction[];
  /** Attribute values before the change; null when the object is being created. */
  readonly before: unknown;
  /** Attribute values after the change; null when the object is being deleted. */
  readonly after: unknown;
  /** Same shape as `after`, `true` where the value is known only after apply. */
  readonly after_unknown?: unknown;
  /** Same shape as `before`/`after`, `true` where the value is sensitive: never print it. */
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  /** The attribute paths whose change forces replacement. */
  readonly replace_paths?: readonly AttributePath[];
  readonly importing?: { readonly id?: string; readonly identity?: unknown };
  readonly generated_config?: string;
}

export interface ResourceChange {
  /** Full address, e.g. `module.db.aws_db_instance.main["a"]`: what an override names. */
  readonly address: string;
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly provider_name: string;
  readonly deposed?: string;
  readonly change: PlanChange;
  readonly action_reason?: ActionReason | string;
}

/**
 * An entry of `output_changes`: the change itself (`{"actions": [...], "before": …}`), with
 * no `change` wrapper, as Terraform 1.11 writes it (a resource change has the wrapper).
 */
export type OutputChange = PlanChange;

/** The parts of the plan JSON the project reads; everything else is kept as unknown. */
export interface TerraformPlan {
  readonly format_version: string;
  readonly terraform_version?: string;
  /** When Terraform wrote the plan (RFC 3339, UTC). */
  readonly timestamp?: string;
  readonly resource_changes?: readonly ResourceChange[];
  readonly resource_drift?: readonly ResourceChange[];
  readonly output_changes?: Readonly<Record<string, OutputChange>>;
  readonly errored?: boolean;
  readonly complete?: boolean;
  readonly applyable?: boolean;
  readonly planned_values?: unknown;
  readonly prior_state?: unknown;
  readonly configuration?: unknown;
}

/** Thrown when a file is not Terraform plan JSON this code understands. */
export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFormatError';
  }
}

const ACTIONS: readonly PlanAction[] = ['no-op', 'create', 'read', 'update', 'delete', 'forget'];

/**
 * Checks that a parsed JSON value is a Terraform plan (format 1.x) whose resource changes
 * have the fields the project relies on. Throws PlanFormatError saying what is wrong.
 */
export function parsePlan(value: unknown, source = 'plan'): TerraformPlan {
  if (!isObject(value)) {
    throw new PlanFormatError(
      `${source}: expected a JSON object from "terraform show -json <planfile>"`,
    );
  }
  const version = value.format_version;
  if (typeof version !== 'string' || !/^1\./.test(version)) {
    throw new PlanFormatError(
      `${source}: format_version ${JSON.stringify(version)} is not a Terraform plan JSON 1.x; produce it with "terraform show -json <planfile>"`,
    );
  }
  if (value.resource_changes !== undefined && !Array.isArray(value.resource_changes)) {
    throw new PlanFormatError(`${source}: resource_changes must be an array`);
  }
  const changes = (value.resource_changes ?? []) as readonly unknown[];
  changes.forEach((rc, i) => {
    const where = `${source}: resource_changes[${i}]`;
    if (!isObject(rc) || typeof rc.address !== 'string' || typeof rc.type !== 'string') {
      throw new PlanFormatError(`${where} has no address or type`);
    }
    const actions = isObject(rc.change) ? rc.change.actions : undefined;
    if (!Array.isArray(actions) || !actions.every((a) => ACTIONS.includes(a as PlanAction))) {
      throw new PlanFormatError(
        `${where} (${rc.address}) has change.actions ${JSON.stringify(actions)}; expected a list of ${ACTIONS.join(', ')}`,
      );
    }
  });
  return value as unknown as TerraformPlan;
}

/** Reads and parses a plan JSON file; errors name the file. */
export function readPlanFile(path: string): TerraformPlan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PlanFormatError(`${path}: cannot read the file (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PlanFormatError(
      `${path}: not JSON (${(e as Error).message}); pass the output of "terraform show -json <planfile>", not the binary plan file`,
    );
  }
  return parsePlan(json, path);
}

/**
 * The kind of a change from its action list: `["delete","create"]` (destroy then create)
 * and `["create","delete"]` (create_before_destroy) are both replacements.
 */
export function classifyChange(actions: readonly PlanAction[]): ChangeKind {
  const has = (a: PlanAction) => actions.includes(a);
  if (has('delete')) return has('create') ? 'replace' : 'delete';
  if (has('create')) return 'create';
  if (has('update')) return 'update';
  if (has('read')) return 'read';
  if (has('forget')) return 'forget';
  return 'no-op';
}

/** True when applying the change destroys the existing remote object (delete or replace). */
export function destroysObject(actions: readonly PlanAction[]): boolean {
  return actions.includes('delete');
}

/** Managed-resource changes only (data-source reads are not changes to infrastructure). */
export function managedChanges(plan: TerraformPlan): readonly ResourceChange[] {
  return (plan.resource_changes ?? []).filter((rc) => rc.mode !== 'data');
}

/** `["tags", "Name"]` → `tags.Name`; `["ingress", 0, "cidr_blocks"]` → `ingress[0].cidr_blocks`. */
export function formatPath(path: AttributePath): string {
  return path
    .map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`))
    .join('');
}

/** The value at a path inside before/after, or undefined when the path does not exist. */
export function valueAtPath(value: unknown, path: AttributePath): unknown {
  let current = value;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

/**
 * Whether a before_sensitive/after_sensitive/after_unknown mask marks the path: `true` at
 * the path or at any of its ancestors.
 */
export function maskCovers(mask: unknown, path: AttributePath): boolean {
  let current = mask;
  for (const step of path) {
    if (current === true) return true;
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current === true;
}

/** Human text for an action_reason value (unknown values are shown as they are). */
export function describeActionReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  return ACTION_REASONS[reason] ?? reason;
}

const ACTION_REASONS: Record<string, string> = {
  replace_because_tainted: 'the object is tainted',
  replace_because_cannot_update: 'an attribute that cannot be updated in place changed',
  replace_by_request: 'replacement was requested (-replace)',
  replace_by_triggers: 'replace_triggered_by fired',
  delete_because_no_resource_config: 'the resource is no longer in the configuration',
  delete_because_wrong_repetition: 'count/for_each was added or removed',
  delete_because_count_index: 'its count index is beyond the new count',
  delete_because_each_key: 'its for_each key is no longer in the map',
  delete_because_no_module: 'its module is no longer in the configuration',
  delete_because_no_move_target: 'a moved block points to an address that does not exist',
  read_because_config_unknown: 'its configuration is known only after apply',
  read_because_dependency_pending: 'a dependency has pending changes',
  read_because_check_nested: 'a nested check block reads it',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
