/**
 * Every setting name the app reads, from every table (platform, baseline, remote state),
 * and the check that refuses names that are not among them (config/unknown-settings.ts).
 */
import { STATE_ENV } from './backend';
import { BASELINE_SETTINGS } from './baseline';
import { ConfigError, ConfigSources } from './reader';
import { SETTINGS } from './settings';
import { knownSettings, unknownSettingProblems } from './unknown-settings';

/** Every setting of the app: the platform's, the baseline's, and the state overrides. */
export const KNOWN_SETTINGS = knownSettings(
  [SETTINGS, BASELINE_SETTINGS],
  Object.values(STATE_ENV),
);

/**
 * Throws ConfigError naming each environment variable that is a near miss of a setting and
 * each context key that is no setting.
 */
export function checkSettingNames(sources: ConfigSources, contextKeys: readonly string[]): void {
  const problems = unknownSettingProblems(sources, KNOWN_SETTINGS, contextKeys);
  if (problems.length > 0) throw new ConfigError(problems);
}
