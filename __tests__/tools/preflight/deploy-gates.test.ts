import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockAws } from '../../support/aws-mock';
import { loadConfig } from '../../../config/config';
import {
  accountBaselineMessage,
  accountPinMessage,
  alarmSubscriberMessage,
  customDomainMessage,
  gateText,
} from '../../../constructs/safety-nets/gate-messages';
import {
  checkAccountBaseline,
  checkAccountPin,
  checkAlarmSubscriber,
  checkCustomDomain,
} from '../../../tools/preflight/deploy-gates';
import { createPreflightClients, runPreflight } from '../../../tools/preflight/preflight';

const apigateway = mockAws(APIGatewayClient);
const sts = mockAws(STSClient);
const ROLE = 'arn:aws:iam::111122223333:role/healthcare-apigateway-cloudwatch';

const config = (env: Record<string, string>) => loadConfig({ env });
const prod = (env: Record<string, string> = {}) => config({ ENVIRONMENT_SUFFIX: 'prod', ...env });
const dev = (env: Record<string, string> = {}) => config({ ENVIRONMENT_SUFFIX: 'dev', ...env });

beforeEach(() => {
  apigateway.reset();
  sts.reset();
});

describe('alarm subscriber', () => {
  it('fails a production deploy with no ALARM_EMAIL: production alarms would reach nobody', () => {
    expect(prod().alarmSubscriberRequired).toBe(true);
    expect(checkAlarmSubscriber(prod())).toEqual({
      name: 'alarm subscriber',
      status: 'fail',
      detail: 'ALARM_EMAIL is not set: production alarms would reach nobody',
      fix: 'set ALARM_EMAIL to an address that answers alarms for prod',
    });
  });

  it("says what the plan's gate says", () => {
    const result = checkAlarmSubscriber(prod());
    expect(`${result.detail}\nfix: ${result.fix}`).toBe(
      gateText(alarmSubscriberMessage({ environment: 'prod' })),
    );
  });

  it('passes a production deploy with ALARM_EMAIL, naming the address', () => {
    expect(checkAlarmSubscriber(prod({ ALARM_EMAIL: 'oncall@example.org' }))).toEqual({
      name: 'alarm subscriber',
      status: 'pass',
      detail: 'alarms go to oncall@example.org',
    });
  });

  it('passes the standard profile without a subscriber, and says so', () => {
    expect(checkAlarmSubscriber(dev())).toMatchObject({
      status: 'pass',
      detail: 'no subscriber (ALARM_EMAIL unset); allowed outside the production profile',
    });
  });
});

describe('account pin', () => {
  it('fails when AWS_ACCOUNT_ID names another account than the credentials, naming both', () => {
    expect(checkAccountPin(prod({ AWS_ACCOUNT_ID: '222222222222' }), '111122223333')).toEqual({
      name: 'account pin',
      status: 'fail',
      detail:
        'AWS_ACCOUNT_ID pins prod to account 222222222222, but the credentials belong to account 111122223333',
      fix: 'use credentials for account 222222222222, or correct AWS_ACCOUNT_ID',
    });
  });

  it('fails a production plan with no AWS_ACCOUNT_ID at all', () => {
    expect(checkAccountPin(prod(), '111122223333')).toEqual({
      name: 'account pin',
      status: 'fail',
      detail:
        'AWS_ACCOUNT_ID pins no account for prod (production profile): a production plan must name its account',
      fix: 'set AWS_ACCOUNT_ID=111122223333 if 111122223333 is the production account, or AWS_ACCOUNT_ID=prod=<12-digit id>',
    });
  });

  it("says what the plan's gate says, with the account Terraform would read", () => {
    const result = checkAccountPin(prod(), '111122223333');
    expect(`${result.detail}\nfix: ${result.fix}`).toBe(
      gateText(accountPinMessage({ environment: 'prod', callerAccount: '111122223333' })),
    );
  });

  it('fails a production plan whose AWS_ACCOUNT_ID pairs leave prod out', () => {
    const pairs = prod({ AWS_ACCOUNT_ID: 'dev=111122223333' });
    expect(pairs.accountId).toBeUndefined();
    expect(checkAccountPin(pairs, '111122223333').status).toBe('fail');
  });

  it('passes the pinned account, and an unpinned standard-profile environment', () => {
    expect(checkAccountPin(prod({ AWS_ACCOUNT_ID: '111122223333' }), '111122223333')).toEqual({
      name: 'account pin',
      status: 'pass',
      detail: 'credentials are the pinned account 111122223333',
    });
    expect(checkAccountPin(dev(), '111122223333')).toMatchObject({
      status: 'pass',
      detail:
        'not pinned (AWS_ACCOUNT_ID unset; allowed outside the production profile); credentials are account 111122223333',
    });
  });

  it('is checked against the STS answer by runPreflight', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '333333333333', Arn: 'arn:x' });
    apigateway.on(GetAccountCommand).resolves({ cloudwatchRoleArn: ROLE });
    const report = await runPreflight(
      dev({ AWS_ACCOUNT_ID: '111122223333' }),
      createPreflightClients('eu-west-1', 1),
    );
    expect(report.results.find((r) => r.name === 'account pin')).toMatchObject({
      status: 'fail',
      detail:
        'AWS_ACCOUNT_ID pins dev to account 111122223333, but the credentials belong to account 333333333333',
    });
  });
});

describe('account baseline', () => {
  const apigw = () => new APIGatewayClient({ region: 'eu-west-1', maxAttempts: 1 });

  it('passes when API Gateway has a CloudWatch role, naming it', async () => {
    apigateway.on(GetAccountCommand).resolves({ cloudwatchRoleArn: ROLE });
    expect(await checkAccountBaseline(dev(), apigw())).toEqual({
      name: 'account baseline',
      status: 'pass',
      detail: `API Gateway logs through ${ROLE} in eu-west-1`,
    });
  });

  it('fails when the account has no API Gateway CloudWatch role: deploy TapAccountBaseline first', async () => {
    apigateway.on(GetAccountCommand).resolves({ throttleSettings: { rateLimit: 10000 } });
    const result = await checkAccountBaseline(dev(), apigw());
    expect(result).toEqual({
      name: 'account baseline',
      status: 'fail',
      detail:
        "API Gateway in eu-west-1 has no CloudWatch role healthcare-apigw-cloudwatch, which TapAccountBaseline creates: the API's execution logs could not be written",
      fix: 'deploy TapAccountBaseline first (once per account and region), then run again',
    });
    // The plan's gate says the same words (constructs/safety-nets/gate-messages.ts).
    expect(`${result.detail}\nfix: ${result.fix}`).toBe(
      gateText(
        accountBaselineMessage({ region: 'eu-west-1', roleName: 'healthcare-apigw-cloudwatch' }),
      ),
    );
  });

  it('is not verified when the caller may not read the API Gateway account', async () => {
    apigateway
      .on(GetAccountCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    expect(await checkAccountBaseline(dev(), apigw())).toMatchObject({
      status: 'not-verified',
      fix: 'grant apigateway:GET on /account to the deploying role',
    });
  });
});

describe('API custom domain', () => {
  const CERT =
    'arn:aws:acm:eu-west-1:111122223333:certificate/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';

  it("fails a production deploy without one, with the words of the plan's gate", () => {
    const result = checkCustomDomain(prod());
    expect(result).toEqual({
      name: 'API custom domain',
      status: 'fail',
      detail:
        'API_DOMAIN_NAME is not set for prod (production profile): clients could reach the API only on its execute-api host, which accepts TLS 1.0',
      fix: "set API_DOMAIN_NAME and API_CERTIFICATE_ARN (an ISSUED ACM certificate of the region that covers the name), then point the name's DNS at the api_domain_target output",
    });
    expect(`${result.detail}\nfix: ${result.fix}`).toBe(
      gateText(customDomainMessage({ environment: 'prod' })),
    );
  });

  it('passes with one, naming the URL', () => {
    expect(
      checkCustomDomain(prod({ API_DOMAIN_NAME: 'api.example.org', API_CERTIFICATE_ARN: CERT })),
    ).toEqual({
      name: 'API custom domain',
      status: 'pass',
      detail:
        'the API answers on https://api.example.org only (TLS_1_2; the execute-api endpoint is disabled)',
    });
  });

  it('passes the standard profile without one, saying what that means', () => {
    expect(checkCustomDomain(dev())).toEqual({
      name: 'API custom domain',
      status: 'pass',
      detail:
        'none (API_DOMAIN_NAME unset; allowed outside the production profile): the execute-api host accepts TLS 1.0',
    });
  });
});
