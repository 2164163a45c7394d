/**
 * tools/check/scratch.cjs: where `npm test` and the unit tests put their temporary files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FolderStats } from '../../../tools/check/scratch.cjs';

type Scratch = typeof import('../../../tools/check/scratch.cjs');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const scratch = require('../../../tools/check/scratch.cjs') as Scratch;
const { scratchParent } = scratch;

const MIB = 1024 * 1024;
const TMPFS = 0x01021994;
const EXT4 = 0xef53;

/** A filesystem of `type` with `freeBytes` free, in 4 KiB blocks. */
const fsOf =
  (type: number, freeBytes: number): ((dir: string) => FolderStats) =>
  () => ({ type, bsize: 4096, bavail: freeBytes / 4096 });
const writable = () => undefined;
const diskTmp = () => '/tmp';

describe('scratchParent', () => {
  test('its settings: /dev/shm, at least 512 MiB free, tmpfs as linux/magic.h numbers it', () => {
    expect(scratch.RAM_FOLDERS).toEqual(['/dev/shm']);
    expect(scratch.MIN_FREE_BYTES).toBe(536870912);
    expect(scratch.TMPFS_MAGIC).toBe(TMPFS);
  });

  test('a TMPDIR the user set wins, whatever the RAM folders offer', () => {
    const statfs = jest.fn(fsOf(TMPFS, 4096 * MIB));
    expect(scratchParent({ env: { TMPDIR: '/scratch/mine' }, statfs, access: writable })).toBe(
      '/scratch/mine',
    );
    expect(statfs).not.toHaveBeenCalled();
  });

  test.each([[''], ['   ']])('a blank TMPDIR (%j) counts as unset, as for os.tmpdir()', (value) => {
    expect(
      scratchParent({
        env: { TMPDIR: value },
        statfs: fsOf(TMPFS, 1024 * MIB),
        access: writable,
        tmpdir: diskTmp,
      }),
    ).toBe('/dev/shm');
  });

  test.each([
    ['exactly 512 MiB free', 512 * MIB, '/dev/shm'],
    ['one 4 KiB block less', 512 * MIB - 4096, '/tmp'],
    ["Docker's default 64 MiB", 64 * MIB, '/tmp'],
  ])('a tmpfs with %s → %s', (_, freeBytes, expected) => {
    expect(
      scratchParent({ env: {}, statfs: fsOf(TMPFS, freeBytes), access: writable, tmpdir: diskTmp }),
    ).toBe(expected);
  });

  test('a RAM folder that is not a tmpfs, or not writable, or missing, is passed over', () => {
    const base = { env: {}, tmpdir: diskTmp };
    expect(scratchParent({ ...base, statfs: fsOf(EXT4, 4096 * MIB), access: writable })).toBe(
      '/tmp',
    );
    const denied = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    expect(scratchParent({ ...base, statfs: fsOf(TMPFS, 4096 * MIB), access: denied })).toBe(
      '/tmp',
    );
    const missing = () => {
      throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    };
    expect(scratchParent({ ...base, statfs: missing, access: writable })).toBe('/tmp');
  });

  test('asks for write and search permission on the folder it picks', () => {
    const access = jest.fn();
    scratchParent({ env: {}, statfs: fsOf(TMPFS, 1024 * MIB), access, tmpdir: diskTmp });
    // W_OK | X_OK
    expect(access).toHaveBeenCalledWith('/dev/shm', 3);
  });

  test('candidates are tried in turn: the first that qualifies is taken', () => {
    const byDir: Record<string, FolderStats> = {
      '/small': { type: TMPFS, bsize: 4096, bavail: 10 },
      '/ram': { type: TMPFS, bsize: 4096, bavail: (1024 * MIB) / 4096 },
      '/later': { type: TMPFS, bsize: 4096, bavail: (1024 * MIB) / 4096 },
    };
    expect(
      scratchParent({
        env: {},
        candidates: ['/missing', '/small', '/ram', '/later'],
        statfs: (dir) => {
          const stats = byDir[dir];
          if (!stats) throw new Error(`ENOENT: ${dir}`);
          return stats;
        },
        access: writable,
        tmpdir: diskTmp,
      }),
    ).toBe('/ram');
  });

  test('with the real statfs and access: a folder of no tmpfs, or none at all, falls back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scratch-'));
    try {
      // /proc is procfs and the test's folder a disk's or a tmpfs's: neither has 512 MiB to
      // give, or is a tmpfs, at a path that does not exist.
      const candidates = ['/proc', join(dir, 'missing')];
      expect(scratchParent({ env: {}, candidates, tmpdir: () => '/fallback' })).toBe('/fallback');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
