// Jest transform for the unit tests: esbuild strips the TypeScript types of one file
// (no type-checking: `npm run typecheck` does that once) and emits CommonJS with an
// inline source map, so stack traces name the .ts lines.
//
// Under coverage the transform instruments the file itself (`canInstrument`), with
// oxc-coverage-instrument: it strips the types and adds Istanbul's counters in one pass over
// the TypeScript source, so the coverage map holds .ts positions with no source map between;
// esbuild then turns the module into CommonJS and chains the map. Jest's own instrumenter
// (babel-plugin-istanbul) took ~3 s of CPU for the ~100 source files in a fresh process,
// this one ~0.15 s. It also counts what babel's remapping through esbuild's map lost: the
// implicit `else` of an `if` (Istanbul's second branch location has no position, and the
// remapper dropped it), and it does not count esbuild's `require` lines as statements.
//
// Jest hoists nothing here: a test that must replace a module before it loads uses
// jest.spyOn on the module object instead of jest.mock.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { transformSync, version } = require('esbuild');
const { instrument } = require('oxc-coverage-instrument');
// Its package exports no package.json: read the one beside its entry.
const INSTRUMENTER_VERSION = JSON.parse(
  readFileSync(join(dirname(require.resolve('oxc-coverage-instrument')), 'package.json'), 'utf8'),
).version;

// This file's own text is part of the cache key: an edit here must not leave jest running
// what the previous version produced.
const SELF = createHash('sha256').update(readFileSync(__filename)).digest('hex');

const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  sourcesContent: false,
};

/**
 * Istanbul's shape where its model permits; `?.` links are no branches, as in
 * istanbul-lib-instrument (the option's default, spelled out).
 */
const COVERAGE = {
  compat: 'istanbul',
  stripTypescript: true,
  trackOptionalChainBranches: false,
  sourceMap: true,
};

function inlineMap(map) {
  return `//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}`;
}

module.exports = {
  canInstrument: true,
  process(source, filename, { instrument: withCoverage } = {}) {
    if (!withCoverage) {
      return { code: transformSync(source, { ...OPTIONS, sourcefile: filename }).code };
    }
    const counted = instrument(source, filename, COVERAGE);
    // A coverage comment it could not apply would count code its author meant to leave out.
    const [pragma] = counted.unhandledPragmas;
    if (pragma) {
      throw new Error(
        `${filename}:${pragma.line}: coverage comment \`${pragma.comment}\` is not understood by oxc-coverage-instrument`,
      );
    }
    const js = `${counted.code}\n${inlineMap(counted.sourceMap)}\n`;
    // esbuild reads the inline map of its input and maps its output through it to the .ts.
    return { code: transformSync(js, { ...OPTIONS, loader: 'js', sourcefile: filename }).code };
  },
  // jest caches what it runs, instrumented for coverage or not, under this key alone: a key
  // without `instrument` let a run without coverage (`npx jest <file>`) leave a file that a
  // later coverage run loaded uninstrumented, and so left out of the report. Not jest's
  // whole config (`configString`): it holds the coverage folder, new on every test:unit run.
  getCacheKey(source, filename, { instrument: withCoverage }) {
    return createHash('sha256')
      .update(`${SELF}\0esbuild ${version}\0${JSON.stringify(OPTIONS)}\0${filename}\0`)
      .update(
        `${withCoverage ? `oxc-coverage-instrument ${INSTRUMENTER_VERSION} ${JSON.stringify(COVERAGE)}` : ''}\0`,
      )
      .update(source)
      .digest('hex');
  },
};
