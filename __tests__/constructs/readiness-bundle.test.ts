import { unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  bundleKey,
  buildZip,
  functionBundle,
  defaultCacheDir,
  STALE_BUILD_MS,
} from '../../constructs/application/bundle';
import { READINESS_SOURCE_DIR } from '../../constructs/application/readiness-function';

const projectRoot = process.cwd();
const sourceDir = path.resolve(READINESS_SOURCE_DIR);

describe('the readiness function package', () => {
  const first = buildZip({ sourceDir, projectRoot });

  // The cached zip was built by another test file of this run or by an earlier run (another
  // process), or else now: equal bytes prove the build repeats, also across processes.
  test('is deterministic: a fresh build gives the bytes of the cached one', () => {
    const cached = readFileSync(functionBundle({ sourceDir, projectRoot }).zipPath);
    expect(Buffer.from(first).equals(cached)).toBe(true);
  });

  test('holds one index.js with a fixed 1980 timestamp that exports the handler', () => {
    const entries = unzipSync(first);
    expect(Object.keys(entries)).toEqual(['index.js']);
    // DOS date of the local file header: 1980-01-01 is 0x0021, at offset 12.
    expect(Buffer.from(first).readUInt16LE(12)).toBe(0x0021);
    const mod = new Module('index.js');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (mod as any)._compile(
      Buffer.from(entries['index.js']).toString('utf8'),
      path.join(projectRoot, 'index.js'),
    );
    expect(typeof mod.exports.handler).toBe('function');
  });
});

describe('functionBundle', () => {
  const workDirs: string[] = [];
  const workDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bundle-test-'));
    workDirs.push(dir);
    return dir;
  };
  afterAll(() => workDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test('caches by content hash, returns the Lambda source_code_hash, and rebuilds when a source changes', () => {
    const work = workDir();
    const src = path.join(work, 'fn');
    mkdirSync(src);
    writeFileSync(
      path.join(src, 'handler.ts'),
      "import { answer } from './settings';\nexport const handler = async () => answer;\n",
    );
    writeFileSync(path.join(src, 'settings.ts'), 'export const answer: number = 42;\n');
    const cacheDir = path.join(work, 'cache');
    const options = { sourceDir: src, projectRoot, cacheDir };

    const bundle = functionBundle(options);
    expect(bundle.handler).toBe('index.handler');
    expect(bundle.sourceCodeHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(path.dirname(bundle.zipPath)).toBe(cacheDir);
    expect(path.basename(bundle.zipPath)).toBe(`fn-${bundleKey(options)}.zip`);
    expect(functionBundle(options)).toBe(bundle);

    writeFileSync(path.join(src, 'settings.ts'), '// changed\n', { flag: 'a' });
    const changed = functionBundle(options);
    expect(changed.zipPath).not.toBe(bundle.zipPath);
    // A build less than a day old stays: another checkout sharing the cache may read it.
    expect(readdirSync(cacheDir).sort()).toEqual(
      [path.basename(bundle.zipPath), path.basename(changed.zipPath)].sort(),
    );
    // One older than a day is pruned by the next build; the current one stays.
    const dayAndASecond = new Date(Date.now() - STALE_BUILD_MS - 1000);
    utimesSync(bundle.zipPath, dayAndASecond, dayAndASecond);
    writeFileSync(path.join(src, 'settings.ts'), '// changed again\n', { flag: 'a' });
    const again = functionBundle(options);
    expect(readdirSync(cacheDir).sort()).toEqual(
      [path.basename(changed.zipPath), path.basename(again.zipPath)].sort(),
    );
  });

  test('reads a zip another process left in the cache instead of rebuilding', () => {
    const work = workDir();
    const src = path.join(work, 'other');
    mkdirSync(src);
    writeFileSync(path.join(src, 'handler.ts'), 'export const handler = async () => 1;\n');
    const cacheDir = path.join(work, 'cache');
    const key = bundleKey({ sourceDir: src, projectRoot });
    const planted = path.join(cacheDir, `other-${key}.zip`);
    cpSync(__filename, planted);
    const bundle = functionBundle({ sourceDir: src, projectRoot, cacheDir });
    expect(bundle.zipPath).toBe(planted);
    expect(existsSync(planted)).toBe(true);
  });

  /** A small function folder and the zip path its build would have in `cacheDir`. */
  const smallFunction = (name: string) => {
    const work = workDir();
    const src = path.join(work, name);
    mkdirSync(src);
    writeFileSync(path.join(src, 'handler.ts'), 'export const handler = async () => 2;\n');
    const cacheDir = path.join(work, 'cache');
    mkdirSync(cacheDir);
    const zipPath = path.join(
      cacheDir,
      `${name}-${bundleKey({ sourceDir: src, projectRoot })}.zip`,
    );
    return { src, cacheDir, zipPath, lockPath: `${zipPath}.lock` };
  };

  test('waits for the zip another process is building instead of building it too', () => {
    const { src, cacheDir, zipPath, lockPath } = smallFunction('waited');
    // The other process holds the lock, then writes (and renames into place) bytes no build
    // would give, and lets go.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
         fs.writeFileSync(process.argv[1], process.pid + ' other');
         setTimeout(() => {
           fs.writeFileSync(process.argv[2] + '.tmp', 'from the other process');
           fs.renameSync(process.argv[2] + '.tmp', process.argv[2]);
           fs.rmSync(process.argv[1]);
         }, 500);`,
        lockPath,
        zipPath,
      ],
      { stdio: 'ignore' },
    );
    try {
      const until = Date.now() + 10_000;
      while (!existsSync(lockPath) && Date.now() < until) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
      // Not there yet when asked: the bytes below can only have come by waiting.
      expect(existsSync(zipPath)).toBe(false);
      const bundle = functionBundle({ sourceDir: src, projectRoot, cacheDir });
      expect(readFileSync(bundle.zipPath, 'utf8')).toBe('from the other process');
      expect(bundle.sourceCodeHash).toBe(
        createHash('sha256').update('from the other process').digest('base64'),
      );
    } finally {
      holder.kill();
    }
  });

  test('takes over a lock whose process has exited, and builds', () => {
    const { src, cacheDir, zipPath, lockPath } = smallFunction('orphaned');
    const gone = 2 ** 22 + 7; // above Linux's largest pid: no process has it
    writeFileSync(lockPath, `${gone} nonce`);
    const started = Date.now();
    const bundle = functionBundle({ sourceDir: src, projectRoot, cacheDir });
    expect(Date.now() - started).toBeLessThan(5_000); // not waited out (30 s)
    expect(bundle.zipPath).toBe(zipPath);
    expect(Object.keys(unzipSync(readFileSync(zipPath)))).toEqual(['index.js']);
    expect(existsSync(lockPath)).toBe(false);
  });

  test('takes over a lock older than staleMs, though its pid runs (reused, or hung)', () => {
    const { src, cacheDir, zipPath, lockPath } = smallFunction('stale');
    writeFileSync(lockPath, `${process.pid} nonce`); // alive, and never writes the zip
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(lockPath, hourAgo, hourAgo);
    const started = Date.now();
    const bundle = functionBundle({ sourceDir: src, projectRoot, cacheDir });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(Object.keys(unzipSync(readFileSync(bundle.zipPath)))).toEqual(['index.js']);
    expect(existsSync(zipPath)).toBe(true);
    expect(existsSync(lockPath)).toBe(false);
  });

  test('waits for a live holder until its lock is staleMs old, then builds', () => {
    const { src, cacheDir, lockPath } = smallFunction('stuck');
    writeFileSync(lockPath, `${process.pid} nonce`);
    const started = Date.now();
    const bundle = functionBundle({ sourceDir: src, projectRoot, cacheDir, staleMs: 100 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
    expect(Object.keys(unzipSync(readFileSync(bundle.zipPath)))).toEqual(['index.js']);
    expect(existsSync(lockPath)).toBe(false);
  });

  test('defaults its cache to node_modules/.cache/functions under the project root', () => {
    const bundle = functionBundle({ sourceDir, projectRoot });
    expect(path.dirname(bundle.zipPath)).toBe(defaultCacheDir(projectRoot));
    // One folder per checkout: worktrees sharing node_modules keep their builds apart.
    expect(defaultCacheDir('/a/checkout')).toMatch(
      /^\/a\/checkout\/node_modules\/\.cache\/functions\/[0-9a-f]{12}$/,
    );
    expect(defaultCacheDir('/a/checkout')).not.toBe(defaultCacheDir('/another/checkout'));
  });
});
