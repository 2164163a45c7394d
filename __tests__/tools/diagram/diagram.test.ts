import type { SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildModel,
  DEFAULT_TIER,
  DiagramModel,
  PROJECT_ROOT,
  readSynthesizedStacks,
  referencesOf,
  resourcesOf,
  synthesizeDefaults,
  tierOf,
  toDot,
} from '../../../tools/diagram';

// The real spawnSync unless a test stubs one call (what synthesizeDefaults runs; its failure
// paths are runApp's, in __tests__/tools/synth): a spy on the node module object itself,
// which tools/synth reads at call time.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = require('node:child_process') as typeof import('node:child_process');

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

/** A resource body of stack `S` with its construct path, as cdktf writes it. */
function at(path: string, body: Record<string, unknown> = {}): Record<string, unknown> {
  return { '//': { metadata: { path: `S/${path}` } }, ...body };
}

type Block = Record<string, Record<string, Record<string, unknown>>>;

/** The model of stack `S` made of these resources (and data sources). */
function modelOf(resource: Block, data: Block = {}): DiagramModel {
  return buildModel(resourcesOf('S', { resource, data }));
}

/** The node of stack `S` a resource address ended up in. */
function nodeIn(m: DiagramModel, address: string) {
  const node = m.nodes.find((n) => n.members.includes(`S:${address}`));
  expect(node).toBeDefined();
  return node!;
}

describe('tierOf without a tier word', () => {
  test('a subnet or route table whose id names no tier falls into the default tier', () => {
    expect(tierOf('aws_route_table', 'main-route-table')).toBe(DEFAULT_TIER);
    expect(tierOf('aws_subnet')).toBe(DEFAULT_TIER);
  });
});

describe('readSynthesizedStacks', () => {
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(join(tmpdir(), 'diagram-read-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  test('throws, saying to synthesize first, when the folder has no stacks', () => {
    expect(() => readSynthesizedStacks(outdir)).toThrow(
      `${join(outdir, 'stacks')} does not exist: synthesize first`,
    );
  });

  test('throws when no stack folder holds a cdk.tf.json', () => {
    mkdirSync(join(outdir, 'stacks', 'TapStackdev'), { recursive: true });
    expect(() => readSynthesizedStacks(outdir)).toThrow(
      `${join(outdir, 'stacks')} holds no synthesized stack (cdk.tf.json)`,
    );
  });

  test('reads the named stacks that were synthesized, skipping the others', () => {
    for (const stack of ['TapStackdev', 'TapStackprod']) {
      mkdirSync(join(outdir, 'stacks', stack), { recursive: true });
      writeFileSync(
        join(outdir, 'stacks', stack, 'cdk.tf.json'),
        JSON.stringify({ resource: { aws_vpc: { vpc: {} } } }),
      );
    }
    const read = readSynthesizedStacks(outdir, ['TapStackprod', 'TapStackmissing']);
    expect(read.map((r) => `${r.stack}:${r.address}`)).toEqual(['TapStackprod:aws_vpc.vpc']);
  });
});

describe('resourcesOf', () => {
  test('tolerates missing blocks, null bodies and resources without construct metadata', () => {
    expect(resourcesOf('S', undefined)).toEqual([]);
    expect(
      resourcesOf('S', {
        resource: {
          aws_subnet: null,
          aws_vpc: { bare: null },
          aws_kms_key: { moved: { '//': { metadata: { path: 'Other/keys/key' } } } },
        },
      }),
    ).toEqual([
      {
        stack: 'S',
        mode: 'managed',
        type: 'aws_kms_key',
        name: 'moved',
        address: 'aws_kms_key.moved',
        // A path that does not start with the stack is kept whole.
        path: ['Other', 'keys', 'key'],
        body: { '//': { metadata: { path: 'Other/keys/key' } } },
      },
      {
        stack: 'S',
        mode: 'managed',
        type: 'aws_vpc',
        name: 'bare',
        address: 'aws_vpc.bare',
        path: ['bare'],
        body: {},
      },
    ]);
  });
});

describe('referencesOf in nested blocks', () => {
  test('skips bookkeeping keys at any depth', () => {
    const known = new Set(['aws_vpc.vpc', 'aws_subnet.a']);
    expect(
      referencesOf(
        { settings: [{ tags: { Vpc: '${aws_vpc.vpc.id}' }, subnet: '${aws_subnet.a.id}' }] },
        known,
      ),
    ).toEqual(['aws_subnet.a']);
  });
});

describe('buildModel edge cases', () => {
  test('an explicit list of state stacks wins over the stack-name heuristic', () => {
    const m = buildModel(
      [
        ...resourcesOf('TapStateBackend', { resource: { aws_vpc: { vpc: {} } } }),
        ...resourcesOf('Infra', { resource: { aws_kms_key: { key: {} } } }),
      ],
      ['Infra'],
    );
    expect(m.nodes.map((n) => [n.stack, n.type, n.tier])).toEqual([
      ['Infra', 'aws_kms_key', 'state'],
      ['TapStateBackend', 'aws_vpc', 'public'],
    ]);
  });

  test('the account baseline is a tier of its own, by stack name or by an explicit list', () => {
    const baseline = {
      resource: {
        aws_s3_bucket: { archive: { bucket: 'trail-archive' } },
        aws_cloudwatch_log_metric_filter: {
          a: at('trail-alarms/root-usage', { name: 'root-usage' }),
          b: at('trail-alarms/iam-changes', { name: 'iam-changes' }),
        },
        aws_security_group: { sg: at('x/sg', { name: 'sg' }) },
      },
    };
    const byName = buildModel(resourcesOf('TapAccountBaseline', baseline));
    expect(byName.nodes.map((n) => [n.type, n.tier, n.label[0]])).toEqual([
      ['aws_cloudwatch_log_metric_filter', 'baseline', '2 × log metric filter'],
      ['aws_security_group', 'baseline', 'Security group'],
      ['aws_s3_bucket', 'baseline', 'S3 bucket'],
    ]);
    const listed = buildModel(resourcesOf('Account', baseline), [], ['Account']);
    expect(new Set(listed.nodes.map((n) => n.tier))).toEqual(new Set(['baseline']));
    expect(toDot(byName)).toContain(
      'label="Account baseline (TapAccountBaseline: once per account and region)"',
    );
  });

  test('a REST API lists its routes: method and path', () => {
    const m = modelOf({
      aws_api_gateway_rest_api: { api: at('api/rest-api', { name: 'api' }) },
      aws_api_gateway_resource: {
        ready: at('api/ready', {
          rest_api_id: '${aws_api_gateway_rest_api.api.id}',
          path_part: 'ready',
        }),
      },
      aws_api_gateway_method: {
        get_ready: at('api/ready-get', {
          rest_api_id: '${aws_api_gateway_rest_api.api.id}',
          resource_id: '${aws_api_gateway_resource.ready.id}',
          http_method: 'GET',
        }),
        get_root: at('api/root-get', {
          rest_api_id: '${aws_api_gateway_rest_api.api.id}',
          resource_id: '${aws_api_gateway_rest_api.api.root_resource_id}',
          http_method: 'GET',
        }),
      },
    });
    expect(nodeIn(m, 'aws_api_gateway_rest_api.api').label).toEqual([
      'API Gateway REST API',
      'api',
      'GET /',
      'GET /ready',
    ]);
  });

  test('a security group attached in two tiers is drawn in the later one (data over application)', () => {
    const m = modelOf({
      aws_security_group: { shared: at('net/shared-sg', { name: 'shared' }) },
      aws_lambda_function: {
        fn: at('app/function', {
          vpc_config: [{ security_group_ids: ['${aws_security_group.shared.id}'] }],
        }),
      },
      aws_db_instance: {
        db: at('db/instance', { vpc_security_group_ids: ['${aws_security_group.shared.id}'] }),
      },
    });
    expect(nodeIn(m, 'aws_lambda_function.fn').tier).toBe('application');
    expect(nodeIn(m, 'aws_security_group.shared').tier).toBe('data');
  });

  test('follows a data source reached twice through other data sources once', () => {
    const m = modelOf(
      {
        aws_cloudwatch_log_group: { logs: at('app/log-group', { name: '/app' }) },
        aws_s3_bucket: { audit: at('app/audit-bucket', { bucket: 'audit' }) },
        aws_iam_role: { role: at('app/role', { name: 'app' }) },
        aws_iam_role_policy: {
          policy: at('app/role-policy', {
            role: '${aws_iam_role.role.id}',
            policy: '${data.aws_iam_policy_document.full.json}',
          }),
        },
      },
      {
        aws_iam_policy_document: {
          base: at('app/base-policy', {
            statement: [{ resources: ['${aws_cloudwatch_log_group.logs.arn}'] }],
          }),
          extra: at('app/extra-policy', {
            source_policy_documents: ['${data.aws_iam_policy_document.base.json}'],
            statement: [{ resources: ['${aws_s3_bucket.audit.arn}'] }],
          }),
          full: at('app/full-policy', {
            source_policy_documents: [
              '${data.aws_iam_policy_document.base.json}',
              '${data.aws_iam_policy_document.extra.json}',
            ],
          }),
        },
      },
    );
    const role = nodeIn(m, 'aws_iam_role.role');
    expect(role.members).toEqual(['S:aws_iam_role.role', 'S:aws_iam_role_policy.policy']);
    expect(m.edges.filter((e) => e.from === role.id)).toEqual([
      { from: role.id, to: nodeIn(m, 'aws_cloudwatch_log_group.logs').id, kind: 'reference' },
      { from: role.id, to: nodeIn(m, 'aws_s3_bucket.audit').id, kind: 'reference' },
    ]);
  });

  test('a detail resource that names no resource of the stack stays a box of its own', () => {
    const m = modelOf({
      aws_kms_key: { key: at('keys/key', { description: 'logs' }) },
      aws_kms_alias: {
        imported: at('keys/imported-alias', {
          name: 'alias/imported',
          target_key_id: 'arn:aws:kms:eu-west-1:111122223333:key/abcd',
        }),
      },
    });
    const alias = nodeIn(m, 'aws_kms_alias.imported');
    expect(alias.tier).toBe('security');
    expect(alias.label).toEqual(['KMS alias', 'alias/imported']);
    expect(nodeIn(m, 'aws_kms_key.key').label).toEqual(['KMS key']);
    expect(nodeIn(m, 'aws_kms_key.key').members).toEqual(['S:aws_kms_key.key']);
  });

  test('a parameter group shared by two databases is drawn once, between them', () => {
    const m = modelOf({
      aws_db_parameter_group: { pg: at('db/parameter-group', { name: 'shared-pg' }) },
      aws_db_instance: {
        primary: at('db/primary', {
          identifier: 'primary',
          parameter_group_name: '${aws_db_parameter_group.pg.name}',
        }),
        legacy: at('db/legacy', {
          identifier: 'legacy',
          engine: 'oracle-ee',
          parameter_group_name: '${aws_db_parameter_group.pg.name}',
        }),
      },
      aws_elasticache_replication_group: {
        cache: at('cache/group', { replication_group_id: 'sessions' }),
      },
    });
    const pg = nodeIn(m, 'aws_db_parameter_group.pg');
    expect(pg.members).toEqual(['S:aws_db_parameter_group.pg']);
    expect(pg.label).toEqual(['DB parameter group', 'shared-pg']);
    expect(m.edges.filter((e) => e.to === pg.id).map((e) => e.from)).toEqual([
      nodeIn(m, 'aws_db_instance.legacy').id,
      nodeIn(m, 'aws_db_instance.primary').id,
    ]);
    // No engine: RDS says nothing more, ElastiCache defaults to Redis; unknown engines as is.
    expect(nodeIn(m, 'aws_db_instance.primary').label).toEqual(['RDS', 'primary']);
    expect(nodeIn(m, 'aws_db_instance.legacy').label).toEqual(['RDS oracle-ee', 'legacy']);
    expect(nodeIn(m, 'aws_elasticache_replication_group.cache').label).toEqual([
      'ElastiCache Redis',
      'sessions',
    ]);
  });

  test('a resource at the root of its stack goes by its Terraform name, outside any construct', () => {
    const root = { '//': { metadata: { path: 'S' } } };
    const m = buildModel(
      resourcesOf('S', {
        resource: { aws_sns_topic: { alerts: root }, aws_subnet: { public_a: root } },
      }),
    );
    // The subnet's tier and title come from its Terraform name.
    expect(nodeIn(m, 'aws_subnet.public_a')).toMatchObject({
      tier: 'public',
      label: ['Public subnet'],
    });
    expect(m.nodes.filter((n) => n.type === 'aws_sns_topic')).toEqual([
      {
        id: 'n_S_observability_aws_sns_topic_alerts',
        tier: 'observability',
        stack: 'S',
        construct: '',
        type: 'aws_sns_topic',
        title: 'SNS topic',
        count: 1,
        label: ['SNS topic'],
        members: ['S:aws_sns_topic.alerts'],
      },
    ]);
    expect(toDot(m)).toContain(
      '\n    n_S_observability_aws_sns_topic_alerts [label="SNS topic", fillcolor="#FFFFFF", color="#6B7280"];\n  }\n',
    );
  });

  test('security-group rules: ports merged per pair, egress drawn outwards, legacy rules read by type', () => {
    const sg = (name: string) => '${aws_security_group.' + name + '.id}';
    const m = modelOf({
      aws_security_group: {
        lb: at('net/lb-sg', { name: 'lb' }),
        // An inline rule naming another group is a reference as well.
        app: at('net/app-sg', { name: 'app', egress: [{ security_groups: [sg('db')] }] }),
        db: at('net/db-sg', { name: 'db' }),
      },
      aws_vpc_security_group_ingress_rule: {
        https: at('net/app-https', {
          security_group_id: sg('app'),
          referenced_security_group_id: sg('lb'),
          ip_protocol: 'tcp',
          from_port: 443,
          to_port: 443,
        }),
        https_again: at('net/app-https-again', {
          security_group_id: sg('app'),
          referenced_security_group_id: sg('lb'),
          ip_protocol: 'tcp',
          from_port: 443,
          to_port: 443,
        }),
        ephemeral: at('net/app-ephemeral', {
          security_group_id: sg('app'),
          referenced_security_group_id: sg('lb'),
          ip_protocol: 'tcp',
          from_port: 1024,
          to_port: 65535,
        }),
        // Its group is not in the stack: no traffic edge.
        foreign: at('net/foreign-ssh', {
          security_group_id: 'sg-0123456789abcdef0',
          referenced_security_group_id: sg('lb'),
          ip_protocol: 'tcp',
          from_port: 22,
          to_port: 22,
        }),
      },
      aws_vpc_security_group_egress_rule: {
        to_db: at('net/app-to-db', {
          security_group_id: sg('app'),
          referenced_security_group_id: sg('db'),
          ip_protocol: '-1',
        }),
      },
      aws_security_group_rule: {
        lb_out: at('net/lb-egress', {
          type: 'egress',
          security_group_id: sg('lb'),
          source_security_group_id: sg('app'),
          protocol: 'tcp',
          from_port: 8080,
        }),
        db_from_lb: at('net/db-from-lb', {
          type: 'ingress',
          security_group_id: sg('db'),
          source_security_group_id: sg('lb'),
        }),
      },
    });
    const [lb, app, db] = ['lb', 'app', 'db'].map((n) => nodeIn(m, `aws_security_group.${n}`).id);
    expect(m.edges.filter((e) => e.kind === 'traffic')).toEqual([
      { from: app, to: db, label: 'all', kind: 'traffic' },
      { from: lb, to: app, label: '443, 1024-65535, 8080', kind: 'traffic' },
      { from: lb, to: db, label: 'all', kind: 'traffic' },
    ]);
    // Between the same two boxes the reference comes before the traffic.
    expect(m.edges.filter((e) => e.from === app && e.to === db).map((e) => e.kind)).toEqual([
      'reference',
      'traffic',
    ]);
    expect(nodeIn(m, 'aws_vpc_security_group_ingress_rule.foreign').label).toEqual([
      'VPC security group ingress rule',
    ]);
  });

  test('terminates on detail resources that fold into each other in a loop, leaving them out', () => {
    const route = (next: string) => ({ route_table_id: '${aws_route.' + next + '.id}' });
    const m = modelOf({
      aws_vpc: { vpc: at('net/vpc', { cidr_block: '10.0.0.0/16' }) },
      aws_route: {
        a: at('net/route-a', route('b')),
        b: at('net/route-b', route('c')),
        c: at('net/route-c', route('a')),
      },
    });
    expect(m.nodes.map((n) => n.members)).toEqual([['S:aws_vpc.vpc']]);
    expect(m.edges).toEqual([]);
  });

  test('labels collapsed sets by what names each member, else by its construct id', () => {
    const m = modelOf({
      aws_vpc_endpoint: {
        s3: at('net/endpoint-s3', { service_name: 'com.amazonaws.eu-west-1.s3' }),
        custom: at('net/endpoint-custom', { vpc_endpoint_type: 'Interface' }),
      },
      aws_subnet: {
        a: at('net/subnet-0', { cidr_block: '${cidrsubnet(var.cidr, 4, 0)}' }),
        b: at('net/subnet-1', { cidr_block: '${cidrsubnet(var.cidr, 4, 1)}' }),
      },
      aws_instance: {
        web0: at('app/web-0', { instance_type: 't3.micro' }),
        web1: at('app/web-1', { instance_type: 't3.micro' }),
      },
    });
    expect(nodeIn(m, 'aws_vpc_endpoint.s3').label).toEqual([
      '2 × VPC endpoint',
      'endpoint-custom, s3',
    ]);
    const subnets = nodeIn(m, 'aws_subnet.a');
    expect(subnets.tier).toBe(DEFAULT_TIER);
    expect(subnets.label).toEqual(['2 × subnet', 'subnet-0, subnet-1']);
    expect(nodeIn(m, 'aws_instance.web0').label).toEqual(['2 × instance', 'web-0, web-1']);
  });

  test('a name given only by an expression is left out of the label', () => {
    const m = modelOf({
      aws_security_group: { sg: at('net/sg', { name: '${var.prefix}-' }) },
      aws_api_gateway_rest_api: { api: at('api/rest-api', { body: '{}' }) },
      aws_api_gateway_stage: {
        v1: at('api/stage', {
          rest_api_id: '${aws_api_gateway_rest_api.api.id}',
          stage_name: 'v1',
        }),
      },
    });
    expect(nodeIn(m, 'aws_security_group.sg').label).toEqual(['Security group']);
    expect(nodeIn(m, 'aws_api_gateway_rest_api.api').label).toEqual([
      'API Gateway REST API',
      'stage v1',
    ]);
  });
});

describe('toDot on a hand-made model', () => {
  test('a traffic edge without ports has no label; an edge to an unknown box is ranked in the default tier', () => {
    const dot = toDot({
      nodes: [
        {
          id: 'n_db',
          tier: 'data',
          stack: 'S',
          construct: '',
          type: 'aws_db_instance',
          title: 'RDS',
          count: 1,
          label: ['RDS'],
          members: ['S:aws_db_instance.db'],
        },
      ],
      edges: [{ from: 'n_db', to: 'n_elsewhere', kind: 'traffic' }],
    });
    // The default tier's row is above the data row: the edge is laid out reversed.
    expect(dot).toContain(
      '  n_elsewhere -> n_db [dir=back, color="#C0392B", penwidth=1.4, fontcolor="#C0392B"];\n',
    );
  });
});

describe('synthesizeDefaults', () => {
  const spawn = jest.spyOn(childProcess, 'spawnSync');
  afterAll(() => spawn.mockRestore());
  const result = (status: number | null, stdout: string, stderr: string) =>
    ({ pid: 1, output: [], signal: null, status, stdout, stderr }) as SpawnSyncReturns<string>;
  const saved = {
    AZ_COUNT: process.env.AZ_COUNT,
    DB_ENGINE_VERSION: process.env.DB_ENGINE_VERSION,
  };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  test("runs main.ts without the caller's configuration variables, into the given folder", () => {
    process.env.AZ_COUNT = '1';
    process.env.DB_ENGINE_VERSION = '15.0';
    spawn.mockReturnValueOnce(result(0, '', ''));
    synthesizeDefaults('/tmp/out');
    const [command, args, options] = spawn.mock.lastCall!;
    expect([command, args]).toEqual([
      process.execPath,
      [join(PROJECT_ROOT, 'tools', 'synth', 'run-app.cjs'), 'main.ts'],
    ]);
    const env = (options as { cwd: string; env: NodeJS.ProcessEnv }).env;
    expect((options as { cwd: string }).cwd).toBe(PROJECT_ROOT);
    expect(env.CDKTF_OUTDIR).toBe('/tmp/out');
    expect(env.PATH).toBe(process.env.PATH);
    expect(env).not.toHaveProperty('AZ_COUNT');
    expect(env).not.toHaveProperty('DB_ENGINE_VERSION');
  });
});

// That docs/architecture.svg is what this code draws from the app's default stacks is
// checked in __tests__/main.test.ts, on the default run the app test makes anyway.
