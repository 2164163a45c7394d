import {
  DescribeSecurityGroupRulesCommand,
  EC2Client,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { mockAws } from '../../support/aws-mock';
import { join, resolve } from 'node:path';
import {
  checkSecurityGroupRules,
  describePeer,
  describePorts,
  driftExitCode,
  driftReport,
  formatDriftReport,
  legacyRuleMatches,
  normaliseProtocol,
  stateSecurityGroups,
  whyNotChecked,
} from '../../../tools/drift';
import type { LegacyRule, SecurityGroupRuleCheck } from '../../../tools/drift';
import { parsePlan, readPlanFile } from '../../../tools/review';
import type { ResourceChange, TerraformPlan } from '../../../tools/review';

/**
 * The fixture is the real `terraform show -json` of a refresh-only plan (Terraform 1.11.4,
 * hashicorp/aws 5.100.0, moto 5.2.1): healthcare-app-dev with an egress rule resource (443
 * to 0.0.0.0/0) and an `aws_security_group_rule` of two CIDRs (8443), healthcare-db-dev
 * with an ingress rule resource (5432 from the application group), healthcare-inline-dev
 * with an inline ingress block (22); applied once, then 5432 from 0.0.0.0/0 added to the
 * database's group by hand. The rules below are moto's DescribeSecurityGroupRules answers.
 */
const FIXTURES = resolve(__dirname, '..', '..', 'fixtures', 'plans');
const REAL = readPlanFile(join(FIXTURES, 'drift-security-groups.json'));
const APP = 'sg-eea599d1300ef1873';
const DB = 'sg-c290a8f1089acef79';
const INLINE = 'sg-36be53e974d2e3e85';
const REGION = 'eu-west-1';

const rule = (r: SecurityGroupRule): SecurityGroupRule => ({ Tags: [], ...r });
const MOTO_RULES: Record<string, SecurityGroupRule[]> = {
  [APP]: [
    rule({
      SecurityGroupRuleId: 'sgr-b84548bf1f9fe8e7d',
      GroupId: APP,
      IsEgress: true,
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      CidrIpv4: '0.0.0.0/0',
      Description: 'HTTPS to AWS APIs and external services',
    }),
    rule({
      SecurityGroupRuleId: 'sgr-091922477dede5b61',
      GroupId: APP,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 8443,
      ToPort: 8443,
      CidrIpv4: '10.20.0.0/24',
    }),
    rule({
      SecurityGroupRuleId: 'sgr-13e84199c296de300',
      GroupId: APP,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 8443,
      ToPort: 8443,
      CidrIpv4: '10.20.1.0/24',
    }),
  ],
  [DB]: [
    rule({
      SecurityGroupRuleId: 'sgr-912f0f1bc02ca8447',
      GroupId: DB,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      ReferencedGroupInfo: { GroupId: APP, UserId: '123456789012' },
    }),
  ],
  [INLINE]: [
    rule({
      SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60718',
      GroupId: INLINE,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '10.20.0.0/16',
    }),
  ],
};
const OPEN_DB = rule({
  SecurityGroupRuleId: 'sgr-f6744613985a4d986',
  GroupId: DB,
  IsEgress: false,
  IpProtocol: 'tcp',
  FromPort: 5432,
  ToPort: 5432,
  CidrIpv4: '0.0.0.0/0',
  Description: 'temporary debugging',
});

const ec2 = mockAws(EC2Client);
beforeEach(() => ec2.reset());

/** EC2 answers each group's rules from `rules` (one page), and records the groups asked. */
function answer(rules: Record<string, SecurityGroupRule[]>): string[] {
  const asked: string[] = [];
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake((input) => {
    const group = input.Filters[0].Values[0] as string;
    asked.push(group);
    return { SecurityGroupRules: rules[group] ?? [] };
  });
  return asked;
}

const check = (plan: TerraformPlan, actingAs = 'the credentials as given') =>
  checkSecurityGroupRules(plan, {
    region: REGION,
    ec2: () => new EC2Client({ region: REGION }),
    actingAs,
  });

interface FakeResource {
  readonly address: string;
  readonly values: Record<string, unknown>;
  /** Attribute names the configuration sets (inline blocks among them). */
  readonly configured?: readonly string[];
}

/** A refresh-only plan JSON holding these resources in `prior_state` (and `configuration`). */
function statePlan(
  resources: readonly FakeResource[],
  drift: ResourceChange[] = [],
): TerraformPlan {
  const parts = (address: string) => {
    const [type, name] = address.split('.');
    return { address, mode: 'managed', type, name };
  };
  return parsePlan({
    format_version: '1.2',
    terraform_version: '1.11.4',
    timestamp: '2026-12-07T05:17:00Z',
    resource_drift: drift,
    prior_state: {
      format_version: '1.0',
      values: {
        root_module: {
          resources: resources.map((r) => ({
            ...parts(r.address),
            provider_name: 'registry.terraform.io/hashicorp/aws',
            values: r.values,
          })),
        },
      },
    },
    configuration: {
      root_module: {
        resources: resources.map((r) => ({
          ...parts(r.address),
          expressions: Object.fromEntries(
            (r.configured ?? []).map((k) => [k, { constant_value: [] }]),
          ),
        })),
      },
    },
    applyable: false,
    complete: true,
    errored: false,
  });
}

const group = (address: string, id: string, name: string, configured?: string[]): FakeResource => ({
  address,
  values: { id, name, ingress: [], egress: [] },
  configured,
});
const ingressRule = (address: string, id: string, groupId: string): FakeResource => ({
  address,
  values: { id, security_group_rule_id: id, security_group_id: groupId },
});

const DB_GROUP = group(
  'aws_security_group.database_security-group_BF0DE645',
  DB,
  'healthcare-db-dev',
);
const DB_FROM_APP = ingressRule(
  'aws_vpc_security_group_ingress_rule.database_ingress-from-application_619808BB',
  'sgr-912f0f1bc02ca8447',
  DB,
);

describe('stateSecurityGroups (the real plan)', () => {
  const state = stateSecurityGroups(REAL);

  test('lists every aws_security_group with its id, name and inline directions', () => {
    expect(state.groups).toEqual([
      {
        address: 'aws_security_group.application',
        id: APP,
        name: 'healthcare-app-dev',
        inline: [],
      },
      { address: 'aws_security_group.database', id: DB, name: 'healthcare-db-dev', inline: [] },
      {
        address: 'aws_security_group.inline',
        id: INLINE,
        name: 'healthcare-inline-dev',
        inline: ['ingress'],
      },
    ]);
  });

  test('takes the sgr- ids of the rule resources, as the provider stored them', () => {
    expect([...state.managedRuleIds].sort()).toEqual([
      'sgr-912f0f1bc02ca8447',
      'sgr-b84548bf1f9fe8e7d',
    ]);
  });

  test('reads an aws_security_group_rule of two CIDRs as its match, without an AWS id', () => {
    expect(state.legacyRules).toEqual([
      {
        address: 'aws_security_group_rule.legacy',
        groupId: APP,
        direction: 'ingress',
        protocol: 'tcp',
        fromPort: 8443,
        toPort: 8443,
        peers: new Set(['10.20.0.0/24', '10.20.1.0/24']),
        referencedGroupId: undefined,
        ruleId: undefined,
      },
    ]);
  });

  test('reads the state of `terraform show -json` (values) too, and skips data sources', () => {
    const shown = parsePlan({
      format_version: '1.0',
      values: {
        root_module: {
          resources: [
            {
              address: 'data.aws_security_group.x',
              mode: 'data',
              type: 'aws_security_group',
              values: { id: 'sg-1' },
            },
          ],
          child_modules: [
            {
              address: 'module.net',
              resources: [
                {
                  address: 'module.net.aws_security_group.a',
                  mode: 'managed',
                  type: 'aws_security_group',
                  values: { id: 'sg-2' },
                },
              ],
            },
          ],
        },
      },
    });
    expect(stateSecurityGroups(shown).groups).toEqual([
      { address: 'module.net.aws_security_group.a', id: 'sg-2', name: 'sg-2', inline: [] },
    ]);
  });

  test('finds inline blocks of a group in a module (configuration module_calls, instance keys dropped)', () => {
    const inModule = parsePlan({
      format_version: '1.2',
      prior_state: {
        values: {
          root_module: {
            child_modules: [
              {
                address: 'module.net["a"]',
                resources: [
                  {
                    address: 'module.net["a"].aws_security_group.g[0]',
                    mode: 'managed',
                    type: 'aws_security_group',
                    values: { id: 'sg-3', name: 'g' },
                  },
                ],
              },
            ],
          },
        },
      },
      configuration: {
        root_module: {
          module_calls: {
            net: {
              module: {
                resources: [{ address: 'aws_security_group.g', expressions: { egress: {} } }],
              },
            },
          },
        },
      },
    });
    expect(stateSecurityGroups(inModule).groups[0].inline).toEqual(['egress']);
  });

  test('takes what it can from partial JSON: groups sorted, a missing name is the id', () => {
    const partial = parsePlan({
      format_version: '1.2',
      prior_state: {
        values: {
          root_module: {
            resources: [
              null,
              { address: 7 },
              { address: 'aws_security_group.novalues', type: 'aws_security_group' },
              {
                address: 'aws_security_group.b',
                type: 'aws_security_group',
                values: { id: 'sg-b' },
              },
              {
                address: 'aws_security_group.a',
                type: 'aws_security_group',
                values: { id: 'sg-a', name: '' },
              },
              {
                address: 'aws_security_group.noid',
                type: 'aws_security_group',
                values: { name: 'x' },
              },
              {
                address: 'aws_vpc_security_group_egress_rule.e',
                type: 'aws_vpc_security_group_egress_rule',
                values: { id: 'sgr-e' },
              },
              {
                address: 'aws_security_group_rule.bare',
                type: 'aws_security_group_rule',
                values: { security_group_id: 'sg-a' },
              },
            ],
          },
        },
      },
      configuration: {
        root_module: {
          resources: [null, { address: 7 }, { address: 'aws_security_group.a' }],
          module_calls: { broken: 'not a call' },
        },
      },
    });
    const state = stateSecurityGroups(partial);
    expect(state.groups).toEqual([
      { address: 'aws_security_group.a', id: 'sg-a', name: 'sg-a', inline: [] },
      { address: 'aws_security_group.b', id: 'sg-b', name: 'sg-b', inline: [] },
    ]);
    expect([...state.managedRuleIds]).toEqual(['sgr-e']);
    expect(state.legacyRules.map((r) => [r.protocol, r.direction, r.peers.size])).toEqual([
      ['', 'ingress', 0],
    ]);
  });

  test('a plan without state has no groups', () => {
    expect(stateSecurityGroups(parsePlan({ format_version: '1.2' })).groups).toEqual([]);
  });
});

describe('checkSecurityGroupRules', () => {
  test('managed rules only: checked, nothing outside Terraform, the report is clean (exit 0)', async () => {
    const asked = answer({ [DB]: MOTO_RULES[DB] });
    const result = await check(statePlan([DB_GROUP, DB_FROM_APP]));
    expect(asked).toEqual([DB]);
    expect(result).toEqual({
      status: 'checked',
      groups: [{ address: DB_GROUP.address, id: DB, name: 'healthcare-db-dev', inline: [] }],
      ruleCount: 1,
      unmanaged: [],
      explained: [
        {
          address: DB_GROUP.address,
          attributes: ['egress', 'ingress'],
          reason:
            'the group\'s own copy of all its rules: stale after the rule resources are created, and it takes in rules added outside Terraform; each rule is checked by its id under "Security group rules outside Terraform"',
        },
      ],
    });
    const report = driftReport(statePlan([DB_GROUP, DB_FROM_APP]), {
      stack: 'TapStackdev',
      securityGroupRules: result,
    });
    expect(report.verdict).toBe('clean');
    expect(driftExitCode(report)).toBe(0);
    expect(formatDriftReport(report)).toBe(
      [
        '## Drift: TapStackdev',
        '',
        '**Clean**: every resource matches the Terraform state, and Terraform manages every rule of its 1 security group.',
        '',
        'Refresh-only plan of 2026-12-07T05:17:00Z, Terraform 1.11.4.',
        '',
        'Security group rules: 1 rule of 1 security group listed with EC2 DescribeSecurityGroupRules, 0 outside Terraform.',
        '',
      ].join('\n'),
    );
  });

  test('the real plan: one ingress from 0.0.0.0/0 on 5432 is drift (exit 2), with the command that revokes it', async () => {
    answer({ ...MOTO_RULES, [DB]: [...MOTO_RULES[DB], OPEN_DB] });
    const result = await check(REAL);
    const report = driftReport(REAL, {
      stack: 'TapStackdev',
      environment: 'dev',
      securityGroupRules: result,
    });
    expect(report.verdict).toBe('drifted');
    expect(driftExitCode(report)).toBe(2);
    // The groups' stale `ingress`/`egress` copies (the state right after the first apply) are
    // explained by the check; the inline group's ingress is Terraform's to compare.
    expect(report.drifted).toEqual([]);
    expect(report.allowed.map((r) => r.address)).toEqual([
      'aws_security_group.application',
      'aws_security_group.database',
    ]);
    const markdown = formatDriftReport(report);
    expect(markdown.split('\n').slice(0, 20)).toEqual([
      '## Drift: TapStackdev (environment `dev`)',
      '',
      '**Drifted**: 1 security group rule outside Terraform.',
      '',
      'Refresh-only plan of 2026-12-07T09:09:59Z, Terraform 1.11.4.',
      '',
      'Security group rules: 6 rules of 3 security groups listed with EC2 DescribeSecurityGroupRules, 1 outside Terraform.',
      '',
      '### Security group rules outside Terraform (1)',
      '',
      "Rules of the stack's security groups that no resource in the Terraform state manages. A deploy leaves them in place: revoke each, or add it to the stack.",
      '',
      '| Security group | Direction | Protocol and ports | Source / destination | Rule | Description |',
      '| --- | --- | --- | --- | --- | --- |',
      '| `healthcare-db-dev` (`sg-c290a8f1089acef79`) | ingress | tcp 5432 | `0.0.0.0/0 (any IPv4 address)` | `sgr-f6744613985a4d986` | `temporary debugging` |',
      '',
      '- `sgr-f6744613985a4d986`: `aws ec2 revoke-security-group-ingress --region eu-west-1 --group-id sg-c290a8f1089acef79 --security-group-rule-ids sgr-f6744613985a4d986`, or add it to the stack.',
      '',
      "To keep a rule, add it to the stack as a `VpcSecurityGroupIngressRule` / `VpcSecurityGroupEgressRule` of its group and adopt the existing rule in the same change with `.importFrom('<rule id>')` (without the import the deploy fails with InvalidPermission.Duplicate); review it in a pull request.",
      '',
    ]);
    // Resource drift alone is undone by a deploy; rules outside Terraform are not.
    expect(markdown).not.toContain('### What to do');
  });

  test('an extra egress rule: all traffic to anywhere, revoked with revoke-security-group-egress', async () => {
    const appGroup = group('aws_security_group.application', APP, 'healthcare-app-dev');
    const https = {
      address: 'aws_vpc_security_group_egress_rule.https',
      values: { id: 'sgr-b84548bf1f9fe8e7d', security_group_rule_id: 'sgr-b84548bf1f9fe8e7d' },
    };
    answer({
      [APP]: [
        MOTO_RULES[APP][0],
        rule({
          SecurityGroupRuleId: 'sgr-0e9e',
          GroupId: APP,
          IsEgress: true,
          IpProtocol: '-1',
          FromPort: -1,
          ToPort: -1,
          CidrIpv6: '::/0',
        }),
      ],
    });
    const result = await check(statePlan([appGroup, https]));
    expect(result.status === 'checked' && result.unmanaged).toEqual([
      {
        group: { address: appGroup.address, id: APP, name: 'healthcare-app-dev', inline: [] },
        ruleId: 'sgr-0e9e',
        direction: 'egress',
        ports: 'all traffic',
        peer: '::/0 (any IPv6 address)',
        revoke:
          'aws ec2 revoke-security-group-egress --region eu-west-1 --group-id sg-eea599d1300ef1873 --security-group-rule-ids sgr-0e9e',
      },
    ]);
  });

  test('a rule referencing another group names it; the ids alone decide, not the values', async () => {
    const endpoint = group('aws_security_group.endpoint', 'sg-0e0e', 'healthcare-endpoints-dev');
    // The same port and peer as the managed rule, under another id: someone re-created it.
    answer({
      [DB]: [
        MOTO_RULES[DB][0],
        rule({
          SecurityGroupRuleId: 'sgr-0d0d',
          GroupId: DB,
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 6379,
          ToPort: 6379,
          ReferencedGroupInfo: { GroupId: 'sg-0e0e', UserId: '123456789012' },
        }),
        rule({ ...MOTO_RULES[DB][0], SecurityGroupRuleId: 'sgr-0c0c' }),
      ],
    });
    const result = await check(statePlan([DB_GROUP, DB_FROM_APP, endpoint]));
    expect(
      result.status === 'checked' && result.unmanaged.map((u) => [u.ruleId, u.ports, u.peer]),
    ).toEqual([
      ['sgr-0c0c', 'tcp 5432', 'security group sg-eea599d1300ef1873'],
      ['sgr-0d0d', 'tcp 6379', 'security group sg-0e0e (healthcare-endpoints-dev)'],
    ]);
  });

  test("inline directions are left to the refresh; the same group's other direction is checked", async () => {
    const inline = group('aws_security_group.inline', INLINE, 'healthcare-inline-dev', ['ingress']);
    answer({
      [INLINE]: [
        ...MOTO_RULES[INLINE],
        rule({
          SecurityGroupRuleId: 'sgr-0f0f',
          GroupId: INLINE,
          IsEgress: true,
          IpProtocol: 'udp',
          FromPort: 53,
          ToPort: 53,
          PrefixListId: 'pl-6da54004',
        }),
      ],
    });
    const result = (await check(statePlan([inline]))) as Extract<
      SecurityGroupRuleCheck,
      { status: 'checked' }
    >;
    expect(result.unmanaged.map((u) => [u.ruleId, u.direction, u.ports, u.peer])).toEqual([
      ['sgr-0f0f', 'egress', 'udp 53', 'prefix list pl-6da54004'],
    ]);
    expect(result.explained).toEqual([
      {
        address: inline.address,
        attributes: ['egress'],
        reason: expect.stringContaining("the group's own copy"),
      },
    ]);
  });

  test('follows NextToken until the last page', async () => {
    const pages: (string | undefined)[] = [];
    ec2.on(DescribeSecurityGroupRulesCommand).callsFake((input) => {
      pages.push(input.NextToken);
      return input.NextToken
        ? { SecurityGroupRules: [OPEN_DB] }
        : { SecurityGroupRules: MOTO_RULES[DB], NextToken: 'page-2' };
    });
    const result = await check(statePlan([DB_GROUP, DB_FROM_APP]));
    expect(pages).toEqual([undefined, 'page-2']);
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)[0].args[0].input).toEqual({
      Filters: [{ Name: 'group-id', Values: [DB] }],
      MaxResults: 1000,
    });
    expect(result.status === 'checked' && result.unmanaged.map((u) => u.ruleId)).toEqual([
      'sgr-f6744613985a4d986',
    ]);
  });

  test('an answer that never ends (10 pages) is not a check', async () => {
    ec2
      .on(DescribeSecurityGroupRulesCommand)
      .resolves({ SecurityGroupRules: [], NextToken: 'again' });
    const result = await check(statePlan([DB_GROUP]));
    expect(ec2.commandCalls(DescribeSecurityGroupRulesCommand)).toHaveLength(10);
    expect(result).toMatchObject({
      status: 'not-checked',
      reason:
        'EC2 DescribeSecurityGroupRules failed as the credentials as given: Error: DescribeSecurityGroupRules of sg-c290a8f1089acef79 still had more after 10 pages of 1000',
    });
  });

  test('an answer without a rule list is a group without rules', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({});
    expect(await check(statePlan([DB_GROUP]))).toMatchObject({
      status: 'checked',
      ruleCount: 0,
      unmanaged: [],
    });
  });

  test('a rule without an id in the answer is not managed by any resource', async () => {
    answer({
      [DB]: [
        {
          GroupId: DB,
          IsEgress: false,
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          CidrIpv4: '10.0.0.0/8',
        },
      ],
    });
    const result = await check(statePlan([DB_GROUP, DB_FROM_APP]));
    expect(result.status === 'checked' && result.unmanaged.map((u) => [u.ruleId, u.ports])).toEqual(
      [['(no id in the answer)', 'tcp 22']],
    );
  });

  test('no security group in the state: AWS is not asked (the baseline, the bootstrap)', async () => {
    const result = await checkSecurityGroupRules(statePlan([]), {
      region: REGION,
      ec2: () => {
        throw new Error('no client is needed');
      },
      actingAs: 'x',
    });
    expect(result).toEqual({ status: 'no-groups' });
    const report = driftReport(statePlan([]), {
      stack: 'TapAccountBaseline',
      securityGroupRules: result,
    });
    expect(formatDriftReport(report).split('\n')[2]).toBe(
      '**Clean**: every resource matches the Terraform state.',
    );
  });
});

describe('a refused or missing DescribeSecurityGroupRules', () => {
  const denied = Object.assign(
    new Error(
      'You are not authorized to perform this operation. User: arn:aws:sts::111111111111:assumed-role/healthcare-ci-plan-dev/drift is not authorized to perform: ec2:DescribeSecurityGroupRules',
    ),
    {
      name: 'UnauthorizedOperation',
      $metadata: { httpStatusCode: 403 },
    },
  );

  test('AccessDenied: not checked, says why and what to allow; nothing else drifted → unverified, exit 1', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(denied);
    const result = await check(
      statePlan([DB_GROUP, DB_FROM_APP]),
      'the deploy role arn:aws:iam::111111111111:role/deploy',
    );
    expect(result).toEqual({
      status: 'not-checked',
      groups: [{ address: DB_GROUP.address, id: DB, name: 'healthcare-db-dev', inline: [] }],
      reason:
        'EC2 DescribeSecurityGroupRules was refused to the deploy role arn:aws:iam::111111111111:role/deploy: UnauthorizedOperation (HTTP 403): You are not authorized to perform this operation. User: arn:aws:sts::111111111111:assumed-role/healthcare-ci-plan-dev/drift is not authorized to perform: ec2:DescribeSecurityGroupRules',
      fix: 'allow `ec2:DescribeSecurityGroupRules` (resource `*`: the action has no resource-level permissions) to the deploy role arn:aws:iam::111111111111:role/deploy; the CI plan role has it (constructs/ci-access/plan-permissions.ts); then run again',
    });
    const report = driftReport(statePlan([DB_GROUP, DB_FROM_APP]), {
      stack: 'TapStackdev',
      securityGroupRules: result,
    });
    expect(report.verdict).toBe('unverified');
    expect(driftExitCode(report)).toBe(1);
    const lines = formatDriftReport(report).split('\n');
    expect(lines[2]).toBe(
      '**Not verified**: every resource matches the Terraform state, but the security group rules could not be checked (see below): this is not a clean report.',
    );
    expect(lines.slice(6)).toEqual([
      '### Security group rules: not checked',
      '',
      `The rules of 1 security group (\`healthcare-db-dev\`) could not be listed: ${(result as { reason: string }).reason}. A rule added outside Terraform would not show in this report.`,
      '',
      `Fix: ${(result as { fix: string }).fix}.`,
      '',
    ]);
  });

  test('refused while a resource drifted: drifted (exit 2), and the report says the rules were not checked', async () => {
    ec2.on(DescribeSecurityGroupRulesCommand).rejects(denied);
    const drift: ResourceChange = {
      address: DB_GROUP.address,
      mode: 'managed',
      type: 'aws_security_group',
      name: 'database_security-group_BF0DE645',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['update'],
        before: { ingress: [], description: 'a' },
        after: { ingress: [{ from_port: 5432, cidr_blocks: ['0.0.0.0/0'] }], description: 'a' },
      },
    };
    const plan = statePlan([DB_GROUP], [drift]);
    const report = driftReport(plan, {
      stack: 'TapStackdev',
      securityGroupRules: await check(plan),
    });
    expect(driftExitCode(report)).toBe(2);
    // Not checked: the group's own copy of its rules is the only sign left, so it counts.
    expect(report.drifted.map((r) => r.attributes.map((a) => a.path))).toEqual([
      ['ingress[0].cidr_blocks', 'ingress[0].from_port'],
    ]);
    expect(formatDriftReport(report).split('\n')[2]).toBe(
      '**Drifted**: 1 resource differs from the Terraform state (1 changed outside Terraform). The security group rules could not be checked (see below).',
    );
  });

  test('a resource drifted and a rule outside Terraform: both counted in the verdict', async () => {
    answer({ [DB]: [...MOTO_RULES[DB], OPEN_DB] });
    const gone: ResourceChange = {
      address: 'aws_db_instance.database',
      mode: 'managed',
      type: 'aws_db_instance',
      name: 'database',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['delete'], before: { id: 'db' }, after: null },
    };
    const plan = statePlan([DB_GROUP, DB_FROM_APP], [gone]);
    const markdown = formatDriftReport(
      driftReport(plan, { stack: 's', securityGroupRules: await check(plan) }),
    );
    expect(markdown.split('\n')[2]).toBe(
      '**Drifted**: 1 resource differs from the Terraform state (1 deleted); 1 security group rule outside Terraform.',
    );
    expect(markdown).toContain('### What to do');
  });

  test.each([
    [
      'moto without the call',
      Object.assign(
        new Error('The describe_security_group_rules action has not been implemented'),
        {
          name: 'InternalFailure',
          $metadata: { httpStatusCode: 500 },
        },
      ),
      'the target does not answer EC2 DescribeSecurityGroupRules: InternalFailure (HTTP 500): The describe_security_group_rules action has not been implemented',
      'run the check against AWS, or an emulator that implements DescribeSecurityGroupRules (moto 5.2.1 does)',
    ],
    [
      'an unknown action',
      Object.assign(new Error('not valid'), {
        name: 'InvalidAction',
        $metadata: { httpStatusCode: 400 },
      }),
      'the target does not answer EC2 DescribeSecurityGroupRules: InvalidAction (HTTP 400): not valid',
      'run the check against AWS, or an emulator that implements DescribeSecurityGroupRules (moto 5.2.1 does)',
    ],
    [
      'a refused deploy role',
      Object.assign(
        new Error(
          'could not assume arn:aws:iam::111111111111:role/deploy: AccessDenied, HTTP 403: not trusted',
        ),
        {
          name: 'DeployRoleRefused',
        },
      ),
      'the deploy role could not be assumed: could not assume arn:aws:iam::111111111111:role/deploy: AccessDenied, HTTP 403: not trusted',
      "`npm run preflight` names the setting (DEPLOY_ROLE_ARN, BASELINE_DEPLOY_ROLE_ARN) and what the role's trust policy must allow; then run again",
    ],
    [
      'the network',
      Object.assign(new Error('getaddrinfo ENOTFOUND ec2.eu-west-1.amazonaws.com\n    at x'), {
        code: 'ENOTFOUND',
      }),
      'EC2 DescribeSecurityGroupRules failed as me: Error: getaddrinfo ENOTFOUND ec2.eu-west-1.amazonaws.com',
      'check the credentials, AWS_REGION and the network (AWS_ENDPOINT_URL when targeting the emulator); then run again',
    ],
  ])('%s', (_, error, reason, fix) => {
    expect(whyNotChecked(error, 'me')).toEqual({ reason, fix });
  });

  test('a thrown non-error is named as it is', () => {
    expect(whyNotChecked('boom', 'me').reason).toBe(
      'EC2 DescribeSecurityGroupRules failed as me: Error: boom',
    );
    expect(whyNotChecked(undefined, 'me').reason).toBe(
      'EC2 DescribeSecurityGroupRules failed as me: Error: undefined',
    );
  });
});

describe('describePorts', () => {
  test.each([
    ['tcp', 5432, 5432, 'tcp 5432'],
    ['tcp', 5432, 5433, 'tcp 5432-5433'],
    ['tcp', 0, 65535, 'tcp 0-65535'],
    ['udp', 53, 53, 'udp 53'],
    ['6', 443, 443, 'tcp 443'],
    ['-1', -1, -1, 'all traffic'],
    ['icmp', -1, -1, 'icmp all types'],
    ['icmp', 8, -1, 'icmp type 8, all codes'],
    ['icmpv6', 128, 0, 'icmpv6 type 128, code 0'],
    ['50', -1, -1, 'protocol 50 all ports'],
    ['132', 5000, 5001, 'protocol 132 5000-5001'],
  ])('%s %i-%i → %s', (IpProtocol, FromPort, ToPort, text) => {
    expect(describePorts({ IpProtocol, FromPort, ToPort })).toBe(text);
  });

  test('a rule without a protocol is all traffic', () => {
    expect(describePorts({})).toBe('all traffic');
  });
});

describe('describePeer', () => {
  test.each([
    ['0.0.0.0/0 (any IPv4 address)', { CidrIpv4: '0.0.0.0/0' }],
    ['0.0.0.0/1', { CidrIpv4: '0.0.0.0/1' }],
    ['::/0 (any IPv6 address)', { CidrIpv6: '::/0' }],
    ['2001:db8::/32', { CidrIpv6: '2001:db8::/32' }],
    ['prefix list pl-1', { PrefixListId: 'pl-1' }],
    ['security group sg-1 (itself)', { GroupId: 'sg-1', ReferencedGroupInfo: { GroupId: 'sg-1' } }],
    [
      'security group 222222222222/sg-9',
      {
        GroupId: 'sg-1',
        GroupOwnerId: '111111111111',
        ReferencedGroupInfo: { GroupId: 'sg-9', UserId: '222222222222' },
      },
    ],
    [
      'security group sg-9',
      {
        GroupId: 'sg-1',
        GroupOwnerId: '111111111111',
        ReferencedGroupInfo: { GroupId: 'sg-9', UserId: '111111111111' },
      },
    ],
    [
      'security group sg-9 via pcx-1',
      {
        GroupId: 'sg-1',
        ReferencedGroupInfo: { GroupId: 'sg-9', VpcPeeringConnectionId: 'pcx-1' },
      },
    ],
    ['(none in the answer)', {}],
  ])('%s', (text, r) => {
    expect(describePeer(r)).toBe(text);
  });
});

describe('legacyRuleMatches (aws_security_group_rule)', () => {
  const legacy: LegacyRule = {
    address: 'aws_security_group_rule.r',
    groupId: 'sg-1',
    direction: 'ingress',
    protocol: 'tcp',
    fromPort: 5432,
    toPort: 5432,
    peers: new Set(['10.0.0.0/16', '2001:db8::/32', 'pl-1']),
  };
  const aws: SecurityGroupRule = {
    SecurityGroupRuleId: 'sgr-1',
    GroupId: 'sg-1',
    IsEgress: false,
    IpProtocol: 'tcp',
    FromPort: 5432,
    ToPort: 5432,
    CidrIpv4: '10.0.0.0/16',
  };

  test.each([
    ['the same rule', true, aws],
    ['an IPv6 CIDR it lists', true, { ...aws, CidrIpv4: undefined, CidrIpv6: '2001:db8::/32' }],
    ['a prefix list it lists', true, { ...aws, CidrIpv4: undefined, PrefixListId: 'pl-1' }],
    ['protocol 6 for tcp', true, { ...aws, IpProtocol: '6' }],
    ['a CIDR it does not list', false, { ...aws, CidrIpv4: '10.0.0.0/15' }],
    ['from port one below', false, { ...aws, FromPort: 5431 }],
    ['to port one above', false, { ...aws, ToPort: 5433 }],
    ['egress', false, { ...aws, IsEgress: true }],
    ['udp', false, { ...aws, IpProtocol: 'udp' }],
    ['another group', false, { ...aws, GroupId: 'sg-2' }],
    [
      'a referenced group',
      false,
      { ...aws, CidrIpv4: undefined, ReferencedGroupInfo: { GroupId: 'sg-3' } },
    ],
    ['no peer at all', false, { ...aws, CidrIpv4: undefined }],
    ['no protocol in the answer', false, { ...aws, IpProtocol: undefined }],
  ])('%s → %s', (_, matches, r) => {
    expect(legacyRuleMatches(legacy, r as SecurityGroupRule)).toBe(matches);
  });

  test('all protocols ignore ports (the provider stores 0/0, AWS answers -1/-1)', () => {
    const all: LegacyRule = {
      ...legacy,
      protocol: normaliseProtocol('all'),
      fromPort: 0,
      toPort: 0,
    };
    expect(legacyRuleMatches(all, { ...aws, IpProtocol: '-1', FromPort: -1, ToPort: -1 })).toBe(
      true,
    );
  });

  test('source_security_group_id (also as <account>/sg-…) and self', () => {
    const plan = statePlan([
      {
        address: 'aws_security_group_rule.from_other',
        values: {
          security_group_id: 'sg-1',
          type: 'ingress',
          protocol: 'tcp',
          from_port: 1,
          to_port: 1,
          source_security_group_id: '222222222222/sg-7',
          self: false,
        },
      },
      {
        address: 'aws_security_group_rule.self',
        values: {
          security_group_id: 'sg-1',
          type: 'egress',
          protocol: '-1',
          from_port: 0,
          to_port: 0,
          self: true,
          security_group_rule_id: 'sgr-self',
        },
      },
    ]);
    const [other, self] = stateSecurityGroups(plan).legacyRules;
    expect([other.referencedGroupId, self.referencedGroupId, self.ruleId]).toEqual([
      'sg-7',
      'sg-1',
      'sgr-self',
    ]);
    const referencing = {
      ...aws,
      FromPort: 1,
      ToPort: 1,
      CidrIpv4: undefined,
      ReferencedGroupInfo: { GroupId: 'sg-7' },
    };
    expect(legacyRuleMatches(other, referencing)).toBe(true);
    expect(
      legacyRuleMatches(self, {
        ...aws,
        IsEgress: true,
        IpProtocol: '-1',
        CidrIpv4: undefined,
        ReferencedGroupInfo: { GroupId: 'sg-1' },
      }),
    ).toBe(true);
    // The stored AWS id is enough on its own.
    expect(legacyRuleMatches(self, { SecurityGroupRuleId: 'sgr-self' })).toBe(true);
  });
});
