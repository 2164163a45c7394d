import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildModel,
  DEFAULT_TIER,
  DiagramModel,
  diagramFromOutdir,
  PROJECT_ROOT,
  referencesOf,
  resourcesOf,
  synthesizeDefaults,
  tierOf,
  toDot,
} from '../../scripts/lib/diagram';

/** A tiny platform stack in Terraform JSON, shaped like cdktf's output. */
function stackJson(): unknown {
  const r = (path: string, body: Record<string, unknown> = {}) => ({
    '//': { metadata: { path: `TapStacktest/${path}`, uniqueId: path.replace(/\//g, '_') } },
    ...body,
  });
  return {
    data: {
      aws_iam_policy_document: {
        flow_policy: r('network/flow-policy', {
          statement: [{ resources: ['${aws_cloudwatch_log_group.flow_logs.arn}'] }],
        }),
      },
    },
    resource: {
      aws_vpc: { vpc: r('network/vpc', { cidr_block: '10.0.0.0/16' }) },
      aws_subnet: {
        private_0: r('network/private-subnet-0', {
          cidr_block: '10.0.16.0/20',
          vpc_id: '${aws_vpc.vpc.id}',
        }),
        private_1: r('network/private-subnet-1', {
          cidr_block: '10.0.32.0/20',
          vpc_id: '${aws_vpc.vpc.id}',
        }),
        isolated_0: r('network/isolated-subnet-0', {
          cidr_block: '10.0.128.0/24',
          vpc_id: '${aws_vpc.vpc.id}',
        }),
        public_0: r('network/public-subnet-0', {
          cidr_block: '10.0.0.0/24',
          vpc_id: '${aws_vpc.vpc.id}',
        }),
      },
      aws_security_group: {
        app: r('network/app-sg', { name: 'app', vpc_id: '${aws_vpc.vpc.id}' }),
        db: r('database/security-group', { name: 'db', vpc_id: '${aws_vpc.vpc.id}' }),
      },
      aws_vpc_security_group_ingress_rule: {
        db_from_app: r('database/ingress-from-application', {
          security_group_id: '${aws_security_group.db.id}',
          referenced_security_group_id: '${aws_security_group.app.id}',
          ip_protocol: 'tcp',
          from_port: 5432,
          to_port: 5432,
        }),
      },
      aws_kms_key: { data: r('data-key/key', { description: 'data' }) },
      aws_kms_alias: {
        data_alias: r('data-key/alias', {
          name: 'alias/test-data',
          target_key_id: '${aws_kms_key.data.key_id}',
        }),
      },
      aws_db_subnet_group: {
        db: r('database/subnet-group', {
          name: 'test-db',
          subnet_ids: ['${aws_subnet.isolated_0.id}'],
        }),
      },
      aws_db_parameter_group: { db: r('database/parameter-group', { name: 'test-pg16' }) },
      aws_db_instance: {
        db: r('database/instance', {
          identifier: 'test-db',
          engine: 'postgres',
          kms_key_id: '${aws_kms_key.data.arn}',
          db_subnet_group_name: '${aws_db_subnet_group.db.name}',
          parameter_group_name: '${aws_db_parameter_group.db.name}',
          vpc_security_group_ids: ['${aws_security_group.db.id}'],
          tags: { Owner: '${aws_vpc.vpc.id}' },
          provider: 'aws.other',
        }),
      },
      aws_cloudwatch_log_group: {
        flow_logs: r('network/flow-log-group', { name: '/aws/vpc/test' }),
      },
      aws_iam_role: { flow: r('network/flow-log-role', { name: 'flow' }) },
      aws_iam_role_policy: {
        flow: r('network/flow-log-role-policy', {
          role: '${aws_iam_role.flow.id}',
          policy: '${data.aws_iam_policy_document.flow_policy.json}',
        }),
      },
      aws_api_gateway_rest_api: { api: r('api/rest-api', { name: 'test-api' }) },
      aws_api_gateway_stage: {
        stage: r('api/stage', {
          rest_api_id: '${aws_api_gateway_rest_api.api.id}',
          stage_name: 'test',
        }),
      },
      aws_wafv2_web_acl: { acl: r('api/web-acl', { name: 'test-acl' }) },
      aws_sns_topic: { topic: r('alarms/topic', { name: 'alarms' }) },
      aws_quantum_flux_capacitor: { thing: r('misc/thing', { name: 'mystery' }) },
    },
  };
}

function model(): DiagramModel {
  return buildModel(resourcesOf('TapStacktest', stackJson()));
}

/** The node a resource address ended up in. */
function nodeFor(m: DiagramModel, address: string) {
  const node = m.nodes.find((n) => n.members.includes(`TapStacktest:${address}`));
  expect(node).toBeDefined();
  return node!;
}

describe('tierOf', () => {
  test.each([
    ['aws_api_gateway_rest_api', '', 'edge'],
    ['aws_wafv2_web_acl', '', 'edge'],
    ['aws_internet_gateway', '', 'public'],
    ['aws_nat_gateway', 'nat-0', 'public'],
    ['aws_eip', 'nat-eip-0', 'public'],
    ['aws_vpc', 'vpc', 'public'],
    ['aws_subnet', 'public-subnet-0', 'public'],
    ['aws_subnet', 'private-subnet-1', 'application'],
    ['aws_subnet', 'isolated-subnet-2', 'data'],
    ['aws_route_table', 'isolated-route-table', 'data'],
    ['aws_vpc_endpoint', 'endpoint-kms', 'application'],
    ['aws_db_instance', 'instance', 'data'],
    ['aws_elasticache_replication_group', '', 'data'],
    ['aws_db_subnet_group', '', 'data'],
    ['aws_secretsmanager_secret', '', 'data'],
    ['aws_kms_key', '', 'security'],
    ['aws_iam_role', '', 'security'],
    ['aws_cloudwatch_log_group', '', 'observability'],
    ['aws_cloudwatch_metric_alarm', '', 'observability'],
    ['aws_sns_topic', '', 'observability'],
    ['aws_flow_log', '', 'observability'],
    ['aws_s3_bucket', '', 'state'],
    ['aws_dynamodb_table', '', 'state'],
  ])('%s (%s) is in the %s tier', (type, id, tier) => {
    expect(tierOf(type, id)).toBe(tier);
  });

  test('an unknown resource type falls into the default tier', () => {
    expect(tierOf('aws_quantum_flux_capacitor')).toBe(DEFAULT_TIER);
    expect(tierOf('google_compute_instance', 'x')).toBe(DEFAULT_TIER);
  });
});

describe('referencesOf', () => {
  test('finds ${type.name.attr} references, also inside expressions, among known addresses', () => {
    const known = new Set(['aws_vpc.vpc', 'aws_subnet.a', 'data.aws_region.r']);
    expect(
      referencesOf(
        {
          vpc_id: '${aws_vpc.vpc.id}',
          az: '${element(aws_subnet.a.*.availability_zone, 0)}',
          service: 'com.amazonaws.${data.aws_region.r.name}.kms',
          other: '${aws_subnet.unknown.id} ${var.x}',
          tags: { Name: '${aws_vpc.vpc.id}' },
          depends_on: ['aws_subnet.a'],
        },
        known,
      ),
    ).toEqual(['aws_subnet.a', 'aws_vpc.vpc', 'data.aws_region.r']);
  });
});

describe('buildModel', () => {
  test('puts each resource in its tier, and security groups in the tier of what they guard', () => {
    const m = model();
    expect(nodeFor(m, 'aws_db_instance.db').tier).toBe('data');
    expect(nodeFor(m, 'aws_security_group.db').tier).toBe('data');
    expect(nodeFor(m, 'aws_security_group.app').tier).toBe('application');
    expect(nodeFor(m, 'aws_subnet.isolated_0').tier).toBe('data');
    expect(nodeFor(m, 'aws_subnet.public_0').tier).toBe('public');
    expect(nodeFor(m, 'aws_kms_key.data').tier).toBe('security');
    expect(nodeFor(m, 'aws_cloudwatch_log_group.flow_logs').tier).toBe('observability');
    expect(nodeFor(m, 'aws_api_gateway_rest_api.api').tier).toBe('edge');
  });

  test('an unknown resource type is drawn in the default tier instead of failing', () => {
    const node = nodeFor(model(), 'aws_quantum_flux_capacitor.thing');
    expect(node.tier).toBe(DEFAULT_TIER);
    expect(node.label).toEqual(['Quantum flux capacitor', 'mystery']);
  });

  test('groups nodes by construct and labels them with a readable type and name', () => {
    const db = nodeFor(model(), 'aws_db_instance.db');
    expect(db.construct).toBe('database');
    expect(db.label).toEqual(['RDS PostgreSQL', 'test-db']);
  });

  test('folds detail resources into their owner: alias into key, stage into API, parameter group into DB', () => {
    const m = model();
    const key = nodeFor(m, 'aws_kms_key.data');
    expect(key.members).toContain('TapStacktest:aws_kms_alias.data_alias');
    expect(key.label).toEqual(['KMS key', 'alias/test-data']);
    expect(nodeFor(m, 'aws_api_gateway_stage.stage').id).toBe(
      nodeFor(m, 'aws_api_gateway_rest_api.api').id,
    );
    expect(nodeFor(m, 'aws_db_parameter_group.db').id).toBe(nodeFor(m, 'aws_db_instance.db').id);
  });

  test('collapses per-AZ repeats into one "n ×" node listing them', () => {
    const subnets = nodeFor(model(), 'aws_subnet.private_0');
    expect(nodeFor(model(), 'aws_subnet.private_1').id).toBe(subnets.id);
    expect(subnets.label).toEqual(['2 × private subnet', '10.0.16.0/20, 10.0.32.0/20']);
  });

  test('draws edges for references, deduplicated, skipping tags and provider', () => {
    const m = model();
    const id = (a: string) => nodeFor(m, a).id;
    const has = (from: string, to: string) =>
      m.edges.some((e) => e.from === id(from) && e.to === id(to));
    expect(has('aws_db_instance.db', 'aws_kms_key.data')).toBe(true);
    expect(has('aws_db_instance.db', 'aws_db_subnet_group.db')).toBe(true);
    expect(has('aws_db_subnet_group.db', 'aws_subnet.isolated_0')).toBe(true);
    // tags reference the VPC: not an edge; security groups inside the VPC: not drawn either.
    expect(has('aws_db_instance.db', 'aws_vpc.vpc')).toBe(false);
    expect(has('aws_security_group.db', 'aws_vpc.vpc')).toBe(false);
    expect(has('aws_subnet.private_0', 'aws_vpc.vpc')).toBe(true);
    const keys = m.edges.map((e) => `${e.from}>${e.to}>${e.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('follows references through data sources (a role policy names the log group)', () => {
    const m = model();
    expect(m.edges).toContainEqual({
      from: nodeFor(m, 'aws_iam_role.flow').id,
      to: nodeFor(m, 'aws_cloudwatch_log_group.flow_logs').id,
      kind: 'reference',
    });
  });

  test('turns a security-group rule into a traffic edge labelled with its port', () => {
    const m = model();
    expect(m.edges).toContainEqual({
      from: nodeFor(m, 'aws_security_group.app').id,
      to: nodeFor(m, 'aws_security_group.db').id,
      label: '5432',
      kind: 'traffic',
    });
  });

  test('is deterministic whatever the order of the input', () => {
    const resources = resourcesOf('TapStacktest', stackJson());
    expect(buildModel([...resources].reverse())).toEqual(buildModel(resources));
  });
});

describe('toDot', () => {
  test('has a cluster per tier and a nested cluster per construct', () => {
    const dot = toDot(model());
    for (const cluster of [
      'cluster_edge',
      'cluster_public',
      'cluster_application',
      'cluster_data',
      'cluster_security',
      'cluster_observability',
    ]) {
      expect(dot).toContain(`subgraph ${cluster} {`);
    }
    expect(dot).toMatch(
      /subgraph cluster_data \{[\s\S]*subgraph cluster_data_database \{[\s\S]*label="RDS PostgreSQL\\ntest-db"/,
    );
    expect(dot).toContain('label="5432"');
  });
});

describe('docs/architecture.svg', () => {
  test('equals what the current code draws from the current stacks (run `npm run diagram` to refresh)', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'diagram-test-'));
    try {
      synthesizeDefaults(outdir);
      const { svg } = await diagramFromOutdir(outdir);
      const committed = readFileSync(join(PROJECT_ROOT, 'docs', 'architecture.svg'), 'utf8');
      if (svg !== committed) {
        throw new Error(
          'docs/architecture.svg is stale: it differs from what the current code draws from the current stacks. Run `npm run diagram`, look at it, and commit it.',
        );
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 20000);
});
