/**
 * Gap closures the synthesized Terraform needs (tools/emulator/moto_*_gaps.py): each answers
 * as AWS does, and refuses what AWS refuses where the closure carries AWS's checks.
 */
import {
  APIGatewayClient,
  CreateDomainNameCommand,
  CreateRestApiCommand,
  UpdateDomainNameCommand,
  UpdateRestApiCommand,
} from '@aws-sdk/client-api-gateway';
import {
  BackupClient,
  CreateBackupVaultCommand,
  DeleteBackupVaultNotificationsCommand,
  DescribeRegionSettingsCommand,
  GetBackupVaultNotificationsCommand,
  ListRecoveryPointsByBackupVaultCommand,
  PutBackupVaultNotificationsCommand,
  UpdateRegionSettingsCommand,
} from '@aws-sdk/client-backup';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteDataProtectionPolicyCommand,
  GetDataProtectionPolicyCommand,
  PutDataProtectionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { zipSync } from 'fflate';
import {
  DEV_ACCOUNT,
  TOOLING_ACCOUNT,
  inAccount,
  plant,
  refusal,
  resetEmulator,
  tooling,
  unique,
} from './emulator-clients';

describe('CloudWatch Logs data protection policies (gap 21)', () => {
  const logs = new CloudWatchLogsClient(tooling());
  const email = 'arn:aws:dataprotection::aws:data-identifier/EmailAddress';
  const document = (
    overrides: { audit?: unknown; mask?: unknown; extra?: Record<string, unknown> } = {},
  ) =>
    JSON.stringify({
      Name: 'healthcare-test-phi',
      Version: '2021-06-01',
      Configuration: {
        CustomDataIdentifier: [{ Name: 'MedicalRecordNumber', Regex: 'MRN-\\d{8}' }],
      },
      Statement: [
        overrides.audit ?? {
          Sid: 'audit',
          DataIdentifier: [email, 'MedicalRecordNumber'],
          Operation: { Audit: { FindingsDestination: {} } },
        },
        overrides.mask ?? {
          Sid: 'mask',
          DataIdentifier: ['MedicalRecordNumber', email],
          Operation: { Deidentify: { MaskConfig: {} } },
        },
      ],
      ...overrides.extra,
    });

  it('stores the policy per log group, returns it, and deletes it', async () => {
    const group = `/test/${unique('protected')}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const before = await logs.send(
      new GetDataProtectionPolicyCommand({ logGroupIdentifier: group }),
    );
    expect(before.policyDocument).toBeUndefined();
    const put = await logs.send(
      new PutDataProtectionPolicyCommand({ logGroupIdentifier: group, policyDocument: document() }),
    );
    expect(put.logGroupIdentifier).toBe(group);
    const got = await logs.send(new GetDataProtectionPolicyCommand({ logGroupIdentifier: group }));
    expect(got.policyDocument).toBe(document());
    expect(Math.abs((got.lastUpdatedTime ?? 0) - Date.now())).toBeLessThan(60_000);
    await logs.send(new DeleteDataProtectionPolicyCommand({ logGroupIdentifier: group }));
    const after = await logs.send(
      new GetDataProtectionPolicyCommand({ logGroupIdentifier: group }),
    );
    expect(after.policyDocument).toBeUndefined();
    const again = await refusal(
      logs.send(new DeleteDataProtectionPolicyCommand({ logGroupIdentifier: group })),
    );
    expect(again.code).toBe('ResourceNotFoundException');
  });

  it('refuses a missing log group with ResourceNotFoundException', async () => {
    const r = await refusal(
      logs.send(
        new PutDataProtectionPolicyCommand({
          logGroupIdentifier: unique('/none'),
          policyDocument: document(),
        }),
      ),
    );
    expect(r).toEqual({
      code: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
      status: 400,
    });
  });

  it.each([
    [
      'a non-empty MaskConfig',
      {
        mask: {
          DataIdentifier: [email, 'MedicalRecordNumber'],
          Operation: { Deidentify: { MaskConfig: { x: 1 } } },
        },
      },
      'The Deidentify action must contain exactly "MaskConfig": {} (an empty object).',
    ],
    [
      'identifier lists that differ',
      { mask: { DataIdentifier: [email], Operation: { Deidentify: { MaskConfig: {} } } } },
      'The DataIdentifier arrays of the Audit and Deidentify statements must match exactly.',
    ],
    [
      'two Audit statements',
      {
        mask: {
          DataIdentifier: [email, 'MedicalRecordNumber'],
          Operation: { Audit: { FindingsDestination: {} } },
        },
      },
      "The second statement's Operation must be exactly one Deidentify action.",
    ],
    [
      'an Audit without FindingsDestination',
      { audit: { DataIdentifier: [email, 'MedicalRecordNumber'], Operation: { Audit: {} } } },
      'The Audit action must contain a FindingsDestination object.',
    ],
    [
      'a custom identifier that is not defined',
      {
        audit: {
          DataIdentifier: [email, 'Undefined'],
          Operation: { Audit: { FindingsDestination: {} } },
        },
      },
      "Unknown data identifier 'Undefined': neither a managed one nor a CustomDataIdentifier.",
    ],
    ['another Version', { extra: { Version: '2012-10-17' } }, 'Version must be 2021-06-01.'],
  ])('refuses %s with InvalidParameterException', async (_label, overrides, message) => {
    const group = `/test/${unique('invalid')}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const r = await refusal(
      logs.send(
        new PutDataProtectionPolicyCommand({
          logGroupIdentifier: group,
          policyDocument: document(overrides),
        }),
      ),
    );
    expect(r).toEqual({ code: 'InvalidParameterException', message, status: 400 });
  });

  it('refuses a document with one statement', async () => {
    const group = `/test/${unique('one')}`;
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const single = JSON.stringify({
      Version: '2021-06-01',
      Statement: [{ DataIdentifier: [email], Operation: { Audit: { FindingsDestination: {} } } }],
    });
    const r = await refusal(
      logs.send(
        new PutDataProtectionPolicyCommand({ logGroupIdentifier: group, policyDocument: single }),
      ),
    );
    expect(r.message).toBe(
      'The policy must contain exactly two statements: an Audit statement, then a Deidentify statement.',
    );
  });
});

describe('Lambda Invoke of the database-setup function (gap 22)', () => {
  it("answers healthcare-db-setup-* with the handler's success, and leaves other functions to moto", async () => {
    const settings = tooling();
    const iam = new IAMClient(settings);
    const lambda = new LambdaClient(settings);
    const role = unique('role');
    await iam.send(
      new CreateRoleCommand({
        RoleName: role,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        }),
      }),
    );
    const create = (name: string) =>
      lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs22.x',
          Role: `arn:aws:iam::${TOOLING_ACCOUNT}:role/${role}`,
          Handler: 'index.handler',
          Code: {
            ZipFile: zipSync({
              'index.js': new TextEncoder().encode('exports.handler=async()=>1'),
            }),
          },
        }),
      );
    await create('healthcare-db-setup-test');
    const other = unique('other');
    await create(other);
    const invoke = (name: string) =>
      lambda.send(
        new InvokeCommand({
          FunctionName: name,
          Payload: new TextEncoder().encode('{"user":"app"}'),
        }),
      );
    const setup = await invoke('healthcare-db-setup-test');
    expect([setup.StatusCode, setup.FunctionError]).toEqual([200, undefined]);
    expect(JSON.parse(new TextDecoder().decode(setup.Payload))).toEqual({
      status: 'ok',
      emulated: true,
      steps: [],
    });
    // moto's own answer without Docker: a handled function error.
    const elsewhere = await invoke(other);
    expect(elsewhere.FunctionError).toBe('Handled');
  });
});

describe('API Gateway disableExecuteApiEndpoint (gap 23)', () => {
  it('reads "false" as false and "true" as true', async () => {
    const api = new APIGatewayClient(tooling());
    const created = await api.send(
      new CreateRestApiCommand({ name: unique('api'), disableExecuteApiEndpoint: true }),
    );
    expect(created.disableExecuteApiEndpoint).toBe(true);
    const replace = (value: string) =>
      api.send(
        new UpdateRestApiCommand({
          restApiId: created.id,
          patchOperations: [{ op: 'replace', path: '/disableExecuteApiEndpoint', value }],
        }),
      );
    expect((await replace('false')).disableExecuteApiEndpoint).toBe(false);
    expect((await replace('true')).disableExecuteApiEndpoint).toBe(true);
    const renamed = await api.send(
      new UpdateRestApiCommand({
        restApiId: created.id,
        patchOperations: [{ op: 'replace', path: '/name', value: 'renamed' }],
      }),
    );
    expect([renamed.name, renamed.disableExecuteApiEndpoint]).toEqual(['renamed', true]);
  });
});

describe('API Gateway UpdateDomainName (gap 27)', () => {
  it('replaces the certificate in place and refuses a path it does not know', async () => {
    const api = new APIGatewayClient(tooling());
    const domainName = `${unique('api')}.example.com`;
    const cert = (n: string) => `arn:aws:acm:eu-west-1:123456789012:certificate/${n}`;
    await api.send(
      new CreateDomainNameCommand({
        domainName,
        regionalCertificateArn: cert('first'),
        endpointConfiguration: { types: ['REGIONAL'] },
        securityPolicy: 'TLS_1_2',
      }),
    );
    const updated = await api.send(
      new UpdateDomainNameCommand({
        domainName,
        patchOperations: [
          { op: 'replace', path: '/regionalCertificateArn', value: cert('second') },
        ],
      }),
    );
    expect([updated.regionalCertificateArn, updated.securityPolicy]).toEqual([
      cert('second'),
      'TLS_1_2',
    ]);
    const r = await refusal(
      api.send(
        new UpdateDomainNameCommand({
          domainName,
          patchOperations: [{ op: 'replace', path: '/domainName', value: 'other.example.com' }],
        }),
      ),
    );
    expect([r.code, r.status]).toEqual(['BadRequestException', 400]);
    expect(r.message).toContain("Invalid patch path '/domainName' specified for op 'replace'");
  });
});

describe('AWS Backup vault notifications, recovery points and region settings (gaps 24, 25)', () => {
  it('stores a vault notification configuration, returns it with the vault, and deletes it', async () => {
    const backup = new BackupClient(tooling());
    const vault = unique('vault');
    await backup.send(new CreateBackupVaultCommand({ BackupVaultName: vault }));
    const none = await refusal(
      backup.send(new GetBackupVaultNotificationsCommand({ BackupVaultName: vault })),
    );
    expect(none.code).toBe('ResourceNotFoundException');
    const topic = 'arn:aws:sns:eu-west-1:123456789012:backup-events';
    await backup.send(
      new PutBackupVaultNotificationsCommand({
        BackupVaultName: vault,
        SNSTopicArn: topic,
        BackupVaultEvents: ['BACKUP_JOB_FAILED', 'COPY_JOB_FAILED'],
      }),
    );
    const got = await backup.send(
      new GetBackupVaultNotificationsCommand({ BackupVaultName: vault }),
    );
    expect(got).toMatchObject({
      BackupVaultName: vault,
      BackupVaultArn: `arn:aws:backup:eu-west-1:123456789012:backup-vault:${vault}`,
      SNSTopicArn: topic,
      BackupVaultEvents: ['BACKUP_JOB_FAILED', 'COPY_JOB_FAILED'],
    });
    await backup.send(new DeleteBackupVaultNotificationsCommand({ BackupVaultName: vault }));
    const gone = await refusal(
      backup.send(new GetBackupVaultNotificationsCommand({ BackupVaultName: vault })),
    );
    expect(gone.code).toBe('ResourceNotFoundException');
    const points = await backup.send(
      new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: vault }),
    );
    expect(points.RecoveryPoints).toEqual([]);
    const missing = await refusal(
      backup.send(
        new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: unique('no-vault') }),
      ),
    );
    expect(missing.code).toBe('ResourceNotFoundException');
  });

  it('answers region settings per account and region, and replaces the maps UpdateRegionSettings is given', async () => {
    const region = 'eu-south-1';
    const backup = new BackupClient(tooling(region));
    const start = await backup.send(new DescribeRegionSettingsCommand({}));
    expect(start.ResourceTypeOptInPreference).toMatchObject({
      RDS: true,
      S3: true,
      DynamoDB: true,
    });
    expect(start.ResourceTypeManagementPreference).toEqual({ DynamoDB: true, EFS: true });
    await backup.send(
      new UpdateRegionSettingsCommand({
        ResourceTypeOptInPreference: { RDS: true, S3: false },
        ResourceTypeManagementPreference: { DynamoDB: false },
      }),
    );
    const updated = await backup.send(new DescribeRegionSettingsCommand({}));
    expect(updated.ResourceTypeOptInPreference).toEqual({ RDS: true, S3: false });
    expect(updated.ResourceTypeManagementPreference).toEqual({ DynamoDB: false });
    const dev = new BackupClient(await inAccount(DEV_ACCOUNT, region));
    const devSettings = await dev.send(new DescribeRegionSettingsCommand({}));
    expect(devSettings.ResourceTypeOptInPreference?.S3).toBe(true);
  });
});

describe('POST /moto-api/reset forgets what was planted', () => {
  it('a planted quota is gone after a reset', async () => {
    const region = 'sa-east-1';
    await plant('quotas', {
      account: TOOLING_ACCOUNT,
      region,
      service: 'lambda',
      code: 'L-B99A9384',
      value: 10,
    });
    const quotas = new ServiceQuotasClient(tooling(region));
    const planted = await quotas.send(
      new GetServiceQuotaCommand({ ServiceCode: 'lambda', QuotaCode: 'L-B99A9384' }),
    );
    expect(planted.Quota?.Value).toBe(10);
    await resetEmulator();
    const after = await refusal(
      quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'lambda', QuotaCode: 'L-B99A9384' })),
    );
    expect(after.code).toBe('NoSuchResourceException');
  });
});

describe('S3 lifecycle NewerNoncurrentVersions (gap 5)', () => {
  it('stores the value and returns it, as the provider waits to read back', async () => {
    const s3 = new S3Client({ ...tooling(), forcePathStyle: true });
    const bucket = unique('lifecycle');
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
      }),
    );
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'noncurrent',
              Status: 'Enabled',
              Filter: { Prefix: '' },
              NoncurrentVersionExpiration: { NoncurrentDays: 90, NewerNoncurrentVersions: 10 },
            },
          ],
        },
      }),
    );
    const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(got.Rules?.map((r) => r.NoncurrentVersionExpiration)).toEqual([
      { NoncurrentDays: 90, NewerNoncurrentVersions: 10 },
    ]);
  });
});
