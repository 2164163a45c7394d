/**
 * pgaudit session audit classes (`pgaudit.log`), shared by the configuration rule and
 * the Database construct: https://github.com/pgaudit/pgaudit#pgauditlog
 */
export const PGAUDIT_CLASSES = [
  'read',
  'write',
  'function',
  'role',
  'ddl',
  'misc',
  'misc_set',
  'all',
  'none',
] as const;

/** True when `value` is a comma list of pgaudit classes, each optionally `-`-prefixed. */
export function isPgauditLog(value: string): boolean {
  return value
    .split(',')
    .map((item) => item.trim())
    .every((item) => (PGAUDIT_CLASSES as readonly string[]).includes(item.replace(/^-/, '')));
}
