import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The resolver jest.config.js names, loaded as jest loads it (a CommonJS module).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resolve = require('../../../tools/check/jest-resolver.cjs') as (
  request: string,
  options: { basedir: string; defaultResolver: (request: string, options: object) => string },
) => string;

const cdktfLib = join(dirname(require.resolve('cdktf/package.json')), 'lib', 'private');
const realSemver = require.resolve('semver', { paths: [cdktfLib] });
const defaultResolver = (request: string, options: object) =>
  require.resolve(request, { paths: [(options as { basedir: string }).basedir] });

test('semver required from inside cdktf resolves to a stand-in that loads the real module on first use', () => {
  const stub = resolve('semver', { basedir: cdktfLib, defaultResolver });
  expect(stub).not.toBe(realSemver);
  expect(stub).toMatch(/node_modules\/\.cache\/jest-lazy\/[0-9a-f]{16}\.cjs$/);
  expect(readFileSync(stub, 'utf8')).toContain(`require(${JSON.stringify(realSemver)})`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const semver = require(stub);
  expect(semver.satisfies('1.11.4', '>=1.5')).toBe(true);
  expect(new semver.SemVer('5.100.0').minor).toBe(100);
  expect('valid' in semver).toBe(true);
});

test('the same request resolves to the same stand-in', () => {
  const options = { basedir: cdktfLib, defaultResolver };
  expect(resolve('archiver', options)).toBe(resolve('archiver', options));
});

test('other modules, and these from outside cdktf, resolve as jest would', () => {
  expect(resolve('json-stable-stringify', { basedir: cdktfLib, defaultResolver })).toBe(
    require.resolve('json-stable-stringify', { paths: [cdktfLib] }),
  );
  expect(resolve('semver', { basedir: __dirname, defaultResolver })).toBe(
    require.resolve('semver', { paths: [__dirname] }),
  );
});
