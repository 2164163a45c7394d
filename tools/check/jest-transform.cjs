// Jest transform for the unit tests: esbuild strips the TypeScript types of one file
// (no type-checking: `npm run typecheck` does that once) and emits CommonJS with an
// inline source map, through which jest's coverage (istanbul) reports the .ts lines.
// Jest hoists nothing here: a test that must replace a module before it loads uses
// jest.spyOn on the module object instead of jest.mock.
'use strict';
const { createHash } = require('node:crypto');
const { transformSync, version } = require('esbuild');

// The instrumenter jest applies after this transform when collecting coverage.
const fromJest = { paths: [require.resolve('@jest/transform')] };
const istanbulPlugin = require.resolve('babel-plugin-istanbul/package.json', fromJest);
const ISTANBUL_VERSION = [
  require(istanbulPlugin).version,
  require(
    require.resolve('istanbul-lib-instrument/package.json', {
      paths: [require('node:path').dirname(istanbulPlugin)],
    }),
  ).version,
].join('/');

const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  sourcesContent: false,
};

module.exports = {
  process(source, filename) {
    const result = transformSync(source, { ...OPTIONS, sourcefile: filename });
    return { code: result.code };
  },
  // jest caches what it runs, instrumented for coverage or not, under this key alone: a key
  // without `instrument` let a run without coverage (`npx jest <file>`) leave a file that a
  // later coverage run loaded uninstrumented, and so left out of the report. Not jest's
  // whole config (`configString`): it holds the coverage folder, new on every test:unit run.
  getCacheKey(source, filename, { instrument }) {
    return createHash('sha256')
      .update(`esbuild ${version}\0${JSON.stringify(OPTIONS)}\0${filename}\0`)
      .update(`${instrument ? `istanbul ${ISTANBUL_VERSION}` : ''}\0`)
      .update(source)
      .digest('hex');
  },
};
