/**
 * Settings that may differ per environment of one run, in the form AWS_ACCOUNT_ID uses
 * (config/account.ts): one bare value for every environment, or comma-separated
 * `<environment>=<value>` pairs (environments not listed keep their default, and listed
 * environments not synthesized in this run are allowed, so one CI variable can serve every
 * pipeline). Used by VPC_CIDR, API_DOMAIN_NAME and API_CERTIFICATE_ARN.
 */

const ENVIRONMENT_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;

/** The value of one item, or the rule it breaks. */
export type ItemResult<T> = { readonly value: T } | { readonly rule: string };

export interface PerEnvironmentProblem {
  /** The offending item (or the whole value). */
  readonly value: string;
  readonly rule: string;
}

export interface PerEnvironment<T> {
  /** The value of every environment (bare form). */
  readonly all?: T;
  /** The value per environment (pair form). */
  readonly byEnvironment: Readonly<Record<string, T>>;
  readonly problems: readonly PerEnvironmentProblem[];
}

/**
 * Parses `value` (already trimmed, not blank) into a bare value or pairs; `parseItem` checks
 * one value, `example` is a valid value shown in the pair-format rule.
 */
export function parsePerEnvironment<T>(
  value: string,
  parseItem: (text: string) => ItemResult<T>,
  example: string,
): PerEnvironment<T> {
  if (!value.includes('=')) {
    const item = parseItem(value.trim());
    return 'value' in item
      ? { all: item.value, byEnvironment: {}, problems: [] }
      : { byEnvironment: {}, problems: [{ value: value.trim(), rule: item.rule }] };
  }
  const byEnvironment: Record<string, T> = {};
  const problems: PerEnvironmentProblem[] = [];
  for (const raw of value.split(',').map((s) => s.trim())) {
    const [environment, text, ...rest] = raw.split('=').map((s) => s.trim());
    if (rest.length > 0 || !environment || !ENVIRONMENT_PATTERN.test(environment) || !text) {
      problems.push({
        value: raw,
        rule: `each item must be <environment>=<value>, e.g. prod=${example}; or give one value for every environment`,
      });
      continue;
    }
    if (environment in byEnvironment) {
      problems.push({
        value: raw,
        rule: `environment "${environment}" is listed twice; give each environment one value`,
      });
      continue;
    }
    const item = parseItem(text);
    if ('value' in item) byEnvironment[environment] = item.value;
    else problems.push({ value: raw, rule: item.rule });
  }
  return { byEnvironment, problems };
}

/** The value `environment` gets: its pair, else the bare value, else undefined. */
export function valueFor<T>(parsed: PerEnvironment<T>, environment: string): T | undefined {
  return parsed.byEnvironment[environment] ?? parsed.all;
}

/** The result of a setting that is not set at all. */
export function unset<T>(): PerEnvironment<T> {
  return { byEnvironment: {}, problems: [] };
}
