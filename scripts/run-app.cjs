#!/usr/bin/env node
// The CDKTF app command (cdktf.json "app"): strips the types of main.ts and everything it
// imports from this project in one esbuild bundle (~30 ms, no type-checking: `npm run
// typecheck` does that once), keeps node_modules external, and runs it in this process.
// Measured against ts-node with type-checking in `npm run bench`.
'use strict';
const { buildSync } = require('esbuild');
const Module = require('node:module');
const path = require('node:path');

const entry = path.resolve(process.argv[2] ?? 'main.ts');
const result = buildSync({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  write: false,
  logLevel: 'error',
});

process.setSourceMapsEnabled(true);
const app = new Module(entry, module);
app.filename = entry;
app.paths = Module._nodeModulePaths(path.dirname(entry));
app._compile(result.outputFiles[0].text, entry);
