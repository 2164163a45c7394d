/**
 * `npm ci` refuses a lock file that lacks an entry for any dependency, optional or not, of
 * any package in it ("Missing: … from lock file"), even one it would skip on this platform.
 * `npm install` from a registry that does not serve every platform binding of a package
 * (this machine's mirror, for one) writes such a lock file without a word, and CI then fails
 * before it runs a test. This finds those gaps in seconds, on every `npm test`.
 */

/** The parts of a package-lock.json (lockfileVersion 3) this check reads. */
export interface LockFile {
  readonly packages: Readonly<Record<string, LockEntry>>;
}

export interface LockEntry {
  readonly version?: string;
  readonly link?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly devDependencies?: Readonly<Record<string, string>>;
}

/**
 * Where Node's resolution would find `name` for the package at `from`: its own
 * node_modules, then each enclosing one up to the root's. undefined when none holds it.
 */
export function resolveInLock(lock: LockFile, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (base === '') return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up === -1 ? '' : base.slice(0, up);
  }
}

/**
 * Each dependency the lock file names but holds no entry for, as `<package path> → <name>`.
 * Only the root's devDependencies count: npm does not install a dependency's.
 */
export function missingLockEntries(lock: LockFile): string[] {
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (entry.link) continue;
    const names = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...(path === '' ? Object.keys(entry.devDependencies ?? {}) : []),
    ];
    for (const name of names) {
      if (!resolveInLock(lock, path, name)) missing.push(`${path || '(root)'} → ${name}`);
    }
  }
  return missing;
}
