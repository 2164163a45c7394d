import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BASELINE_SETTINGS } from '../config/baseline';
import { SETTINGS } from '../config/config';

const readme = readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8');
/** Rows of the configuration table: `| \`VAR\` | \`contextKey\` | …` (oxfmt pads cells). */
const rows = [...readme.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*`([a-zA-Z]+)`\s*\|/gm)].map(
  (m) => `${m[1]} ${m[2]}`,
);

/** The platform's settings and the account baseline's, each in its README table. */
const ALL_SETTINGS = [...Object.values(SETTINGS), ...Object.values(BASELINE_SETTINGS)];

describe('README configuration tables', () => {
  it.each(ALL_SETTINGS.map((s) => [s.envVar, s.contextKey]))(
    'documents %s (context key %s)',
    (envVar, contextKey) => {
      expect(rows).toContain(`${envVar} ${contextKey}`);
    },
  );

  it('documents no setting the code does not read', () => {
    expect(rows.map((r) => r.split(' ')[0]).sort()).toEqual(
      ALL_SETTINGS.map((s) => s.envVar).sort(),
    );
  });
});
