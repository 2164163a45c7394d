import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeAddressesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import { mockAws } from '../../support/aws-mock';
import { loadConfig } from '../../../config/config';
import {
  elasticIpsMessage,
  gateText,
  lambdaConcurrencyMessage,
} from '../../../constructs/safety-nets/gate-messages';
import { checkCertificate } from '../../../tools/preflight/certificate';
import { sameTarget } from '../../../tools/preflight/preflight';
import {
  checkElasticIps,
  checkLambdaConcurrency,
  quotaValue,
} from '../../../tools/preflight/quotas';

const lambdaMock = mockAws(LambdaClient);
const quotasMock = mockAws(ServiceQuotasClient);
const ec2Mock = mockAws(EC2Client);
const acmMock = mockAws(ACMClient);

const options = { region: 'eu-west-1', maxAttempts: 1 };
const lambda = new LambdaClient(options);
const serviceQuotas = new ServiceQuotasClient(options);
const ec2 = new EC2Client(options);
const acm = new ACMClient(options);

function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

const config = (env: Record<string, string> = {}) =>
  loadConfig({ env: { ENVIRONMENT_SUFFIX: 'dev', ...env } });
const text = (r: { detail: string; fix?: string }) => `${r.detail}\nfix: ${r.fix}`;

beforeEach(() => {
  lambdaMock.reset();
  quotasMock.reset();
  ec2Mock.reset();
  acmMock.reset();
});

describe('Lambda concurrency: the reservation + 100 unreserved must fit', () => {
  const settings = (limit: number, unreserved: number) =>
    lambdaMock.on(GetAccountSettingsCommand).resolves({
      AccountLimit: { ConcurrentExecutions: limit, UnreservedConcurrentExecutions: unreserved },
    });
  const noFunctionYet = () =>
    lambdaMock
      .on(GetFunctionConcurrencyCommand)
      .rejects(awsError('ResourceNotFoundException', 'Function not found'));

  // The environment's functions reserve 3 together: readiness 2 (the default) + database setup 1.
  it('passes when exactly reservation + 100 are unreserved (103 for 2 + 1)', async () => {
    settings(1000, 103);
    noFunctionYet();
    expect(await checkLambdaConcurrency(config(), lambda)).toEqual({
      name: 'Lambda concurrency',
      status: 'pass',
      detail:
        '103 concurrent executions not reserved by other functions in eu-west-1 (account limit 1000, unreserved 103); reserving 3 leaves 100 ≥ 100',
    });
  });

  it("fails one below, with the words of the plan's gate and the fix", async () => {
    settings(1000, 102);
    noFunctionYet();
    const result = await checkLambdaConcurrency(config(), lambda);
    expect(result).toEqual({
      name: 'Lambda concurrency',
      status: 'fail',
      detail:
        "Lambda in eu-west-1 has 102 concurrent executions that no other function reserves (account limit 1000, unreserved 102); the environment's functions reserve 3 (readiness and database setup) and AWS keeps 100 unreserved, so at least 103 are needed",
      fix: 'request a quota increase of Lambda "Concurrent executions" (L-B99A9384) in eu-west-1 to at least 103, or lower READINESS_RESERVED_CONCURRENCY (0 = no reservation, outside the production profile)',
    });
    expect(text(result)).toBe(
      gateText(
        lambdaConcurrencyMessage({
          region: 'eu-west-1',
          reserved: 3,
          available: 102,
          source: 'that no other function reserves (account limit 1000, unreserved 102)',
        }),
      ),
    );
  });

  it('fails a new account (quota 10): nothing can be reserved there', async () => {
    settings(10, 10);
    noFunctionYet();
    const result = await checkLambdaConcurrency(
      config({ READINESS_RESERVED_CONCURRENCY: '1' }),
      lambda,
    );
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('so at least 102 are needed');
  });

  it("counts the environment's functions' current reservations as available (an update replaces them)", async () => {
    settings(1000, 100);
    lambdaMock
      .on(GetFunctionConcurrencyCommand, { FunctionName: 'healthcare-readiness-dev' })
      .resolves({ ReservedConcurrentExecutions: 2 })
      .on(GetFunctionConcurrencyCommand, { FunctionName: 'healthcare-db-setup-dev' })
      .resolves({ ReservedConcurrentExecutions: 1 });
    expect(await checkLambdaConcurrency(config(), lambda)).toMatchObject({
      status: 'pass',
      detail:
        "103 concurrent executions not reserved by other functions in eu-west-1 (account limit 1000, unreserved 100 + the environment's functions' current 3); reserving 3 leaves 100 ≥ 100",
    });
  });

  it('still checks the setup function when the readiness function reserves nothing', async () => {
    settings(1000, 100);
    noFunctionYet();
    const result = await checkLambdaConcurrency(
      config({ READINESS_RESERVED_CONCURRENCY: '0' }),
      lambda,
    );
    expect(result.status).toBe('fail');
    expect(result.detail).toContain('reserve 1 (readiness and database setup)');
  });

  it('is not verified when the target cannot answer, with the permission to grant', async () => {
    lambdaMock.on(GetAccountSettingsCommand).rejects(awsError('AccessDeniedException', 'no'));
    expect(await checkLambdaConcurrency(config(), lambda)).toMatchObject({
      status: 'not-verified',
      fix: 'grant lambda:GetAccountSettings to the deploying role',
    });
    lambdaMock.on(GetAccountSettingsCommand).resolves({});
    expect(await checkLambdaConcurrency(config(), lambda)).toEqual({
      name: 'Lambda concurrency',
      status: 'not-verified',
      detail: 'Lambda GetAccountSettings gave no AccountLimit, so the target cannot answer',
    });
    settings(1000, 1000);
    lambdaMock.on(GetFunctionConcurrencyCommand).rejects(awsError('AccessDeniedException', 'no'));
    expect(await checkLambdaConcurrency(config(), lambda)).toMatchObject({
      status: 'not-verified',
      fix: 'grant lambda:GetFunctionConcurrency to the deploying role',
    });
    expect(await checkLambdaConcurrency(config(), undefined)).toMatchObject({
      status: 'not-verified',
      detail: expect.stringMatching(/^no Lambda client for this target/),
    });
  });
});

describe('Elastic IPs: addresses held by others + NAT gateways must fit the quota', () => {
  const own = (env: string) => ({
    Tags: [
      { Key: 'Project', Value: 'healthcare-platform' },
      { Key: 'Environment', Value: env },
    ],
  });
  const addresses = (...list: object[]) =>
    ec2Mock.on(DescribeAddressesCommand).resolves({ Addresses: list });
  const quota = (value: number) =>
    quotasMock
      .on(GetServiceQuotaCommand, { ServiceCode: 'ec2', QuotaCode: 'L-0263D0A3' })
      .resolves({ Quota: { Value: value } });
  const prodLike = () => config({ NAT_GATEWAYS: 'one-per-az', AZ_COUNT: '3' });

  it('passes at the boundary: 2 held by others + 3 NAT gateways = quota 5 (its own addresses do not count twice)', async () => {
    quota(5);
    addresses({}, own('prod'), own('dev'), own('dev'));
    expect(await checkElasticIps(prodLike(), ec2, serviceQuotas)).toEqual({
      name: 'Elastic IPs',
      status: 'pass',
      detail:
        "eu-west-1 allows 5 Elastic IPs (L-0263D0A3, applied); others hold 2, this environment's 3 NAT gateway(s) need 3",
    });
  });

  it('fails one above the quota, naming NAT_GATEWAYS=single as a fix', async () => {
    quota(4);
    addresses({}, own('prod'), own('dev'));
    const result = await checkElasticIps(prodLike(), ec2, serviceQuotas);
    expect(result).toEqual({
      name: 'Elastic IPs',
      status: 'fail',
      detail:
        "eu-west-1 allows 4 Elastic IPs (L-0263D0A3); other resources hold 2 and this environment's 3 NAT gateway(s) need one each",
      fix: 'set NAT_GATEWAYS=single (one NAT gateway, one address), release Elastic IPs nothing uses, or request a quota increase of "EC2-VPC Elastic IPs" (L-0263D0A3) in eu-west-1 to at least 5',
    });
    expect(text(result)).toBe(
      gateText(
        elasticIpsMessage({
          region: 'eu-west-1',
          quota: 4,
          heldByOthers: 2,
          natGateways: 3,
          needed: 5,
        }),
      ),
    );
  });

  it("uses AWS's default when the quota was never adjusted (NoSuchResourceException), as Terraform does", async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException'));
    quotasMock.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    addresses({}, {}, {}, {});
    // single NAT gateway: 4 + 1 = 5 fits.
    expect(await checkElasticIps(config(), ec2, serviceQuotas)).toMatchObject({
      status: 'pass',
      detail:
        "eu-west-1 allows 5 Elastic IPs (L-0263D0A3, default); others hold 4, this environment's 1 NAT gateway(s) need 1",
    });
    addresses({}, {}, {}, {}, {});
    const full = await checkElasticIps(config(), ec2, serviceQuotas);
    expect(full.status).toBe('fail');
    expect(full.fix).toMatch(/^release Elastic IPs nothing uses/);
  });

  it('is not verified when the quota or the addresses cannot be read', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('AccessDeniedException', 'no'));
    expect(await checkElasticIps(config(), ec2, serviceQuotas)).toMatchObject({
      status: 'not-verified',
      fix: 'grant servicequotas:GetServiceQuota and servicequotas:GetAWSDefaultServiceQuota to the deploying role',
    });
    quota(5);
    ec2Mock.on(DescribeAddressesCommand).rejects(awsError('UnauthorizedOperation', 'no'));
    expect(await checkElasticIps(config(), ec2, serviceQuotas)).toMatchObject({
      status: 'not-verified',
      fix: 'grant ec2:DescribeAddresses to the deploying role',
    });
    expect(await checkElasticIps(config(), ec2, undefined)).toMatchObject({
      status: 'not-verified',
      detail: expect.stringMatching(/^no Service Quotas client/),
    });
  });
});

describe('quotaValue', () => {
  it('prefers the applied value, falls back to the default, and refuses an answer without a value', async () => {
    const q = { serviceCode: 'lambda', quotaCode: 'L-B99A9384' };
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 1000 } });
    expect(await quotaValue(serviceQuotas, q)).toEqual({ value: 1000, source: 'applied' });
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: {} });
    quotasMock.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 1000 } });
    expect(await quotaValue(serviceQuotas, q)).toEqual({ value: 1000, source: 'default' });
    quotasMock.on(GetAWSDefaultServiceQuotaCommand).resolves({});
    await expect(quotaValue(serviceQuotas, q)).rejects.toThrow('no value for quota L-B99A9384');
    quotasMock.on(GetServiceQuotaCommand).rejects(awsError('TooManyRequestsException'));
    await expect(quotaValue(serviceQuotas, q)).rejects.toThrow('TooManyRequestsException');
  });
});

describe('API certificate (ACM DescribeCertificate)', () => {
  const CERT =
    'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
  const withDomain = (name = 'api.example.org') =>
    config({ API_DOMAIN_NAME: name, API_CERTIFICATE_ARN: CERT });
  const certificate = (c: object) =>
    acmMock.on(DescribeCertificateCommand).resolves({ Certificate: c });

  it('is not asked without a custom domain', async () => {
    expect(await checkCertificate(config(), acm)).toBeUndefined();
    expect(acmMock.calls()).toHaveLength(0);
  });

  it('passes an ISSUED certificate that names the domain, or a wildcard over its first label', async () => {
    certificate({
      DomainName: '*.example.org',
      SubjectAlternativeNames: ['*.example.org'],
      Status: 'ISSUED',
    });
    expect(await checkCertificate(withDomain(), acm)).toEqual({
      name: 'API certificate',
      status: 'pass',
      detail: 'ISSUED, covers api.example.org (*.example.org)',
    });
    expect(acmMock.commandCalls(DescribeCertificateCommand)[0].args[0].input).toEqual({
      CertificateArn: CERT,
    });
  });

  it('fails a wildcard one label too shallow, naming what the certificate covers', async () => {
    certificate({ DomainName: '*.example.org', Status: 'ISSUED' });
    expect(await checkCertificate(withDomain('a.api.example.org'), acm)).toEqual({
      name: 'API certificate',
      status: 'fail',
      detail: `the certificate ${CERT} names *.example.org, not a.api.example.org: clients would refuse the connection`,
      fix: `request or import a certificate for a.api.example.org in eu-west-1 and set API_CERTIFICATE_ARN to its ARN, or set API_DOMAIN_NAME to a name it covers`,
    });
  });

  it('fails a certificate still pending validation: API Gateway refuses it', async () => {
    certificate({ DomainName: 'api.example.org', Status: 'PENDING_VALIDATION' });
    expect(await checkCertificate(withDomain(), acm)).toEqual({
      name: 'API certificate',
      status: 'fail',
      detail: `the certificate ${CERT} is PENDING_VALIDATION, not ISSUED: API Gateway refuses to create the domain api.example.org with it`,
      fix: 'complete its validation (create the DNS records ACM lists for it), then run again',
    });
    certificate({ DomainName: 'api.example.org', Status: 'EXPIRED' });
    expect((await checkCertificate(withDomain(), acm))?.fix).toMatch(
      /^request or import a certificate/,
    );
    certificate({});
    expect((await checkCertificate(withDomain(), acm))?.detail).toContain('is UNKNOWN, not ISSUED');
  });

  it('fails a certificate ACM does not know in this account and region', async () => {
    acmMock.on(DescribeCertificateCommand).rejects(awsError('ResourceNotFoundException'));
    expect(await checkCertificate(withDomain(), acm)).toMatchObject({
      status: 'fail',
      detail: `ACM in eu-west-1 has no certificate ${CERT} in this account`,
    });
  });

  it('is not verified when ACM cannot answer', async () => {
    acmMock.on(DescribeCertificateCommand).rejects(awsError('AccessDeniedException', 'no'));
    expect(await checkCertificate(withDomain(), acm)).toMatchObject({
      status: 'not-verified',
      fix: 'grant acm:DescribeCertificate to the deploying role',
    });
    expect(await checkCertificate(withDomain(), undefined)).toMatchObject({
      status: 'not-verified',
      detail: expect.stringMatching(/^no ACM client/),
    });
  });
});

describe('sameTarget: clients for the place the STS client talks to', () => {
  it('copies region, credentials, attempts and a custom endpoint (the emulator)', async () => {
    const sts = new STSClient({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:5000',
      maxAttempts: 2,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const derived = sameTarget(sts, (c) => new LambdaClient(c))!;
    expect(await derived.config.region()).toBe('eu-west-1');
    expect(await derived.config.maxAttempts()).toBe(2);
    expect((await derived.config.credentials()).accessKeyId).toBe('testing');
    expect(derived.config.isCustomEndpoint).toBe(true);
    expect(await derived.config.endpoint!()).toMatchObject({ hostname: '127.0.0.1', port: 5000 });
  });

  it('leaves the endpoint to the SDK for AWS, and derives nothing from a stub', () => {
    const aws = sameTarget(new STSClient({ region: 'eu-west-1' }), (c) => new LambdaClient(c))!;
    expect(aws.config.isCustomEndpoint).toBe(false);
    const stub = { config: { region: async () => 'eu-west-1' } } as unknown as STSClient;
    expect(sameTarget(stub, (c) => new LambdaClient(c))).toBeUndefined();
  });
});
