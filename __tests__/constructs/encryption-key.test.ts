import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { TerraformOutput, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
// Declares the cdktf matchers' types (setup.ts registers them at run time).
import 'cdktf/lib/testing/adapters/jest';
import {
  EncryptionKey,
  EncryptionKeyProps,
  KeyUser,
} from '../../constructs/encryption/encryption-key';

interface Condition {
  test: string;
  variable: string;
  values: string[];
}
interface Statement {
  sid: string;
  effect: string;
  actions: string[];
  resources: string[];
  principals: { type: string; identifiers: string[] }[];
  condition?: Condition[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Synth = any;

const ALL_USERS: KeyUser[] = [
  'logs',
  'rds',
  'elasticache',
  'secretsmanager',
  'sns',
  'cloudwatch',
  'lambda',
  'sqs',
];

/** Synthesizes one EncryptionKey (id `key`) plus outputs of its attributes. */
function synthKey(
  props: Partial<EncryptionKeyProps> = {},
  extra?: (scope: Construct) => Partial<EncryptionKeyProps>,
): { raw: string; json: Synth } {
  const raw = Testing.synthScope((scope) => {
    const key = new EncryptionKey(scope, 'key', {
      alias: 'alias/healthcare-data-test',
      description: 'test key',
      users: ['logs'],
      ...props,
      ...extra?.(scope),
    });
    new TerraformOutput(scope, 'key-arn', { value: key.keyArn });
    new TerraformOutput(scope, 'key-id', { value: key.keyId });
    new TerraformOutput(scope, 'alias-name', { value: key.aliasName });
    new TerraformOutput(scope, 'account-id', { value: key.accountId });
    new TerraformOutput(scope, 'partition', { value: key.partition });
    new TerraformOutput(scope, 'region', { value: key.region });
  });
  return { raw, json: JSON.parse(raw) };
}

function only<T>(record: Record<string, T> | undefined): T {
  const values = Object.values(record ?? {});
  expect(values).toHaveLength(1);
  return values[0];
}

function statements(json: Synth): Statement[] {
  return only<{ statement: Statement[] }>(json.data.aws_iam_policy_document).statement;
}

function statement(json: Synth, sid: string): Statement {
  const found = statements(json).find((s) => s.sid === sid);
  expect(found).toBeDefined();
  return found as Statement;
}

function regionRef(json: Synth): string {
  return `\${data.aws_region.${Object.keys(json.data.aws_region)[0]}.name}`;
}

function partitionRef(json: Synth): string {
  return `\${data.aws_partition.${Object.keys(json.data.aws_partition)[0]}.partition}`;
}

function accountRef(json: Synth): string {
  return `\${data.aws_caller_identity.${Object.keys(json.data.aws_caller_identity)[0]}.account_id}`;
}

describe('EncryptionKey', () => {
  test('minimal props: rotation on, 30-day window, explicit policy, alias, no prevent_destroy', () => {
    // Given only the required props / When synthesized
    const { raw, json } = synthKey();

    // Then the key is rotated, deletable only after 30 days and carries the policy document
    expect(raw).toHaveResourceWithProperties(KmsKey, {
      description: 'test key',
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      tags: { Name: 'healthcare-data-test' },
    });
    const key = only<Record<string, unknown>>(json.resource.aws_kms_key);
    const policyDocId = Object.keys(json.data.aws_iam_policy_document)[0];
    expect(key.policy).toBe(`\${data.aws_iam_policy_document.${policyDocId}.json}`);
    expect(key).not.toHaveProperty('lifecycle');
    expect(key).not.toHaveProperty('bypass_policy_lockout_safety_check');
    expect(key).not.toHaveProperty('multi_region');

    const keyId = Object.keys(json.resource.aws_kms_key)[0];
    expect(raw).toHaveResourceWithProperties(KmsAlias, {
      name: 'alias/healthcare-data-test',
      target_key_id: `\${aws_kms_key.${keyId}.key_id}`,
    });
    expect(raw).toHaveDataSourceWithProperties(DataAwsIamPolicyDocument, {});
  });

  test('the account root administers the key but cannot use it', () => {
    const { json } = synthKey();
    const admin = statement(json, 'KeyAdministrationByAccount');

    expect(admin.effect).toBe('Allow');
    expect(admin.principals).toEqual([
      { type: 'AWS', identifiers: [`arn:${partitionRef(json)}:iam::${accountRef(json)}:root`] },
    ]);
    expect(admin.actions).toEqual(
      expect.arrayContaining([
        'kms:Put*',
        'kms:Describe*',
        'kms:ScheduleKeyDeletion',
        'kms:CancelKeyDeletion',
      ]),
    );
    // No data-plane action and no kms:* wildcard: use is granted per service only.
    for (const action of admin.actions) {
      expect(action).not.toMatch(/^kms:(\*|Encrypt|Decrypt|ReEncrypt|GenerateDataKey|CreateGrant)/);
    }
  });

  test('logs: regional service principal limited by the log-group encryption context', () => {
    const { json } = synthKey({ users: ['logs'] });
    expect(statements(json).map((s) => s.sid)).toEqual([
      'KeyAdministrationByAccount',
      'AllowCloudWatchLogs',
    ]);
    const logs = statement(json, 'AllowCloudWatchLogs');
    expect(logs.principals).toEqual([
      { type: 'Service', identifiers: [`logs.${regionRef(json)}.amazonaws.com`] },
    ]);
    expect(logs.actions).toEqual([
      'kms:Encrypt*',
      'kms:Decrypt*',
      'kms:ReEncrypt*',
      'kms:GenerateDataKey*',
      'kms:Describe*',
    ]);
    expect(logs.condition).toEqual([
      {
        test: 'ArnLike',
        variable: 'kms:EncryptionContext:aws:logs:arn',
        // The context is the log group's ARN: only this account's log groups in the region.
        values: [
          `arn:${partitionRef(json)}:logs:${regionRef(json)}:${accountRef(json)}:log-group:*`,
        ],
      },
    ]);
  });

  test.each([
    ['rds', 'Rds', true, ['rds']],
    // AWS: ElastiCache uses the key via both elasticache.<region> and dax.<region>.
    ['elasticache', 'ElastiCache', true, ['elasticache', 'dax']],
    ['secretsmanager', 'SecretsManager', false, ['secretsmanager']],
    // Lambda: environment variables encrypted with the key (kms_key_arn of a function).
    ['lambda', 'Lambda', true, ['lambda']],
  ] as const)(
    '%s: account principals only via the service; grants only for AWS resources: %s',
    (user, label, grants, services) => {
      const { json } = synthKey({ users: [user] });
      const root = `arn:${partitionRef(json)}:iam::${accountRef(json)}:root`;
      const via = [
        {
          test: 'StringEquals',
          variable: 'kms:ViaService',
          values: services.map((service) => `${service}.${regionRef(json)}.amazonaws.com`),
        },
        { test: 'StringEquals', variable: 'kms:CallerAccount', values: [accountRef(json)] },
      ];

      const use = statement(json, `AllowUseVia${label}`);
      expect(use.principals).toEqual([{ type: 'AWS', identifiers: [root] }]);
      expect(use.actions).toEqual([
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:DescribeKey',
      ]);
      expect(use.condition).toEqual(via);

      const grantSids = statements(json)
        .filter((s) => s.actions.includes('kms:CreateGrant'))
        .map((s) => s.sid);
      if (grants) {
        expect(grantSids).toEqual([`AllowGrantsVia${label}`]);
        const grant = statement(json, `AllowGrantsVia${label}`);
        expect(grant.principals).toEqual([{ type: 'AWS', identifiers: [root] }]);
        expect(grant.condition).toEqual([
          ...via,
          { test: 'Bool', variable: 'kms:GrantIsForAWSResource', values: ['true'] },
        ]);
      } else {
        expect(grantSids).toEqual([]);
      }
    },
  );

  test('sns: publishers in the account may encrypt messages only through SNS', () => {
    const { json } = synthKey({ users: ['sns'] });
    const sns = statement(json, 'AllowUseViaSns');
    expect(sns.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(sns.condition).toContainEqual({
      test: 'StringEquals',
      variable: 'kms:ViaService',
      values: [`sns.${regionRef(json)}.amazonaws.com`],
    });
    expect(sns.condition).toContainEqual({
      test: 'StringEquals',
      variable: 'kms:CallerAccount',
      values: [accountRef(json)],
    });
  });

  test('sqs: senders in the account may encrypt queue messages only through SQS, no grants', () => {
    const { json } = synthKey({ users: ['sqs'] });
    const sqs = statement(json, 'AllowUseViaSqs');
    expect(sqs.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(sqs.condition).toEqual([
      {
        test: 'StringEquals',
        variable: 'kms:ViaService',
        values: [`sqs.${regionRef(json)}.amazonaws.com`],
      },
      { test: 'StringEquals', variable: 'kms:CallerAccount', values: [accountRef(json)] },
    ]);
    expect(statements(json).filter((s) => s.actions.includes('kms:CreateGrant'))).toEqual([]);
  });

  test('cloudwatch: alarms may publish to encrypted topics (Decrypt + GenerateDataKey* only)', () => {
    const { json } = synthKey({ users: ['cloudwatch'] });
    const cw = statement(json, 'AllowCloudWatchAlarmsToEncryptedTopics');
    expect(cw.principals).toEqual([{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }]);
    expect(cw.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
  });

  test('no statement names principal "*", and every AWS-principal use statement is conditioned', () => {
    const { json } = synthKey({ users: ALL_USERS });
    const all = statements(json);
    expect(all).toHaveLength(12);
    for (const s of all) {
      expect(s.effect).toBe('Allow');
      for (const p of s.principals) {
        expect(p.identifiers).not.toContain('*');
      }
      if (s.sid !== 'KeyAdministrationByAccount' && s.principals[0].type === 'AWS') {
        expect(s.condition?.map((c) => c.variable)).toEqual(
          expect.arrayContaining(['kms:ViaService', 'kms:CallerAccount']),
        );
      }
    }
  });

  test('full props: duplicate users collapse, window, prevent_destroy and a fixed region', () => {
    const { raw, json } = synthKey({
      users: ['rds', 'rds', 'logs'],
      deletionWindowDays: 7,
      preventDestroy: true,
      region: 'eu-central-1',
    });

    expect(raw).toHaveResourceWithProperties(KmsKey, {
      deletion_window_in_days: 7,
      lifecycle: { prevent_destroy: true },
    });
    // rds once (with its grant statement), in the order first given.
    expect(statements(json).map((s) => s.sid)).toEqual([
      'KeyAdministrationByAccount',
      'AllowUseViaRds',
      'AllowGrantsViaRds',
      'AllowCloudWatchLogs',
    ]);
    // The region prop replaces the data source.
    expect(json.data.aws_region).toBeUndefined();
    expect(statement(json, 'AllowCloudWatchLogs').principals[0].identifiers).toEqual([
      'logs.eu-central-1.amazonaws.com',
    ]);
    expect(json.output.region.value).toBe('eu-central-1');
  });

  test('exposes key id, ARN, alias, account and partition as references', () => {
    const { json } = synthKey();
    const keyId = Object.keys(json.resource.aws_kms_key)[0];
    const aliasId = Object.keys(json.resource.aws_kms_alias)[0];
    expect(json.output['key-arn'].value).toBe(`\${aws_kms_key.${keyId}.arn}`);
    expect(json.output['key-id'].value).toBe(`\${aws_kms_key.${keyId}.key_id}`);
    expect(json.output['alias-name'].value).toBe(`\${aws_kms_alias.${aliasId}.name}`);
    expect(json.output['account-id'].value).toBe(accountRef(json));
    expect(json.output.partition.value).toBe(partitionRef(json));
    expect(json.output.region.value).toBe(regionRef(json));
  });

  test('unresolved deletion window and alias are left for KMS to check', () => {
    const { json } = synthKey({}, (scope) => ({
      deletionWindowDays: new TerraformVariable(scope, 'window', { type: 'number' }).numberValue,
      alias: new TerraformVariable(scope, 'alias', { type: 'string' }).stringValue,
    }));
    const key = only<Record<string, unknown>>(json.resource.aws_kms_key);
    expect(key.deletion_window_in_days).toBe('${var.window}');
    expect(only<Record<string, unknown>>(json.resource.aws_kms_alias).name).toBe('${var.alias}');
  });

  describe('validation', () => {
    test.each([6, 31, 0, 7.5])('throws when deletionWindowDays is %p (outside 7-30)', (days) => {
      expect(() => synthKey({ deletionWindowDays: days })).toThrow(
        `deletionWindowDays = ${days}: must be a whole number of days from 7 to 30 (KMS limit)`,
      );
    });

    test.each([7, 30])('accepts deletionWindowDays at the bound %p', (days) => {
      expect(synthKey({ deletionWindowDays: days }).raw).toHaveResourceWithProperties(KmsKey, {
        deletion_window_in_days: days,
      });
    });

    test('throws when alias lacks the alias/ prefix', () => {
      expect(() => synthKey({ alias: 'healthcare-data' })).toThrow(
        'alias = "healthcare-data": must start with "alias/"',
      );
    });

    test('throws when alias is in the reserved alias/aws/ namespace', () => {
      expect(() => synthKey({ alias: 'alias/aws/rds' })).toThrow(
        'must not start with "alias/aws/" (reserved for AWS-managed keys)',
      );
    });

    test('reports every broken rule at once', () => {
      expect(() => synthKey({ alias: 'x', deletionWindowDays: 90 })).toThrow(
        /Invalid EncryptionKey props:\n {2}- deletionWindowDays = 90.*\n {2}- alias = "x"/,
      );
    });
  });
});
