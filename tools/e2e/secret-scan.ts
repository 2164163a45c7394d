/**
 * "No secret in any log, output or artifact": the e2e run reads back every secret value the
 * stacks own, then searches everything the run wrote (process logs, plan JSON, outputs,
 * plan reviews, the diagram) for each value in the forms it could take there: as is,
 * JSON-escaped (a value inside a JSON string, once or twice, or as Go escapes it), URL-encoded, and base64 or
 * base64url at any byte offset (a value inside a larger encoded blob). A finding names the
 * secret's label, the file, the line and the form, never the value.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One secret value to look for, with a label that is safe to print. */
export interface SecretValue {
  readonly label: string;
  readonly value: string;
}

export interface SecretFinding {
  readonly label: string;
  readonly file: string;
  readonly line: number;
  readonly form: string;
}

/** Values shorter than this are not searched (they match by chance; no secret here is that short). */
export const MIN_SECRET_LENGTH = 8;
/** Encoded fragments shorter than this are not searched. */
const MIN_FRAGMENT_LENGTH = 8;

/** JSON keys whose string values are secrets inside a JSON secret string. */
const SECRET_KEY = /pass(word)?|secret|token|private.?key|credential/i;

/**
 * The searchable secrets in one stored value: the value itself and, when it is a JSON
 * object (an RDS-managed secret is `{"username":…,"password":…}`), each string under a
 * secret-like key. Values shorter than MIN_SECRET_LENGTH are dropped.
 */
export function secretsIn(label: string, value: string): SecretValue[] {
  const found: SecretValue[] = [{ label, value }];
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === 'object') {
      for (const [key, leaf] of leaves(parsed)) {
        if (SECRET_KEY.test(key) && typeof leaf === 'string')
          found.push({ label: `${label} (${key})`, value: leaf });
      }
    }
  } catch {
    // not JSON: the value itself is the secret
  }
  return found.filter((s) => s.value.length >= MIN_SECRET_LENGTH);
}

function leaves(value: unknown, key = ''): Array<[string, unknown]> {
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, key));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, k));
  return [[key, value]];
}

/**
 * The base64 characters that encode `value` whatever bytes surround it: for each of the
 * three byte offsets, only the characters whose six bits lie wholly inside the value.
 */
export function base64Fragments(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const fragment = encoded.slice(first, end);
    if (fragment.length >= MIN_FRAGMENT_LENGTH) fragments.push(fragment);
  }
  return fragments;
}

function htmlSafe(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** Every form of a value to search for, each with its name. */
export function searchForms(value: string): Array<{ form: string; needle: string }> {
  const forms = new Map<string, string>();
  const add = (form: string, needle: string) => {
    if (!forms.has(needle)) forms.set(needle, form);
  };
  add('as is', value);
  const jsonOnce = JSON.stringify(value).slice(1, -1);
  add('JSON-escaped', jsonOnce);
  add('JSON-escaped twice', JSON.stringify(jsonOnce).slice(1, -1));
  // Go's encoding/json (Terraform's JSON output) also escapes <, > and & as \u003c, \u003e, \u0026.
  add('JSON-escaped (Go, HTML-safe)', htmlSafe(jsonOnce));
  add('URL-encoded', encodeURIComponent(value));
  for (const fragment of base64Fragments(value)) {
    add('base64', fragment);
    add('base64url', fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms.entries()].map(([needle, form]) => ({ form, needle }));
}

/** Findings of the secrets in one text (one per secret, form and line). */
export function scanText(
  text: string,
  file: string,
  secrets: readonly SecretValue[],
): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const secret of secrets) {
    for (const { form, needle } of searchForms(secret.value)) {
      let at = text.indexOf(needle);
      const lines = new Set<number>();
      while (at !== -1) {
        lines.add(lineOf(text, at));
        at = text.indexOf(needle, at + 1);
      }
      for (const line of lines) findings.push({ label: secret.label, file, line, form });
    }
  }
  return findings;
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Every regular file under the given files and folders (missing ones are skipped). */
export function filesUnder(roots: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (p: string) => {
    if (!fs.existsSync(p)) return;
    // Links lead out of what the run wrote (Terraform links the ~700 MB provider from the
    // mirror, a second checkout links node_modules); `.terraform/` is Terraform's working
    // data (providers, the backend's settings), not an artifact.
    const stat = fs.lstatSync(p);
    if (stat.isDirectory() && path.basename(p) !== '.terraform') {
      for (const entry of fs.readdirSync(p).sort()) visit(path.join(p, entry));
    } else if (stat.isFile()) files.push(p);
  };
  for (const root of roots) visit(root);
  return [...new Set(files)];
}

export interface ScanResult {
  readonly files: number;
  readonly bytes: number;
  readonly findings: readonly SecretFinding[];
}

/** Scans every file under `roots` for every secret. */
export function scanFiles(roots: readonly string[], secrets: readonly SecretValue[]): ScanResult {
  const files = filesUnder(roots);
  let bytes = 0;
  const findings: SecretFinding[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    findings.push(...scanText(text, file, secrets));
  }
  return { files: files.length, bytes, findings };
}

/** The failure message: where each secret was found, never the value. */
export function formatFindings(findings: readonly SecretFinding[], root: string): string {
  return findings
    .map((f) => `${f.label}: ${path.relative(root, f.file)}:${f.line} (${f.form})`)
    .join('\n');
}
