/** Writes docs/policy.md's rule table from the rules: `node --require tsx/cjs tools/policy/docs.command.ts`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withRuleTable } from './docs';

const path = 'docs/policy.md';
writeFileSync(path, withRuleTable(readFileSync(path, 'utf8')));
