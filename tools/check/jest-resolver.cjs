// Jest resolver for the unit tests. cdktf requires archiver (zip archive assets: ~110
// modules with lodash and readable-stream) and semver (Terraform binary version checks) as
// it loads, and jest loads every module again for each test file, so each of the 19 test
// files that import cdktf paid for both. No test uses either feature: a require of one of
// them from inside cdktf resolves to a stand-in that loads the real module on first use.
// Nothing else changes: the stand-in forwards every call and property to the real module.
'use strict';
const { createHash } = require('node:crypto');
const { mkdirSync, renameSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const LAZY = new Set(['archiver', 'semver']);
const CDKTF = path.dirname(require.resolve('cdktf/package.json')) + path.sep;
const STUBS = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'jest-lazy');
const written = new Map();

/** The stand-in module for the real module at `target` (written once, by content). */
function stubFor(target) {
  const known = written.get(target);
  if (known) return known;
  const code = `'use strict';
// Written by tools/check/jest-resolver.cjs: loads ${target} on first use.
let real;
const load = () => (real ??= require(${JSON.stringify(target)}));
module.exports = new Proxy(function lazy() {}, {
  apply: (_t, self, args) => load().apply(self, args),
  construct: (_t, args) => new (load())(...args),
  get: (_t, key) => load()[key],
  has: (_t, key) => key in load(),
});
`;
  const file = path.join(
    STUBS,
    `${createHash('sha256').update(code).digest('hex').slice(0, 16)}.cjs`,
  );
  mkdirSync(STUBS, { recursive: true });
  // Write then rename: the other jest run may be writing the same file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, code);
  renameSync(partial, file);
  written.set(target, file);
  return file;
}

module.exports = (request, options) => {
  const resolved = options.defaultResolver(request, options);
  if (!LAZY.has(request) || !options.basedir.startsWith(CDKTF)) return resolved;
  return stubFor(resolved);
};
