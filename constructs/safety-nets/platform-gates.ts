/**
 * The platform's deploy gates: what a plan of one environment must find true before
 * anything is created (DeployGates: each gate a precondition of `terraform_data.deploy_gates`).
 * The data sources they read have fixed addresses (below), so the conditions can name them;
 * every message comes from gate-messages.ts, which `npm run preflight` prints too.
 *
 * The PostgreSQL version and instance class are checked by reading them: the engine-version
 * and orderable-instance data sources fail the plan with the provider's own error when the
 * region offers no such version or class (docs/safety-nets.md quotes it).
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsEips } from '@cdktf/provider-aws/lib/data-aws-eips';
import { DataAwsIamRoles } from '@cdktf/provider-aws/lib/data-aws-iam-roles';
import { DataAwsRdsEngineVersion } from '@cdktf/provider-aws/lib/data-aws-rds-engine-version';
import { DataAwsRdsOrderableDbInstance } from '@cdktf/provider-aws/lib/data-aws-rds-orderable-db-instance';
import { DataAwsServicequotasServiceQuota } from '@cdktf/provider-aws/lib/data-aws-servicequotas-service-quota';
import type { TerraformDataSource } from 'cdktf';
import { Construct } from 'constructs';
import type { Network } from '../network/network';
import { DeployGates, fact, Gate } from './deploy-gates';
import {
  DATABASE_STORAGE_TYPE,
  accountBaselineMessage,
  accountPinMessage,
  alarmSubscriberMessage,
  customDomainMessage,
  databaseClassMessage,
  elasticIpsMessage,
  GATE_NAMES,
  gateText,
  GateMessage,
  LAMBDA_UNRESERVED_MINIMUM,
  lambdaConcurrencyMessage,
  QUOTAS,
  tf,
  zonesMessage,
} from './gate-messages';

export interface PlatformGatesProps {
  readonly environment: string;
  readonly region: string;
  /** Production deploys need an alarm subscriber, a pinned account and a custom domain. */
  readonly production: boolean;
  /** ALARM_EMAIL and the like: who hears the alarms. */
  readonly alarmSubscribers: readonly string[];
  /** AWS_ACCOUNT_ID of this environment. @default - not pinned */
  readonly pinnedAccount?: string;
  /** API_DOMAIN_NAME of this environment. @default - none */
  readonly apiDomainName?: string;
  /** The API Gateway CloudWatch role TapAccountBaseline creates (BASELINE_NAMES). */
  readonly baselineRoleName: string;
  /** Its zones and NAT gateways are checked against the region and the Elastic IP quota. */
  readonly network: Network;
  readonly database: {
    readonly engineMajorVersion: string;
    readonly instanceClass: string;
    readonly multiAz: boolean;
  };
  /** 0: no reservation, no quota gate. */
  /** What the environment's functions reserve together (stackReservedConcurrency). */
  readonly reservedConcurrency: number;
  /** The default tags that mark this environment's resources (its own Elastic IPs). */
  readonly ownTags: { readonly Project: string; readonly Environment: string };
}

/** Fixed addresses of what the gates read (`data.<type>.<name>`). */
export const GATE_DATA = {
  callerIdentity: 'deploy_gates',
  baselineRoles: 'account_baseline',
  engineVersion: 'database_engine',
  orderableClass: 'database_class',
  lambdaQuota: 'lambda_concurrency',
  allEips: 'all',
  ownEips: 'this_environment',
  eipQuota: 'elastic_ips',
} as const;

/** The readable address of a data source, set with overrideLogicalId. */
function fixed<T extends TerraformDataSource>(source: T, name: string): string {
  source.overrideLogicalId(name);
  return `data.${source.terraformResourceType}.${name}`;
}

export class PlatformGates extends Construct {
  readonly gates: DeployGates;

  constructor(scope: Construct, id: string, props: PlatformGatesProps) {
    super(scope, id);
    const { environment, region } = props;
    const natGateways = props.network.natGatewayIds.length;
    const facts = {
      environment,
      region,
      production: props.production,
      alarm_subscribers: [...props.alarmSubscribers],
      pinned_account: props.pinnedAccount ?? '',
      api_domain_name: props.apiDomainName ?? '',
      az_count: props.network.availabilityZones.length,
      multi_az: props.database.multiAz,
      reserved_concurrency: props.reservedConcurrency,
      nat_gateways: natGateways,
    };
    const gate = (name: string, condition: string, message: GateMessage): Gate => ({
      name,
      condition,
      message: gateText(message),
    });

    const caller = fixed(new DataAwsCallerIdentity(this, 'caller'), GATE_DATA.callerIdentity);
    const roles = fixed(
      new DataAwsIamRoles(this, 'baseline-roles', {
        nameRegex: `^${props.baselineRoleName}$`,
      }),
      GATE_DATA.baselineRoles,
    );
    const gates: Gate[] = [
      gate(
        GATE_NAMES.alarmSubscriber,
        `!${fact('production')} || length(${fact('alarm_subscribers')}) > 0`,
        alarmSubscriberMessage({ environment }),
      ),
      gate(
        GATE_NAMES.accountPin,
        `!${fact('production')} || ${fact('pinned_account')} != ""`,
        accountPinMessage({ environment, callerAccount: tf(`${caller}.account_id`) }),
      ),
      gate(
        GATE_NAMES.accountBaseline,
        `length(${roles}.names) == 1`,
        accountBaselineMessage({ region, roleName: props.baselineRoleName }),
      ),
      gate(
        GATE_NAMES.customDomain,
        `!${fact('production')} || ${fact('api_domain_name')} != ""`,
        customDomainMessage({ environment }),
      ),
      ...this.zoneGates(props, gate),
      this.databaseGate(props, gate),
      ...this.quotaGates(props, natGateways, gate),
    ];
    this.gates = new DeployGates(this, 'gates', { facts, gates });
  }

  /** Pinned zones are checked by the zones data source itself (constructs/network). */
  private zoneGates(props: PlatformGatesProps, gate: GateFactory): Gate[] {
    if (props.network.zonesPinned) return [];
    const zones = props.network.zoneData;
    const names = `data.${zones.terraformResourceType}.${zones.friendlyUniqueId}.names`;
    return [
      gate(
        GATE_NAMES.zones,
        `length(${names}) >= ${fact('az_count')}`,
        zonesMessage({
          region: props.region,
          azCount: props.network.availabilityZones.length,
          zoneCount: tf(`length(${names})`),
          zoneList: tf(`join(", ", ${names})`),
        }),
      ),
    ];
  }

  /**
   * The major version's newest minor and the class, orderable with gp3 storage (both reads
   * fail the plan when the region offers neither), and the class supports what the
   * Database construct turns on.
   */
  private databaseGate(props: PlatformGatesProps, gate: GateFactory): Gate {
    const { engineMajorVersion, instanceClass } = props.database;
    const engineVersion = new DataAwsRdsEngineVersion(this, 'engine-version', {
      engine: 'postgres',
      version: engineMajorVersion,
      latest: true,
    });
    const engine = fixed(engineVersion, GATE_DATA.engineVersion);
    const orderable = fixed(
      new DataAwsRdsOrderableDbInstance(this, 'orderable-class', {
        engine: 'postgres',
        engineVersion: engineVersion.versionActual,
        instanceClass,
        storageType: DATABASE_STORAGE_TYPE,
        // With a preferred class the data source takes the first match instead of failing
        // on several (one per availability-zone group or network type).
        preferredInstanceClasses: [instanceClass],
      }),
      GATE_DATA.orderableClass,
    );
    const unsupported = `compact([${[
      ['supports_storage_encryption', 'storage encryption'],
      ['supports_iam_database_authentication', 'IAM database authentication'],
      ['supports_performance_insights', 'Performance Insights'],
      ['supports_enhanced_monitoring', 'Enhanced Monitoring'],
      ['supports_storage_autoscaling', 'storage autoscaling'],
    ]
      .map(([flag, what]) => `${orderable}.${flag} ? "" : "${what}"`)
      .concat(`!${fact('multi_az')} || ${orderable}.multi_az_capable ? "" : "Multi-AZ"`)
      .join(', ')}])`;
    return gate(
      GATE_NAMES.databaseClass,
      `length(${unsupported}) == 0`,
      databaseClassMessage({
        instanceClass,
        engineVersion: tf(`${engine}.version_actual`),
        region: props.region,
        missing: tf(`join(", ", ${unsupported})`),
      }),
    );
  }

  /** Lambda concurrency (what the environment's functions reserve) and Elastic IPs. */
  private quotaGates(props: PlatformGatesProps, natGateways: number, gate: GateFactory): Gate[] {
    const quota = (id: string, name: string, q: { serviceCode: string; quotaCode: string }) =>
      fixed(
        new DataAwsServicequotasServiceQuota(this, id, {
          serviceCode: q.serviceCode,
          quotaCode: q.quotaCode,
        }),
        name,
      );
    const gates: Gate[] = [];
    const reserved = props.reservedConcurrency;
    if (reserved > 0) {
      const lambda = quota('lambda-quota', GATE_DATA.lambdaQuota, QUOTAS.lambdaConcurrency);
      gates.push(
        gate(
          GATE_NAMES.lambdaConcurrency,
          `${lambda}.value >= ${fact('reserved_concurrency')} + ${LAMBDA_UNRESERVED_MINIMUM}`,
          lambdaConcurrencyMessage({
            region: props.region,
            reserved,
            available: tf(`${lambda}.value`),
            source: `(account quota ${QUOTAS.lambdaConcurrency.quotaCode})`,
          }),
        ),
      );
    }
    const all = fixed(new DataAwsEips(this, 'all-eips'), GATE_DATA.allEips);
    const own = fixed(
      new DataAwsEips(this, 'own-eips', { tags: { ...props.ownTags } }),
      GATE_DATA.ownEips,
    );
    const eipQuota = quota('eip-quota', GATE_DATA.eipQuota, QUOTAS.elasticIps);
    const others = `length(${all}.public_ips) - length(${own}.public_ips)`;
    gates.push(
      gate(
        GATE_NAMES.elasticIps,
        `${others} + ${fact('nat_gateways')} <= ${eipQuota}.value`,
        elasticIpsMessage({
          region: props.region,
          quota: tf(`${eipQuota}.value`),
          heldByOthers: tf(others),
          natGateways,
          needed: tf(`${others} + ${natGateways}`),
        }),
      ),
    );
    return gates;
  }
}

type GateFactory = (name: string, condition: string, message: GateMessage) => Gate;
