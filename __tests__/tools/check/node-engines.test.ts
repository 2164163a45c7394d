/**
 * tools/check/node-engines.cjs: the check `.ci/run` makes of the machine's Node (and of the LTS
 * it also tests on) against package.json's engines.node, before anything is installed.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { satisfies, checkNode } = require('../../../tools/check/node-engines.cjs') as {
  satisfies: (version: string, range: string) => boolean;
  checkNode: (version: string, pkg: unknown) => { ok: boolean; message: string };
};

const ROOT = resolve(__dirname, '..', '..', '..');
const ENGINES = '^20.19.0 || ^22.13.0 || >=23.5.0';

describe("satisfies, on this project's range", () => {
  test.each([
    ['v20.18.3', false],
    ['20.19.0', true],
    ['v20.20.2', true],
    ['21.7.3', false],
    ['22.12.0', false],
    ['22.13.0', true],
    ['23.4.0', false],
    ['23.5.0', true],
    ['24.0.0', true],
    ['26.12.1', true],
  ])('%s → %s', (version, expected) => {
    expect(satisfies(version, ENGINES)).toBe(expected);
  });
});

describe('satisfies, the comparators engines use', () => {
  test.each([
    // >= and >, with partial versions (>20.19 is >=20.20.0)
    ['20.0.0', '>=20', true],
    ['19.9.9', '>= 20', false],
    ['20.19.0', '>20.19', false],
    ['20.20.0', '>20.19', true],
    ['20.19.1', '>20.19.0', true],
    // < and <=, exclusive and inclusive of a partial version
    ['20.19.0', '<20.19', false],
    ['20.18.9', '<20.19', true],
    ['20.19.9', '<=20.19', true],
    ['20.20.0', '<=20.19', false],
    // ^ keeps the first non-zero part, ~ the minor
    ['20.99.0', '^20.19.0', true],
    ['21.0.0', '^20.19.0', false],
    ['0.2.9', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.4', '^0.0.3', false],
    ['20.19.7', '~20.19.1', true],
    ['20.20.0', '~20.19.1', false],
    ['20.9.0', '~20', true],
    // exact, partial-exact and wildcards
    ['20.19.0', '20.19.0', true],
    ['20.19.1', '=20.19.0', false],
    ['20.19.5', '20.19.x', true],
    ['26.0.0', '*', true],
    ['26.0.0', '', true],
    ['20.19.0', '>x', false],
    // a set needs every comparator; any set of an || will do
    ['20.5.0', '>=20 <20.19', true],
    ['20.19.0', '>=20 <20.19', false],
    ['18.0.0', '^16 || ^18', true],
  ])('%s in "%s" → %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  test('refuses by name what it does not read, rather than guessing', () => {
    expect(() => satisfies('20.0.0', '1.2.3 - 2.3.4')).toThrow(
      'engines.node "1.2.3 - 2.3.4": cannot read "-"',
    );
    expect(() => satisfies('20.0.0', '~>20')).toThrow('cannot read ">20"');
    expect(() => satisfies('20.0.0', '>=20.1.2.3')).toThrow('cannot read "20.1.2.3"');
    expect(() => satisfies('twenty', '>=20')).toThrow('not a version: twenty');
    // Also in a set after one that matches.
    expect(() => satisfies('20.0.0', '>=20 || 1.2.3 - 2.3.4')).toThrow('cannot read "-"');
  });
});

describe('checkNode', () => {
  test('says which Node is within which range, or what to do', () => {
    expect(checkNode('v20.20.2', { engines: { node: ENGINES } })).toEqual({
      ok: true,
      message: `Node v20.20.2 is within engines.node "${ENGINES}"`,
    });
    const old = checkNode('v20.18.0', { engines: { node: ENGINES } });
    expect(old.ok).toBe(false);
    expect(old.message).toMatch(
      /^Node v20\.18\.0 is outside package\.json's engines\.node "\^20\.19\.0 \|\| \^22\.13\.0 \|\| >=23\.5\.0": install a Node in that range/,
    );
    expect(checkNode('v20.20.2', {})).toEqual({
      ok: false,
      message: 'package.json has no engines.node to check against',
    });
  });

  test("package.json declares the range, and .nvmrc's and the tested LTS's versions are in it", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.engines.node).toBe(ENGINES);
    const lts = readFileSync(join(ROOT, '.node-lts-version'), 'utf8').trim();
    expect(lts).toBe('26.12.1');
    expect(checkNode(lts, pkg).ok).toBe(true);
    // .nvmrc names a major: its first and its current release must both be in range.
    const nvmrc = readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim();
    expect(nvmrc).toBe('22');
    expect(satisfies('22.13.0', pkg.engines.node)).toBe(true);
    expect(satisfies('22.0.0', pkg.engines.node)).toBe(false);
  });
});
