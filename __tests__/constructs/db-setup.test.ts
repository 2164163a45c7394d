import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { Lazy, TerraformOutput, Testing, Token } from 'cdktf';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DatabaseSetup,
  setupInput,
  type DatabaseSetupProps,
} from '../../constructs/database/db-setup';
import type { EncryptionKey } from '../../constructs/encryption/encryption-key';

const key = (name: string) =>
  ({
    keyArn: `arn:aws:kms:eu-west-1:111122223333:key/${name}`,
    keyId: name,
    accountId: '111122223333',
    partition: 'aws',
    region: 'eu-west-1',
  }) as unknown as EncryptionKey;

const zipDir = mkdtempSync(path.join(os.tmpdir(), 'db-setup-zip-'));
const zipPath = path.join(zipDir, 'db-setup-test.zip');
writeFileSync(zipPath, 'not really a zip');
afterAll(() => rmSync(zipDir, { recursive: true, force: true }));

const SECRET = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-1';
const baseProps: DatabaseSetupProps = {
  functionName: 'healthcare-db-setup-test',
  network: { privateSubnetIds: ['subnet-a', 'subnet-b'], applicationSecurityGroupId: 'sg-app' },
  dataKey: key('data'),
  logsKey: key('logs'),
  logRetentionDays: 30,
  database: {
    resourceId: 'db-ABCDEFGHIJKL',
    endpointAddress: 'db.internal',
    port: 5432,
    masterUserSecretArn: SECRET,
  },
  role: { user: 'readiness', database: 'postgres' },
  bundle: { zipPath, sourceCodeHash: 'HASH=', handler: 'index.handler' },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function synth(overrides: Partial<DatabaseSetupProps> = {}): { text: string; json: Json } {
  const text = Testing.synthScope((scope) => {
    const setup = new DatabaseSetup(scope, 'db-setup', { ...baseProps, ...overrides });
    new TerraformOutput(scope, 'name', { value: setup.functionName });
    new TerraformOutput(scope, 'arn', { value: setup.functionArn });
    new TerraformOutput(scope, 'role', { value: setup.roleName });
    new TerraformOutput(scope, 'log_group', { value: setup.logGroupName });
    new TerraformOutput(scope, 'result', { value: setup.result });
  });
  return { text, json: JSON.parse(text) };
}
const one = (json: Json, type: string): Json => {
  const all = Object.values(json.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0];
};

describe('DatabaseSetup', () => {
  test('minimal props: a VPC function in the private subnets and the application security group', () => {
    const { text, json } = synth();
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'healthcare-db-setup-test',
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      source_code_hash: 'HASH=',
      memory_size: 256,
      timeout: 60,
      reserved_concurrent_executions: 1,
      kms_key_arn: 'arn:aws:kms:eu-west-1:111122223333:key/data',
      vpc_config: { subnet_ids: ['subnet-a', 'subnet-b'], security_group_ids: ['sg-app'] },
      tracing_config: { mode: 'Active' },
      environment: {
        variables: {
          DB_HOST: 'db.internal',
          DB_PORT: '5432',
          DB_MASTER_SECRET_ARN: SECRET,
          CONNECT_TIMEOUT_MS: '10000',
        },
      },
    });
    const fn = one(json, 'aws_lambda_function');
    // The environment holds names and ARNs only: no password anywhere.
    expect(JSON.stringify(fn.environment)).not.toMatch(/password/i);
    expect(one(json, 'aws_cloudwatch_log_group')).toEqual({
      name: '/aws/lambda/healthcare-db-setup-test',
      kms_key_id: 'arn:aws:kms:eu-west-1:111122223333:key/logs',
      retention_in_days: 30,
    });
  });

  test('Terraform invokes it on create, and again when the instance, the role or the code changes', () => {
    const { text, json } = synth();
    expect(text).toHaveResourceWithProperties(LambdaInvocation, {
      input: '{"user":"readiness","database":"postgres","connectionLimit":10}',
      lifecycle_scope: 'CREATE_ONLY',
      triggers: {
        database_resource_id: 'db-ABCDEFGHIJKL',
        master_secret_arn: SECRET,
        code: 'HASH=',
      },
    });
    expect(one(json, 'aws_lambda_invocation').function_name).toMatch(
      /^\$\{aws_lambda_function\.db-setup_function_\w+\.function_name\}$/,
    );
    expect(json.output.result.value).toMatch(
      /^\$\{aws_lambda_invocation\.db-setup_invocation_\w+\.result\}$/,
    );
  });

  test('the role definition is the input: a different user or limit changes it', () => {
    expect(setupInput({ user: 'readiness', database: 'postgres' })).not.toBe(
      setupInput({ user: 'probe', database: 'postgres' }),
    );
    expect(setupInput({ user: 'r', database: 'd', connectionLimit: 3 })).toBe(
      '{"user":"r","database":"d","connectionLimit":3}',
    );
  });

  test('may read only the master secret, decrypt it only through Secrets Manager for that secret', () => {
    const { json } = synth();
    const doc = Object.values(json.data.aws_iam_policy_document)[0] as Json;
    const bySid = Object.fromEntries(doc.statement.map((s: Json) => [s.sid, s]));
    expect(Object.keys(bySid)).toEqual([
      'WriteOwnLogs',
      'ManageVpcNetworkInterfaces',
      'WriteTraces',
      'ReadMasterSecret',
      'DecryptMasterSecret',
      'DecryptEnvironment',
    ]);
    expect(bySid.ReadMasterSecret).toEqual({
      sid: 'ReadMasterSecret',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [SECRET],
    });
    expect(bySid.DecryptMasterSecret).toEqual({
      sid: 'DecryptMasterSecret',
      actions: ['kms:Decrypt'],
      resources: ['arn:aws:kms:eu-west-1:111122223333:key/data'],
      condition: [
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: ['secretsmanager.eu-west-1.amazonaws.com'],
        },
        { test: 'StringEquals', variable: 'kms:EncryptionContext:SecretARN', values: [SECRET] },
      ],
    });
    expect(bySid.DecryptEnvironment.condition).toEqual([
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: ['lambda.eu-west-1.amazonaws.com'],
      },
    ]);
    expect(bySid.WriteOwnLogs.resources).toEqual([
      expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.db-setup_log-group_\w+\.arn\}:\*$/),
    ]);
    const role = one(json, 'aws_iam_role');
    expect(role.name).toBe('healthcare-db-setup-test');
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
  });

  test('full props reach the function and the input', () => {
    const { text } = synth({
      timeoutSeconds: 900,
      connectTimeoutMs: 60000,
      memorySizeMiB: 10240,
      role: { user: 'probe', database: 'app', connectionLimit: 2 },
    });
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      timeout: 900,
      memory_size: 10240,
      environment: { variables: expect.objectContaining({ CONNECT_TIMEOUT_MS: '60000' }) },
    });
    expect(text).toHaveResourceWithProperties(LambdaInvocation, {
      input: '{"user":"probe","database":"app","connectionLimit":2}',
    });
  });

  test('exposes names by reference', () => {
    const { json } = synth();
    expect(json.output.name.value).toMatch(/\.function_name\}$/);
    expect(json.output.arn.value).toMatch(/\.arn\}$/);
    expect(json.output.role.value).toMatch(/^\$\{aws_iam_role\.db-setup_role_\w+\.name\}$/);
    expect(json.output.log_group.value).toMatch(
      /^\$\{aws_cloudwatch_log_group\.db-setup_log-group_\w+\.name\}$/,
    );
  });

  test('values that are still tokens are not validated', () => {
    expect(() =>
      synth({
        timeoutSeconds: Token.asNumber('${var.t}'),
        role: { user: Lazy.stringValue({ produce: () => 'readiness' }), database: 'postgres' },
      }),
    ).not.toThrow();
  });

  describe('throws when', () => {
    test('the function name breaks the Lambda rule', () => {
      expect(() => synth({ functionName: 'has space' })).toThrow(
        "functionName 'has space' must be 1 to 64 letters, digits, '-' or '_' (Lambda function and IAM role name rules)",
      );
    });

    test.each([9, 901])('timeoutSeconds is %p', (timeoutSeconds) => {
      expect(() => synth({ timeoutSeconds, connectTimeoutMs: 1000 })).toThrow(
        `timeoutSeconds ${timeoutSeconds} must be a whole number from 10 to 900 (Lambda's limit)`,
      );
    });

    test.each([
      [999, 60],
      [60000, 60],
      [60001, 900],
    ])('connectTimeoutMs is %p with timeoutSeconds %p', (connectTimeoutMs, timeoutSeconds) => {
      expect(() => synth({ connectTimeoutMs, timeoutSeconds })).toThrow(
        `connectTimeoutMs ${connectTimeoutMs} must be a whole number from 1000 to 60000 and below timeoutSeconds (${timeoutSeconds} s)`,
      );
    });

    test.each([127, 10241])('memorySizeMiB is %p', (memorySizeMiB) => {
      expect(() => synth({ memorySizeMiB })).toThrow(
        `memorySizeMiB ${memorySizeMiB} must be a whole number from 128 to 10240 (Lambda limits)`,
      );
    });

    test('the role is not a plain PostgreSQL identifier, with every problem listed', () => {
      expect(() =>
        synth({ role: { user: 'rds_admin', database: 'postgres' }, memorySizeMiB: 64 }),
      ).toThrow(
        "DatabaseSetup 'healthcare-db-setup-test': invalid settings:\n  - role: user 'rds_admin' must be a lower-case PostgreSQL identifier (a-z, 0-9, _; ≤ 63 characters) not starting with 'pg_' or 'rds'\n  - memorySizeMiB 64",
      );
    });
  });
});
