/**
 * The account's quotas against what the environment takes: Lambda concurrency the readiness
 * function reserves, and the Elastic IPs its NAT gateways hold. The plan's gates check the
 * same with the same words (gate-messages.ts); preflight sees more than Terraform can: the
 * concurrency other functions already reserve (GetAccountSettings).
 */
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
import { PROJECT_TAG } from '../../config/names';
import {
  elasticIpsMessage,
  GATE_NAMES,
  LAMBDA_UNRESERVED_MINIMUM,
  lambdaConcurrencyMessage,
  QUOTAS,
  stackReservedConcurrency,
} from '../../constructs/safety-nets/gate-messages';
import { notVerified } from './aws-answers';
import { failed } from './deploy-gates';
import type { CheckResult, PreflightConfig } from './preflight';

const isNamed = (e: unknown, name: string) => (e as { name?: string } | undefined)?.name === name;

/**
 * A quota's value in the region. GetServiceQuota answers only for a quota that was ever
 * adjusted or is tracked for the account; otherwise NoSuchResourceException, and the
 * value is AWS's default (GetAWSDefaultServiceQuota), as the Terraform data source does.
 */
export async function quotaValue(
  client: ServiceQuotasClient,
  quota: { serviceCode: string; quotaCode: string },
): Promise<{ value: number; source: 'applied' | 'default' }> {
  const input = { ServiceCode: quota.serviceCode, QuotaCode: quota.quotaCode };
  try {
    const out = await client.send(new GetServiceQuotaCommand(input));
    if (out.Quota?.Value !== undefined) return { value: out.Quota.Value, source: 'applied' };
  } catch (e) {
    if (!isNamed(e, 'NoSuchResourceException')) throw e;
  }
  const out = await client.send(new GetAWSDefaultServiceQuotaCommand(input));
  if (out.Quota?.Value === undefined) {
    throw Object.assign(new Error(`no value for quota ${quota.quotaCode}`), {
      name: 'NoQuotaValue',
    });
  }
  return { value: out.Quota.Value, source: 'default' };
}

/**
 * AWS keeps 100 concurrent executions unreserved; a reservation that would leave fewer is
 * refused at create ("decreases account's UnreservedConcurrentExecution below its minimum
 * value of [100]"). The function's own current reservation counts as available: an update
 * replaces it.
 */
export async function checkLambdaConcurrency(
  config: PreflightConfig,
  lambda: LambdaClient | undefined,
): Promise<CheckResult> {
  const name = GATE_NAMES.lambdaConcurrency;
  const reserved = stackReservedConcurrency(config.readiness.reservedConcurrency);
  if (!lambda) return noClient(name, 'Lambda');
  let limit: number | undefined;
  let unreserved: number | undefined;
  try {
    const out = await lambda.send(new GetAccountSettingsCommand({}));
    limit = out.AccountLimit?.ConcurrentExecutions;
    unreserved = out.AccountLimit?.UnreservedConcurrentExecutions;
  } catch (e) {
    return notVerified(name, 'Lambda GetAccountSettings', 'lambda:GetAccountSettings', e);
  }
  if (limit === undefined || unreserved === undefined) {
    return {
      name,
      status: 'not-verified',
      detail: 'Lambda GetAccountSettings gave no AccountLimit, so the target cannot answer',
    };
  }
  // What the environment's own functions reserve today counts as available: an update replaces it.
  let own = 0;
  for (const functionName of [config.names.readinessFunction, config.names.dbSetupFunction]) {
    try {
      const out = await lambda.send(
        new GetFunctionConcurrencyCommand({ FunctionName: functionName }),
      );
      own += out.ReservedConcurrentExecutions ?? 0;
    } catch (e) {
      if (!isNamed(e, 'ResourceNotFoundException')) {
        return notVerified(
          name,
          'Lambda GetFunctionConcurrency',
          'lambda:GetFunctionConcurrency',
          e,
        );
      }
    }
  }
  const available = unreserved + own;
  const counted = `(account limit ${limit}, unreserved ${unreserved}${own > 0 ? ` + the environment's functions' current ${own}` : ''})`;
  if (available >= reserved + LAMBDA_UNRESERVED_MINIMUM) {
    return {
      name,
      status: 'pass',
      detail: `${available} concurrent executions not reserved by other functions in ${config.region} ${counted}; reserving ${reserved} leaves ${available - reserved} ≥ ${LAMBDA_UNRESERVED_MINIMUM}`,
    };
  }
  return failed(
    name,
    lambdaConcurrencyMessage({
      region: config.region,
      reserved,
      available,
      source: `that no other function reserves ${counted}`,
    }),
  );
}

/** NAT gateways take one Elastic IP each; the region's quota counts every address held. */
export async function checkElasticIps(
  config: PreflightConfig,
  ec2: EC2Client,
  serviceQuotas: ServiceQuotasClient | undefined,
): Promise<CheckResult> {
  const name = GATE_NAMES.elasticIps;
  if (!serviceQuotas) return noClient(name, 'Service Quotas');
  const natGateways = config.network.natGateways === 'one-per-az' ? config.network.azCount : 1;
  let quota: { value: number; source: 'applied' | 'default' };
  try {
    quota = await quotaValue(serviceQuotas, QUOTAS.elasticIps);
  } catch (e) {
    return notVerified(
      name,
      'Service Quotas GetServiceQuota',
      'servicequotas:GetServiceQuota and servicequotas:GetAWSDefaultServiceQuota',
      e,
    );
  }
  let held: { tags: Record<string, string> }[];
  try {
    const out = await ec2.send(new DescribeAddressesCommand({}));
    held = (out.Addresses ?? []).map((a) => ({
      tags: Object.fromEntries((a.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    }));
  } catch (e) {
    return notVerified(name, 'EC2 DescribeAddresses', 'ec2:DescribeAddresses', e);
  }
  const own = held.filter(
    (a) => a.tags.Project === PROJECT_TAG && a.tags.Environment === config.environment,
  ).length;
  const others = held.length - own;
  const needed = others + natGateways;
  if (needed <= quota.value) {
    return {
      name,
      status: 'pass',
      detail: `${config.region} allows ${quota.value} Elastic IPs (${QUOTAS.elasticIps.quotaCode}, ${quota.source}); others hold ${others}, this environment's ${natGateways} NAT gateway(s) need ${natGateways}`,
    };
  }
  return failed(
    name,
    elasticIpsMessage({
      region: config.region,
      quota: quota.value,
      heldByOthers: others,
      natGateways,
      needed,
    }),
  );
}

function noClient(name: string, service: string): CheckResult {
  return {
    name,
    status: 'not-verified',
    detail: `no ${service} client for this target (the preflight clients carry no credentials to derive one from)`,
  };
}
