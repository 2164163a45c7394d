import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SETTINGS } from '../config/config';

const readme = readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8');
/** Rows of the configuration table: `| \`VAR\` | \`contextKey\` | …` (prettier pads cells). */
const rows = [...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*`([a-zA-Z]+)`\s*\|/gm)].map(
  (m) => `${m[1]} ${m[2]}`,
);

describe('README configuration table', () => {
  it.each(Object.values(SETTINGS).map((s) => [s.envVar, s.contextKey]))(
    'documents %s (context key %s)',
    (envVar, contextKey) => {
      expect(rows).toContain(`${envVar} ${contextKey}`);
    },
  );

  it('documents no setting the code does not read', () => {
    expect(rows.map((r) => r.split(' ')[0]).sort()).toEqual(
      Object.values(SETTINGS)
        .map((s) => s.envVar)
        .sort(),
    );
  });
});
