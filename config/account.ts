/**
 * Account pinning: the AWS account each environment may be deployed to. It feeds the
 * provider's `allowed_account_ids`, so a plan for `prod` run with the `dev` account's
 * credentials stops before it reads or changes anything.
 *
 * One setting, two forms:
 * - `123456789012`: every environment of this run belongs to that account;
 * - `dev=111111111111,prod=222222222222`: one account per environment; environments
 *   not listed are not pinned, and listed environments not synthesized in this run are
 *   allowed (one CI variable can serve every pipeline).
 */

/** An AWS account id is exactly 12 digits. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
const ENVIRONMENT_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/;

export interface AccountIdProblem {
  /** The offending item (or the whole value). */
  readonly value: string;
  readonly rule: string;
}

export interface ParsedAccountIds {
  /** Account for every environment (bare form). */
  readonly all?: string;
  /** Account per environment (pair form). */
  readonly byEnvironment: Readonly<Record<string, string>>;
  readonly problems: readonly AccountIdProblem[];
}

export const ACCOUNT_ID_RULE =
  'a 12-digit AWS account id (e.g. 123456789012), or comma-separated <environment>=<12-digit id> pairs (e.g. dev=111111111111,prod=222222222222)';

/** Parses the setting's value; a blank value is the caller's to refuse. */
export function parseAccountIds(value: string): ParsedAccountIds {
  const trimmed = value.trim();
  if (!trimmed.includes('=')) {
    return ACCOUNT_ID_PATTERN.test(trimmed)
      ? { all: trimmed, byEnvironment: {}, problems: [] }
      : {
          byEnvironment: {},
          problems: [{ value: trimmed, rule: `must be ${ACCOUNT_ID_RULE}` }],
        };
  }
  const byEnvironment: Record<string, string> = {};
  const problems: AccountIdProblem[] = [];
  for (const item of trimmed.split(',').map((s) => s.trim())) {
    const [environment, id, ...rest] = item.split('=').map((s) => s.trim());
    if (rest.length > 0 || !environment || !ENVIRONMENT_PATTERN.test(environment)) {
      problems.push({
        value: item,
        rule: `each item must be <environment>=<12-digit id>, e.g. prod=222222222222 (${ACCOUNT_ID_RULE})`,
      });
    } else if (!ACCOUNT_ID_PATTERN.test(id ?? '')) {
      problems.push({
        value: item,
        rule: `the account id of "${environment}" must be exactly 12 digits, e.g. ${environment}=123456789012`,
      });
    } else if (environment in byEnvironment) {
      problems.push({
        value: item,
        rule: `environment "${environment}" is listed twice; give each environment one account`,
      });
    } else {
      byEnvironment[environment] = id;
    }
  }
  return { byEnvironment, problems };
}

/** The account `environment` is pinned to, if any. */
export function accountIdFor(parsed: ParsedAccountIds, environment: string): string | undefined {
  return parsed.byEnvironment[environment] ?? parsed.all;
}
