// jest's globalTeardown: see jest-tmpdir.cjs.
module.exports = require('./jest-tmpdir.cjs').teardown;
