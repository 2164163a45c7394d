#!/usr/bin/env node
// The CDKTF app command (cdktf.json "app"): strips the types of main.ts and everything it
// imports from this project in one esbuild bundle (~30 ms, no type-checking: `npm run
// typecheck` does that once), keeps node_modules external, and runs it in this process.
// Measured against ts-node with type-checking in `npm run bench`. Source maps are opt-in
// (CDKTF_APP_SOURCEMAPS=1): cdktf captures a stack trace for every token, and mapping
// those through a source map cost ~130 ms per synth.
'use strict';
const { buildSync } = require('esbuild');
const Module = require('node:module');
const path = require('node:path');

const entry = path.resolve(process.argv[2] ?? 'main.ts');

// CDKTF_FRAMEWORK=cdktn: the app (and @cdktf/provider-aws, which requires `cdktf` too) runs
// on CDK Terrain, the maintained continuation of the archived CDKTF, installed beside it as
// the dev dependency `cdktn`. `npm test` synthesizes under both and requires the same
// Terraform JSON (tools/synth/framework.ts); docs/toolchain.md has the switch.
const framework = process.env.CDKTF_FRAMEWORK ?? 'cdktf';
if (framework !== 'cdktf' && framework !== 'cdktn') {
  process.stderr.write(`CDKTF_FRAMEWORK = "${framework}": must be cdktf or cdktn\n`);
  process.exit(1);
}
if (framework === 'cdktn') {
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const redirected =
      request === 'cdktf' || request.startsWith('cdktf/') ? `cdktn${request.slice(5)}` : request;
    return resolve.call(this, redirected, ...rest);
  };
}
const result = buildSync({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: process.env.CDKTF_APP_SOURCEMAPS === '1' ? 'inline' : false,
  write: false,
  logLevel: 'error',
});

if (process.env.CDKTF_APP_SOURCEMAPS === '1') process.setSourceMapsEnabled(true);
const app = new Module(entry, module);
app.filename = entry;
app.paths = Module._nodeModulePaths(path.dirname(entry));
app._compile(result.outputFiles[0].text, entry);
