import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SETTINGS } from '../config/config';

const readme = readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8');

describe('README configuration table', () => {
  it.each(Object.values(SETTINGS).map((s) => [s.envVar, s.contextKey]))(
    'documents %s (context key %s)',
    (envVar, contextKey) => {
      expect(readme).toContain(`| \`${envVar}\` | \`${contextKey}\` |`);
    },
  );

  it('documents no setting the code does not read', () => {
    const documented = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| `[a-zA-Z]+` \|/gm)].map(
      (m) => m[1],
    );
    expect(documented.sort()).toEqual(
      Object.values(SETTINGS)
        .map((s) => s.envVar)
        .sort(),
    );
  });
});
