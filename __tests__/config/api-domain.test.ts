import { certificateCovers, parseDomainName } from '../../config/api-domain';
import { ConfigError, loadConfig, loadConfigs } from '../../config/config';

const CERT = 'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const CERT_US =
  'arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

function problemsOf(env: Record<string, string>) {
  try {
    loadConfigs({ env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('API custom domain (API_DOMAIN_NAME, API_CERTIFICATE_ARN)', () => {
  it('is unset by default; production requires one to deploy, standard does not', () => {
    expect(loadConfig({ env: {} }).api).toMatchObject({
      customDomain: undefined,
      customDomainRequired: true,
    });
    expect(loadConfig({ env: { ENVIRONMENT_SUFFIX: 'dev' } }).api.customDomainRequired).toBe(false);
  });

  it('takes a name and a certificate of the region for one environment', () => {
    const config = loadConfig({
      env: { API_DOMAIN_NAME: 'api.example.org', API_CERTIFICATE_ARN: CERT },
    });
    expect(config.api.customDomain).toEqual({
      domainName: 'api.example.org',
      certificateArn: CERT,
    });
  });

  it('takes pairs per environment, and a shared (wildcard) certificate for all of them', () => {
    const configs = loadConfigs({
      env: {
        ENVIRONMENT_SUFFIX: 'dev,prod',
        API_DOMAIN_NAME: 'dev=dev.api.example.org,prod=api.example.org',
        API_CERTIFICATE_ARN: CERT,
      },
    });
    expect(configs.map((c) => c.api.customDomain?.domainName)).toEqual([
      'dev.api.example.org',
      'api.example.org',
    ]);
    expect(configs.every((c) => c.api.customDomain?.certificateArn === CERT)).toBe(true);
  });

  it('leaves an environment the pairs do not name without a domain', () => {
    const [dev, prod] = loadConfigs({
      env: {
        ENVIRONMENT_SUFFIX: 'dev,prod',
        API_DOMAIN_NAME: 'prod=api.example.org',
        API_CERTIFICATE_ARN: `prod=${CERT}`,
      },
    });
    expect(dev.api.customDomain).toBeUndefined();
    expect(prod.api.customDomain?.domainName).toBe('api.example.org');
  });

  it.each([
    [
      'a name without a certificate',
      { API_DOMAIN_NAME: 'api.example.org' },
      'API_DOMAIN_NAME',
      'api.example.org',
      'API_DOMAIN_NAME is set for prod but API_CERTIFICATE_ARN is not: a custom domain needs both the name and its ACM certificate',
    ],
    [
      'a certificate without a name',
      { API_CERTIFICATE_ARN: CERT },
      'API_CERTIFICATE_ARN',
      CERT,
      'API_CERTIFICATE_ARN is set for prod but API_DOMAIN_NAME is not: a custom domain needs both the name and its ACM certificate',
    ],
    [
      'a certificate of another region',
      { API_DOMAIN_NAME: 'api.example.org', API_CERTIFICATE_ARN: CERT_US },
      'API_CERTIFICATE_ARN',
      CERT_US,
      'the certificate is in us-east-1, but prod deploys to eu-west-1: a regional API Gateway custom domain needs an ACM certificate of its own region (request or import one in eu-west-1)',
    ],
    [
      'a certificate of another account than the pinned one',
      {
        API_DOMAIN_NAME: 'api.example.org',
        API_CERTIFICATE_ARN: CERT,
        AWS_ACCOUNT_ID: '999988887777',
      },
      'API_CERTIFICATE_ARN',
      CERT,
      'the certificate belongs to account 111122223333, but prod is pinned to account 999988887777 (AWS_ACCOUNT_ID): API Gateway uses certificates of its own account only',
    ],
    [
      'a name in uppercase',
      { API_DOMAIN_NAME: 'API.example.org', API_CERTIFICATE_ARN: CERT },
      'API_DOMAIN_NAME',
      'API.example.org',
      expect.stringMatching(/^must be a DNS host name in lowercase, such as api.example.org/),
    ],
    [
      'a wildcard name',
      { API_DOMAIN_NAME: '*.example.org', API_CERTIFICATE_ARN: CERT },
      'API_DOMAIN_NAME',
      '*.example.org',
      expect.stringMatching(/no wildcard/),
    ],
    [
      'something that is not an ACM ARN',
      { API_DOMAIN_NAME: 'api.example.org', API_CERTIFICATE_ARN: 'arn:aws:iam::1:x' },
      'API_CERTIFICATE_ARN',
      'arn:aws:iam::1:x',
      expect.stringMatching(/^must be an ACM certificate ARN/),
    ],
  ])('refuses %s', (_name, env, setting, value, rule) => {
    expect(problemsOf(env)).toContainEqual({ setting, value, rule });
  });

  it('refuses two environments of one run on the same name', () => {
    const problems = problemsOf({
      ENVIRONMENT_SUFFIX: 'dev,prod',
      API_DOMAIN_NAME: 'api.example.org',
      API_CERTIFICATE_ARN: CERT,
    });
    expect(problems).toEqual([
      {
        setting: 'API_DOMAIN_NAME',
        value: 'api.example.org',
        rule: 'dev and prod would both serve api.example.org; give each environment its own name, e.g. API_DOMAIN_NAME=dev=api.example.org,prod=prod.api.example.org',
      },
    ]);
  });
});

describe('parseDomainName', () => {
  it.each([
    ['api.example.org', true],
    ['a.b', true],
    ['x-1.api.example.org', true],
    ['example', false],
    ['api.example.org.', false],
    ['-api.example.org', false],
    ['api.example.123', false],
    [`${'a'.repeat(63)}.org`, true],
    [`${'a'.repeat(64)}.org`, false],
  ])('%s is a host name: %s', (name, ok) => {
    expect('value' in parseDomainName(name)).toBe(ok);
  });

  it('accepts 253 characters and refuses 254', () => {
    const name = (last: number) =>
      `${'a'.repeat(62)}.${'b'.repeat(62)}.${'c'.repeat(62)}.${'d'.repeat(last)}.org`;
    expect(name(60)).toHaveLength(253);
    expect('value' in parseDomainName(name(60))).toBe(true);
    expect(name(61)).toHaveLength(254);
    expect('value' in parseDomainName(name(61))).toBe(false);
  });
});

describe('certificateCovers', () => {
  it('matches the exact name, case-insensitively', () => {
    expect(certificateCovers(['api.example.org'], 'api.example.org')).toBe(true);
    expect(certificateCovers(['API.Example.org'], 'api.example.org')).toBe(true);
    expect(certificateCovers(['www.example.org'], 'api.example.org')).toBe(false);
  });

  it('lets a wildcard cover exactly one label', () => {
    expect(certificateCovers(['*.example.org'], 'api.example.org')).toBe(true);
    expect(certificateCovers(['*.example.org'], 'example.org')).toBe(false);
    expect(certificateCovers(['*.example.org'], 'a.api.example.org')).toBe(false);
    expect(certificateCovers(['*.api.example.org'], 'a.api.example.org')).toBe(true);
  });

  it('reads the subject alternative names too', () => {
    expect(certificateCovers(['example.org', '*.example.org'], 'api.example.org')).toBe(true);
    expect(certificateCovers([], 'api.example.org')).toBe(false);
  });
});
