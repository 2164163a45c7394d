// Where the checks put their scratch files: `npm test` sets the checks' TMPDIR to it, and
// jest's per-run folder (jest-tmpdir.cjs) goes under it. A TMPDIR the user set wins;
// otherwise a RAM-backed folder (Linux /dev/shm) with room to spare, else os.tmpdir().
//
// Why: the unit tests make and delete hundreds of folders a run (cdktf's Testing makes one per
// synthesized stack), and validate and the framework check write whole synths. On a disk
// whose ext4 is mounted with `discard` (this 2-core machine's) each costs far more than in
// memory: 500 folders made and removed took 236 ms in /tmp and 54 ms in /dev/shm. Measured,
// cold, in turn against the tree before: `npm run test:unit` 0.95x the wall time (median of
// five pairs); docs/speed.md has `npm test`. A run needs a few MB there at its peak (5 MB
// measured); MIN_FREE_BYTES leaves a small /dev/shm (Docker's default is 64 MiB) to the
// programs that own it.
'use strict';
const fs = require('node:fs');
const os = require('node:os');

/** statfs's type of a tmpfs (linux/magic.h TMPFS_MAGIC). */
const TMPFS_MAGIC = 0x01021994;
/** The free room a RAM-backed folder must have to be used. */
const MIN_FREE_BYTES = 512 * 1024 * 1024;
/** RAM-backed folders tried in turn. */
const RAM_FOLDERS = ['/dev/shm'];

/** The folder the checks' temporary files go under (options and defaults: scratch.d.cts). */
function scratchParent({
  env = process.env,
  candidates = RAM_FOLDERS,
  minFreeBytes = MIN_FREE_BYTES,
  statfs = fs.statfsSync,
  access = fs.accessSync,
  tmpdir = os.tmpdir,
} = {}) {
  // Blank counts as unset, as it does for os.tmpdir().
  const chosen = env.TMPDIR?.trim();
  if (chosen) return chosen;
  for (const dir of candidates) {
    try {
      const stats = statfs(dir);
      if (stats.type !== TMPFS_MAGIC || stats.bavail * stats.bsize < minFreeBytes) continue;
      access(dir, fs.constants.W_OK | fs.constants.X_OK);
      return dir;
    } catch {
      // Missing, or not ours to write: the next one.
    }
  }
  return tmpdir();
}

module.exports = { scratchParent, MIN_FREE_BYTES, RAM_FOLDERS, TMPFS_MAGIC };
