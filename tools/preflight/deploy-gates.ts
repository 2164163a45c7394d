/**
 * Refusals that are not about capacity but about whether this deploy may happen at all:
 * production alarms reach a person, the credentials belong to the pinned account (and a
 * production plan is pinned), and the account baseline (TapAccountBaseline) is deployed.
 */
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { SETTINGS } from '../../config/config';
import { notVerified } from './aws-answers';
import type { CheckResult, PreflightConfig } from './preflight';

export const GATE_NAMES = {
  alarmSubscriber: 'alarm subscriber',
  accountPin: 'account pin',
  accountBaseline: 'account baseline',
} as const;

/** The stack that owns the account-wide API Gateway CloudWatch role. */
export const ACCOUNT_BASELINE_STACK = 'TapAccountBaseline';

/** A production deploy needs someone on the alarm topic; synthesis never does. */
export function checkAlarmSubscriber(config: PreflightConfig): CheckResult {
  const name = GATE_NAMES.alarmSubscriber;
  if (config.alarmEmail) {
    return { name, status: 'pass', detail: `alarms go to ${config.alarmEmail}` };
  }
  if (config.alarmSubscriberRequired) {
    return {
      name,
      status: 'fail',
      detail: `${SETTINGS.alarmEmail.envVar} is not set: production alarms would reach nobody`,
      fix: `set ${SETTINGS.alarmEmail.envVar} to an address that answers alarms for ${config.environment}`,
    };
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
    if (config.profile === 'production') {
      return {
        name,
        status: 'fail',
        detail: `${variable} pins no account for ${config.environment} (production profile): a production plan must name its account`,
        fix: `set ${variable}=${callerAccount} if ${callerAccount} is the production account, or ${variable}=${config.environment}=<12-digit id>`,
      };
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
 * Every environment's API stage writes execution logs through the account's API Gateway
 * CloudWatch role, which only TapAccountBaseline sets (GetAccount's cloudwatchRoleArn).
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
    return {
      name,
      status: 'fail',
      detail: `API Gateway in ${config.region} has no CloudWatch role (GetAccount cloudwatchRoleArn is empty): the API's execution logs could not be written`,
      fix: `deploy ${ACCOUNT_BASELINE_STACK} first (once per account and region), then run again`,
    };
  } catch (e) {
    return notVerified(name, 'API Gateway GetAccount', 'apigateway:GET on /account', e);
  }
}
