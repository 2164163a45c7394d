/**
 * Builds a Lambda deployment package from a TypeScript entry: one esbuild bundle (`index.js`)
 * zipped with fixed timestamps, so the same sources and lock file give the same bytes and the
 * same `source_code_hash` on every run and machine. Bundling costs ~1 s, so the zip is cached
 * under `node_modules/.cache/functions/` (beside jest's cache, never in the synth output) by a hash of everything that goes into it (sources,
 * package-lock.json, esbuild version, build options); a synth with a warm cache only hashes. Parallel synths of one checkout (`npm test` runs several)
 * build it once: the first takes a lock file beside the zip, the others wait for the zip.
 */
import { buildSync, version as esbuildVersion } from 'esbuild';
import { zipSync } from 'fflate';
import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

export interface FunctionBundle {
  /** Absolute path of the zip. */
  readonly zipPath: string;
  /** Base64 SHA-256 of the zip: Lambda's `source_code_hash`. */
  readonly sourceCodeHash: string;
  /** The handler setting for the zip (`index.handler`). */
  readonly handler: string;
}

export interface BundleOptions {
  /** Folder of the function's sources, e.g. `<root>/functions/readiness`. */
  readonly sourceDir: string;
  /** Entry file inside sourceDir. @default handler.ts */
  readonly entry?: string;
  /** Project root: where package-lock.json and node_modules are. */
  readonly projectRoot: string;
  /** @default `<projectRoot>/node_modules/.cache/functions/<checkout>` (defaultCacheDir) */
  readonly cacheDir?: string;
  /**
   * Age after which another process's build lock is taken over, so a holder that hangs, or a
   * lock left behind by a killed process whose pid is in use again, blocks no one for long
   * (a build takes ~1 s; a holder that has exited is not waited for at all).
   * @default 30 s
   */
  readonly staleMs?: number;
}

/** Fixed zip entry time (the zip format cannot encode anything before 1980). */
const ZIP_MTIME = new Date('1980-01-01T00:00:00Z');
const BUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  // Module paths in the bundle stay as seen from the project (node_modules/...), not where a
  // symlinked node_modules really lives, so the bytes do not depend on the checkout's layout.
  preserveSymlinks: true,
} as const;

const memo = new Map<string, FunctionBundle>();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Hash of every input of the build: a changed source, lock file or option changes it. */
export function bundleKey(options: BundleOptions): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({ BUILD_OPTIONS, esbuildVersion, entry: options.entry ?? 'handler.ts' }),
  );
  for (const file of sourceFiles(options.sourceDir)) {
    hash.update(path.relative(options.sourceDir, file)).update('\0').update(readFileSync(file));
  }
  hash.update(readFileSync(path.join(options.projectRoot, 'package-lock.json')));
  return hash.digest('hex').slice(0, 32);
}

/** Bundles and zips, in memory. Deterministic: same inputs, same bytes. */
export function buildZip(options: BundleOptions): Uint8Array {
  const result = buildSync({
    ...BUILD_OPTIONS,
    entryPoints: [path.join(options.sourceDir, options.entry ?? 'handler.ts')],
    absWorkingDir: options.projectRoot,
    write: false,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  return zipSync({ 'index.js': [code, { mtime: ZIP_MTIME, level: 9 }] });
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Blocks the thread (synth is synchronous) for `ms`. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Whether the lock still binds: it exists, is younger than `staleMs`, and the process that
 * wrote it (`<pid> <nonce>`; empty while it is being written) still runs.
 */
function lockHeld(lockPath: string, staleMs: number): boolean {
  let pid: number;
  try {
    if (Date.now() - statSync(lockPath).mtimeMs > staleMs) return false;
    pid = Number(readFileSync(lockPath, 'utf8').split(' ')[0]);
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `<project>/node_modules/.cache/functions/<checkout>`: one folder per checkout, so checkouts
 * that share node_modules (git worktrees) never prune each other's builds.
 */
export function defaultCacheDir(projectRoot: string): string {
  const checkout = createHash('sha256')
    .update(path.resolve(projectRoot))
    .digest('hex')
    .slice(0, 12);
  return path.join(projectRoot, 'node_modules', '.cache', 'functions', checkout);
}

/** Older builds of a function are kept this long after they were written. */
export const STALE_BUILD_MS = 24 * 3600 * 1000;

/** Builds, writes (then renames: no one reads half a zip) and prunes older builds. */
function buildAndStore(options: BundleOptions, cacheDir: string, zipPath: string): Uint8Array {
  const bytes = buildZip(options);
  // Unique per builder: two threads of one process may build at once.
  const partial = `${zipPath}.${randomUUID()}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, zipPath);
  // Older builds of the same function: removed once they are a day old, not at once. The
  // cache is shared by every checkout that shares node_modules (git worktrees), and another
  // synth may be about to read the zip of its own, different sources.
  const prefix = `${path.basename(options.sourceDir)}-`;
  const dayAgo = Date.now() - STALE_BUILD_MS;
  for (const stale of readdirSync(cacheDir)) {
    const file = path.join(cacheDir, stale);
    if (!stale.startsWith(prefix) || !stale.endsWith('.zip') || file === zipPath) continue;
    try {
      if (statSync(file).mtimeMs < dayAgo) rmSync(file, { force: true });
    } catch {
      // removed by another builder meanwhile
    }
  }
  return bytes;
}

/**
 * The zip's bytes from the cache, or built once across processes: whoever creates
 * `<zip>.lock` first builds; the others wait for the zip. A lock whose process has exited,
 * or one older than `staleMs`, is taken over. Should two processes build anyway (both take
 * over at once), each writes its own partial file and renames it: the same bytes land.
 */
function cachedOrBuilt(options: BundleOptions, cacheDir: string, zipPath: string): Uint8Array {
  const lockPath = `${zipPath}.lock`;
  const staleMs = options.staleMs ?? 30_000;
  mkdirSync(cacheDir, { recursive: true });
  for (;;) {
    if (existsSync(zipPath)) return readFileSync(zipPath);
    let fd: number | undefined;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (fd !== undefined) {
      const token = `${process.pid} ${randomUUID()}`;
      try {
        writeSync(fd, token);
        closeSync(fd);
        // The holder before us may have finished between the two checks.
        if (existsSync(zipPath)) return readFileSync(zipPath);
        return buildAndStore(options, cacheDir, zipPath);
      } finally {
        // Only our own lock: after a takeover, the file is someone else's.
        if (readIfExists(lockPath) === token) rmSync(lockPath, { force: true });
      }
    }
    if (!lockHeld(lockPath, staleMs)) rmSync(lockPath, { force: true });
    else sleepSync(25);
  }
}

/** The function's zip, from the in-process memo, the on-disk cache, or a fresh build. */
export function functionBundle(options: BundleOptions): FunctionBundle {
  const key = bundleKey(options);
  const cacheDir = options.cacheDir ?? defaultCacheDir(options.projectRoot);
  const zipPath = path.join(cacheDir, `${path.basename(options.sourceDir)}-${key}.zip`);
  const cached = memo.get(zipPath);
  if (cached) return cached;
  const bytes = cachedOrBuilt(options, cacheDir, zipPath);
  const bundle: FunctionBundle = {
    zipPath,
    sourceCodeHash: createHash('sha256').update(bytes).digest('base64'),
    handler: 'index.handler',
  };
  memo.set(zipPath, bundle);
  return bundle;
}
