/**
 * What a plan's `configuration` says a value will be, when `planned values` only know it
 * after apply: `kms_key_id = aws_kms_key.data-key.arn` names the key by its address.
 */
import { AttributePath, maskCovers, ResourceChange, TerraformPlan, valueAtPath } from './plan-json';
import { UNKNOWN } from './attribute-changes';

interface ConfigResource {
  readonly address?: string;
  readonly expressions?: Record<string, unknown>;
}

/** Expressions by resource address, and KMS alias names by the key they point at. */
export class PlanReferences {
  private readonly expressions = new Map<string, Record<string, unknown>>();
  private readonly aliases = new Map<string, string[]>();

  constructor(plan: TerraformPlan, changes: readonly ResourceChange[]) {
    const root = (plan.configuration as { root_module?: { resources?: ConfigResource[] } })
      ?.root_module;
    for (const r of root?.resources ?? []) {
      if (r.address && r.expressions) this.expressions.set(r.address, r.expressions);
    }
    for (const rc of changes) {
      if (rc.type !== 'aws_kms_alias') continue;
      const name = valueAtPath(rc.change.after, ['name']);
      const [key] = this.addresses(rc.address, ['target_key_id']);
      if (typeof name === 'string' && key) {
        this.aliases.set(key, [...(this.aliases.get(key) ?? []), name].sort());
      }
    }
  }

  /** The resource and data-source addresses the expression at `path` refers to. */
  addresses(address: string, path: AttributePath): string[] {
    let node: unknown = this.expressions.get(address);
    // Nested blocks are lists in both the expressions and the path (`vpc_config`, 0, …).
    for (const step of path) {
      if (node === null || typeof node !== 'object') return [];
      node = (node as Record<string | number, unknown>)[step];
    }
    const refs = (node as { references?: unknown } | undefined)?.references;
    if (!Array.isArray(refs)) return [];
    const out: string[] = [];
    for (const ref of refs.map(String)) {
      const parts = ref.split('.');
      if (['var', 'local', 'each', 'count', 'path', 'terraform'].includes(parts[0])) continue;
      const resource = (parts[0] === 'data' ? parts.slice(0, 3) : parts.slice(0, 2)).join('.');
      if (!out.includes(resource)) out.push(resource);
    }
    return out;
  }

  /** A key: its address with its aliases, e.g. `aws_kms_key.data` (alias/healthcare-data-dev). */
  keyName(address: string): string {
    const aliases = this.aliases.get(address);
    return aliases ? `\`${address}\` (${aliases.join(', ')})` : `\`${address}\``;
  }

  /**
   * The value at `path` for a reader: the literal when the plan knows it, else the
   * addresses its expression refers to, else "(known after apply)". Undefined when unset.
   */
  show(rc: ResourceChange, path: AttributePath): string | undefined {
    const unknown = maskCovers(rc.change.after_unknown, path);
    const value = valueAtPath(rc.change.after, path);
    const refs = this.addresses(rc.address, path);
    if (refs.length > 0 && (unknown || typeof value === 'string' || Array.isArray(value))) {
      return refs.map((r) => `\`${r}\``).join(', ');
    }
    if (unknown) return UNKNOWN;
    if (value === undefined || value === null || value === '') return undefined;
    if (Array.isArray(value))
      return value.length ? value.map((v) => `\`${v}\``).join(', ') : undefined;
    return `\`${String(value)}\``;
  }
}
