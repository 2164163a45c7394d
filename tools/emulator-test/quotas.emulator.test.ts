/**
 * Service Quotas, Lambda's account settings and rule R3 (unreserved concurrency) on the
 * emulator (tools/emulator/moto_quota_gaps.py), with quotas planted per account and region
 * through POST /moto-api/healthcare/quotas.
 */
import {
  AllocateAddressCommand,
  DescribeAddressesCommand,
  EC2Client,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
} from '@aws-sdk/client-lambda';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ListAWSDefaultServiceQuotasCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { zipSync } from 'fflate';
import {
  DEV_ACCOUNT,
  PROD_ACCOUNT,
  TOOLING_ACCOUNT,
  inAccount,
  plant,
  refusal,
  tooling,
  unique,
  type ClientSettings,
} from './emulator-clients';

const LAMBDA = { ServiceCode: 'lambda', QuotaCode: 'L-B99A9384' };
const EIPS = { ServiceCode: 'ec2', QuotaCode: 'L-0263D0A3' };

function plantQuota(account: string, region: string, q: typeof LAMBDA, value: number | null) {
  return plant('quotas', { account, region, service: q.ServiceCode, code: q.QuotaCode, value });
}

describe('Service Quotas: the quotas the deploy gates read', () => {
  const quotas = new ServiceQuotasClient(tooling());

  it("answers AWS's default for Lambda concurrent executions (1000) and EC2-VPC Elastic IPs (5)", async () => {
    const lambda = await quotas.send(new GetAWSDefaultServiceQuotaCommand(LAMBDA));
    expect(lambda.Quota).toMatchObject({
      ServiceCode: 'lambda',
      ServiceName: 'AWS Lambda',
      QuotaCode: 'L-B99A9384',
      QuotaName: 'Concurrent executions',
      QuotaArn: 'arn:aws:servicequotas:eu-west-1::lambda/L-B99A9384',
      Value: 1000,
      Adjustable: true,
      GlobalQuota: false,
    });
    const eips = await quotas.send(new GetAWSDefaultServiceQuotaCommand(EIPS));
    expect([eips.Quota?.QuotaName, eips.Quota?.Value]).toEqual(['EC2-VPC Elastic IPs', 5]);
    const listed = await quotas.send(
      new ListAWSDefaultServiceQuotasCommand({ ServiceCode: 'ec2' }),
    );
    expect(listed.Quotas?.map((q) => q.QuotaCode)).toEqual(['L-0263D0A3']);
  });

  it('answers NoSuchResourceException for a quota never adjusted, and the planted value once planted', async () => {
    const region = 'eu-north-1';
    const client = new ServiceQuotasClient(tooling(region));
    const before = await refusal(client.send(new GetServiceQuotaCommand(EIPS)));
    expect([before.code, before.status]).toEqual(['NoSuchResourceException', 400]);

    const planted = await plantQuota(TOOLING_ACCOUNT, region, EIPS, 2);
    expect(planted).toEqual({
      status: 200,
      json: {
        account: TOOLING_ACCOUNT,
        region,
        service: 'ec2',
        code: 'L-0263D0A3',
        value: 2,
        applied: true,
      },
    });
    const applied = await client.send(new GetServiceQuotaCommand(EIPS));
    expect([applied.Quota?.Value, applied.Quota?.QuotaArn]).toEqual([
      2,
      `arn:aws:servicequotas:${region}:${TOOLING_ACCOUNT}:ec2/L-0263D0A3`,
    ]);
    // The default is unchanged, and the value is this account's and this region's only.
    const defaultValue = await client.send(new GetAWSDefaultServiceQuotaCommand(EIPS));
    expect(defaultValue.Quota?.Value).toBe(5);
    const otherRegion = await refusal(quotas.send(new GetServiceQuotaCommand(EIPS)));
    expect(otherRegion.code).toBe('NoSuchResourceException');
    const dev = new ServiceQuotasClient(await inAccount(DEV_ACCOUNT, region));
    expect((await refusal(dev.send(new GetServiceQuotaCommand(EIPS)))).code).toBe(
      'NoSuchResourceException',
    );

    const cleared = await plantQuota(TOOLING_ACCOUNT, region, EIPS, null);
    expect(cleared.json).toMatchObject({ value: 5, applied: false });
  });

  it("keeps moto's own vpc quotas", async () => {
    const vpcs = await quotas.send(
      new GetServiceQuotaCommand({ ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE' }),
    );
    expect([vpcs.Quota?.QuotaName, vpcs.Quota?.Value]).toEqual(['VPCs per Region', 5]);
  });

  it('refuses to plant an unknown quota or a value that is not a number >= 0', async () => {
    const unknown = await plant('quotas', {
      account: TOOLING_ACCOUNT,
      region: 'eu-west-1',
      service: 'lambda',
      code: 'L-NOPE',
      value: 1,
    });
    expect(unknown).toEqual({
      status: 400,
      json: {
        error: 'unknown quota lambda/L-NOPE; the emulator knows lambda/L-B99A9384, ec2/L-0263D0A3',
      },
    });
    const negative = await plantQuota(TOOLING_ACCOUNT, 'eu-west-1', LAMBDA, -1);
    expect(negative.status).toBe(400);
    const noAccount = await plant('quotas', {
      region: 'eu-west-1',
      service: 'lambda',
      code: 'L-B99A9384',
      value: 1,
    });
    expect(noAccount).toEqual({
      status: 400,
      json: { error: 'account (a non-empty string) is required' },
    });
  });
});

/** A function in that account, with an execution role Lambda may assume (moto checks both). */
async function createFunction(
  settings: ClientSettings,
  account: string,
  name: string,
): Promise<void> {
  const iam = new IAMClient(settings);
  await iam.send(
    new CreateRoleCommand({
      RoleName: name,
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
  const lambda = new LambdaClient(settings);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Role: `arn:aws:iam::${account}:role/${name}`,
      Handler: 'index.handler',
      Code: {
        ZipFile: zipSync({ 'index.js': new TextEncoder().encode('exports.handler=async()=>1') }),
      },
    }),
  );
}

describe('R3 Lambda: a reservation leaves min(100, quota) unreserved; GetAccountSettings', () => {
  it("with the default quota 1000: 900 reserved in all is accepted, 901 refused with AWS's message", async () => {
    const region = 'us-east-2';
    const settings = tooling(region);
    const lambda = new LambdaClient(settings);
    const [a, b] = [unique('fn-a'), unique('fn-b')];
    await createFunction(settings, TOOLING_ACCOUNT, a);
    await createFunction(settings, TOOLING_ACCOUNT, b);
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: a, ReservedConcurrentExecutions: 600 }),
    );
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: b, ReservedConcurrentExecutions: 300 }),
    );

    const limits = await lambda.send(new GetAccountSettingsCommand({}));
    expect(limits.AccountLimit).toMatchObject({
      ConcurrentExecutions: 1000,
      UnreservedConcurrentExecutions: 100,
    });
    expect(limits.AccountUsage?.FunctionCount).toBe(2);

    const r = await refusal(
      lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: b, ReservedConcurrentExecutions: 301 }),
      ),
    );
    expect(r).toEqual({
      code: 'InvalidParameterValueException',
      message:
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
      status: 400,
    });
    // A function's own reservation does not count against itself when it changes.
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: b, ReservedConcurrentExecutions: 300 }),
    );
    const kept = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: b }));
    expect(kept.ReservedConcurrentExecutions).toBe(300);
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: b }));
    const freed = await lambda.send(new GetAccountSettingsCommand({}));
    expect(freed.AccountLimit?.UnreservedConcurrentExecutions).toBe(400);
  });

  it('with a planted quota of 10 (a new account): nothing can be reserved, the minimum reads [10]', async () => {
    const region = 'ap-southeast-2';
    const settings = await inAccount(PROD_ACCOUNT, region);
    await plantQuota(PROD_ACCOUNT, region, LAMBDA, 10);
    const lambda = new LambdaClient(settings);
    const name = unique('fn');
    await createFunction(settings, PROD_ACCOUNT, name);
    const limits = await lambda.send(new GetAccountSettingsCommand({}));
    expect(limits.AccountLimit).toMatchObject({
      ConcurrentExecutions: 10,
      UnreservedConcurrentExecutions: 10,
    });

    const r = await refusal(
      lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 }),
      ),
    );
    expect(r.message).toBe(
      "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [10].",
    );
    const zero = await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }),
    );
    expect(zero.ReservedConcurrentExecutions).toBe(0);

    // The tooling account in the same region keeps AWS's default.
    const tool = new LambdaClient(tooling(region));
    const toolLimits = await tool.send(new GetAccountSettingsCommand({}));
    expect(toolLimits.AccountLimit?.ConcurrentExecutions).toBe(1000);
  });

  it('with a planted quota of 150: 50 reserved is accepted, 51 refused', async () => {
    const region = 'ca-central-1';
    const settings = await inAccount(DEV_ACCOUNT, region);
    await plantQuota(DEV_ACCOUNT, region, LAMBDA, 150);
    const lambda = new LambdaClient(settings);
    const name = unique('fn');
    await createFunction(settings, DEV_ACCOUNT, name);
    const r = await refusal(
      lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 51 }),
      ),
    );
    expect(r.message).toContain('below its minimum value of [100].');
    const ok = await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 50 }),
    );
    expect(ok.ReservedConcurrentExecutions).toBe(50);
  });
});

describe("R10 EC2: Elastic IPs up to the account's quota (L-0263D0A3)", () => {
  const allocate = (ec2: EC2Client) => ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));

  it('allocates 5 by default and refuses the 6th with AddressLimitExceeded', async () => {
    const ec2 = new EC2Client(tooling('us-west-1'));
    for (let i = 0; i < 5; i += 1) {
      const address = await allocate(ec2);
      expect(address.AllocationId).toMatch(/^eipalloc-/);
    }
    const r = await refusal(allocate(ec2));
    expect(r).toEqual({
      code: 'AddressLimitExceeded',
      message: 'The maximum number of addresses has been reached.',
      status: 400,
    });
  });

  it('with a planted quota of 2: the 2nd is allocated, the 3rd refused; a release frees one', async () => {
    const region = 'us-west-2';
    await plantQuota(DEV_ACCOUNT, region, EIPS, 2);
    const ec2 = new EC2Client(await inAccount(DEV_ACCOUNT, region));
    await allocate(ec2);
    const second = await allocate(ec2);
    expect((await refusal(allocate(ec2))).code).toBe('AddressLimitExceeded');
    await ec2.send(new ReleaseAddressCommand({ AllocationId: second.AllocationId }));
    const again = await allocate(ec2);
    expect(again.AllocationId).toMatch(/^eipalloc-/);
    const held = await ec2.send(new DescribeAddressesCommand({}));
    expect(held.Addresses?.length).toBe(2);
  });
});
