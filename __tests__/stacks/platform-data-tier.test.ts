/**
 * The data tier as the platform stack wires it: who owns the database backups, the db-setup
 * function and its invocation, and data protection on every log group that can carry
 * statement text or request data.
 */
import { MAX_POLICY_CHARACTERS } from '../../constructs/logging/data-protection';
import { document, json } from '../support/synthesized';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const synth = (env: Record<string, string>): Json => json('platform', env);
const all = (tf: Json, type: string): [string, Json][] => Object.entries(tf.resource[type] ?? {});
const one = (tf: Json, type: string): Json => {
  const found = all(tf, type);
  expect(found).toHaveLength(1);
  return found[0][1];
};
/** The Terraform name of the log group whose name is `name` (a literal or an interpolation). */
const logGroupRef = (tf: Json, name: string | RegExp): string => {
  const hits = all(tf, 'aws_cloudwatch_log_group').filter(([, g]) =>
    typeof name === 'string' ? g.name === name : name.test(g.name),
  );
  expect(hits).toHaveLength(1);
  return `\${aws_cloudwatch_log_group.${hits[0][0]}.name}`;
};

describe('data tier, production profile', () => {
  const tf = synth({});

  test('data protection on exactly the log groups that can carry statement text or request data', () => {
    const protectedGroups = all(tf, 'aws_cloudwatch_log_data_protection_policy')
      .map(([, p]) => p.log_group_name)
      .sort();
    expect(protectedGroups).toEqual(
      [
        logGroupRef(tf, '/aws/rds/instance/healthcare-db-prod/postgresql'),
        logGroupRef(tf, '/aws/lambda/healthcare-readiness-prod'),
        logGroupRef(tf, '/aws/lambda/healthcare-db-setup-prod'),
        logGroupRef(tf, '/aws/apigateway/healthcare-api-prod/access-logs'),
        logGroupRef(
          tf,
          /^API-Gateway-Execution-Logs_\$\{aws_api_gateway_rest_api\.[^}]+\.id\}\/prod$/,
        ),
        logGroupRef(tf, 'aws-waf-logs-healthcare-api-prod'),
      ].sort(),
    );
    // Not the flow log (addresses and ports), the upgrade log, or the Redis logs (ElastiCache
    // writes "GET ... (1 more arguments)": no values).
    for (const name of [
      '/healthcare/prod/vpc-flow-logs',
      '/aws/rds/instance/healthcare-db-prod/upgrade',
      '/aws/elasticache/healthcare-redis-prod/slow-log',
      '/aws/elasticache/healthcare-redis-prod/engine-log',
    ])
      expect(protectedGroups).not.toContain(logGroupRef(tf, name));
  });

  test('one policy document, under the CloudWatch Logs limit, audit and mask lists identical', () => {
    const documents = new Set(
      all(tf, 'aws_cloudwatch_log_data_protection_policy').map(([, p]) => p.policy_document),
    );
    expect(documents.size).toBe(1);
    const [text] = [...documents] as string[];
    expect(text.length).toBeLessThan(MAX_POLICY_CHARACTERS);
    const doc = JSON.parse(text);
    expect(doc.Name).toBe('healthcare-prod-phi-masking');
    expect(doc.Version).toBe('2021-06-01');
    expect(doc.Statement.map((s: Json) => Object.keys(s.Operation)[0])).toEqual([
      'Audit',
      'Deidentify',
    ]);
    expect(doc.Statement[0].DataIdentifier).toEqual(doc.Statement[1].DataIdentifier);
    expect(doc.Statement[0].DataIdentifier).toHaveLength(39);
  });

  test('the unmask role of the environment is the one output', () => {
    const roles = all(tf, 'aws_iam_role').filter(
      ([, r]) => r.name === 'healthcare-log-unmask-prod',
    );
    expect(roles).toHaveLength(1);
    expect(tf.output.log_unmask_role_arn.value).toBe(`\${aws_iam_role.${roles[0][0]}.arn}`);
  });

  test('the database setup runs on deploy: the readiness role, against this instance', () => {
    const invocation = one(tf, 'aws_lambda_invocation');
    const readiness = all(tf, 'aws_lambda_function').find(
      ([, f]) => f.function_name === 'healthcare-readiness-prod',
    )![1];
    expect(JSON.parse(invocation.input)).toEqual({
      user: readiness.environment.variables.DB_USER,
      database: readiness.environment.variables.DB_NAME,
      connectionLimit: 10,
    });
    expect(invocation.lifecycle_scope).toBe('CREATE_ONLY');
    expect(invocation.triggers.database_resource_id).toMatch(
      /^\$\{aws_db_instance\.database_instance_\w+\.resource_id\}$/,
    );
    const setup = all(tf, 'aws_lambda_function').find(
      ([, f]) => f.function_name === 'healthcare-db-setup-prod',
    )!;
    expect(invocation.function_name).toBe(`\${aws_lambda_function.${setup[0]}.function_name}`);
    expect(setup[1].vpc_config).toEqual(readiness.vpc_config);
    expect(setup[1].environment.variables).toMatchObject({
      DB_HOST: readiness.environment.variables.DB_HOST,
      DB_MASTER_SECRET_ARN: tf.output.database_master_secret_arn.value,
    });
    expect(tf.output.db_setup_function_name.value).toBe(
      `\${aws_lambda_function.${setup[0]}.function_name}`,
    );
  });

  test('the dead-letter waiver of the synchronous setup function is written for the policy report', () => {
    const raw = document('platform') as Json;
    const setup = Object.values(raw.resource.aws_lambda_function as Json).find(
      (f: Json) => f.function_name === 'healthcare-db-setup-prod',
    ) as Json;
    expect(setup['//'].policy_waivers).toEqual({
      'HIPAA-LAMBDA-005': expect.stringMatching(/^Invoked only synchronously \(RequestResponse/),
    });
  });

  test('AWS Backup owns the backups (continuous rule): created with 35 days, then ignored', () => {
    expect(one(tf, 'aws_db_instance')).toMatchObject({
      backup_retention_period: 35,
      lifecycle: {
        ignore_changes: ['final_snapshot_identifier', 'backup_retention_period', 'backup_window'],
      },
    });
  });

  test('LOG_MASK_PATTERNS reaches every policy', () => {
    const masked = synth({ LOG_MASK_PATTERNS: 'MedicalRecordNumber=MRN[-: ]?\\d{8}' });
    for (const [, policy] of all(masked, 'aws_cloudwatch_log_data_protection_policy')) {
      const doc = JSON.parse(policy.policy_document);
      expect(doc.Configuration.CustomDataIdentifier).toEqual([
        { Name: 'MedicalRecordNumber', Regex: 'MRN[-: ]?\\d{8}' },
      ]);
      expect(doc.Statement[1].DataIdentifier.at(-1)).toBe('MedicalRecordNumber');
    }
  });
});

describe('data tier, standard profile', () => {
  const tf = synth({ ENVIRONMENT_SUFFIX: 'dev' });

  test('Terraform owns the backups (synthetic data, not in the continuous plan)', () => {
    const db = one(tf, 'aws_db_instance');
    expect(db.backup_retention_period).toBe(7);
    expect(db.lifecycle.ignore_changes).toEqual(['final_snapshot_identifier']);
  });

  test('the same log groups are protected, with the environment unmask role', () => {
    expect(all(tf, 'aws_cloudwatch_log_data_protection_policy')).toHaveLength(6);
    expect(all(tf, 'aws_iam_role').map(([, r]) => r.name)).toContain('healthcare-log-unmask-dev');
  });
});
