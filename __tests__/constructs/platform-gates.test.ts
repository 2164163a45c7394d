import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { TerraformStack, Testing } from 'cdktf';
import type { Network } from '../../constructs/network/network';
import {
  accountBaselineMessage,
  elasticIpsMessage,
  GATE_NAMES,
  gateText,
  lambdaConcurrencyMessage,
  tf,
  zonesMessage,
} from '../../constructs/safety-nets/gate-messages';
import { PlatformGates, PlatformGatesProps } from '../../constructs/safety-nets/platform-gates';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Options {
  readonly natGateways?: number;
  readonly pinned?: boolean;
  readonly props?: Partial<PlatformGatesProps>;
}

function synth(options: Options = {}): Json {
  const stack = new TerraformStack(Testing.app(), 'gates-test');
  const zoneData = new DataAwsAvailabilityZones(stack, 'zones', {});
  zoneData.overrideLogicalId('zones');
  const natCount = options.natGateways ?? 3;
  const network = {
    zoneData,
    zonesPinned: options.pinned ?? false,
    availabilityZones: ['z0', 'z1', 'z2'],
    natGatewayIds: Array.from({ length: natCount }, (_, i) => `nat-${i}`),
  } as unknown as Network;
  new PlatformGates(stack, 'deploy-gates', {
    environment: 'prod',
    region: 'eu-west-1',
    production: true,
    alarmSubscribers: [],
    baselineRoleName: 'healthcare-apigw-cloudwatch',
    network,
    database: { engineMajorVersion: '16', instanceClass: 'db.r6g.large', multiAz: true },
    reservedConcurrency: 2,
    ownTags: { Project: 'healthcare-platform', Environment: 'prod' },
    ...options.props,
  });
  return JSON.parse(Testing.synth(stack));
}

const preconditions = (json: Json): Json[] =>
  json.resource.terraform_data.deploy_gates.lifecycle.precondition;
const gateNamed = (json: Json, name: string): Json => {
  const names: string[] = json.resource.terraform_data.deploy_gates.input.gates;
  expect(names).toContain(name);
  return preconditions(json)[names.indexOf(name)];
};
const strip = (block: Json): Json =>
  Object.fromEntries(Object.entries(block).filter(([key]) => key !== '//'));

describe('PlatformGates (production, nothing set)', () => {
  const json = synth();

  it('writes the facts the conditions read', () => {
    expect(json.locals.deploy_facts).toEqual({
      environment: 'prod',
      region: 'eu-west-1',
      production: true,
      alarm_subscribers: [],
      pinned_account: '',
      api_domain_name: '',
      az_count: 3,
      multi_az: true,
      reserved_concurrency: 2,
      nat_gateways: 3,
    });
  });

  it('has every gate, in order', () => {
    expect(json.resource.terraform_data.deploy_gates.input.gates).toEqual([
      'alarm subscriber',
      'account pin',
      'account baseline',
      'API custom domain',
      'availability zones',
      'DB instance class features',
      'Lambda concurrency',
      'Elastic IPs',
    ]);
  });

  it('reads its data sources at fixed addresses, with the arguments the gates need', () => {
    const data = Object.fromEntries(
      Object.entries(json.data).map(([type, byName]) => [
        type,
        Object.fromEntries(Object.entries(byName as Json).map(([n, b]) => [n, strip(b as Json)])),
      ]),
    );
    expect(data).toEqual({
      aws_availability_zones: { zones: {} },
      aws_caller_identity: { deploy_gates: {} },
      aws_iam_roles: { account_baseline: { name_regex: '^healthcare-apigw-cloudwatch$' } },
      aws_rds_engine_version: {
        database_engine: { engine: 'postgres', version: '16', latest: true },
      },
      aws_rds_orderable_db_instance: {
        database_class: {
          engine: 'postgres',
          engine_version: '${data.aws_rds_engine_version.database_engine.version_actual}',
          instance_class: 'db.r6g.large',
          storage_type: 'gp3',
          preferred_instance_classes: ['db.r6g.large'],
        },
      },
      aws_servicequotas_service_quota: {
        lambda_concurrency: { service_code: 'lambda', quota_code: 'L-B99A9384' },
        elastic_ips: { service_code: 'ec2', quota_code: 'L-0263D0A3' },
      },
      aws_eips: {
        all: {},
        this_environment: { tags: { Project: 'healthcare-platform', Environment: 'prod' } },
      },
    });
  });

  it('refuses production without an alarm subscriber, an account pin or a custom domain', () => {
    expect(gateNamed(json, GATE_NAMES.alarmSubscriber)).toEqual({
      condition:
        '${!local.deploy_facts.production || length(local.deploy_facts.alarm_subscribers) > 0}',
      error_message:
        'ALARM_EMAIL is not set: production alarms would reach nobody\nfix: set ALARM_EMAIL to an address that answers alarms for prod',
    });
    expect(gateNamed(json, GATE_NAMES.accountPin)).toEqual({
      condition: '${!local.deploy_facts.production || local.deploy_facts.pinned_account != ""}',
      error_message:
        'AWS_ACCOUNT_ID pins no account for prod (production profile): a production plan must name its account\n' +
        'fix: set AWS_ACCOUNT_ID=${data.aws_caller_identity.deploy_gates.account_id} if ${data.aws_caller_identity.deploy_gates.account_id} is the production account, or AWS_ACCOUNT_ID=prod=<12-digit id>',
    });
    expect(gateNamed(json, GATE_NAMES.customDomain)).toEqual({
      condition: '${!local.deploy_facts.production || local.deploy_facts.api_domain_name != ""}',
      error_message:
        'API_DOMAIN_NAME is not set for prod (production profile): clients could reach the API only on its execute-api host, which accepts TLS 1.0\n' +
        "fix: set API_DOMAIN_NAME and API_CERTIFICATE_ARN (an ISSUED ACM certificate of the region that covers the name), then point the name's DNS at the api_domain_target output",
    });
  });

  it('refuses an account without the baseline role: deploy TapAccountBaseline first', () => {
    expect(gateNamed(json, GATE_NAMES.accountBaseline)).toEqual({
      condition: '${length(data.aws_iam_roles.account_baseline.names) == 1}',
      error_message: gateText(
        accountBaselineMessage({ region: 'eu-west-1', roleName: 'healthcare-apigw-cloudwatch' }),
      ),
    });
    expect(gateNamed(json, GATE_NAMES.accountBaseline).error_message).toMatch(
      /\nfix: deploy TapAccountBaseline first \(once per account and region\), then run again$/,
    );
  });

  it("counts the region's zones against AZ_COUNT", () => {
    const names = 'data.aws_availability_zones.zones.names';
    expect(gateNamed(json, GATE_NAMES.zones)).toEqual({
      condition: `\${length(${names}) >= local.deploy_facts.az_count}`,
      error_message: gateText(
        zonesMessage({
          region: 'eu-west-1',
          azCount: 3,
          zoneCount: tf(`length(${names})`),
          zoneList: tf(`join(", ", ${names})`),
        }),
      ),
    });
  });

  it('requires the class to support what the database turns on, Multi-AZ when it is Multi-AZ', () => {
    const gate = gateNamed(json, GATE_NAMES.databaseClass);
    const o = 'data.aws_rds_orderable_db_instance.database_class';
    const list =
      `compact([${o}.supports_storage_encryption ? "" : "storage encryption", ` +
      `${o}.supports_iam_database_authentication ? "" : "IAM database authentication", ` +
      `${o}.supports_performance_insights ? "" : "Performance Insights", ` +
      `${o}.supports_enhanced_monitoring ? "" : "Enhanced Monitoring", ` +
      `${o}.supports_storage_autoscaling ? "" : "storage autoscaling", ` +
      `!local.deploy_facts.multi_az || ${o}.multi_az_capable ? "" : "Multi-AZ"])`;
    expect(gate).toEqual({
      condition: `\${length(${list}) == 0}`,
      error_message:
        'db.r6g.large (PostgreSQL ${data.aws_rds_engine_version.database_engine.version_actual}, gp3) in eu-west-1 does not support what the database uses: ' +
        `\${join(", ", ${list})}\n` +
        'fix: set DB_INSTANCE_CLASS to a current-generation class that supports them (preflight lists orderable classes)',
    });
  });

  it('needs the Lambda quota to cover the reservation plus the 100 AWS keeps unreserved', () => {
    const quota = 'data.aws_servicequotas_service_quota.lambda_concurrency.value';
    expect(gateNamed(json, GATE_NAMES.lambdaConcurrency)).toEqual({
      condition: `\${${quota} >= local.deploy_facts.reserved_concurrency + 100}`,
      error_message: gateText(
        lambdaConcurrencyMessage({
          region: 'eu-west-1',
          reserved: 2,
          available: tf(quota),
          source: '(account quota L-B99A9384)',
        }),
      ),
    });
    expect(gateNamed(json, GATE_NAMES.lambdaConcurrency).error_message).toContain(
      'so at least 102 are needed',
    );
  });

  it('needs the Elastic IP quota to cover the addresses held by others plus one per NAT gateway', () => {
    const others =
      'length(data.aws_eips.all.public_ips) - length(data.aws_eips.this_environment.public_ips)';
    const gate = gateNamed(json, GATE_NAMES.elasticIps);
    expect(gate.condition).toBe(
      `\${${others} + local.deploy_facts.nat_gateways <= data.aws_servicequotas_service_quota.elastic_ips.value}`,
    );
    expect(gate.error_message).toBe(
      gateText(
        elasticIpsMessage({
          region: 'eu-west-1',
          quota: tf('data.aws_servicequotas_service_quota.elastic_ips.value'),
          heldByOthers: tf(others),
          natGateways: 3,
          needed: tf(`${others} + 3`),
        }),
      ),
    );
    expect(gate.error_message).toContain(
      'fix: set NAT_GATEWAYS=single (one NAT gateway, one address)',
    );
  });
});

describe('PlatformGates variants', () => {
  it('has no Lambda gate and reads no Lambda quota when nothing is reserved', () => {
    const json = synth({ props: { reservedConcurrency: 0, production: false } });
    expect(json.resource.terraform_data.deploy_gates.input.gates).not.toContain(
      GATE_NAMES.lambdaConcurrency,
    );
    expect(Object.keys(json.data.aws_servicequotas_service_quota)).toEqual(['elastic_ips']);
    expect(json.locals.deploy_facts).toMatchObject({
      production: false,
      reserved_concurrency: 0,
    });
  });

  it('leaves pinned zones to the zones data source (no count gate)', () => {
    const json = synth({ pinned: true });
    expect(json.resource.terraform_data.deploy_gates.input.gates).not.toContain(GATE_NAMES.zones);
  });

  it('with one NAT gateway, does not suggest NAT_GATEWAYS=single', () => {
    const message = gateNamed(synth({ natGateways: 1 }), GATE_NAMES.elasticIps).error_message;
    expect(message).toContain("this environment's 1 NAT gateway(s) need one each");
    expect(message).not.toContain('NAT_GATEWAYS');
    expect(message).toMatch(/\nfix: release Elastic IPs nothing uses, or request a quota increase/);
  });

  it('records the subscribers, the pinned account and the domain as facts', () => {
    const json = synth({
      props: {
        alarmSubscribers: ['oncall@example.org'],
        pinnedAccount: '111122223333',
        apiDomainName: 'api.example.org',
      },
    });
    expect(json.locals.deploy_facts).toMatchObject({
      alarm_subscribers: ['oncall@example.org'],
      pinned_account: '111122223333',
      api_domain_name: 'api.example.org',
    });
  });
});

describe('gate messages', () => {
  it('join the detail and the fix the way preflight prints them', () => {
    expect(gateText({ detail: 'd', fix: 'f' })).toBe('d\nfix: f');
    expect(tf('a.b')).toBe('${a.b}');
  });

  it('say the same with values preflight knows', () => {
    expect(
      lambdaConcurrencyMessage({
        region: 'eu-west-1',
        reserved: 5,
        available: 104,
        source: 'that no other function reserves',
      }),
    ).toEqual({
      detail:
        "Lambda in eu-west-1 has 104 concurrent executions that no other function reserves; the environment's functions reserve 5 (readiness and database setup) and AWS keeps 100 unreserved, so at least 105 are needed",
      fix: 'request a quota increase of Lambda "Concurrent executions" (L-B99A9384) in eu-west-1 to at least 105, or lower READINESS_RESERVED_CONCURRENCY (0 = no reservation, outside the production profile)',
    });
    expect(
      elasticIpsMessage({
        region: 'eu-west-1',
        quota: 5,
        heldByOthers: 3,
        natGateways: 3,
        needed: 6,
      }),
    ).toEqual({
      detail:
        "eu-west-1 allows 5 Elastic IPs (L-0263D0A3); other resources hold 3 and this environment's 3 NAT gateway(s) need one each",
      fix: 'set NAT_GATEWAYS=single (one NAT gateway, one address), release Elastic IPs nothing uses, or request a quota increase of "EC2-VPC Elastic IPs" (L-0263D0A3) in eu-west-1 to at least 6',
    });
  });
});
