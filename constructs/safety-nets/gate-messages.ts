/**
 * The text of every deploy gate, in one place: the platform stack writes it into the
 * Terraform preconditions (PlatformGates), and `npm run preflight` prints the same text for
 * the same check (tools/preflight). Each builder returns what failed (`detail`) and what to
 * change (`fix`); `gateText` joins them the way preflight's table prints them.
 *
 * A value may be a number or string known now (preflight passes what AWS answered) or a
 * Terraform interpolation (`tf('length(data.aws_eips.all.public_ips)')`), so the plan prints
 * the values Terraform read.
 */
import { DB_SETUP_RESERVED_CONCURRENCY } from '../database/db-setup';
import { BASELINE_STACK_ID } from '../../config/baseline';
import { SETTINGS } from '../../config/settings';

/** What a failed check says: the same words in Terraform's error and in preflight's table. */
export interface GateMessage {
  readonly detail: string;
  readonly fix: string;
}

/** A value in a message: known now, or a Terraform interpolation from `tf()`. */
export type Shown = string | number;

/** The short names of the gates, shown by Terraform (`terraform_data.deploy_gates`) and preflight. */
export const GATE_NAMES = {
  alarmSubscriber: 'alarm subscriber',
  accountPin: 'account pin',
  accountBaseline: 'account baseline',
  customDomain: 'API custom domain',
  zones: 'availability zones',
  databaseClass: 'DB instance class features',
  lambdaConcurrency: 'Lambda concurrency',
  elasticIps: 'Elastic IPs',
} as const;

/** The stack that owns the account-wide settings every environment needs. */
export const ACCOUNT_BASELINE_STACK = BASELINE_STACK_ID;
/** The storage type the Database construct uses; the class must be orderable with it. */
export const DATABASE_STORAGE_TYPE = 'gp3';
/** AWS keeps this many concurrent executions unreserved in every account and region. */
export const LAMBDA_UNRESERVED_MINIMUM = 100;
/** Service Quotas codes of the quotas the gates read. */
export const QUOTAS = {
  lambdaConcurrency: {
    serviceCode: 'lambda',
    quotaCode: 'L-B99A9384',
    name: 'Concurrent executions',
  },
  elasticIps: { serviceCode: 'ec2', quotaCode: 'L-0263D0A3', name: 'EC2-VPC Elastic IPs' },
} as const;

/** A Terraform interpolation for a message: `tf('x.y')` is `${x.y}`. */
export function tf(expression: string): string {
  return `\${${expression}}`;
}

/** The message as one text: the detail, then `fix: …` on its own line (preflight's DETAIL column). */
export function gateText(message: GateMessage): string {
  return `${message.detail}\nfix: ${message.fix}`;
}

const env = (key: keyof typeof SETTINGS) => SETTINGS[key].envVar;

export function alarmSubscriberMessage(p: { environment: string }): GateMessage {
  return {
    detail: `${env('alarmEmail')} is not set: production alarms would reach nobody`,
    fix: `set ${env('alarmEmail')} to an address that answers alarms for ${p.environment}`,
  };
}

export function accountPinMessage(p: { environment: string; callerAccount: Shown }): GateMessage {
  const v = env('accountId');
  return {
    detail: `${v} pins no account for ${p.environment} (production profile): a production plan must name its account`,
    fix: `set ${v}=${p.callerAccount} if ${p.callerAccount} is the production account, or ${v}=${p.environment}=<12-digit id>`,
  };
}

export function accountBaselineMessage(p: { region: Shown; roleName: string }): GateMessage {
  return {
    detail: `API Gateway in ${p.region} has no CloudWatch role ${p.roleName}, which ${ACCOUNT_BASELINE_STACK} creates: the API's execution logs could not be written`,
    fix: `deploy ${ACCOUNT_BASELINE_STACK} first (once per account and region), then run again`,
  };
}

export function customDomainMessage(p: { environment: string }): GateMessage {
  return {
    detail: `${env('apiDomainName')} is not set for ${p.environment} (production profile): clients could reach the API only on its execute-api host, which accepts TLS 1.0`,
    fix: `set ${env('apiDomainName')} and ${env('apiCertificateArn')} (an ISSUED ACM certificate of the region that covers the name), then point the name's DNS at the api_domain_target output`,
  };
}

export function zonesMessage(p: {
  region: Shown;
  azCount: number;
  zoneCount: Shown;
  zoneList: Shown;
}): GateMessage {
  return {
    detail: `${p.region} has ${p.zoneCount} availability zones (${p.zoneList}), fewer than ${env('azCount')} ${p.azCount}`,
    fix: `lower ${env('azCount')} to the number of zones the region has (the platform needs at least 2), or choose a region with ${p.azCount} zones (${env('region')})`,
  };
}

export function pinnedZonesMessage(p: {
  region: Shown;
  missing: Shown;
  zoneList: Shown;
}): GateMessage {
  return {
    detail: `${env('availabilityZones')} names ${p.missing}, which this account does not have in ${p.region} (its zones: ${p.zoneList})`,
    fix: `list zones of ${p.region} from that list in ${env('availabilityZones')}, or unset it to use the region's first ${env('azCount')} zones`,
  };
}

export function databaseClassMessage(p: {
  instanceClass: string;
  engineVersion: Shown;
  region: Shown;
  missing: Shown;
}): GateMessage {
  return {
    detail: `${p.instanceClass} (PostgreSQL ${p.engineVersion}, gp3) in ${p.region} does not support what the database uses: ${p.missing}`,
    fix: `set ${env('dbInstanceClass')} to a current-generation class that supports them (preflight lists orderable classes)`,
  };
}

/**
 * What an environment's functions reserve together: the readiness function's setting and the
 * database setup function's one (both are held to the account's unreserved minimum).
 */
export function stackReservedConcurrency(readinessReserved: number): number {
  return readinessReserved + DB_SETUP_RESERVED_CONCURRENCY;
}

export function lambdaConcurrencyMessage(p: {
  region: Shown;
  reserved: number;
  available: Shown;
  source: string;
}): GateMessage {
  const needed = p.reserved + LAMBDA_UNRESERVED_MINIMUM;
  const q = QUOTAS.lambdaConcurrency;
  return {
    detail: `Lambda in ${p.region} has ${p.available} concurrent executions ${p.source}; the environment's functions reserve ${p.reserved} (readiness and database setup) and AWS keeps ${LAMBDA_UNRESERVED_MINIMUM} unreserved, so at least ${needed} are needed`,
    fix: `request a quota increase of Lambda "${q.name}" (${q.quotaCode}) in ${p.region} to at least ${needed}, or lower ${env('readinessReservedConcurrency')} (0 = no reservation, outside the production profile)`,
  };
}

export function elasticIpsMessage(p: {
  region: Shown;
  quota: Shown;
  heldByOthers: Shown;
  natGateways: number;
  needed: Shown;
}): GateMessage {
  const q = QUOTAS.elasticIps;
  return {
    detail: `${p.region} allows ${p.quota} Elastic IPs (${q.quotaCode}); other resources hold ${p.heldByOthers} and this environment's ${p.natGateways} NAT gateway(s) need one each`,
    fix: `${p.natGateways > 1 ? `set ${env('natGateways')}=single (one NAT gateway, one address), ` : ''}release Elastic IPs nothing uses, or request a quota increase of "${q.name}" (${q.quotaCode}) in ${p.region} to at least ${p.needed}`,
  };
}

// The account baseline's gates.

/** The account baseline's setting that names the alarm subscriber. */
export const BASELINE_ALARM_EMAIL_VARIABLE = 'BASELINE_ALARM_EMAIL';

/** The baseline's alarm-subscriber gate, as the plan and preflight name it. */
export const BASELINE_ALARM_GATE = 'baseline alarm subscriber';

/** Production baseline without anyone on the security alarm topic. */
export function baselineAlarmSubscriberMessage(): string {
  return `${BASELINE_ALARM_EMAIL_VARIABLE} is not set: the production account baseline's security alarms (trail alarms, GuardDuty and Security Hub findings, failed backup, copy and restore jobs) would reach nobody. Set ${BASELINE_ALARM_EMAIL_VARIABLE} to an address that answers them.`;
}

/**
 * A service the setting says the organization runs here, but which is not running:
 * e.g. BASELINE_GUARDDUTY=organization and no enabled detector.
 */
export function organizationServiceMissingMessage(
  service: string,
  variable: string,
  region: string,
): string {
  return `${variable}=organization, but ${service} is not enabled for this account in ${region}: the organization does not run it here. Have the organization's delegated administrator enable it for this account, or set ${variable}=on to let the baseline run it.`;
}
