// Is this Node within package.json's `engines.node`? `.ci/run` asks before `npm ci`, for the
// machine's Node and for the LTS it also runs the unit tests on (docs/toolchain.md), so it needs
// nothing installed: plain CommonJS, no dependency. `node tools/check/node-engines.cjs` prints
// one line and exits 0 when it is, 1 with what to install when it is not.
//
// It reads the range forms npm's semver documents for engines: `||` between sets, spaces
// between comparators, each `>=`, `>`, `<=`, `<`, `=` or bare, `^` or `~`, with a full or partial
// version (`20`, `20.19`, `20.19.0`, `x` wildcards). Anything else is refused by name rather than
// guessed at. Prerelease versions are not used for Node releases and are not read.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** `20.19.0` or `v20.19.0` → [20, 19, 0]; throws on anything else. */
function parseVersion(text) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`not a version: ${text}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** A partial version (`20`, `20.19`, `20.x`) → its numbers and how many were given. */
function parsePartial(text, range) {
  const parts = text.split('.');
  if (parts.length > 3) throw new Error(`engines.node "${range}": cannot read "${text}"`);
  const numbers = [];
  for (const part of parts) {
    if (/^[xX*]$/.test(part)) break;
    if (!/^\d+$/.test(part)) throw new Error(`engines.node "${range}": cannot read "${text}"`);
    numbers.push(Number(part));
  }
  return numbers;
}

const pad = (numbers) => [numbers[0] ?? 0, numbers[1] ?? 0, numbers[2] ?? 0];

/** The next version after everything a partial version covers (`20.19` → 20.20.0). */
function above(numbers) {
  if (numbers.length === 0) return undefined;
  const next = [...numbers];
  next[next.length - 1] += 1;
  return pad(next);
}

/** One comparator → [lowest allowed, inclusive?] and [first not allowed, inclusive?]. */
function comparatorBounds(comparator, range) {
  const m = /^(\^|~|>=|<=|>|<|=)?v?(.+)$/.exec(comparator);
  const op = m[1] ?? '=';
  const n = parsePartial(m[2], range);
  if (op === '^') {
    // ^20.19.0 → <21.0.0; ^0.2.3 → <0.3.0; ^0.0.3 → <0.0.4 (the first non-zero part is kept).
    const keep = n.findIndex((x) => x !== 0);
    const upper = keep === -1 || keep >= n.length ? above(n) : above(n.slice(0, keep + 1));
    return { min: pad(n), max: upper };
  }
  if (op === '~') return { min: pad(n), max: above(n.length > 1 ? n.slice(0, 2) : n) };
  if (op === '=') return { min: pad(n), max: above(n) };
  if (op === '>=') return { min: pad(n) };
  if (op === '>') return { min: above(n) ?? [Infinity, 0, 0] };
  if (op === '<') return { max: pad(n) };
  // <=20.19 allows all of 20.19.x.
  return { max: above(n) ?? [Infinity, 0, 0] };
}

/** True when `version` (e.g. process.version) is in `range` (package.json's engines.node form). */
function satisfies(version, range) {
  const v = parseVersion(version);
  // Every comparator of every set is read before any is compared: one it cannot read fails.
  const sets = range.split('||').map((set) => {
    const comparators = set
      .trim()
      // `>= 20` is `>=20`.
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    if (comparators.length === 0 || comparators.includes('*')) return [];
    return comparators.map((c) => comparatorBounds(c, range));
  });
  return sets.some((bounds) =>
    bounds.every(({ min, max }) => (!min || compare(v, min) >= 0) && (!max || compare(v, max) < 0)),
  );
}

/** The verdict for one Node version against a package.json: ok, and one line to print. */
function checkNode(version, pkg) {
  const range = pkg.engines && pkg.engines.node;
  if (!range) return { ok: false, message: 'package.json has no engines.node to check against' };
  if (satisfies(version, range)) {
    return { ok: true, message: `Node ${version} is within engines.node "${range}"` };
  }
  return {
    ok: false,
    message:
      `Node ${version} is outside package.json's engines.node "${range}": install a Node in that ` +
      'range (the version in .nvmrc is the one development and CI use; docs/toolchain.md says why ' +
      'the range is what it is), then run again.',
  };
}

module.exports = { satisfies, checkNode };

if (require.main === module) {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
  let verdict;
  try {
    verdict = checkNode(process.version, pkg);
  } catch (error) {
    verdict = { ok: false, message: error.message };
  }
  (verdict.ok ? process.stdout : process.stderr).write(
    `${verdict.ok ? '' : 'error: '}${verdict.message}\n`,
  );
  process.exitCode = verdict.ok ? 0 : 1;
}
