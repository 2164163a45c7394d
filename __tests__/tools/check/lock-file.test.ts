import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LockFile } from '../../../tools/check/lock-file';
import { missingLockEntries, resolveInLock } from '../../../tools/check/lock-file';

const lock: LockFile = {
  packages: {
    '': { devDependencies: { a: '1', typescript: '5' }, dependencies: { linked: '*' } },
    'node_modules/a': {
      version: '1.0.0',
      dependencies: { b: '^2' },
      optionalDependencies: { 'a-darwin': '1.0.0', 'a-linux': '1.0.0' },
    },
    'node_modules/a-linux': { version: '1.0.0' },
    'node_modules/a/node_modules/b': {
      version: '2.0.0',
      dependencies: { c: '3' },
      devDependencies: { jest: '29' },
    },
    'node_modules/c': { version: '3.0.0' },
    'node_modules/linked': { link: true, dependencies: { nowhere: '1' } },
  },
};

describe('resolveInLock', () => {
  it('looks in the package’s own node_modules first, then each enclosing one', () => {
    expect(resolveInLock(lock, 'node_modules/a', 'b')).toBe('node_modules/a/node_modules/b');
    expect(resolveInLock(lock, 'node_modules/a/node_modules/b', 'c')).toBe('node_modules/c');
    expect(resolveInLock(lock, '', 'a')).toBe('node_modules/a');
    expect(resolveInLock(lock, '', 'b')).toBeUndefined();
  });
});

describe('missingLockEntries', () => {
  it('names each dependency without an entry, optional ones and the root’s devDependencies included', () => {
    // linked's own dependencies and b's devDependencies are not installed from this lock.
    expect(missingLockEntries(lock)).toEqual(['(root) → typescript', 'node_modules/a → a-darwin']);
  });

  it('finds nothing missing in the project’s package-lock.json (npm ci would refuse it)', () => {
    const projectLock = JSON.parse(
      readFileSync(join(__dirname, '../../../package-lock.json'), 'utf8'),
    );
    expect(missingLockEntries(projectLock)).toEqual([]);
  });
});
