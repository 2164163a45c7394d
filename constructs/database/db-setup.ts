/**
 * The database setup as part of the deploy: a Lambda function in the private subnets and the
 * application security group (the database admits only that group) that creates or updates
 * the PostgreSQL role the readiness function's IAM token maps to, as the RDS master user, and
 * Terraform's `aws_lambda_invocation` that runs it whenever the database instance, the role's
 * definition or the function's code changes. Until it has run, GET /ready answers 503.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { AssetType, TerraformAsset, Token } from 'cdktf';
import { Construct } from 'constructs';
import path from 'node:path';
import { DB_SETUP_ENV } from '../../functions/db-setup/settings';
import { DEFAULT_CONNECTION_LIMIT, setupStatements } from '../../functions/db-setup/statements';
import { functionBundle, type FunctionBundle } from '../application/bundle';
import { VPC_ENI_ACTIONS } from '../application/readiness-function';
import type { EncryptionKey } from '../encryption/encryption-key';
import { waivePolicy } from '../policy/waiver';

/** What the function needs of the database (the `Database` construct satisfies it). */
/** Concurrent executions the setup function reserves: one setup at a time. */
export const DB_SETUP_RESERVED_CONCURRENCY = 1;

export interface SetupDatabase {
  /** `db-…`: a new instance (replacement) has a new one, which re-runs the setup. */
  readonly resourceId: string;
  readonly endpointAddress: string;
  readonly port: number;
  /** The RDS-managed master user secret: the only secret the function may read. */
  readonly masterUserSecretArn: string;
}

/** Where the function runs (the `Network` construct satisfies it). */
export interface SetupNetwork {
  readonly privateSubnetIds: readonly string[];
  readonly applicationSecurityGroupId: string;
}

/** The role to create or update (the readiness function's `databaseUser`). */
export interface SetupRole {
  readonly user: string;
  readonly database: string;
  /** @default 10 */
  readonly connectionLimit?: number;
}

export interface DatabaseSetupProps {
  /** Lambda function name, e.g. `healthcare-db-setup-prod`; also names its role and log group. */
  readonly functionName: string;
  readonly network: SetupNetwork;
  /** Encrypts the environment; the master secret is encrypted with it too. */
  readonly dataKey: EncryptionKey;
  /** Encrypts the log group. */
  readonly logsKey: EncryptionKey;
  readonly logRetentionDays: number;
  readonly database: SetupDatabase;
  readonly role: SetupRole;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /** @default 10000 */
  readonly connectTimeoutMs?: number;
  /** @default 256 */
  readonly memorySizeMiB?: number;
  /** @default - functions/db-setup bundled and zipped (cached in node_modules/.cache/functions) */
  readonly bundle?: FunctionBundle;
}

/** Where the function's sources are, relative to the project root (the working directory). */
export const DB_SETUP_SOURCE_DIR = path.join('functions', 'db-setup');
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The invocation's payload: the role's definition (a change re-runs the setup). */
export function setupInput(role: SetupRole): string {
  return JSON.stringify({
    user: role.user,
    database: role.database,
    connectionLimit: role.connectionLimit ?? DEFAULT_CONNECTION_LIMIT,
  });
}

export class DatabaseSetup extends Construct {
  readonly functionName: string;
  readonly functionArn: string;
  readonly roleName: string;
  readonly logGroupName: string;
  /** The invocation's answer (`{"status":"ok",…}`), known after apply. */
  readonly result: string;

  constructor(scope: Construct, id: string, props: DatabaseSetupProps) {
    super(scope, id);
    const timeoutSeconds = props.timeoutSeconds ?? 60;
    const connectTimeoutMs = props.connectTimeoutMs ?? 10_000;
    const memorySizeMiB = props.memorySizeMiB ?? 256;
    validate(props, timeoutSeconds, connectTimeoutMs, memorySizeMiB);
    const bundle =
      props.bundle ??
      functionBundle({ sourceDir: path.resolve(DB_SETUP_SOURCE_DIR), projectRoot: process.cwd() });
    const name = props.functionName;
    const { region } = props.dataKey;

    const logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: `/aws/lambda/${name}`,
      kmsKeyId: props.logsKey.keyArn,
      retentionInDays: props.logRetentionDays,
    });

    const role = new IamRole(this, 'role', {
      name,
      description: `Execution role of the ${name} Lambda function`,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
            // As for the readiness function: Lambda documents no aws:SourceAccount here.
          },
        ],
      }),
    });
    const viaService = (service: string) => ({
      test: 'StringEquals',
      variable: 'kms:ViaService',
      values: [`${service}.${region}.amazonaws.com`],
    });
    const permissions = new DataAwsIamPolicyDocument(this, 'permissions', {
      statement: [
        {
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.arn}:*`],
        },
        {
          sid: 'ManageVpcNetworkInterfaces',
          actions: [...VPC_ENI_ACTIONS],
          resources: ['*'],
        },
        {
          sid: 'WriteTraces',
          actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
          resources: ['*'],
        },
        {
          sid: 'ReadMasterSecret',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [props.database.masterUserSecretArn],
        },
        {
          // Secrets Manager decrypts the secret with the data key for this caller, naming the
          // secret in the encryption context.
          sid: 'DecryptMasterSecret',
          actions: ['kms:Decrypt'],
          resources: [props.dataKey.keyArn],
          condition: [
            viaService('secretsmanager'),
            {
              test: 'StringEquals',
              variable: 'kms:EncryptionContext:SecretARN',
              values: [props.database.masterUserSecretArn],
            },
          ],
        },
        {
          sid: 'DecryptEnvironment',
          actions: ['kms:Decrypt'],
          resources: [props.dataKey.keyArn],
          condition: [viaService('lambda')],
        },
      ],
    });
    const rolePolicy = new IamRolePolicy(this, 'role-policy', {
      name: 'db-setup',
      role: role.id,
      policy: permissions.json,
    });

    const fn = new LambdaFunction(this, 'function', {
      functionName: name,
      description:
        'Creates or updates the IAM-mapped PostgreSQL role of the readiness check, as the RDS master user',
      role: role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: bundle.handler,
      filename: new TerraformAsset(this, 'code', { path: bundle.zipPath, type: AssetType.FILE })
        .path,
      sourceCodeHash: bundle.sourceCodeHash,
      memorySize: memorySizeMiB,
      timeout: timeoutSeconds,
      // One setup at a time; nothing else should ever call it.
      reservedConcurrentExecutions: DB_SETUP_RESERVED_CONCURRENCY,
      kmsKeyArn: props.dataKey.keyArn,
      vpcConfig: {
        subnetIds: [...props.network.privateSubnetIds],
        securityGroupIds: [props.network.applicationSecurityGroupId],
      },
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      environment: {
        variables: {
          [DB_SETUP_ENV.host]: props.database.endpointAddress,
          [DB_SETUP_ENV.port]: String(props.database.port),
          [DB_SETUP_ENV.masterSecretArn]: props.database.masterUserSecretArn,
          [DB_SETUP_ENV.connectTimeoutMs]: String(connectTimeoutMs),
        },
      },
      dependsOn: [logGroup, rolePolicy],
    });
    waivePolicy(
      fn,
      'HIPAA-LAMBDA-005',
      'Invoked only synchronously (RequestResponse: Terraform aws_lambda_invocation and npm run db:setup -- --invoke); Lambda sends only failed asynchronous events to a dead-letter queue, and a failed setup fails the deploy instead',
    );

    // CREATE_ONLY: invoked when created or replaced; a change of the input (the role) or of a
    // trigger replaces it. A function error fails the apply with the function's message.
    const invocation = new LambdaInvocation(this, 'invocation', {
      functionName: fn.functionName,
      input: setupInput(props.role),
      lifecycleScope: 'CREATE_ONLY',
      triggers: {
        database_resource_id: props.database.resourceId,
        master_secret_arn: props.database.masterUserSecretArn,
        code: bundle.sourceCodeHash,
      },
    });

    this.functionName = fn.functionName;
    this.functionArn = fn.arn;
    this.roleName = role.name;
    this.logGroupName = logGroup.name;
    this.result = invocation.result;
  }
}

function validate(
  props: DatabaseSetupProps,
  timeoutSeconds: number,
  connectTimeoutMs: number,
  memorySizeMiB: number,
): void {
  const known = (v: string | number) => !Token.isUnresolved(v);
  const roleProblem = (): string | undefined => {
    if (!known(props.role.user) || !known(props.role.database)) return undefined;
    try {
      setupStatements(props.role);
      return undefined;
    } catch (error) {
      return `role: ${(error as Error).message}`;
    }
  };
  const role = roleProblem();
  const problems = [
    { failed: role !== undefined, message: role },
    {
      failed: known(props.functionName) && !FUNCTION_NAME.test(props.functionName),
      message: `functionName '${props.functionName}' must be 1 to 64 letters, digits, '-' or '_' (Lambda function and IAM role name rules)`,
    },
    {
      failed:
        known(timeoutSeconds) &&
        !(Number.isInteger(timeoutSeconds) && timeoutSeconds >= 10 && timeoutSeconds <= 900),
      message: `timeoutSeconds ${timeoutSeconds} must be a whole number from 10 to 900 (Lambda's limit)`,
    },
    {
      failed:
        known(connectTimeoutMs) &&
        known(timeoutSeconds) &&
        !(
          Number.isInteger(connectTimeoutMs) &&
          connectTimeoutMs >= 1000 &&
          connectTimeoutMs <= 60_000 &&
          connectTimeoutMs < timeoutSeconds * 1000
        ),
      message: `connectTimeoutMs ${connectTimeoutMs} must be a whole number from 1000 to 60000 and below timeoutSeconds (${timeoutSeconds} s), so a database that does not answer fails with a message, not a Lambda timeout`,
    },
    {
      failed:
        known(memorySizeMiB) &&
        !(Number.isInteger(memorySizeMiB) && memorySizeMiB >= 128 && memorySizeMiB <= 10240),
      message: `memorySizeMiB ${memorySizeMiB} must be a whole number from 128 to 10240 (Lambda limits)`,
    },
  ]
    .filter((p) => p.failed)
    .map((p) => `  - ${p.message}`);
  if (problems.length > 0) {
    throw new Error(
      `DatabaseSetup '${props.functionName}': invalid settings:\n${problems.join('\n')}`,
    );
  }
}
