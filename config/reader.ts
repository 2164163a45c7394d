/**
 * How a setting is read (environment variable, then cdktf context, else the default) and how
 * bad input is reported: every problem is collected into one ConfigError naming the setting,
 * the value and the rule.
 */
import { SETTINGS, SettingKey, SettingSpec } from './settings';

export interface ConfigProblem {
  /** Where the value came from: the variable name, `context "key"`, or the setting name. */
  readonly setting: string;
  /** What it was set to; undefined when it is not set at all (a required setting). */
  readonly value: string | undefined;
  readonly rule: string;
}

/** One problem as the message shows it: `NAME = "value": rule`, or `NAME (not set): rule`. */
export function formatProblem(p: ConfigProblem): string {
  const shown = p.value === undefined ? ' (not set)' : ` = ${JSON.stringify(p.value)}`;
  return `${p.setting}${shown}: ${p.rule}`;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Where configuration comes from; main.ts passes process.env and the app's context. */
export interface ConfigSources {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly context?: (key: string) => unknown;
}

/** The rule a present-but-blank setting breaks. */
export const BLANK_RULE = 'is set but blank: unset it to use the default, or give a value';

/**
 * Reads one raw setting of a settings table (the platform's SETTINGS by default):
 * environment variable first, then context, else undefined.
 */
export class Reader<K extends string = SettingKey> {
  readonly problems: ConfigProblem[] = [];

  constructor(
    private readonly sources: ConfigSources,
    private readonly table: Readonly<Record<K, SettingSpec>> = SETTINGS as Record<K, SettingSpec>,
  ) {}

  /**
   * The raw value, trimmed, or undefined when unset. A setting that is present but blank is
   * refused, for every setting: a CI variable that expanded to nothing must never silently
   * mean "use the default" (for ENVIRONMENT_SUFFIX, that default is prod).
   */
  raw(key: K): { value: string; label: string } | undefined {
    const spec = this.table[key];
    const fromEnv = this.sources.env[spec.envVar];
    if (fromEnv !== undefined) return this.present(fromEnv, spec.envVar);
    const fromContext = this.sources.context?.(spec.contextKey);
    if (fromContext === undefined || fromContext === null) return undefined;
    const value = Array.isArray(fromContext) ? fromContext.join(',') : String(fromContext);
    return this.present(value, `context "${spec.contextKey}"`);
  }

  private present(value: string, label: string): { value: string; label: string } | undefined {
    if (value.trim() === '') {
      this.fail(label, '', BLANK_RULE);
      return undefined;
    }
    return { value: value.trim(), label };
  }

  fail(label: string, value: string | undefined, rule: string): void {
    this.problems.push({ setting: label, value, rule });
  }

  integer(key: K, fallback: number, min: number, max: number): number {
    const raw = this.raw(key);
    if (!raw) return fallback;
    const n = Number(raw.value);
    if (!/^-?\d+$/.test(raw.value) || n < min || n > max) {
      this.fail(raw.label, raw.value, `must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  oneOf<T extends string | number>(key: K, fallback: T, allowed: readonly T[]): T {
    const raw = this.raw(key);
    if (!raw) return fallback;
    const match = allowed.find((a) => String(a) === raw.value);
    if (match === undefined) {
      this.fail(raw.label, raw.value, `must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return match;
  }

  matching(key: K, fallback: string, pattern: RegExp, rule: string): string {
    const raw = this.raw(key);
    if (!raw) return fallback;
    if (!pattern.test(raw.value)) {
      this.fail(raw.label, raw.value, rule);
      return fallback;
    }
    return raw.value;
  }
}

export function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.setting}\u0000${p.value}\u0000${p.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
