/**
 * jest's globalSetup and globalTeardown: every test run gets a temporary folder of its own
 * as TMPDIR (os.tmpdir() of the tests and of cdktf's Testing, which makes one folder per
 * synthesized stack and never removes it), and the folder goes when the run ends. A test run
 * leaves nothing in the machine's temp folder. The folder is made where scratch.cjs says:
 * TMPDIR when set, else in memory when the machine has room there.
 */
const fs = require('node:fs');
const path = require('node:path');
const { scratchParent } = require('./scratch.cjs');

const OWNED = 'JEST_RUN_TMPDIR';

async function setup() {
  const dir = fs.mkdtempSync(path.join(scratchParent(), 'healthcare-jest-'));
  process.env[OWNED] = dir;
  process.env.TMPDIR = dir;
}

async function teardown() {
  const dir = process.env[OWNED];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = setup;
module.exports.setup = setup;
module.exports.teardown = teardown;
