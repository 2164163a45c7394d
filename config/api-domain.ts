/**
 * The API's custom domain (API_DOMAIN_NAME, API_CERTIFICATE_ARN). The default execute-api
 * host of a regional REST API negotiates TLS 1.0 and cannot be given another security
 * policy; a custom domain can (TLS_1_2), and with it the execute-api endpoint is turned off.
 * Both settings take one value for every environment or `<env>=<value>` pairs; each
 * environment needs both or neither.
 */
import {
  ItemResult,
  parsePerEnvironment,
  PerEnvironment,
  unset,
  valueFor,
} from './per-environment';
import { Reader } from './reader';
import { SETTINGS } from './settings';

export interface ApiDomain {
  /** The host name clients call, e.g. `api.example.org`. */
  readonly domainName: string;
  /** ACM certificate in the environment's region covering `domainName`. */
  readonly certificateArn: string;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** `arn:aws:acm:<region>:<account>:certificate/<uuid>` (commercial partition, as config/regions.ts). */
export const CERTIFICATE_ARN_PATTERN =
  /^arn:aws:acm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** One host name: lowercase letters, digits and hyphens in dot-separated labels, a TLD of letters. */
export function parseDomainName(text: string): ItemResult<string> {
  const labels = text.split('.');
  const tld = labels[labels.length - 1];
  if (
    text.length > 253 ||
    labels.length < 2 ||
    !labels.every((l) => LABEL.test(l)) ||
    !/^[a-z][a-z0-9-]*$/.test(tld)
  ) {
    return {
      rule: 'must be a DNS host name in lowercase, such as api.example.org (labels of letters, digits and hyphens; no wildcard, no trailing dot)',
    };
  }
  return { value: text };
}

export function parseCertificateArn(text: string): ItemResult<string> {
  return CERTIFICATE_ARN_PATTERN.test(text)
    ? { value: text }
    : {
        rule: 'must be an ACM certificate ARN, such as arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d',
      };
}

export interface ParsedApiDomains {
  readonly names: PerEnvironment<string>;
  readonly certificates: PerEnvironment<string>;
}

/** Both settings for the whole run. */
export function readApiDomains(reader: Reader): ParsedApiDomains {
  const read = (key: 'apiDomainName' | 'apiCertificateArn'): PerEnvironment<string> => {
    const raw = reader.raw(key);
    if (!raw) return unset();
    const parsed =
      key === 'apiDomainName'
        ? parsePerEnvironment(raw.value, parseDomainName, 'api.example.org')
        : parsePerEnvironment(
            raw.value,
            parseCertificateArn,
            'arn:aws:acm:eu-west-1:123456789012:certificate/<id>',
          );
    for (const problem of parsed.problems) reader.fail(raw.label, problem.value, problem.rule);
    return parsed;
  };
  return { names: read('apiDomainName'), certificates: read('apiCertificateArn') };
}

/**
 * The custom domain of one environment, or undefined. Refuses a name without a certificate
 * (or the reverse), a certificate of another region (a regional API Gateway domain uses a
 * certificate of its own region) and, when the environment is pinned to an account, a
 * certificate of another account.
 */
export function apiDomainFor(
  reader: Reader,
  parsed: ParsedApiDomains,
  target: { environment: string; region: string; accountId?: string },
): ApiDomain | undefined {
  const domainName = valueFor(parsed.names, target.environment);
  const certificateArn = valueFor(parsed.certificates, target.environment);
  const name = SETTINGS.apiDomainName.envVar;
  const cert = SETTINGS.apiCertificateArn.envVar;
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (domainName === undefined || certificateArn === undefined) {
    const [given, missing] = domainName === undefined ? [cert, name] : [name, cert];
    const raw = reader.raw(domainName === undefined ? 'apiCertificateArn' : 'apiDomainName')!;
    reader.fail(
      raw.label,
      raw.value,
      `${given} is set for ${target.environment} but ${missing} is not: a custom domain needs both the name and its ACM certificate`,
    );
    return undefined;
  }
  const [, region, account] = CERTIFICATE_ARN_PATTERN.exec(certificateArn)!;
  const raw = reader.raw('apiCertificateArn')!;
  if (region !== target.region) {
    reader.fail(
      raw.label,
      certificateArn,
      `the certificate is in ${region}, but ${target.environment} deploys to ${target.region}: a regional API Gateway custom domain needs an ACM certificate of its own region (request or import one in ${target.region})`,
    );
    return undefined;
  }
  if (target.accountId !== undefined && account !== target.accountId) {
    reader.fail(
      raw.label,
      certificateArn,
      `the certificate belongs to account ${account}, but ${target.environment} is pinned to account ${target.accountId} (${SETTINGS.accountId.envVar}): API Gateway uses certificates of its own account only`,
    );
    return undefined;
  }
  return { domainName, certificateArn };
}

/** Two environments of one run cannot serve the same host name. */
export function checkDistinctDomains(
  reader: Reader,
  domains: readonly { environment: string; domainName?: string }[],
): void {
  const seen = new Map<string, string>();
  for (const { environment, domainName } of domains) {
    if (domainName === undefined) continue;
    const other = seen.get(domainName);
    if (other) {
      const raw = reader.raw('apiDomainName')!;
      reader.fail(
        raw.label,
        raw.value,
        `${other} and ${environment} would both serve ${domainName}; give each environment its own name, e.g. ${SETTINGS.apiDomainName.envVar}=${other}=${domainName},${environment}=${environment}.${domainName}`,
      );
    } else seen.set(domainName, environment);
  }
}

/**
 * Whether an ACM certificate whose names are `certificateNames` (its DomainName and
 * SubjectAlternativeNames) covers `domainName`. A wildcard covers exactly one label:
 * `*.example.org` covers `api.example.org`, not `example.org` nor `a.api.example.org`.
 */
export function certificateCovers(
  certificateNames: readonly string[],
  domainName: string,
): boolean {
  const wanted = domainName.toLowerCase();
  return certificateNames.some((raw) => {
    const name = raw.toLowerCase();
    if (name === wanted) return true;
    if (!name.startsWith('*.')) return false;
    const dot = wanted.indexOf('.');
    return dot > 0 && wanted.slice(dot + 1) === name.slice(2);
  });
}
