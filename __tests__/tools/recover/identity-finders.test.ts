import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { mockAws } from '../../support/aws-mock';
import {
  iamPolicyFinder,
  iamRoleFinder,
  iamRolePolicyAttachmentFinder,
  iamRolePolicyFinder,
  kmsAliasFinder,
  kmsKeyFinder,
  logGroupFinder,
} from '../../../tools/recover/identity-finders';
import { adoptWith, context, planned } from './fixtures';

const iam = mockAws(IAMClient);
const kms = mockAws(KMSClient);
const logs = mockAws(CloudWatchLogsClient);
const clients = {
  iam: new IAMClient({ region: 'eu-west-1' }),
  kms: new KMSClient({ region: 'eu-west-1' }),
  logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
};
beforeEach(() => {
  iam.reset();
  kms.reset();
  logs.reset();
});
const noSuchEntity = () =>
  Object.assign(new Error('role not found'), { name: 'NoSuchEntityException' });

test('aws_iam_role: by name; the ARN is an id the state may hold', async () => {
  iam.on(GetRoleCommand).resolves({
    Role: {
      RoleName: 'healthcare-readiness-dev',
      Arn: 'arn:aws:iam::1:role/healthcare-readiness-dev',
    } as never,
  });
  const role = planned('aws_iam_role.readiness_role', { name: 'healthcare-readiness-dev' });
  const { found, blocks } = await adoptWith(clients, iamRoleFinder, [role]);
  expect(blocks).toEqual([{ to: 'aws_iam_role.readiness_role', id: 'healthcare-readiness-dev' }]);
  expect(found[0].ids).toEqual([
    'healthcare-readiness-dev',
    'arn:aws:iam::1:role/healthcare-readiness-dev',
  ]);
  expect(found[0].deleteCommand).toBe('aws iam delete-role --role-name healthcare-readiness-dev');
  iam.on(GetRoleCommand).rejects(noSuchEntity());
  expect((await adoptWith(clients, iamRoleFinder, [role])).found).toEqual([]);
});

test('aws_iam_policy: the customer managed policy of that name, imported by ARN (all pages)', async () => {
  iam
    .on(ListPoliciesCommand)
    .resolvesOnce({
      Policies: [{ PolicyName: 'other', Arn: 'arn:p:other' }],
      IsTruncated: true,
      Marker: 'm',
    })
    .resolvesOnce({
      Policies: [
        {
          PolicyName: 'healthcare-ready-callers-dev',
          Arn: 'arn:aws:iam::1:policy/healthcare-ready-callers-dev',
        },
      ],
      IsTruncated: false,
    });
  const { blocks } = await adoptWith(clients, iamPolicyFinder, [
    planned('aws_iam_policy.callers', { name: 'healthcare-ready-callers-dev' }),
  ]);
  expect(blocks).toEqual([
    { to: 'aws_iam_policy.callers', id: 'arn:aws:iam::1:policy/healthcare-ready-callers-dev' },
  ]);
  expect(iam.commandCalls(ListPoliciesCommand).map((c) => c.args[0].input)).toEqual([
    { Scope: 'Local', Marker: undefined },
    { Scope: 'Local', Marker: 'm' },
  ]);
});

test('aws_cloudwatch_log_group: the exact name (the prefix search returns longer names too)', async () => {
  logs.on(DescribeLogGroupsCommand).resolves({
    logGroups: [
      { logGroupName: '/aws/rds/instance/healthcare-db-dev/postgresql-old', arn: 'arn:lg:old:*' },
      {
        logGroupName: '/aws/rds/instance/healthcare-db-dev/postgresql',
        arn: 'arn:aws:logs:eu-west-1:1:log-group:/aws/rds/instance/healthcare-db-dev/postgresql:*',
      },
    ],
  });
  const { found, blocks } = await adoptWith(clients, logGroupFinder, [
    planned('aws_cloudwatch_log_group.pg', {
      name: '/aws/rds/instance/healthcare-db-dev/postgresql',
    }),
  ]);
  expect(blocks).toEqual([
    { to: 'aws_cloudwatch_log_group.pg', id: '/aws/rds/instance/healthcare-db-dev/postgresql' },
  ]);
  expect(found[0].ids).toEqual([
    '/aws/rds/instance/healthcare-db-dev/postgresql',
    'arn:aws:logs:eu-west-1:1:log-group:/aws/rds/instance/healthcare-db-dev/postgresql',
  ]);
  logs.on(DescribeLogGroupsCommand).resolves({});
  expect(
    (
      await adoptWith(clients, logGroupFinder, [
        planned('aws_cloudwatch_log_group.pg', { name: '/x' }),
      ])
    ).found,
  ).toEqual([]);
});

describe("aws_kms_key: the stack's customer keys, by Name tag, else description", () => {
  function keys() {
    kms.on(ListKeysCommand).resolves({
      Keys: [
        { KeyId: 'k-data' },
        { KeyId: 'k-state' },
        { KeyId: 'k-aws' },
        { KeyId: 'k-pending' },
        { KeyId: 'k-other' },
      ],
    });
    const meta = (KeyId: string, extra: object) => ({
      KeyMetadata: {
        KeyId,
        Arn: `arn:aws:kms:eu-west-1:1:key/${KeyId}`,
        KeyManager: 'CUSTOMER',
        KeyState: 'Enabled',
        ...extra,
      },
    });
    kms
      .on(DescribeKeyCommand, { KeyId: 'k-data' })
      .resolves(meta('k-data', { Description: 'data' }) as never);
    kms
      .on(DescribeKeyCommand, { KeyId: 'k-state' })
      .resolves(meta('k-state', { Description: 'Healthcare platform: Terraform state' }) as never);
    kms
      .on(DescribeKeyCommand, { KeyId: 'k-aws' })
      .resolves(meta('k-aws', { KeyManager: 'AWS' }) as never);
    kms
      .on(DescribeKeyCommand, { KeyId: 'k-pending' })
      .resolves(meta('k-pending', { KeyState: 'PendingDeletion' }) as never);
    kms.on(DescribeKeyCommand, { KeyId: 'k-other' }).resolves(meta('k-other', {}) as never);
    const tags = (t: Record<string, string>) => ({
      Tags: Object.entries(t).map(([TagKey, TagValue]) => ({ TagKey, TagValue })),
    });
    kms
      .on(ListResourceTagsCommand, { KeyId: 'k-data' })
      .resolves(
        tags({ Project: 'healthcare-platform', Environment: 'dev', Name: 'healthcare-data-dev' }),
      );
    kms
      .on(ListResourceTagsCommand, { KeyId: 'k-state' })
      .resolves(tags({ Project: 'healthcare-platform', Environment: 'dev' }));
    kms
      .on(ListResourceTagsCommand, { KeyId: 'k-other' })
      .resolves(
        tags({ Project: 'healthcare-platform', Environment: 'prod', Name: 'healthcare-data-dev' }),
      );
  }

  test('Name tag and description both match; AWS keys, keys pending deletion and other environments are skipped', async () => {
    keys();
    const data = planned('aws_kms_key.data-key', {
      description: 'data',
      tags: { Name: 'healthcare-data-dev' },
    });
    const state = planned('aws_kms_key.state-key', {
      description: 'Healthcare platform: Terraform state',
      tags: null,
    });
    const { found, blocks } = await adoptWith(clients, kmsKeyFinder, [data, state]);
    expect(blocks).toEqual([
      { to: 'aws_kms_key.data-key', id: 'k-data' },
      { to: 'aws_kms_key.state-key', id: 'k-state' },
    ]);
    expect(found.map((f) => f.key)).toEqual([
      'Name=healthcare-data-dev',
      'description=Healthcare platform: Terraform state',
    ]);
    expect(found[0].deleteCommand).toBe(
      'aws kms schedule-key-deletion --region eu-west-1 --key-id k-data --pending-window-in-days 30',
    );
    expect(kms.commandCalls(ListResourceTagsCommand)).toHaveLength(3);
  });

  test('a key with neither Name nor description in the plan has no key', () => {
    expect(
      kmsKeyFinder.plannedKey(planned('aws_kms_key.k', { tags: null }, { description: true })),
    ).toBeUndefined();
  });
});

test('aws_kms_alias: only when it points at the key the plan knows for it', async () => {
  kms.on(ListAliasesCommand).resolves({
    Aliases: [
      { AliasName: 'alias/healthcare-data-dev', TargetKeyId: 'k-data', AliasArn: 'arn:alias' },
      { AliasName: 'alias/aws/s3', TargetKeyId: 'k-aws' },
    ],
  });
  const alias = planned('aws_kms_alias.data', {
    name: 'alias/healthcare-data-dev',
    target_key_id: 'k-data',
  });
  expect((await adoptWith(clients, kmsAliasFinder, [alias])).blocks).toEqual([
    { to: 'aws_kms_alias.data', id: 'alias/healthcare-data-dev' },
  ]);
  const other = planned('aws_kms_alias.data', {
    name: 'alias/healthcare-data-dev',
    target_key_id: 'k-new',
  });
  expect((await adoptWith(clients, kmsAliasFinder, [other])).blocks).toEqual([]);
  expect(
    kmsAliasFinder.plannedKey(
      planned('aws_kms_alias.data', { name: 'alias/x' }, { target_key_id: true }),
    ),
  ).toBeUndefined();
});

test('aws_iam_role_policy: ROLE:POLICYNAME under the role the plan knows', async () => {
  iam
    .on(GetRolePolicyCommand, {
      RoleName: 'healthcare-flow-logs-dev',
      PolicyName: 'write-flow-logs',
    })
    .resolves({ PolicyName: 'write-flow-logs' } as never);
  iam
    .on(GetRolePolicyCommand, { RoleName: 'healthcare-readiness-dev', PolicyName: 'readiness' })
    .rejects(noSuchEntity());
  const { found, blocks } = await adoptWith(clients, iamRolePolicyFinder, [
    planned('aws_iam_role_policy.flow', {
      role: 'healthcare-flow-logs-dev',
      name: 'write-flow-logs',
    }),
    planned('aws_iam_role_policy.readiness', {
      role: 'healthcare-readiness-dev',
      name: 'readiness',
    }),
    planned('aws_iam_role_policy.waiting', { name: 'x' }, { role: true }),
  ]);
  expect(blocks).toEqual([
    { to: 'aws_iam_role_policy.flow', id: 'healthcare-flow-logs-dev:write-flow-logs' },
  ]);
  expect(found[0].deleteCommand).toBe(
    'aws iam delete-role-policy --role-name healthcare-flow-logs-dev --policy-name write-flow-logs',
  );
});

test('aws_iam_role_policy_attachment: ROLE/POLICYARN, one listing per role; a role gone meanwhile lists nothing', async () => {
  const arn = 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole';
  iam
    .on(ListAttachedRolePoliciesCommand, { RoleName: 'healthcare-rds-monitoring-dev' })
    .resolves({ AttachedPolicies: [{ PolicyArn: arn, PolicyName: 'x' }], IsTruncated: false });
  iam.on(ListAttachedRolePoliciesCommand, { RoleName: 'gone' }).rejects(noSuchEntity());
  const { blocks } = await adoptWith(clients, iamRolePolicyAttachmentFinder, [
    planned('aws_iam_role_policy_attachment.monitoring', {
      role: 'healthcare-rds-monitoring-dev',
      policy_arn: arn,
    }),
    planned('aws_iam_role_policy_attachment.other', { role: 'gone', policy_arn: arn }),
  ]);
  expect(blocks).toEqual([
    { to: 'aws_iam_role_policy_attachment.monitoring', id: `healthcare-rds-monitoring-dev/${arn}` },
  ]);
  expect(
    iamRolePolicyAttachmentFinder.plannedKey(
      planned('aws_iam_role_policy_attachment.a', { policy_arn: arn }, { role: true }),
    ),
  ).toBeUndefined();
});

test('KMS listings follow their pages (Truncated/NextMarker); a key with neither Name nor description keys by an empty description', async () => {
  kms
    .on(ListKeysCommand)
    .resolvesOnce({ Keys: [{ KeyId: 'k1' }], Truncated: true, NextMarker: 'm' })
    .resolvesOnce({ Keys: [], Truncated: false });
  kms
    .on(DescribeKeyCommand)
    .resolves({ KeyMetadata: { KeyId: 'k1', Arn: 'arn:k1', KeyManager: 'CUSTOMER' } } as never);
  kms
    .on(ListResourceTagsCommand)
    .resolvesOnce({
      Tags: [{ TagKey: 'Project', TagValue: 'healthcare-platform' }],
      Truncated: true,
      NextMarker: 't',
    })
    .resolvesOnce({ Tags: [{ TagKey: 'Environment', TagValue: 'dev' }], Truncated: false });
  const found = await kmsKeyFinder.find(context(clients), []);
  expect(found.map((f) => [f.key, f.label])).toEqual([
    ['description=', 'k1 (no Name, no description)'],
  ]);
  expect(kms.commandCalls(ListKeysCommand).map((c) => c.args[0].input.Marker)).toEqual([
    undefined,
    'm',
  ]);
  kms
    .on(ListAliasesCommand)
    .resolvesOnce({ Aliases: [], Truncated: true, NextMarker: 'a' })
    .resolvesOnce({ Aliases: [{ AliasName: 'alias/x' }] });
  const aliases = await kmsAliasFinder.find(context(clients), [
    planned('aws_kms_alias.x', { name: 'alias/x', target_key_id: 'k' }),
  ]);
  expect(aliases.map((a) => [a.key, a.ids])).toEqual([['alias/x|', ['alias/x']]]);
});

test('attached policies follow their pages; a log group without ARN has its name only', async () => {
  iam
    .on(ListAttachedRolePoliciesCommand)
    .resolvesOnce({ AttachedPolicies: [{ PolicyArn: 'arn:1' }], IsTruncated: true, Marker: 'm' })
    .resolvesOnce({ IsTruncated: false });
  const found = await iamRolePolicyAttachmentFinder.find(context(clients), [
    planned('aws_iam_role_policy_attachment.a', { role: 'r', policy_arn: 'arn:1' }),
  ]);
  expect(found.map((f) => f.importId)).toEqual(['r/arn:1']);
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/x' }] });
  expect(
    (
      await logGroupFinder.find(context(clients), [
        planned('aws_cloudwatch_log_group.x', { name: '/x' }),
      ])
    )[0].ids,
  ).toEqual(['/x']);
});
