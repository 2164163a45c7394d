/**
 * IAM, KMS and CloudWatch Logs finders. Roles, policies and log groups have account-unique
 * names the stack gives them; role policies and attachments are looked up under the role the
 * plan knows. KMS keys have no name: the stack tags each with a Name tag (the bootstrap's
 * state key only with its description), so keys are listed by the stack's tags and matched
 * by Name, else description; a key pending deletion is never adopted. An alias matches only
 * when it points at the key the plan knows for it. Import formats:
 * website/docs/r/<type>.html.markdown, "Import".
 */
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
} from '@aws-sdk/client-kms';
import { allPages, cli, Existing, Finder, hasStackTags, lookup, present, byName } from './finder';
import { knownString, PlannedCreate } from './plan-facts';

const iam = (command: string, args: string) => `aws iam ${command} ${args}`;

export const iamRoleFinder = byName('aws_iam_role', 'role name', 'name', async (ctx, name) => {
  const r = await lookup(
    () => ctx.clients.iam.send(new GetRoleCommand({ RoleName: name })),
    'NoSuchEntityException',
    'NoSuchEntity',
  );
  if (!r?.Role) return undefined;
  return {
    importId: name,
    ids: [name, r.Role.Arn!],
    label: `${name} (${r.Role.Arn})`,
    deleteCommand: iam('delete-role', `--role-name ${name}`),
  };
});

export const iamPolicyFinder: Finder = {
  type: 'aws_iam_policy',
  importFormat: 'policy ARN',
  listing: 'names',
  plannedKey: (c) => knownString(c, 'name'),
  async find(ctx, creates) {
    const names = new Set(creates.map((c) => knownString(c, 'name')));
    const policies = await allPages(async (Marker) => {
      const r = await ctx.clients.iam.send(new ListPoliciesCommand({ Scope: 'Local', Marker }));
      return { items: r.Policies, next: r.IsTruncated ? r.Marker : undefined };
    });
    return policies
      .filter((p) => names.has(p.PolicyName))
      .map((p) => ({
        type: 'aws_iam_policy',
        region: ctx.region,
        importId: p.Arn!,
        key: p.PolicyName!,
        ids: [p.Arn!],
        label: p.Arn!,
        deleteCommand: iam('delete-policy', `--policy-arn ${p.Arn}`),
      }));
  },
};

export const logGroupFinder = byName(
  'aws_cloudwatch_log_group',
  'log group name',
  'name',
  async (ctx, name) => {
    const r = await ctx.clients.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: name }),
    );
    const g = r.logGroups?.find((l) => l.logGroupName === name);
    if (!g) return undefined;
    return {
      importId: name,
      // The provider's arn attribute has no trailing `:*`.
      ids: present(name, g.arn?.replace(/:\*$/, '')),
      label: name,
      deleteCommand: cli(ctx.region, 'logs', 'delete-log-group', `--log-group-name ${name}`),
    };
  },
);

/** `Name=<Name tag>`, else `description=<description>`. */
function kmsKeyKey(c: PlannedCreate): string | undefined {
  const name = knownString(c, 'tags', 'Name') ?? knownString(c, 'tags_all', 'Name');
  if (name) return `Name=${name}`;
  const description = knownString(c, 'description');
  return description ? `description=${description}` : undefined;
}

export const kmsKeyFinder: Finder = {
  type: 'aws_kms_key',
  importFormat: 'key id',
  listing: 'tags',
  plannedKey: kmsKeyKey,
  async find(ctx) {
    const keys = await allPages(async (Marker) => {
      const r = await ctx.clients.kms.send(new ListKeysCommand({ Marker }));
      return { items: r.Keys, next: r.Truncated ? r.NextMarker : undefined };
    });
    const found: Existing[] = [];
    for (const k of keys) {
      const d = (await ctx.clients.kms.send(new DescribeKeyCommand({ KeyId: k.KeyId! })))
        .KeyMetadata;
      if (!d || d.KeyManager !== 'CUSTOMER' || (d.KeyState ?? '').startsWith('Pending')) continue;
      const tags = await allPages(async (Marker) => {
        const r = await ctx.clients.kms.send(
          new ListResourceTagsCommand({ KeyId: k.KeyId!, Marker }),
        );
        return { items: r.Tags, next: r.Truncated ? r.NextMarker : undefined };
      });
      const map = Object.fromEntries(tags.map((t) => [t.TagKey, t.TagValue]));
      if (!hasStackTags(map, ctx.stackTags)) continue;
      found.push({
        type: 'aws_kms_key',
        region: ctx.region,
        importId: d.KeyId!,
        key: map.Name ? `Name=${map.Name}` : `description=${d.Description ?? ''}`,
        ids: [d.KeyId!, d.Arn!],
        label: `${d.KeyId} (${map.Name ?? d.Description ?? 'no Name, no description'})`,
        deleteCommand: cli(
          ctx.region,
          'kms',
          'schedule-key-deletion',
          `--key-id ${d.KeyId} --pending-window-in-days 30`,
        ),
      });
    }
    return found;
  },
};

export const kmsAliasFinder: Finder = {
  type: 'aws_kms_alias',
  importFormat: 'alias name (alias/…)',
  listing: 'names',
  plannedKey: (c) => {
    const name = knownString(c, 'name');
    const target = knownString(c, 'target_key_id');
    return name && target ? `${name}|${target}` : undefined;
  },
  async find(ctx, creates) {
    const names = new Set(creates.map((c) => knownString(c, 'name')));
    const aliases = await allPages(async (Marker) => {
      const r = await ctx.clients.kms.send(new ListAliasesCommand({ Marker }));
      return { items: r.Aliases, next: r.Truncated ? r.NextMarker : undefined };
    });
    return aliases
      .filter((a) => names.has(a.AliasName))
      .map((a) => ({
        type: 'aws_kms_alias',
        region: ctx.region,
        importId: a.AliasName!,
        key: `${a.AliasName}|${a.TargetKeyId ?? ''}`,
        ids: present(a.AliasName!, a.AliasArn),
        label: `${a.AliasName} → ${a.TargetKeyId}`,
        deleteCommand: cli(ctx.region, 'kms', 'delete-alias', `--alias-name ${a.AliasName}`),
      }));
  },
};

export const iamRolePolicyFinder: Finder = {
  type: 'aws_iam_role_policy',
  importFormat: 'ROLE:POLICYNAME',
  listing: 'parents',
  plannedKey: (c) => {
    const role = knownString(c, 'role');
    const name = knownString(c, 'name');
    return role && name ? `${role}|${name}` : undefined;
  },
  async find(ctx, creates) {
    const found: Existing[] = [];
    for (const c of creates) {
      const role = knownString(c, 'role')!;
      const name = knownString(c, 'name')!;
      const r = await lookup(
        () => ctx.clients.iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name })),
        'NoSuchEntityException',
        'NoSuchEntity',
      );
      if (!r) continue;
      found.push({
        type: 'aws_iam_role_policy',
        region: ctx.region,
        importId: `${role}:${name}`,
        key: `${role}|${name}`,
        ids: [`${role}:${name}`],
        label: `${name} of role ${role}`,
        deleteCommand: iam('delete-role-policy', `--role-name ${role} --policy-name ${name}`),
      });
    }
    return found;
  },
};

export const iamRolePolicyAttachmentFinder: Finder = {
  type: 'aws_iam_role_policy_attachment',
  importFormat: 'ROLE/POLICYARN',
  listing: 'parents',
  plannedKey: (c) => {
    const role = knownString(c, 'role');
    const arn = knownString(c, 'policy_arn');
    return role && arn ? `${role}|${arn}` : undefined;
  },
  async find(ctx, creates) {
    const roles = [...new Set(creates.map((c) => knownString(c, 'role')!))];
    const found: Existing[] = [];
    for (const role of roles) {
      const attached = await lookup(
        () =>
          allPages(async (Marker) => {
            const r = await ctx.clients.iam.send(
              new ListAttachedRolePoliciesCommand({ RoleName: role, Marker }),
            );
            return { items: r.AttachedPolicies, next: r.IsTruncated ? r.Marker : undefined };
          }),
        'NoSuchEntityException',
        'NoSuchEntity',
      );
      for (const p of attached ?? []) {
        found.push({
          type: 'aws_iam_role_policy_attachment',
          region: ctx.region,
          importId: `${role}/${p.PolicyArn}`,
          key: `${role}|${p.PolicyArn}`,
          ids: [],
          label: `${p.PolicyArn} on role ${role}`,
          deleteCommand: iam(
            'detach-role-policy',
            `--role-name ${role} --policy-arn ${p.PolicyArn}`,
          ),
        });
      }
    }
    return found;
  },
};

export const IDENTITY_FINDERS: readonly Finder[] = [
  iamRoleFinder,
  iamPolicyFinder,
  logGroupFinder,
  kmsKeyFinder,
  kmsAliasFinder,
  iamRolePolicyFinder,
  iamRolePolicyAttachmentFinder,
];
