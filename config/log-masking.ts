/**
 * What CloudWatch Logs masks in the platform's log groups (data protection policies): the
 * AWS-managed data identifiers chosen for a healthcare platform, and the operator's own
 * patterns (`LOG_MASK_PATTERNS`). Shared by the configuration rule and the LogDataProtection
 * construct, like config/pgaudit.ts. docs/phi-in-logs.md explains the choice.
 */

/**
 * Managed identifiers AWS lists as protected health information
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/protect-sensitive-log-data-types-health.html).
 */
export const HEALTH_DATA_IDENTIFIERS = [
  'DrugEnforcementAgencyNumber-US',
  'HealthcareProcedureCode-US',
  'HealthInsuranceCardNumber-EU',
  'HealthInsuranceClaimNumber-US',
  'HealthInsuranceNumber-FR',
  'MedicareBeneficiaryNumber-US',
  'NationalDrugCode-US',
  'NationalInsuranceNumber-GB',
  'NationalProviderId-US',
  'NhsNumber-GB',
  'PersonalHealthNumber-CA',
] as const;

/**
 * Managed identifiers for the HIPAA identifiers of a person (45 CFR 164.514(b)(2)): name,
 * address, dates, phone numbers, e-mail, SSN and other national numbers, licence and vehicle
 * numbers, account numbers, and AWS secret keys (a leaked credential reaches the PHI).
 * Country variants are those of the regions the platform serves (US, and the EU and UK
 * of its default region). IP addresses are left visible: the edge logs need them for
 * incident response (see docs/phi-in-logs.md).
 */
export const PERSONAL_DATA_IDENTIFIERS = [
  'Name',
  'Address',
  'EmailAddress',
  'DateOfBirth',
  'LatLong',
  'PhoneNumber-US',
  'PhoneNumber-GB',
  'PhoneNumber-DE',
  'PhoneNumber-FR',
  'PhoneNumber-IT',
  'PhoneNumber-ES',
  'Ssn-US',
  'Ssn-ES',
  'DriversLicense-US',
  'DriversLicense-GB',
  'DriversLicense-DE',
  'DriversLicense-FR',
  'DriversLicense-IT',
  'DriversLicense-ES',
  'PassportNumber-US',
  'IndividualTaxIdentificationNumber-US',
  'NationalIdentificationNumber-DE',
  'NationalIdentificationNumber-ES',
  'NationalIdentificationNumber-IT',
  'VehicleIdentificationNumber',
  'CreditCardNumber',
  'BankAccountNumber-US',
  'AwsSecretKey',
] as const;

/** Every managed identifier the platform's policies name, health first. */
export const MANAGED_DATA_IDENTIFIERS: readonly string[] = [
  ...HEALTH_DATA_IDENTIFIERS,
  ...PERSONAL_DATA_IDENTIFIERS,
];

/**
 * Managed identifier names known to exist besides the ones used (a custom identifier may not
 * take any managed name). A name is also refused when it is a managed name without its
 * country suffix (`PhoneNumber`), so a future country variant cannot clash either.
 */
const OTHER_MANAGED_NAMES = ['IpAddress', 'ZipCode-US', 'TaxId-DE', 'TaxId-ES', 'TaxId-FR'];

/** The ARN of a managed identifier (the commercial partition: config/regions.ts). */
export function managedIdentifierArn(name: string): string {
  return `arn:aws:dataprotection::aws:data-identifier/${name}`;
}

/** A custom data identifier: its name (used in the policy's DataIdentifier lists) and regex. */
export interface CustomDataIdentifier {
  readonly name: string;
  readonly regex: string;
}

/** AWS limits (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL-custom-data-identifiers.html). */
export const MAX_CUSTOM_IDENTIFIERS = 10;
export const MAX_CUSTOM_NAME_LENGTH = 128;
export const MAX_CUSTOM_REGEX_LENGTH = 200;
const CUSTOM_NAME = /^[A-Za-z0-9_-]+$/;

const managedNames = (): Set<string> => {
  const names = new Set<string>();
  for (const name of [...MANAGED_DATA_IDENTIFIERS, ...OTHER_MANAGED_NAMES]) {
    names.add(name.toLowerCase());
    names.add(name.replace(/-[A-Z]{2}$/, '').toLowerCase());
  }
  return names;
};

/** What is wrong with one identifier, as one message (undefined when it is fine). */
function identifierProblem(
  identifier: CustomDataIdentifier,
  managed: Set<string>,
): string | undefined {
  const { name, regex } = identifier;
  const wrong: string[] = [];
  if (!(name.length >= 1 && name.length <= MAX_CUSTOM_NAME_LENGTH && CUSTOM_NAME.test(name))) {
    wrong.push(`the name must be 1 to ${MAX_CUSTOM_NAME_LENGTH} letters, digits, "_" or "-"`);
  } else if (managed.has(name.toLowerCase())) {
    wrong.push(
      `the name is taken by an AWS-managed data identifier (choose another, e.g. My${name})`,
    );
  }
  if (regex.length === 0) {
    wrong.push('the regex is empty');
  } else if (regex.length > MAX_CUSTOM_REGEX_LENGTH) {
    wrong.push(`the regex has ${regex.length} characters, at most ${MAX_CUSTOM_REGEX_LENGTH}`);
  } else {
    try {
      new RegExp(regex);
    } catch (error) {
      wrong.push(`the regex does not compile (${(error as SyntaxError).message})`);
    }
  }
  return wrong.length > 0 ? `"${name}": ${wrong.join('; ')}` : undefined;
}

/**
 * Every rule the list breaks: the count, then one message per bad identifier (its name, a
 * duplicate name, its regex).
 */
export function customIdentifierProblems(identifiers: readonly CustomDataIdentifier[]): string[] {
  const managed = managedNames();
  const problems: string[] = [];
  if (identifiers.length > MAX_CUSTOM_IDENTIFIERS) {
    problems.push(
      `${identifiers.length} custom identifiers; a data protection policy takes at most ${MAX_CUSTOM_IDENTIFIERS}`,
    );
  }
  const seen = new Set<string>();
  for (const identifier of identifiers) {
    const problem = seen.has(identifier.name)
      ? `"${identifier.name}": the name is given twice`
      : identifierProblem(identifier, managed);
    if (problem) problems.push(problem);
    seen.add(identifier.name);
  }
  return problems;
}

/**
 * Parses `name=regex;name=regex` (LOG_MASK_PATTERNS). A regex may contain `=` (the first one
 * ends the name) but not `;`, which separates entries; names and regexes are trimmed. Returns
 * the identifiers and one problem per bad entry.
 */
export function parseMaskPatterns(text: string): {
  identifiers: CustomDataIdentifier[];
  problems: string[];
} {
  const identifiers: CustomDataIdentifier[] = [];
  const problems: string[] = [];
  // Empty entries (a trailing ";") are skipped.
  const entries = text
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  entries.forEach((entry, index) => {
    const at = entry.indexOf('=');
    if (at < 0) {
      problems.push(
        `entry ${index + 1} "${entry}" is not name=regex (entries are separated by ";")`,
      );
      return;
    }
    identifiers.push({ name: entry.slice(0, at).trim(), regex: entry.slice(at + 1).trim() });
  });
  problems.push(...customIdentifierProblems(identifiers));
  return { identifiers, problems };
}
