// The unit tests' first setup file (jest.config.js `setupFiles`). jest-light-runner runs the
// test files in plain Node with one module cache per process: cdktf, the provider bindings
// and the stacks load once per jest process, not once per test file as under jest's own
// runner. Plain Node cannot load TypeScript, so this registers a require hook (pirates) that
// compiles each `.ts` file with jest-transform.cjs, the transform `npm run test:cli` runs
// under jest's own runner (the same swc output, the same coverage counters), and a
// module hook that hands the runner's `import()` of a test file to it: on Node ≥ 22.15 a
// synchronous `module.registerHooks` hook, on Node 20 ts-esm-hook.mjs (`module.register`,
// which newer Nodes deprecate).
// Under `npm run test:unit` (UNIT_COVERAGE_FILE set) the files jest.config.js's
// collectCoverageFrom takes get oxc-coverage-instrument's counters, and the process writes
// the counts to that file as it exits.
'use strict';
const { writeFileSync } = require('node:fs');
const nodeModule = require('node:module');
const { relative, resolve, sep } = require('node:path');
const { pathToFileURL } = require('node:url');
const { addHook } = require('pirates');
const { globsToMatcher } = require('jest-util');
const { process: compile } = require('./jest-transform.cjs');

const ROOT = resolve(__dirname, '..', '..');
const COVERAGE_FILE = process.env.UNIT_COVERAGE_FILE;
const TYPESCRIPT_URL = /^file:.*\.ts(\?|$)/;
const REGISTERED = Symbol.for('healthcare-platform.light-runner-setup');

/** Whether `filename` gets coverage counters: under test:unit, when collectCoverageFrom takes it. */
function countedBy(coverageFile) {
  if (!coverageFile) return () => false;
  const { collectCoverageFrom } = require(resolve(ROOT, 'jest.config.js'));
  const matches = globsToMatcher(collectCoverageFrom);
  return (filename) => {
    const path = relative(ROOT, filename).split(sep).join('/');
    return !path.startsWith('../') && matches(path);
  };
}

function registerTypeScript(counted) {
  addHook((source, filename) => compile(source, filename, { instrument: counted(filename) }).code, {
    exts: ['.ts'],
    ignoreNodeModules: true,
  });
  // A `commonjs` answer without source: Node loads the file with require, through the hook above.
  if (typeof nodeModule.registerHooks === 'function') {
    nodeModule.registerHooks({
      load: (url, context, nextLoad) =>
        TYPESCRIPT_URL.test(url) && context.conditions?.includes('import')
          ? { format: 'commonjs', shortCircuit: true }
          : nextLoad(url, context),
    });
  } else {
    nodeModule.register('./ts-esm-hook.mjs', pathToFileURL(__filename));
  }
}

// The runner loads setup files once per process; the guard keeps a second load harmless.
if (!globalThis[REGISTERED]) {
  globalThis[REGISTERED] = true;
  registerTypeScript(countedBy(COVERAGE_FILE));
  // Stack traces name the .ts lines (the transform's inline maps): jest's own runner maps
  // them itself, this runner does not, and a failure pointed at a line of the CommonJS.
  // Cost: test:unit cold took 1.04x the wall time (three pairs, 0.98-1.07x: this machine's noise).
  process.setSourceMapsEnabled(true);
  if (COVERAGE_FILE) {
    process.on('exit', () => {
      writeFileSync(COVERAGE_FILE, JSON.stringify(globalThis.__coverage__ ?? {}));
    });
  }
}
