/** The resources of the synthesized stacks, read from cdk.tf.json, and the references between them. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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
      `${stacksDir} does not exist: synthesize first (npm run synth) or pass --dir <cdktf.out>`,
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

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `subnet-2` before `subnet-10`. */
export function compareNatural(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
