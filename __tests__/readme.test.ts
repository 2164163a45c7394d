import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BASELINE_SETTINGS } from '../config/baseline';
import { SETTINGS } from '../config/config';

const configuration = readFileSync(resolve(__dirname, '..', 'docs', 'configuration.md'), 'utf8');
/** Rows of the configuration tables: `| \`VAR\` | \`contextKey\` | …` (oxfmt pads cells). */
const rows = [
  ...configuration.matchAll(/^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|\s*`([a-zA-Z]+)`\s*\|/gm),
].map((m) => `${m[1]} ${m[2]}`);

/** The platform's settings and the account baseline's, each in its table of docs/configuration.md. */
const ALL_SETTINGS = [...Object.values(SETTINGS), ...Object.values(BASELINE_SETTINGS)];

describe('docs/configuration.md configuration tables', () => {
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
