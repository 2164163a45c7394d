/**
 * The custom domain's certificate: API Gateway creates the domain only with an ISSUED ACM
 * certificate of its region, and a browser or client accepts the domain only if the
 * certificate names it (exactly, or with a wildcard over its first label).
 */
import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { certificateCovers } from '../../config/api-domain';
import { SETTINGS } from '../../config/config';
import { notVerified } from './aws-answers';
import type { CheckResult, PreflightConfig } from './preflight';

export const CERTIFICATE_CHECK = 'API certificate';

/** Undefined when no custom domain is configured (nothing to check). */
export async function checkCertificate(
  config: PreflightConfig,
  acm: ACMClient | undefined,
): Promise<CheckResult | undefined> {
  const domain = config.api.customDomain;
  if (!domain) return undefined;
  const name = CERTIFICATE_CHECK;
  const arn = domain.certificateArn;
  const fixOther = `request or import a certificate for ${domain.domainName} in ${config.region} and set ${SETTINGS.apiCertificateArn.envVar} to its ARN`;
  if (!acm) {
    return {
      name,
      status: 'not-verified',
      detail:
        'no ACM client for this target (the preflight clients carry no credentials to derive one from)',
    };
  }
  let certificate;
  try {
    certificate = (await acm.send(new DescribeCertificateCommand({ CertificateArn: arn })))
      .Certificate;
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') {
      return {
        name,
        status: 'fail',
        detail: `ACM in ${config.region} has no certificate ${arn} in this account`,
        fix: fixOther,
      };
    }
    return notVerified(name, 'ACM DescribeCertificate', 'acm:DescribeCertificate', e);
  }
  const names = [
    ...new Set([certificate?.DomainName, ...(certificate?.SubjectAlternativeNames ?? [])]),
  ].filter((n): n is string => Boolean(n));
  const status = certificate?.Status ?? 'UNKNOWN';
  if (status !== 'ISSUED') {
    return {
      name,
      status: 'fail',
      detail: `the certificate ${arn} is ${status}, not ISSUED: API Gateway refuses to create the domain ${domain.domainName} with it`,
      fix:
        status === 'PENDING_VALIDATION'
          ? 'complete its validation (create the DNS records ACM lists for it), then run again'
          : fixOther,
    };
  }
  if (!certificateCovers(names, domain.domainName)) {
    return {
      name,
      status: 'fail',
      detail: `the certificate ${arn} names ${names.join(', ') || 'nothing'}, not ${domain.domainName}: clients would refuse the connection`,
      fix: `${fixOther}, or set ${SETTINGS.apiDomainName.envVar} to a name it covers`,
    };
  }
  return {
    name,
    status: 'pass',
    detail: `ISSUED, covers ${domain.domainName} (${names.join(', ')})`,
  };
}
