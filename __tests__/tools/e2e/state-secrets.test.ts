import { formatStateSecrets, stateSecrets } from '../../../tools/e2e/state-secrets';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf';

function state(resources: unknown[]): string {
  return JSON.stringify({ version: 4, resources });
}

const managedDb = {
  mode: 'managed',
  type: 'aws_db_instance',
  name: 'db',
  instances: [
    {
      attributes: {
        password: null,
        manage_master_user_password: true,
        master_user_secret: [{ secret_arn: SECRET_ARN }],
      },
      sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]],
    },
  ],
};

describe('stateSecrets', () => {
  test('an RDS-managed master password is not in state: the state holds the secret ARN only', () => {
    const found = stateSecrets('TapStackdev', state([managedDb]));
    expect(found.values).toEqual([]);
    expect(formatStateSecrets(found.entries)).toEqual([
      'RDS master password (TapStackdev aws_db_instance.db.password): not in state: RDS manages it in Secrets Manager (manage_master_user_password); state holds the secret ARN only',
    ]);
  });

  test('a password set in Terraform is in state and becomes a value to search for', () => {
    const db = {
      ...managedDb,
      instances: [
        {
          attributes: { password: 'plaintext-pass-1', manage_master_user_password: false },
          sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]],
        },
      ],
    };
    const found = stateSecrets('S', state([db]));
    expect(found.values).toEqual([
      { label: 'S aws_db_instance.db.password (state)', value: 'plaintext-pass-1' },
    ]);
    expect(found.entries[0]).toMatchObject({ inState: true, what: 'RDS master password' });
    expect(formatStateSecrets(found.entries)[0]).toMatch(/IN STATE: a password attribute is set/);
  });

  test('an RDS instance with neither a password nor a managed secret says so', () => {
    const db = { ...managedDb, instances: [{ attributes: { password: '' } }] };
    expect(stateSecrets('S', state([db])).entries[0].why).toBe('no password attribute is set');
  });

  test('reads values at nested sensitive paths, with index steps, in data sources and counted resources', () => {
    const version = {
      mode: 'data',
      type: 'aws_secretsmanager_secret_version',
      name: 'v',
      instances: [
        {
          index_key: 0,
          attributes: { secret_string: 'the-secret-string', secret_binary: '' },
          sensitive_attributes: [],
        },
      ],
    };
    const user = {
      mode: 'managed',
      type: 'aws_elasticache_user',
      name: 'u',
      module: 'module.cache',
      instances: [
        {
          index_key: 'a',
          attributes: { passwords: ['first-password', 'second-password'], user_name: 'app' },
          sensitive_attributes: [
            [
              { type: 'get_attr', value: 'passwords' },
              { type: 'index', value: { value: 1, type: 'number' } },
            ],
            ['user_name'],
          ],
        },
      ],
    };
    const found = stateSecrets('S', state([version, user]));
    expect(found.values.map((v) => v.label)).toEqual([
      'S data.aws_secretsmanager_secret_version.v[0].secret_string (state)',
      'S module.cache.aws_elasticache_user.u["a"].passwords.1 (state)',
      'S module.cache.aws_elasticache_user.u["a"].user_name (state)',
      'S module.cache.aws_elasticache_user.u["a"].passwords (state)',
    ]);
    expect(found.values.map((v) => v.value)).toEqual([
      'the-secret-string',
      'second-password',
      'app',
      'first-password',
    ]);
    expect(formatStateSecrets(found.entries)).toEqual([
      'Secrets Manager secret value (S data.aws_secretsmanager_secret_version.v[0].secret_string): IN STATE: the attribute has a value: Terraform stores it in state in clear text',
      'Secrets Manager secret value (S data.aws_secretsmanager_secret_version.v[0].secret_binary): not in state: the attribute is not set',
      'ElastiCache user passwords (S module.cache.aws_elasticache_user.u["a"].passwords): IN STATE: the attribute has a value: Terraform stores it in state in clear text',
    ]);
  });

  test('ignores resources without credentials and sensitive paths that lead nowhere', () => {
    const vpc = {
      type: 'aws_vpc',
      name: 'v',
      instances: [
        {
          attributes: { id: 'vpc-1', tags: { a: 1 } },
          sensitive_attributes: [
            [
              { type: 'get_attr', value: 'id' },
              { type: 'get_attr', value: 'x' },
            ],
          ],
        },
      ],
    };
    const empty = { type: 'aws_db_instance', name: 'n' };
    const found = stateSecrets('S', state([vpc, empty]));
    expect(found).toEqual({ values: [], entries: [] });
    expect(stateSecrets('S', '{}')).toEqual({ values: [], entries: [] });
  });

  test('a path given as a bare name reads every string under it; an instance without attributes is skipped', () => {
    const bucket = {
      type: 'aws_s3_bucket',
      name: 'b',
      instances: [
        { attributes: { tags: { k: 'tag-value-long', n: 1 } }, sensitive_attributes: ['tags'] },
        {},
      ],
    };
    expect(stateSecrets('S', state([bucket])).values).toEqual([
      { label: 'S aws_s3_bucket.b.tags (state)', value: 'tag-value-long' },
    ]);
  });

  test('the same attribute seen twice (two captures of one stack) is reported once', () => {
    const a = stateSecrets('S', state([managedDb])).entries;
    expect(formatStateSecrets([...a, ...a])).toHaveLength(1);
  });
});
