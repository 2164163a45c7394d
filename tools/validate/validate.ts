/** What `npm run validate` checks per stack: the cache key and the report of `terraform validate -json`. */
import { createHash } from 'node:crypto';

/**
 * The cache key of a stack: its synthesized JSON and the provider binary it was validated
 * with. Any change to either validates again; VALIDATE_NO_CACHE=1 always does.
 */
export function validationKey(stackJson: string, providers: string): string {
  return createHash('sha256').update(stackJson).update(`\0${providers}`).digest('hex');
}

export interface Diagnostic {
  severity: 'error' | 'warning';
  summary: string;
  detail?: string;
  address?: string;
  range?: { filename: string; start: { line: number } };
}

export interface ValidateJson {
  valid: boolean;
  error_count: number;
  warning_count: number;
  diagnostics: Diagnostic[];
}

/** One line per diagnostic: severity, summary, where, detail. */
export function formatDiagnostics(stack: string, result: ValidateJson): string[] {
  return result.diagnostics.map((d) => {
    const where = d.address ?? (d.range ? `${d.range.filename}:${d.range.start.line}` : '');
    const detail = d.detail ? ` — ${d.detail.replace(/\s+/g, ' ').trim()}` : '';
    return `    ${stack}: ${d.severity}: ${d.summary}${where ? ` (${where})` : ''}${detail}`;
  });
}
