/** Which attributes of a resource change differ, as printable values (sensitive masked, unknown named). */
import { AttributePath, maskCovers, ResourceChange, valueAtPath } from './plan-json';

export const SENSITIVE = '(sensitive)';
export const UNKNOWN = '(known after apply)';
export const ABSENT = '(none)';
const MAX_VALUE_CHARS = 120;

/** Attributes never worth a line: bookkeeping, not configuration. */
const NOISE_ATTRIBUTES = new Set(['tags', 'tags_all', 'timeouts', 'id', 'arn']);

/** One attribute that differs between before and after, with printable values. */
export interface AttributeChange {
  readonly path: AttributePath;
  readonly before: string;
  readonly after: string;
}

/**
 * Every attribute that differs, one entry per leaf (lists of scalars count as one leaf),
 * with sensitive values masked and unknown values named. Tags and ids are left out.
 */
export function attributeChanges(rc: ResourceChange): AttributeChange[] {
  const c = rc.change;
  const out: AttributeChange[] = [];
  const walk = (path: (string | number)[]) => {
    const before = valueAtPath(c.before, path);
    const after = valueAtPath(c.after, path);
    const unknown = maskCovers(c.after_unknown, path);
    const beforeSensitive = maskCovers(c.before_sensitive, path);
    const afterSensitive = maskCovers(c.after_sensitive, path);
    const unknownMask = valueAtPath(c.after_unknown, path);
    const composite = isComposite(before) || isComposite(after) || isComposite(unknownMask);
    if (composite && !(isScalarList(before) && isScalarList(after))) {
      const keys = childKeys(before, after, unknownMask);
      for (const key of keys) walk([...path, key]);
      return;
    }
    if (!unknown && jsonEqual(before, after)) return;
    out.push({
      path,
      before: beforeSensitive ? SENSITIVE : display(before),
      after: afterSensitive ? SENSITIVE : unknown ? UNKNOWN : display(after),
    });
  };
  for (const key of childKeys(c.before, c.after, c.after_unknown)) {
    if (!NOISE_ATTRIBUTES.has(String(key))) walk([key]);
  }
  return out;
}

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort(compare)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function childKeys(
  before: unknown,
  after: unknown,
  unknownMask: unknown,
): (string | number)[] {
  const keys = new Set<string | number>();
  for (const v of [before, after, unknownMask]) {
    if (Array.isArray(v)) v.forEach((_, i) => keys.add(i));
    else if (v !== null && typeof v === 'object') Object.keys(v).forEach((k) => keys.add(k));
  }
  return [...keys].sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : compare(String(a), String(b)),
  );
}

function isComposite(v: unknown): boolean {
  return v !== null && typeof v === 'object';
}

function isScalarList(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'))
  );
}

function display(v: unknown): string {
  if (v === undefined || v === null) return ABSENT;
  const text = JSON.stringify(v);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (v === undefined ? null : v);
  return canonicalJson(norm(a)) === canonicalJson(norm(b));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
