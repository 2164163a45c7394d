/** Reading AWS answers for preflight: error kinds, paging, versions, suggestions, text wrapping. */
import { CheckResult, MAX_PAGES, SUGGESTIONS } from './preflight';

type ErrorKind = 'unsupported' | 'denied' | 'credentials' | 'network' | 'other';

const CREDENTIAL_ERRORS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'AuthFailure',
  'CredentialsProviderError',
]);
const DENIED_ERRORS = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const UNSUPPORTED_ERRORS = new Set([
  'NotImplemented',
  'NotImplementedError',
  'InvalidAction',
  'UnknownOperationException',
  'InternalFailure',
]);
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/**
 * Sorts an SDK or network error into what it means for a check, with a short text: the
 * error's name, HTTP status and the first line of its message, cut at `maxChars`.
 */
export function describeError(e: unknown, maxChars = 160): { kind: ErrorKind; text: string } {
  const err = (e ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = err.name ?? 'Error';
  const status = err.$metadata?.httpStatusCode;
  const message = (err.message ?? String(e)).split('\n')[0].slice(0, maxChars);
  const label = [name === 'Error' ? undefined : name, status ? `HTTP ${status}` : undefined]
    .filter(Boolean)
    .join(', ');
  const text = label ? `${label}: ${message}` : message;
  let kind: ErrorKind = 'other';
  if (CREDENTIAL_ERRORS.has(name)) kind = 'credentials';
  else if (DENIED_ERRORS.has(name)) kind = 'denied';
  else if (UNSUPPORTED_ERRORS.has(name) || status === 500 || status === 501) kind = 'unsupported';
  else if (NETWORK_CODES.has(err.code ?? '') || name === 'TimeoutError') kind = 'network';
  return { kind, text };
}

export function notVerified(
  name: string,
  operation: string,
  permission: string,
  e: unknown,
): CheckResult {
  const err = describeError(e);
  switch (err.kind) {
    case 'unsupported':
      return {
        name,
        status: 'not-verified',
        detail: `the target does not implement ${operation} (${err.text}); the local emulator lacks some APIs`,
      };
    case 'denied':
      return {
        name,
        status: 'not-verified',
        detail: `not permitted to call ${operation}: ${err.text}`,
        fix: `grant ${permission} to the deploying role`,
      };
    default:
      return { name, status: 'not-verified', detail: `${operation} failed: ${err.text}` };
  }
}

export async function collect<T>(
  page: (marker: string | undefined) => Promise<{ items?: T[]; marker?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let marker: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const out = await page(marker);
    items.push(...(out.items ?? []));
    marker = out.marker;
    if (!marker) break;
  }
  return items;
}

export const DETAIL_WIDTH = 100;

/** Wraps each line of text at word boundaries so the table stays readable. */
export function wrap(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      const out: string[] = [];
      let current = '';
      for (const word of line.split(' ')) {
        if (current && current.length + 1 + word.length > width) {
          out.push(current);
          current = `  ${word}`;
        } else {
          current = current ? `${current} ${word}` : word;
        }
      }
      out.push(current);
      return out.join('\n');
    })
    .join('\n');
}

export function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined && value !== '';
}

export function majorOf(version: string): string {
  return version.split('.')[0];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort(compareVersions);
}

/** A few distinct alternatives, same family (e.g. `db.r6g.`) first, then by name. */
export function suggest(values: readonly (string | undefined)[], wanted: string): string[] {
  const family = wanted.split('.').slice(0, 2).join('.') + '.';
  const distinct = [...new Set(values.filter(isDefined))].sort();
  const same = distinct.filter((v) => v.startsWith(family));
  const other = distinct.filter((v) => !v.startsWith(family));
  return [...same, ...other].slice(0, SUGGESTIONS);
}
