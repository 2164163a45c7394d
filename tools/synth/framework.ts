/**
 * The exit from the archived CDKTF, proven on every `npm test`: the app synthesized under
 * cdktf 0.21 (the default) and under CDK Terrain (cdktn, its maintained continuation;
 * CDKTF_FRAMEWORK=cdktn, tools/synth/run-app.cjs) must give the same Terraform JSON. Only the
 * framework's own version (each stack's `//.metadata.version`, the manifest's `version`) may
 * differ, and the JSON's formatting (documents are compared parsed).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { join, relative } from 'node:path';

export const FRAMEWORKS = ['cdktf', 'cdktn'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/**
 * A synthesized JSON document without what names the framework itself: a stack's
 * `//.metadata.version`, the manifest's `version`.
 */
export function withoutFrameworkVersion(json: unknown, file: string): unknown {
  const doc = structuredClone(json) as {
    '//'?: { metadata?: { version?: string } };
    version?: string;
  };
  if (doc['//']?.metadata) delete doc['//'].metadata.version;
  if (file === 'manifest.json') delete doc.version;
  return doc;
}

/** Every file under `dir`, relative to it, sorted. */
function files(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else found.push(relative(dir, full));
    }
  };
  walk(dir);
  return found;
}

/**
 * How two synth outputs differ: files only one has, JSON documents that differ (after
 * withoutFrameworkVersion), other files whose bytes differ. Empty when they are the same.
 */
export function synthDifferences(a: string, b: string, labels = ['cdktf', 'cdktn']): string[] {
  const problems: string[] = [];
  for (const dir of [a, b]) {
    if (!existsSync(join(dir, 'manifest.json'))) problems.push(`${dir} holds no synthesized app`);
  }
  if (problems.length > 0) return problems;
  const inA = files(a);
  const inB = files(b);
  for (const f of inA.filter((f) => !inB.includes(f)))
    problems.push(`${f}: only under ${labels[0]}`);
  for (const f of inB.filter((f) => !inA.includes(f)))
    problems.push(`${f}: only under ${labels[1]}`);
  for (const f of inA.filter((f) => inB.includes(f))) {
    const [x, y] = [readFileSync(join(a, f)), readFileSync(join(b, f))];
    if (f.endsWith('.json')) {
      const [jx, jy] = [JSON.parse(x.toString()), JSON.parse(y.toString())];
      if (!isDeepStrictEqual(withoutFrameworkVersion(jx, f), withoutFrameworkVersion(jy, f))) {
        problems.push(`${f}: the Terraform JSON differs between ${labels[0]} and ${labels[1]}`);
      }
    } else if (!x.equals(y)) {
      problems.push(`${f}: the bytes differ between ${labels[0]} and ${labels[1]}`);
    }
  }
  return problems;
}
