import {
  knownString,
  knownStrings,
  planFacts,
  plannedValue,
  taintedInPriorState,
} from '../../../tools/recover/plan-facts';

/** A plan JSON in the shape `terraform show -json` writes (Terraform 1.11). */
const PLAN = {
  format_version: '1.2',
  terraform_version: '1.11.4',
  resource_changes: [
    {
      address: 'aws_vpc.network_vpc',
      mode: 'managed',
      type: 'aws_vpc',
      name: 'network_vpc',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['create'],
        before: null,
        after: { cidr_block: '10.40.0.0/16', tags: { Name: 'healthcare-vpc-dev' } },
        after_unknown: { id: true, arn: true, tags: {} },
      },
    },
    {
      address: 'aws_backup_vault.dr[0]',
      mode: 'managed',
      type: 'aws_backup_vault',
      name: 'dr',
      index: 0,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['create'],
        before: null,
        after: { name: 'healthcare-backup-dr' },
        after_unknown: {},
      },
    },
    {
      address: 'aws_db_instance.db',
      mode: 'managed',
      type: 'aws_db_instance',
      name: 'db',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['update'],
        before: { identifier: 'healthcare-db-dev' },
        after: { identifier: 'healthcare-db-dev' },
        importing: { id: 'healthcare-db-dev' },
      },
    },
    {
      address: 'aws_kms_key.old',
      mode: 'managed',
      type: 'aws_kms_key',
      name: 'old',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['delete', 'create'], before: {}, after: {} },
    },
    {
      address: 'data.aws_region.current',
      mode: 'data',
      type: 'aws_region',
      name: 'current',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['read'], before: null, after: {} },
    },
  ],
  prior_state: {
    format_version: '1.0',
    values: {
      root_module: {
        resources: [
          {
            address: 'aws_db_subnet_group.db',
            mode: 'managed',
            type: 'aws_db_subnet_group',
            values: {
              id: 'healthcare-db-dev',
              arn: 'arn:aws:rds:eu-west-1:1:subgrp:healthcare-db-dev',
            },
          },
          {
            address: 'aws_vpc.x',
            mode: 'managed',
            type: 'aws_vpc',
            values: { id: 'vpc-1', arn: '' },
          },
          {
            address: 'data.aws_region.current',
            mode: 'data',
            type: 'aws_region',
            values: { id: 'eu-west-1' },
          },
        ],
        child_modules: [
          {
            resources: [
              {
                address: 'module.m.aws_iam_role.r',
                mode: 'managed',
                type: 'aws_iam_role',
                values: { id: 'role-a' },
              },
            ],
          },
        ],
      },
    },
  },
  configuration: {
    provider_config: {
      aws: {
        name: 'aws',
        expressions: {
          region: { constant_value: 'eu-west-1' },
          default_tags: [
            {
              tags: {
                constant_value: { Project: 'healthcare-platform', Environment: 'dev', Count: 3 },
              },
            },
          ],
        },
      },
      'aws.dr': {
        name: 'aws',
        alias: 'dr',
        expressions: { region: { constant_value: 'eu-central-1' } },
      },
    },
    root_module: {
      resources: [
        {
          address: 'aws_vpc.network_vpc',
          mode: 'managed',
          type: 'aws_vpc',
          provider_config_key: 'aws',
        },
        {
          address: 'aws_backup_vault.dr',
          mode: 'managed',
          type: 'aws_backup_vault',
          provider_config_key: 'aws.dr',
        },
        {
          address: 'aws_db_instance.db',
          mode: 'managed',
          type: 'aws_db_instance',
          provider_config_key: 'aws',
        },
        {
          address: 'data.aws_region.current',
          mode: 'data',
          type: 'aws_region',
          provider_config_key: 'aws',
        },
      ],
      module_calls: {
        m: {
          module: {
            resources: [
              { address: 'module.m.aws_iam_role.r', mode: 'managed', type: 'aws_iam_role' },
            ],
          },
        },
      },
    },
  },
};

describe('planned values', () => {
  const create = {
    after: { name: 'n', port: 443, empty: '', tags: { Name: 'x' }, nested: { a: null } },
    afterUnknown: { id: true, tags: {}, nested: true },
  };

  test('known values: strings, numbers as strings; empty and null are not names', () => {
    expect(knownString(create, 'name')).toBe('n');
    expect(knownString(create, 'port')).toBe('443');
    expect(knownString(create, 'tags', 'Name')).toBe('x');
    expect(knownString(create, 'empty')).toBeUndefined();
    expect(knownString(create, 'missing')).toBeUndefined();
  });

  test('a value Terraform learns at apply is unknown, also below an unknown object', () => {
    expect(plannedValue(create, 'id')).toEqual({ known: false, value: undefined });
    expect(plannedValue(create, 'nested', 'a')).toEqual({ known: false, value: undefined });
    expect(knownString(create, 'id')).toBeUndefined();
    expect(plannedValue(create, 'missing')).toEqual({ known: true, value: undefined });
  });
});

test('knownStrings: a known list of strings, sorted; otherwise nothing', () => {
  expect(knownStrings({ after: { ids: ['b', 'a'] }, afterUnknown: {} }, 'ids')).toEqual(['a', 'b']);
  expect(knownStrings({ after: { ids: ['b', 1] }, afterUnknown: {} }, 'ids')).toBeUndefined();
  expect(knownStrings({ after: null, afterUnknown: null }, 'ids')).toBeUndefined();
  expect(
    knownStrings({ after: { ids: ['a'] }, afterUnknown: { ids: [true] } }, 'ids'),
  ).toBeUndefined();
});

describe('planFacts', () => {
  const facts = planFacts(PLAN, 'us-east-1');

  test('creates are the resources with exactly ["create"], with their region from the provider', () => {
    expect(facts.creates.map((c) => [c.address, c.region])).toEqual([
      ['aws_vpc.network_vpc', 'eu-west-1'],
      ['aws_backup_vault.dr[0]', 'eu-central-1'],
    ]);
    expect(facts.creates[0].after).toEqual({
      cidr_block: '10.40.0.0/16',
      tags: { Name: 'healthcare-vpc-dev' },
    });
  });

  test('imports in the plan by address', () => {
    expect([...facts.importing]).toEqual([['aws_db_instance.db', 'healthcare-db-dev']]);
  });

  test('state ids and ARNs by type (the same name in two types stays apart), data sources and empty values left out', () => {
    expect([...facts.stateIds].sort()).toEqual([
      'aws_db_subnet_group arn:aws:rds:eu-west-1:1:subgrp:healthcare-db-dev',
      'aws_db_subnet_group healthcare-db-dev',
      'aws_iam_role role-a',
      'aws_vpc vpc-1',
    ]);
  });

  test('configured managed types by region, modules included; default tags of the default provider', () => {
    expect([...facts.typesByRegion].map(([r, t]) => [r, [...t].sort()])).toEqual([
      ['eu-west-1', ['aws_db_instance', 'aws_iam_role', 'aws_vpc']],
      ['eu-central-1', ['aws_backup_vault']],
    ]);
    expect(facts.defaultTags).toEqual({ Project: 'healthcare-platform', Environment: 'dev' });
  });

  test('a plan without configuration or state: the default region, no tags, nothing in state', () => {
    const bare = planFacts(
      { format_version: '1.2', resource_changes: [PLAN.resource_changes[0]] },
      'us-east-1',
    );
    expect(bare.creates[0].region).toBe('us-east-1');
    expect(bare.defaultTags).toEqual({});
    expect(bare.stateIds.size).toBe(0);
    expect(bare.typesByRegion.size).toBe(0);
  });

  test('a plan without resource changes has no creates, no imports and nothing tainted', () => {
    const none = planFacts({ format_version: '1.2' }, 'eu-west-1');
    expect(none.creates).toEqual([]);
    expect(none.importing.size).toBe(0);
    expect(none.tainted).toEqual([]);
  });

  test('tainted: the managed objects the plan replaces because they are tainted, and no other', () => {
    const change = (address: string, actions: string[], reason?: string, mode = 'managed') => ({
      address,
      mode,
      type: address.split('.')[0],
      name: address.split('.')[1],
      change: { actions, before: {}, after: {}, after_unknown: {} },
      ...(reason ? { action_reason: reason } : {}),
    });
    const facts = planFacts(
      {
        format_version: '1.2',
        resource_changes: [
          change('aws_iam_role.readiness', ['create', 'delete'], 'replace_because_tainted'),
          change('aws_elasticache_user.app', ['delete', 'create'], 'replace_because_tainted'),
          change(
            'aws_db_parameter_group.pg',
            ['create', 'delete'],
            'replace_because_cannot_update',
          ),
          change('aws_vpc.network', ['update']),
        ],
      },
      'eu-west-1',
    );
    expect(facts.tainted).toEqual(['aws_iam_role.readiness', 'aws_elasticache_user.app']);
    expect(facts.creates).toEqual([]);
  });

  test('not a plan: refused', () => {
    expect(() => planFacts({ format_version: '0.1' }, 'eu-west-1')).toThrow(/format_version/);
  });
});

describe('taintedInPriorState: the objects the state holds as tainted', () => {
  const resource = (address: string, more: object = {}) => ({
    address,
    mode: 'managed',
    type: address.split('.')[0],
    name: address.split('.')[1],
    values: { id: 'x' },
    ...more,
  });
  test('"tainted": true in every module; not a deposed object, a data source or an untainted one', () => {
    const plan = {
      prior_state: {
        values: {
          root_module: {
            resources: [
              resource('aws_db_instance.db', { tainted: true }),
              resource('aws_vpc.vpc'),
              resource('aws_iam_role.old', { tainted: true, deposed_key: '00000001' }),
              { ...resource('data.aws_caller_identity.me', { tainted: true }), mode: 'data' },
              resource('aws_s3_bucket.b', { tainted: false }),
            ],
            child_modules: [
              {
                resources: [resource('module.a.aws_kms_key.k', { tainted: true })],
                child_modules: [
                  { resources: [resource('module.a.module.b.aws_sqs_queue.q', { tainted: true })] },
                ],
              },
            ],
          },
        },
      },
    };
    expect(taintedInPriorState(plan)).toEqual([
      'aws_db_instance.db',
      'module.a.aws_kms_key.k',
      'module.a.module.b.aws_sqs_queue.q',
    ]);
  });

  test('an empty state, or no prior_state at all: none', () => {
    expect(taintedInPriorState({ prior_state: { values: { root_module: {} } } })).toEqual([]);
    expect(taintedInPriorState({})).toEqual([]);
  });
});
