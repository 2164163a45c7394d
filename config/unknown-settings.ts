/**
 * Settings that do not exist: an environment variable one or two keystrokes away from a
 * setting's name (`ENVIROMENT_SUFFIX`) or a cdktf context key no table knows. Either would
 * otherwise be ignored in silence and the default used instead, which for the environment
 * suffix is prod. Reported with the setting it looks like, before anything is synthesized.
 */
import type { ConfigProblem, ConfigSources } from './reader';
import type { SettingSpec } from './settings';

/**
 * Context keys the cdktf CLI and library add or read themselves: the CLI passes
 * `cdktfRelativeModules`, and cdktf's feature flags and settings all start with `cdktf`
 * or are listed here.
 */
const CDKTF_CONTEXT_KEYS =
  /^cdktf[A-Za-z]*$|^(excludeStackIdFromLogicalIds|allowSepCharsInLogicalIds)$/;

/** The settings one name stands for, as a near miss is compared against them. */
export interface KnownSetting {
  readonly envVar: string;
  readonly contextKey?: string;
}

/** Every setting of the given tables, and extra variables read elsewhere (state overrides). */
export function knownSettings(
  tables: readonly Readonly<Record<string, SettingSpec>>[],
  extraVariables: readonly string[] = [],
): KnownSetting[] {
  const known: KnownSetting[] = [];
  for (const table of tables) {
    for (const spec of Object.values(table)) {
      known.push({ envVar: spec.envVar, contextKey: spec.contextKey });
    }
  }
  for (const envVar of extraVariables) known.push({ envVar });
  return known;
}

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost one (`ENVIROMENT` → `ENVIRONMENT` is one).
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * How far a name may be from a setting and still be taken for a typo of it: one edit for
 * names of up to 9 characters (`VPC_CIDR`, `AZ_COUNT`), two for longer ones. Case is
 * ignored, so `environment_suffix` is a near miss too.
 */
export function nearMissLimit(name: string): number {
  return name.length <= 9 ? 1 : 2;
}

/** The setting `name` is a near miss of, or undefined (an exact name is no miss). */
export function nearMissOf(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.includes(name)) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(name.toUpperCase(), candidate.toUpperCase());
    if (distance > nearMissLimit(candidate)) continue;
    if (best === undefined || distance < best.distance) best = { name: candidate, distance };
  }
  return best?.name;
}

/**
 * One problem per environment variable that is a near miss of a setting's variable, and per
 * context key that is no setting's key (with the key it looks like, when one is close).
 */
export function unknownSettingProblems(
  sources: ConfigSources,
  known: readonly KnownSetting[],
  contextKeys: readonly string[] = [],
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const envVars = known.map((k) => k.envVar);
  for (const [name, value] of Object.entries(sources.env)) {
    if (value === undefined) continue;
    const like = nearMissOf(name, envVars);
    if (like === undefined) continue;
    problems.push({
      setting: name,
      value,
      rule: `is not a setting; did you mean ${like}? (a misspelled setting would be ignored and its default used)`,
    });
  }
  const keys = known.map((k) => k.contextKey).filter((k): k is string => k !== undefined);
  for (const key of contextKeys) {
    if (keys.includes(key) || CDKTF_CONTEXT_KEYS.test(key)) continue;
    const like = nearMissOf(key, keys);
    problems.push({
      setting: `context "${key}"`,
      value: String(sources.context?.(key) ?? ''),
      rule: `is not a setting${like ? `; did you mean "${like}"?` : ''} (cdktf.json "context" takes only the keys in docs/configuration.md's tables)`,
    });
  }
  return problems;
}
