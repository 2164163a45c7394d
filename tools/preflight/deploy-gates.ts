/**
 * Refusals that are not about capacity but about whether this deploy may happen at all:
 * production alarms reach a person, the credentials belong to the pinned account (and a
 * production plan is pinned), production clients reach the API over TLS 1.2 or later only
 * (a custom domain), and the account baseline (TapAccountBaseline) is deployed. The
 * synthesized stack refuses the same (constructs/safety-nets, PlatformGates) with the same
 * words: both take them from gate-messages.ts.
 */
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { BASELINE_NAMES } from '../../config/baseline';
import { SETTINGS } from '../../config/config';
import {
  ACCOUNT_BASELINE_STACK,
  accountBaselineMessage,
  accountPinMessage,
  alarmSubscriberMessage,
  customDomainMessage,
  GATE_NAMES,
  GateMessage,
} from '../../constructs/safety-nets/gate-messages';
import { notVerified } from './aws-answers';
import type { CheckResult, PreflightConfig } from './preflight';

export { ACCOUNT_BASELINE_STACK, GATE_NAMES };

/** A failed gate as preflight prints it: the gate's own detail and fix. */
export function failed(name: string, message: GateMessage): CheckResult {
  return { name, status: 'fail', detail: message.detail, fix: message.fix };
}

/** A production deploy needs someone on the alarm topic; synthesis never does. */
export function checkAlarmSubscriber(config: PreflightConfig): CheckResult {
  const name = GATE_NAMES.alarmSubscriber;
  if (config.alarmEmail) {
    return { name, status: 'pass', detail: `alarms go to ${config.alarmEmail}` };
  }
  if (config.alarmSubscriberRequired) {
    return failed(name, alarmSubscriberMessage({ environment: config.environment }));
  }
  return {
    name,
    status: 'pass',
    detail: `no subscriber (${SETTINGS.alarmEmail.envVar} unset); allowed outside the production profile`,
  };
}

/**
 * The credentials' account (from STS) against `AWS_ACCOUNT_ID`: Terraform would refuse a
 * mismatch too (allowed_account_ids), but only after init; a production plan must be pinned.
 */
export function checkAccountPin(config: PreflightConfig, callerAccount: string): CheckResult {
  const name = GATE_NAMES.accountPin;
  const variable = SETTINGS.accountId.envVar;
  if (config.accountId === undefined) {
    if (config.accountPinRequired) {
      return failed(name, accountPinMessage({ environment: config.environment, callerAccount }));
    }
    return {
      name,
      status: 'pass',
      detail: `not pinned (${variable} unset; allowed outside the production profile); credentials are account ${callerAccount}`,
    };
  }
  if (config.accountId !== callerAccount) {
    return {
      name,
      status: 'fail',
      detail: `${variable} pins ${config.environment} to account ${config.accountId}, but the credentials belong to account ${callerAccount}`,
      fix: `use credentials for account ${config.accountId}, or correct ${variable}`,
    };
  }
  return { name, status: 'pass', detail: `credentials are the pinned account ${callerAccount}` };
}

/**
 * Production clients must not reach the API over TLS 1.0: the default execute-api host
 * accepts it and cannot be given another policy, a custom domain with TLS_1_2 can. A
 * question about the configuration: answered even when the credentials fail.
 */
export function checkCustomDomain(config: PreflightConfig): CheckResult {
  const name = GATE_NAMES.customDomain;
  const domain = config.api.customDomain;
  if (domain) {
    return {
      name,
      status: 'pass',
      detail: `the API answers on https://${domain.domainName} only (TLS_1_2; the execute-api endpoint is disabled)`,
    };
  }
  if (config.api.customDomainRequired) {
    return failed(name, customDomainMessage({ environment: config.environment }));
  }
  return {
    name,
    status: 'pass',
    detail: `none (${SETTINGS.apiDomainName.envVar} unset; allowed outside the production profile): the execute-api host accepts TLS 1.0`,
  };
}

/**
 * Every environment's API stage writes execution logs through the account's API Gateway
 * CloudWatch role, which only TapAccountBaseline sets (GetAccount's cloudwatchRoleArn). The
 * plan's gate asks IAM whether the baseline's role exists; both say the same when it fails.
 */
export async function checkAccountBaseline(
  config: PreflightConfig,
  apigateway: APIGatewayClient,
): Promise<CheckResult> {
  const name = GATE_NAMES.accountBaseline;
  try {
    const account = await apigateway.send(new GetAccountCommand({}));
    if (account.cloudwatchRoleArn) {
      return {
        name,
        status: 'pass',
        detail: `API Gateway logs through ${account.cloudwatchRoleArn} in ${config.region}`,
      };
    }
    return failed(
      name,
      accountBaselineMessage({
        region: config.region,
        roleName: BASELINE_NAMES.apiGatewayCloudWatchRole,
      }),
    );
  } catch (e) {
    return notVerified(name, 'API Gateway GetAccount', 'apigateway:GET on /account', e);
  }
}
