// Jest transform for the unit tests: swc strips the TypeScript types of one file (no
// type-checking: `npm run typecheck` does that once) and emits CommonJS with an inline
// source map, so stack traces name the .ts lines. swc runs in this process: esbuild's
// synchronous API sends every file to a service process through a worker thread, and for
// the ~435 files of a unit-test run that service took ~2.2 s of CPU where swc takes ~1 s in
// all (docs/speed.md, 2026-12-08).
//
// Under coverage the transform instruments the file itself (`canInstrument`), with
// oxc-coverage-instrument: it strips the types and adds Istanbul's counters in one pass over
// the TypeScript source, so the coverage map holds .ts positions with no source map between;
// swc then turns the module into CommonJS and chains the map. Jest's own instrumenter
// (babel-plugin-istanbul) took ~3 s of CPU for the ~100 source files in a fresh process,
// this one ~0.15 s. It also counts what babel's remapping through a second map lost: the
// implicit `else` of an `if` (Istanbul's second branch location has no position, and the
// remapper dropped it), and it does not count the `require` lines of the CommonJS as
// statements.
//
// Jest hoists nothing here: a test that must replace a module before it loads uses
// jest.spyOn on the module object instead of jest.mock.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { transformSync, version } = require('@swc/core');
const { instrument } = require('oxc-coverage-instrument');
// Its package exports no package.json: read the one beside its entry.
const INSTRUMENTER_VERSION = JSON.parse(
  readFileSync(join(dirname(require.resolve('oxc-coverage-instrument')), 'package.json'), 'utf8'),
).version;

// This file's own text is part of the cache key: an edit here must not leave jest running
// what the previous version produced.
const SELF = createHash('sha256').update(readFileSync(__filename)).digest('hex');

/**
 * CommonJS for Node 20 with swc's interop (a default import of a CommonJS module is its
 * `module.exports`, as esModuleInterop has it), class fields defined as tsconfig's ES2022
 * target defines them, and an inline map without the sources (the .ts files are on disk).
 * No .swcrc is read: the transform is all here.
 */
const OPTIONS = {
  swcrc: false,
  configFile: false,
  sourceMaps: 'inline',
  inlineSourcesContent: false,
  module: { type: 'commonjs' },
  jsc: { target: 'es2022', transform: { useDefineForClassFields: true } },
};
const TYPESCRIPT = { syntax: 'typescript' };
const JAVASCRIPT = { syntax: 'ecmascript' };

function swc(code, filename, parser, inputSourceMap) {
  const options = { ...OPTIONS, filename, jsc: { ...OPTIONS.jsc, parser } };
  return transformSync(code, inputSourceMap ? { ...options, inputSourceMap } : options);
}

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

module.exports = {
  canInstrument: true,
  process(source, filename, { instrument: withCoverage } = {}) {
    if (!withCoverage) return { code: swc(source, filename, TYPESCRIPT).code };
    const counted = instrument(source, filename, COVERAGE);
    // A coverage comment it could not apply would count code its author meant to leave out.
    const [pragma] = counted.unhandledPragmas;
    if (pragma) {
      throw new Error(
        `${filename}:${pragma.line}: coverage comment \`${pragma.comment}\` is not understood by oxc-coverage-instrument`,
      );
    }
    // swc maps its output through the instrumenter's map to the .ts.
    return { code: swc(counted.code, filename, JAVASCRIPT, counted.sourceMap).code };
  },
  // jest caches what it runs, instrumented for coverage or not, under this key alone: a key
  // without `instrument` let a run without coverage (`npx jest <file>`) leave a file that a
  // later coverage run loaded uninstrumented, and so left out of the report. Not jest's
  // whole config (`configString`): it holds the coverage folder, new on every test:unit run.
  getCacheKey(source, filename, { instrument: withCoverage }) {
    return createHash('sha256')
      .update(`${SELF}\0swc ${version}\0${JSON.stringify(OPTIONS)}\0${filename}\0`)
      .update(
        `${withCoverage ? `oxc-coverage-instrument ${INSTRUMENTER_VERSION} ${JSON.stringify(COVERAGE)}` : ''}\0`,
      )
      .update(source)
      .digest('hex');
  },
};
