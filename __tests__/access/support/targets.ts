/**
 * Finds a synthesized resource and the policies that guard it by what they are (alias,
 * topic name, bucket name, the service a role trusts), so the proofs survive refactors
 * that rename construct ids, Sids or reorder statements.
 */
import { AWS_MANAGED_POLICIES } from './aws-managed-policies';
import {
  PARTITION,
  PolicyDocument,
  PolicyStatement,
  SynthesizedStack,
  TEST_ACCOUNT,
} from './terraform-policies';

/** A resource a request names, and its resource-based policy if it has one. */
export interface Target {
  readonly arn: string;
  readonly account: string;
  readonly policy?: PolicyDocument;
}

/** An IAM role of the stack with its trust policy and every permission policy it carries. */
export interface RoleTarget extends Target {
  readonly name: string;
  readonly permissions: { name: string; policy: PolicyDocument }[];
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

/** The KMS key an alias points at, with its key policy. */
export function kmsKeyByAlias(stack: SynthesizedStack, alias: string): Target {
  const [aliasName, aliasBody] = stack.find('aws_kms_alias', 'name', alias);
  const keyRef = /^\$\{aws_kms_key\.([^.]+)\.(key_id|arn|id)\}$/.exec(aliasBody.target_key_id);
  if (keyRef === null) {
    throw new Error(
      `${stack.stackName}: alias ${alias} (${aliasName}) does not target a key of this stack`,
    );
  }
  const key = stack.tf.resource.aws_kms_key[keyRef[1]];
  return {
    arn: stack.resolve(`\${aws_kms_key.${keyRef[1]}.arn}`, `aws_kms_key.${keyRef[1]}`),
    account: TEST_ACCOUNT,
    policy: stack.policy(key.policy, `aws_kms_key.${keyRef[1]}.policy`),
  };
}

/** An SNS topic by name, with its access policy (aws_sns_topic_policy or the topic's own). */
export function topicByName(stack: SynthesizedStack, name: string): Target {
  const [topicName, topic] = stack.find('aws_sns_topic', 'name', name);
  const arn = stack.resolve(`\${aws_sns_topic.${topicName}.arn}`, `aws_sns_topic.${topicName}`);
  const policies = stack
    .resources('aws_sns_topic_policy')
    .filter(([n, body]) => stack.resolve(body.arn, `aws_sns_topic_policy.${n}.arn`) === arn)
    .map(([n, body]) => stack.policy(body.policy, `aws_sns_topic_policy.${n}.policy`));
  if (topic.policy !== undefined)
    policies.push(stack.policy(topic.policy, `aws_sns_topic.${topicName}.policy`));
  if (policies.length > 1)
    throw new Error(`${stack.stackName}: topic ${name} has ${policies.length} policies`);
  return { arn, account: TEST_ACCOUNT, policy: policies[0] };
}

/** An S3 bucket by name, with its bucket policy. */
export function bucketByName(stack: SynthesizedStack, bucket: string): Target {
  const [bucketName] = stack.find('aws_s3_bucket', 'bucket', bucket);
  const arn = stack.resolve(`\${aws_s3_bucket.${bucketName}.arn}`, `aws_s3_bucket.${bucketName}`);
  const policies = stack
    .resources('aws_s3_bucket_policy')
    .filter(
      ([n, body]) => stack.resolve(body.bucket, `aws_s3_bucket_policy.${n}.bucket`) === bucket,
    )
    .map(([n, body]) => stack.policy(body.policy, `aws_s3_bucket_policy.${n}.policy`));
  if (policies.length > 1)
    throw new Error(`${stack.stackName}: bucket ${bucket} has ${policies.length} policies`);
  return { arn, account: TEST_ACCOUNT, policy: policies[0] };
}

/** An object in a bucket: the bucket's policy applies to it. */
export function objectIn(bucket: Target, key: string): Target {
  return { ...bucket, arn: `${bucket.arn}/${key}` };
}

/** A DynamoDB table by name (no resource policy unless the stack adds one). */
export function dynamodbTableByName(stack: SynthesizedStack, name: string): Target {
  const [tableName, table] = stack.find('aws_dynamodb_table', 'name', name);
  if (
    table.resource_policy !== undefined ||
    stack.resources('aws_dynamodb_resource_policy').length > 0
  ) {
    throw new Error(
      `${stack.stackName}: table ${name} has a resource policy the proofs do not read yet`,
    );
  }
  return {
    arn: stack.resolve(
      `\${aws_dynamodb_table.${tableName}.arn}`,
      `aws_dynamodb_table.${tableName}`,
    ),
    account: TEST_ACCOUNT,
  };
}

/** The ARN of a log group of the stack, by name (fails if the stack has no such group). */
export function logGroupArn(stack: SynthesizedStack, name: string): string {
  const [groupName] = stack.find('aws_cloudwatch_log_group', 'name', name);
  return stack.resolve(
    `\${aws_cloudwatch_log_group.${groupName}.arn}`,
    `aws_cloudwatch_log_group.${groupName}`,
  );
}

/** Every log group of the stack encrypted with the given key: `[name, arn]`. */
export function logGroupsEncryptedWith(
  stack: SynthesizedStack,
  keyArn: string,
): [string, string][] {
  return stack
    .resources('aws_cloudwatch_log_group')
    .filter(
      ([n, body]) => body.kms_key_id !== undefined && stack.resolve(body.kms_key_id, n) === keyArn,
    )
    .map(([n, body]) => {
      const name = stack.resolve(body.name, `aws_cloudwatch_log_group.${n}.name`);
      return [name, logGroupArn(stack, name)];
    });
}

function trusts(statement: PolicyStatement, service: string): boolean {
  const principal = statement.Principal;
  return (
    statement.Effect === 'Allow' &&
    asList(statement.Action).includes('sts:AssumeRole') &&
    typeof principal === 'object' &&
    asList(principal.Service).includes(service)
  );
}

/** The role named `name`, with its trust policy and its permission policies. */
export function roleByName(stack: SynthesizedStack, name: string): RoleTarget {
  const [resourceName] = stack.find('aws_iam_role', 'name', name);
  return roleTarget(stack, resourceName);
}

/**
 * Every role of the stack by name; a role whose permissions the proofs cannot read (an
 * AWS-managed policy not in aws-managed-policies.ts) is listed under `unreadable` instead,
 * so a test can say which ones and why.
 */
export function allRoles(stack: SynthesizedStack): {
  roles: RoleTarget[];
  unreadable: { name: string; reason: string }[];
} {
  const roles: RoleTarget[] = [];
  const unreadable: { name: string; reason: string }[] = [];
  for (const [n, body] of stack.resources('aws_iam_role')) {
    try {
      roles.push(roleTarget(stack, n));
    } catch (error) {
      unreadable.push({
        name: stack.resolve(body.name, `aws_iam_role.${n}.name`),
        reason: (error as Error).message,
      });
    }
  }
  return { roles, unreadable };
}

/**
 * The one role whose trust policy lets `service` assume it, with its permission policies.
 * `unmodelled` names attached AWS managed policies a proof deliberately leaves out (each
 * proof file says why); any other managed policy must be in aws-managed-policies.ts.
 */
export function roleTrustedBy(
  stack: SynthesizedStack,
  service: string,
  unmodelled: readonly string[] = [],
): RoleTarget {
  const roles = stack
    .resources('aws_iam_role')
    .map(([n, body]) => ({
      n,
      body,
      trust: stack.policy(body.assume_role_policy, `aws_iam_role.${n}.assume_role_policy`),
    }))
    .filter(({ trust }) => trust.Statement.some((s) => trusts(s, service)));
  if (roles.length !== 1) {
    throw new Error(
      `${stack.stackName}: expected one role trusted by ${service}, found ${roles.length}`,
    );
  }
  return roleTarget(stack, roles[0].n, unmodelled);
}

function roleTarget(
  stack: SynthesizedStack,
  n: string,
  unmodelled: readonly string[] = [],
): RoleTarget {
  const body = stack.tf.resource.aws_iam_role[n];
  const trust = stack.policy(body.assume_role_policy, `aws_iam_role.${n}.assume_role_policy`);
  for (const unsupported of ['inline_policy', 'managed_policy_arns', 'permissions_boundary']) {
    if (body[unsupported] !== undefined) {
      throw new Error(
        `${stack.stackName}: aws_iam_role.${n}.${unsupported} is not read by the access proofs yet`,
      );
    }
  }
  const name = stack.resolve(body.name, `aws_iam_role.${n}.name`);
  return {
    name,
    arn: `arn:${PARTITION}:iam::${TEST_ACCOUNT}:role/${name}`,
    account: TEST_ACCOUNT,
    policy: trust,
    permissions: rolePermissions(stack, name, unmodelled),
  };
}

function rolePermissions(
  stack: SynthesizedStack,
  roleName: string,
  unmodelled: readonly string[],
): { name: string; policy: PolicyDocument }[] {
  const forRole = (type: string) =>
    stack
      .resources(type)
      .filter(([n, body]) => stack.resolve(body.role, `${type}.${n}.role`) === roleName);
  const inline = forRole('aws_iam_role_policy').map(([n, body]) => ({
    name: `inline ${stack.resolve(body.name ?? n, n)}`,
    policy: stack.policy(body.policy, `aws_iam_role_policy.${n}.policy`),
  }));
  const attached = forRole('aws_iam_role_policy_attachment').flatMap(([n, body]) => {
    const arn = stack.resolve(body.policy_arn, `aws_iam_role_policy_attachment.${n}.policy_arn`);
    const awsManaged = new RegExp(`^arn:${PARTITION}:iam::aws:policy/(.+)$`).exec(arn);
    if (awsManaged !== null && unmodelled.includes(awsManaged[1])) return [];
    const managed = awsManaged === null ? undefined : AWS_MANAGED_POLICIES[awsManaged[1]];
    if (managed === undefined) {
      throw new Error(
        `${stack.stackName}: ${arn} attached to ${roleName} is not in __tests__/access/support/aws-managed-policies.ts`,
      );
    }
    return [{ name: arn, policy: managed.document }];
  });
  return [...inline, ...attached];
}
