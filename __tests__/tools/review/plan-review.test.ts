import { mkdtempSync, readFileSync, rmSync, mkdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanAction, PlanChange, PlanFormatError } from '../../../tools/review/plan-json';
import {
  attributeChanges,
  securityFindings,
  regionOf,
  reviewPlan,
  ruleSummaries,
  SENSITIVE,
  stackFromPath,
  statementsOf,
  UNKNOWN,
  writeReview,
} from '../../../tools/review';
import { TEST_PRICES } from '../../fixtures/cost/test-prices';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'plans');
const load = (name: string): unknown =>
  JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown;

const DB = 'aws_db_instance.database_instance_4B2C8E1F';
const LOG_GROUP = 'aws_cloudwatch_log_group.api_access_logs_9D1E2A3B';

/** The lines of one `## ` section of the review. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`## ${title}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf('\n## ', start + 3);
  return markdown.slice(start, next === -1 ? undefined : next);
}

/** The table row of a security finding. */
function row(markdown: string, address: string, attribute: string): string {
  const line = markdown
    .split('\n')
    .find((l) => l.startsWith(`| \`${address}\``) && l.includes(`| \`${attribute}\` |`));
  expect(line).toBeDefined();
  return line!;
}

describe('reviewPlan', () => {
  test('counts managed changes by action, leaving out data-source reads', () => {
    // Given a plan with 2 creates, 4 updates, 1 replace, 2 deletes, 2 no-ops and a data read
    // When it is reviewed
    const review = reviewPlan(load('review-mixed.json'), { stack: 'TapStackprod' });
    // Then the counts say so, in the title table too
    expect(review.counts).toEqual({ create: 2, update: 4, replace: 1, delete: 2, 'no-op': 2 });
    expect(review.markdown).toContain('| 2 | 4 | 1 | 2 | 2 |');
    expect(review.markdown).not.toContain('data.aws_caller_identity');
  });

  test('titles the review with the stack and the environment read from the tags', () => {
    const review = reviewPlan(load('review-mixed.json'), { stack: 'TapStackprod' });
    expect(review.markdown.split('\n')[0]).toBe('# Plan review: TapStackprod, environment `prod`');
  });

  test('lists replacements and deletions first, stateful ones first, with the guard verdict', () => {
    const { markdown, blocked } = reviewPlan(load('review-mixed.json'));
    // The destroying section comes before the security and other-change sections.
    const destroying = markdown.indexOf('## Replacements and deletions (3)');
    expect(destroying).toBeGreaterThan(0);
    expect(destroying).toBeLessThan(markdown.indexOf('## Security-relevant changes'));
    expect(destroying).toBeLessThan(markdown.indexOf('## Other changes'));

    const items = section(markdown, 'Replacements and deletions')
      .split('\n')
      .filter((l) => l.startsWith('- '));
    expect(items).toEqual([
      expect.stringMatching(
        new RegExp(`^- \\*\\*delete\\*\\* \`${LOG_GROUP}\`.*stateful.*BLOCKED`),
      ),
      expect.stringMatching(
        new RegExp(`^- \\*\\*replace\\*\\* \`${DB}\`.*database \\(PHI\\).*BLOCKED`),
      ),
      expect.stringMatching(/^- \*\*delete\*\* `aws_route_table_association\..*`.*not stateful$/),
    ]);
    expect(blocked).toBe(true);
    expect(markdown).toContain('**⛔ Plan guard: BLOCKED.**');
  });

  test('names the attributes that force a replacement, with before and after', () => {
    const { markdown } = reviewPlan(load('review-mixed.json'));
    expect(section(markdown, 'Replacements and deletions')).toContain(
      '  - forces replacement: `storage_encrypted`: `true` → `false`',
    );
  });

  test('an override naming each stateful address lets the plan pass, and says so', () => {
    const { markdown, blocked } = reviewPlan(load('review-mixed.json'), {
      guardAllow: [DB, LOG_GROUP],
    });
    expect(blocked).toBe(false);
    expect(markdown).toContain('**Plan guard: passes with override**');
    expect(markdown).toMatch(new RegExp(`\`${DB}\`.*allowed by override`));
  });

  test('an override for only one of two stateful addresses still blocks', () => {
    const { markdown, blocked } = reviewPlan(load('review-mixed.json'), { guardAllow: [DB] });
    expect(blocked).toBe(true);
    expect(markdown).toMatch(new RegExp(`\`${LOG_GROUP}\`.*BLOCKED by the plan guard`));
    expect(markdown).toMatch(new RegExp(`\`${DB}\`.*allowed by override`));
  });

  test('calls out encryption turned off with before → after and a warning', () => {
    const { markdown } = reviewPlan(load('review-mixed.json'));
    expect(section(markdown, 'Security-relevant changes')).toContain('### Encryption');
    expect(row(markdown, DB, 'storage_encrypted')).toBe(
      `| \`${DB}\` | replace | \`storage_encrypted\` | \`true\` | \`false\` | ⚠️ encryption turned off |`,
    );
  });

  test('calls out a security-group rule open to 0.0.0.0/0 as one readable line', () => {
    const { markdown } = reviewPlan(load('review-mixed.json'));
    const sg = 'aws_vpc_security_group_ingress_rule.database_postgres_from_anywhere_1C2D3E4F';
    // A new rule is part of the new resources' posture, flagged.
    expect(section(markdown, 'Security posture of new resources')).toContain(
      `| \`${sg}\` | ⚠️ open to the internet<br>rules: ingress tcp 5432 from 0.0.0.0/0 ("PostgreSQL from anywhere") |`,
    );
    expect(section(markdown, 'Security posture of new resources')).toContain(
      `⚠️ 1 new resource(s) weaker than the platform defaults: \`${sg}\`.`,
    );
  });

  test('calls out data trace turned on and shortened log retention', () => {
    const { markdown } = reviewPlan(load('review-mixed.json'));
    const logging = markdown.slice(markdown.indexOf('### Logging'));
    expect(
      row(
        logging,
        'aws_api_gateway_method_settings.api_method_settings_7A8B9C0D',
        'settings[0].data_trace_enabled',
      ),
    ).toContain('| `false` | `true` | ⚠️ logs full request/response bodies (PHI) |');
    expect(
      row(logging, 'aws_cloudwatch_log_group.network_flow_logs_3C4D5E6F', 'retention_in_days'),
    ).toContain('| `365` | `90` | ⚠️ retention shortened |');
  });

  test('shows an IAM policy change as the statements added, not two JSON strings', () => {
    const { markdown } = reviewPlan(load('review-mixed.json'));
    const line = row(markdown, 'aws_iam_role_policy.network_flow_log_policy_2B3C4D5E', 'policy');
    expect(line).toContain('`+ Allow * on *`');
    expect(line).toContain('⚠️ allows `*` actions on `*` resources');
    // The unchanged statement is not repeated.
    expect(line).not.toContain('logs:PutLogEvents');
  });

  test('a non-throttling attribute of a new resource is not a security finding unless weak', () => {
    const { markdown } = reviewPlan(load('review-mixed.json'));
    // enable_key_rotation=true on a new key is configuration, not a change to review.
    expect(section(markdown, 'Security-relevant changes')).not.toContain('enable_key_rotation');
  });

  test('never prints a sensitive value, before or after', () => {
    const { markdown } = reviewPlan(load('review-mixed.json'));
    for (const secret of [
      'OldS3cret-Pa55word',
      'NewS3cret-Pa55word',
      'redis-T0ken-Old-abcdef0123456789',
      'redis-T0ken-New-9876543210fedcba',
    ]) {
      expect(markdown).not.toContain(secret);
    }
    expect(markdown).toContain('  - `secret_string`: _(sensitive)_ → _(sensitive)_');
  });

  test('shows values known only after apply as such', () => {
    const { markdown } = reviewPlan(load('review-mixed.json'));
    expect(
      row(markdown, 'aws_cloudwatch_log_group.network_flow_logs_3C4D5E6F', 'kms_key_id'),
    ).toContain('| `""` | _(known after apply)_ |');
  });

  test('lists every other change grouped by action, and counts the unchanged', () => {
    const { markdown } = reviewPlan(load('review-mixed.json'));
    const other = section(markdown, 'Other changes');
    // Both new resources have a posture line, so none is repeated here.
    expect(other).not.toContain('### Create');
    expect(other).not.toContain('Other new resources');
    expect(section(markdown, 'Security posture of new resources (2)')).toContain(
      '| `aws_kms_key.data-key_key_8E9F0A1B` | rotation on<br>protection: deletion window 30 days |',
    );
    expect(other).toContain('  - `settings[0].throttling_burst_limit`: `200` → `400`');
    expect(other).toContain('2 resource(s) unchanged (no-op) are not listed.');
    expect(other).not.toContain('aws_subnet.');
  });

  test('is deterministic: the same plan in any order gives the same text', () => {
    const plan = load('review-mixed.json') as { resource_changes: unknown[] };
    const shuffled = { ...plan, resource_changes: [...plan.resource_changes].reverse() };
    expect(reviewPlan(shuffled).markdown).toBe(reviewPlan(plan).markdown);
  });

  test('a plan with nothing to do passes and says "None"', () => {
    const review = reviewPlan(load('review-no-changes.json'));
    expect(review.blocked).toBe(false);
    expect(review.counts).toEqual({ create: 0, update: 0, replace: 0, delete: 0, 'no-op': 1 });
    expect(review.markdown).toContain('# Plan review: environment `dev`');
    expect(review.markdown).toContain('**Plan guard: passes.**');
    expect(review.markdown).toContain('None: no existing object is destroyed.');
  });

  test('refuses what is not plan JSON, saying how to produce it', () => {
    expect(() => reviewPlan({ resource_changes: [] })).toThrow(PlanFormatError);
    expect(() => reviewPlan({ resource_changes: [] })).toThrow(/terraform show -json/);
  });
});

describe('attributeChanges', () => {
  test('masks sensitive values and names unknown ones', () => {
    const changes = attributeChanges({
      address: 'aws_db_instance.db',
      mode: 'managed',
      type: 'aws_db_instance',
      name: 'db',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions: ['update'],
        before: { password: 'a', port: 5432, tags: { A: '1' } },
        after: { password: 'b', port: 5433, tags: { A: '2' } },
        after_unknown: { endpoint: true },
        before_sensitive: { password: true },
        after_sensitive: { password: true },
      },
    });
    expect(changes).toEqual([
      { path: ['endpoint'], before: '(none)', after: UNKNOWN },
      { path: ['password'], before: SENSITIVE, after: SENSITIVE },
      { path: ['port'], before: '5432', after: '5433' },
    ]);
  });
});

describe('statementsOf', () => {
  test('canonicalises statements so that order and formatting do not matter', () => {
    const a = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:Decrypt'],
          Resource: '*',
          Principal: { Service: 'logs.amazonaws.com' },
        },
      ],
    });
    const b = JSON.stringify({
      Statement: {
        Principal: { Service: ['logs.amazonaws.com'] },
        Resource: ['*'],
        Action: ['kms:Decrypt', 'kms:Encrypt'],
        Effect: 'Allow',
      },
    });
    expect(statementsOf(a)).toEqual(statementsOf(b));
    expect(statementsOf(a)).toEqual([
      'Allow kms:Decrypt, kms:Encrypt on * for Service: logs.amazonaws.com',
    ]);
  });
});

describe('ruleSummaries', () => {
  test('summarises the inline rules of a security group', () => {
    expect(
      ruleSummaries('aws_security_group', {
        ingress: [
          {
            protocol: 'tcp',
            from_port: 443,
            to_port: 443,
            cidr_blocks: ['10.40.0.0/16'],
            self: false,
          },
        ],
        egress: [{ protocol: '-1', from_port: 0, to_port: 0, cidr_blocks: ['0.0.0.0/0'] }],
      }),
    ).toEqual([
      { attribute: 'ingress[0]', text: 'ingress tcp 443 from 10.40.0.0/16' },
      { attribute: 'egress[0]', text: 'egress all traffic to 0.0.0.0/0' },
    ]);
  });
});

describe('writeReview', () => {
  test('writes the Markdown next to the plan and takes the stack from its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-review-'));
    try {
      const stackDir = join(dir, 'stacks', 'TapStackprod');
      mkdirSync(stackDir, { recursive: true });
      copyFileSync(join(FIXTURES, 'review-mixed.json'), join(stackDir, 'plan.json'));
      const out = join(dir, 'review.md');
      const review = writeReview(join(stackDir, 'plan.json'), out);
      expect(readFileSync(out, 'utf8')).toBe(review.markdown);
      expect(review.markdown).toMatch(/^# Plan review: TapStackprod, environment `prod`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('securityFindings', () => {
  const update = (type: string, before: unknown, after: unknown, extra: object = {}) => ({
    address: `${type}.x`,
    mode: 'managed' as const,
    type,
    name: 'x',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions: ['update' as const], before, after, ...extra },
  });

  test.each([
    [
      'aws_elasticache_replication_group',
      { transit_encryption_enabled: true },
      { transit_encryption_enabled: false },
      'encryption',
      'encryption turned off',
    ],
    [
      'aws_kms_key',
      { enable_key_rotation: true },
      { enable_key_rotation: false },
      'encryption',
      'encryption turned off',
    ],
    [
      'aws_db_instance',
      { publicly_accessible: false },
      { publicly_accessible: true },
      'public-access',
      'made public',
    ],
    [
      'aws_subnet',
      { map_public_ip_on_launch: false },
      { map_public_ip_on_launch: true },
      'public-access',
      'made public',
    ],
    [
      'aws_s3_bucket_public_access_block',
      { block_public_acls: true },
      { block_public_acls: false },
      'public-access',
      'public-access block turned off',
    ],
    [
      'aws_api_gateway_method_settings',
      { settings: [{ logging_level: 'INFO' }] },
      { settings: [{ logging_level: 'OFF' }] },
      'logging',
      'execution logging off',
    ],
    [
      'aws_flow_log',
      { traffic_type: 'ALL' },
      { traffic_type: 'REJECT' },
      'logging',
      'flow logs no longer capture all traffic',
    ],
    [
      'aws_cloudwatch_log_group',
      { retention_in_days: 365 },
      { retention_in_days: 0 },
      'logging',
      'logs kept forever',
    ],
    [
      'aws_db_instance',
      { deletion_protection: true },
      { deletion_protection: false },
      'deletion-protection',
      'deletion protection off',
    ],
    [
      'aws_dynamodb_table',
      { deletion_protection_enabled: true },
      { deletion_protection_enabled: false },
      'deletion-protection',
      'deletion protection off',
    ],
    [
      'aws_db_instance',
      { skip_final_snapshot: false },
      { skip_final_snapshot: true },
      'deletion-protection',
      'no final snapshot on delete',
    ],
    [
      'aws_s3_bucket',
      { force_destroy: false },
      { force_destroy: true },
      'deletion-protection',
      'deletes contents on destroy',
    ],
    [
      'aws_db_instance',
      { backup_retention_period: 7 },
      { backup_retention_period: 0 },
      'backups',
      'backups off',
    ],
    [
      'aws_elasticache_replication_group',
      { snapshot_retention_limit: 7 },
      { snapshot_retention_limit: 1 },
      'backups',
      'retention shortened',
    ],
    [
      'aws_dynamodb_table',
      { point_in_time_recovery: [{ enabled: true }] },
      { point_in_time_recovery: [{ enabled: false }] },
      'backups',
      'point-in-time recovery off',
    ],
    [
      'aws_db_instance',
      { backup_retention_period: 7 },
      { backup_retention_period: 14 },
      'backups',
      undefined,
    ],
    [
      'aws_db_instance',
      { publicly_accessible: true },
      { publicly_accessible: false },
      'public-access',
      undefined,
    ],
    [
      'aws_dms_s3_endpoint',
      { server_side_encryption_kms_key_id: 'arn:aws:kms:eu-west-1:111122223333:key/1' },
      { server_side_encryption_kms_key_id: null },
      'encryption',
      'customer-managed key removed',
    ],
    [
      'aws_s3_bucket_server_side_encryption_configuration',
      { rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: 'aws:kms' }] }] },
      { rule: [{ apply_server_side_encryption_by_default: [{ sse_algorithm: 'AES256' }] }] },
      'encryption',
      undefined,
    ],
  ])('%s %j → %j is a %s finding (warning: %s)', (type, before, after, category, warning) => {
    const [finding] = securityFindings(update(type, before, after), 'update');
    expect(finding).toMatchObject({ category, warning });
  });

  test('an update of a security group rule shows its attributes; a deleted group its rules', () => {
    const changed = securityFindings(
      update(
        'aws_vpc_security_group_ingress_rule',
        { from_port: 5432, cidr_ipv4: '10.0.0.0/16' },
        { from_port: 5432, cidr_ipv4: '::/0' },
      ),
      'update',
    );
    expect(changed).toEqual([
      expect.objectContaining({
        category: 'security-group',
        attribute: 'cidr_ipv4',
        warning: 'open to the internet',
      }),
    ]);
    const deleted = securityFindings(
      {
        ...update(
          'aws_security_group',
          {
            ingress: [
              {
                protocol: 'tcp',
                from_port: 443,
                to_port: 443,
                security_groups: ['sg-1'],
                description: 'https',
              },
            ],
          },
          null,
        ),
        change: {
          actions: ['delete'],
          before: {
            ingress: [
              {
                protocol: 'tcp',
                from_port: 443,
                to_port: 443,
                security_groups: ['sg-1'],
                description: 'https',
              },
            ],
          },
          after: null,
        },
      },
      'delete',
    );
    expect(deleted).toEqual([
      expect.objectContaining({
        attribute: 'ingress[0]',
        before: 'ingress tcp 443 from sg-1 ("https")',
        after: '(none)',
      }),
    ]);
  });

  test('a sensitive or unknown policy is never printed', () => {
    const sensitive = securityFindings(
      update(
        'aws_iam_role',
        { assume_role_policy: '{"Statement":[]}' },
        { assume_role_policy: '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}' },
        { after_sensitive: { assume_role_policy: true } },
      ),
      'update',
    );
    expect(sensitive).toEqual([expect.objectContaining({ category: 'iam', after: SENSITIVE })]);
    const unknown = securityFindings(
      update(
        'aws_kms_key',
        {
          policy:
            '{"Statement":{"Effect":"Deny","NotAction":"kms:*","NotResource":"x","Condition":{"Bool":{"aws:SecureTransport":"false"}},"Sid":"TLS"}}',
        },
        {},
        { after_unknown: { policy: true } },
      ),
      'update',
    );
    expect(unknown).toEqual([
      expect.objectContaining({
        before: '− Deny NOT kms:* on NOT x if {"Bool":{"aws:SecureTransport":"false"}} (TLS)',
        after: UNKNOWN,
      }),
    ]);
  });
});

describe('reviewPlan on an errored plan without stateful changes', () => {
  test('blocks on the plan problem alone, lists the destroyed objects and what is forgotten', () => {
    // Given an errored plan: two deletions, a replacement, a `removed` block, no tags, no version
    // When it is reviewed without a stack name
    const review = reviewPlan(load('review-errored.json'));
    // Then the whole review reads
    expect(review.blocked).toBe(true);
    expect(review.counts).toEqual({ create: 0, update: 0, replace: 1, delete: 2, 'no-op': 0 });
    expect(review.markdown.split('\n')).toEqual([
      '# Plan review',
      '',
      '| Create | Update | Replace | Delete | No-op |',
      '| ---: | ---: | ---: | ---: | ---: |',
      '| 0 | 0 | 1 | 2 | 0 |',
      '',
      '**⛔ Plan guard: BLOCKED.** ',
      '- the plan errored, so it is incomplete: fix the errors and plan again before it can be vouched for',
      '',
      '## Cost',
      '',
      'This plan changes nothing billable among the resources the estimate models.',
      '',
      'Not estimated (type not modelled): `aws_launch_template.app`.',
      '',
      '_Monthly, on-demand, no region known; prices and usage assumptions: docs/cost.md._',
      '',
      '## Replacements and deletions (3)',
      '',
      '- **delete** `aws_route_table_association.private_a` (aws_route_table_association): not stateful',
      '- **delete** `aws_route_table_association.private_b` (aws_route_table_association): not stateful',
      '- **replace** `aws_launch_template.app` (aws_launch_template): not stateful',
      // The forcing path is a whole block: no single before → after to show.
      '  - forces replacement: `network_interfaces[0]`',
      '',
      '## Security posture of new resources (0)',
      '',
      'None: this plan creates nothing that holds data, opens access or grants rights.',
      '',
      '## Security-relevant changes to existing resources (0)',
      '',
      'None: no existing resource changes its encryption, public access, security groups, IAM policies, logging, deletion protection or backups.',
      '',
      '## Other changes',
      '',
      '### Forget (1)',
      '',
      '- `aws_instance.bastion`',
      '',
    ]);
  });

  test('notes an override that matches no destroyed stateful resource', () => {
    const { markdown, blocked } = reviewPlan(load('review-no-changes.json'), {
      guardAllow: ['aws_db_instance.gone'],
    });
    expect(blocked).toBe(false);
    expect(markdown).toContain(
      [
        '**Plan guard: passes.** No stateful resource is replaced or deleted.',
        '',
        'Note: the override `aws_db_instance.gone` matches no deletion or replacement of a stateful resource.',
      ].join('\n'),
    );
  });

  test('leaves the environment out of the title when the tags disagree', () => {
    const plan = load('review-no-changes.json') as { resource_changes: unknown[] };
    const other = JSON.parse(JSON.stringify(plan.resource_changes[0])) as {
      address: string;
      change: { before: { tags_all: object }; after: { tags_all: object } };
    };
    other.address = 'aws_vpc.other';
    other.change.before.tags_all = { Environment: 'prod' };
    other.change.after.tags_all = { Environment: 'prod' };
    const review = reviewPlan({ ...plan, resource_changes: [...plan.resource_changes, other] });
    expect(review.markdown.split('\n')[0]).toBe('# Plan review');
  });
});

describe('writeReview outside a stacks folder', () => {
  test('names no stack when the plan file is not in cdktf.out/stacks/<stack>/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-review-'));
    try {
      const review = writeReview(join(FIXTURES, 'review-errored.json'), join(dir, 'review.md'));
      expect(stackFromPath(join(FIXTURES, 'review-errored.json'))).toBeUndefined();
      expect(readFileSync(join(dir, 'review.md'), 'utf8')).toBe(review.markdown);
      expect(review.markdown.split('\n')[0]).toBe('# Plan review');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('attributeChanges of lists', () => {
  const change = (before: unknown, after: unknown, afterUnknown: unknown = {}) => ({
    address: 'aws_lb_listener.x',
    mode: 'managed' as const,
    type: 'aws_lb_listener',
    name: 'x',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions: ['update' as const], before, after, after_unknown: afterUnknown },
  });

  test('orders list elements by index (2 before 10) and shows an emptied list as []', () => {
    const rules = Array.from({ length: 11 }, (_, i) => ({ priority: i }));
    const changed = rules.map((r, i) => (i === 2 || i === 10 ? { priority: 100 + i } : r));
    expect(
      attributeChanges(change({ rule: rules, certs: ['arn:1'] }, { rule: changed, certs: [] })),
    ).toEqual([
      { path: ['certs'], before: '["arn:1"]', after: '[]' },
      { path: ['rule', 2, 'priority'], before: '2', after: '102' },
      { path: ['rule', 10, 'priority'], before: '10', after: '110' },
    ]);
  });

  test('names a value known only after apply inside a block, not in a block neither side has', () => {
    expect(
      attributeChanges(change({ name: 'a' }, { name: 'a' }, { default_action: [{ arn: true }] })),
    ).toEqual([]);
    expect(
      attributeChanges(
        change(
          { name: 'a' },
          { name: 'a', default_action: [{}] },
          { default_action: [{ arn: true }] },
        ),
      ),
    ).toEqual([{ path: ['default_action', 0, 'arn'], before: '(none)', after: UNKNOWN }]);
  });
});

describe('statementsOf, odd shapes', () => {
  test('reads lists of documents and inline_policy blocks, keeps what is not JSON as it is', () => {
    expect(
      statementsOf([
        { Statement: { Effect: 'Deny', Action: 's3:*', Resource: '*' } },
        {
          name: 'read',
          policy: '{"Statement":[{"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}',
        },
        { name: 'no-policy' },
        'not JSON',
        '   ',
        null,
      ]),
    ).toEqual(['Allow s3:GetObject on arn:aws:s3:::b/*', 'Deny s3:* on *', 'not JSON']);
  });

  test('a document without statements has none; odd statements are printed as JSON', () => {
    expect(statementsOf('{"Version":"2012-10-17"}')).toEqual([]);
    expect(statementsOf('{"Statement":["odd",42]}')).toEqual(['"odd"', '42']);
  });

  test('no action, no resource and plain principals read naturally', () => {
    expect(
      statementsOf(
        JSON.stringify({
          Statement: [
            { Effect: 'Deny', Principal: '*', Resource: 'arn:aws:s3:::b/*' },
            { Action: 'kms:Decrypt', Principal: null },
          ],
        }),
      ),
    ).toEqual(['Allow kms:Decrypt on * for null', 'Deny on arn:aws:s3:::b/* for *']);
  });
});

describe('ruleSummaries, every shape of rule', () => {
  test('no value, no rules', () => {
    expect(ruleSummaries('aws_security_group', null)).toEqual([]);
  });

  test('legacy aws_security_group_rule: direction from its type, port ranges, self', () => {
    expect(
      ruleSummaries('aws_security_group_rule', {
        type: 'egress',
        protocol: 'tcp',
        from_port: 1024,
        to_port: 65535,
        cidr_blocks: ['10.0.0.0/8'],
        self: true,
      }),
    ).toEqual([{ attribute: 'rule', text: 'egress tcp 1024-65535 to 10.0.0.0/8, self' }]);
    expect(ruleSummaries('aws_security_group_rule', { protocol: 'tcp', from_port: 22 })).toEqual([
      { attribute: 'rule', text: 'rule tcp 22 from (nobody)' },
    ]);
  });

  test('inline rules with missing parts: all traffic, open-ended ports, any port', () => {
    expect(
      ruleSummaries('aws_security_group', {
        ingress: [
          null,
          { protocol: 'tcp', from_port: 8080, to_port: null, ipv6_cidr_blocks: ['::/0'] },
        ],
        egress: [{ protocol: 'udp' }],
      }),
    ).toEqual([
      { attribute: 'ingress[0]', text: 'ingress all traffic from (nobody)' },
      { attribute: 'ingress[1]', text: 'ingress tcp 8080 from ::/0' },
      { attribute: 'egress[0]', text: 'egress udp any to (nobody)' },
    ]);
  });

  test('a peer known only after apply is named as such', () => {
    expect(
      ruleSummaries(
        'aws_vpc_security_group_ingress_rule',
        { ip_protocol: 'tcp', from_port: 5432, to_port: 5432, referenced_security_group_id: null },
        { referenced_security_group_id: true },
      ),
    ).toEqual([{ attribute: 'rule', text: 'ingress tcp 5432 from (known after apply)' }]);
  });
});

describe('securityFindings, policies and groups', () => {
  const rc = (type: string, actions: PlanAction[], change: Omit<PlanChange, 'actions'>) => ({
    address: `${type}.x`,
    mode: 'managed' as const,
    type,
    name: 'x',
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions, ...change },
  });
  const TRUST = '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}';
  const READ = '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';

  test('an unchanged policy is no finding', () => {
    expect(
      securityFindings(
        rc('aws_iam_role', ['update'], {
          before: { assume_role_policy: TRUST, max_session_duration: 3600 },
          after: { assume_role_policy: TRUST, max_session_duration: 7200 },
        }),
        'update',
      ),
    ).toEqual([]);
  });

  test('a policy whose statements are the same, only reformatted, shows its raw values', () => {
    const reformatted = JSON.stringify(JSON.parse(TRUST), null, 1);
    expect(
      securityFindings(
        rc('aws_iam_role', ['update'], {
          before: { assume_role_policy: TRUST },
          after: { assume_role_policy: reformatted },
        }),
        'update',
      ),
    ).toEqual([
      expect.objectContaining({
        category: 'iam',
        attribute: 'assume_role_policy',
        before: JSON.stringify(TRUST),
        after: JSON.stringify(reformatted),
      }),
    ]);
  });

  test('a deleted policy lists the statements removed, unless it is sensitive', () => {
    expect(
      securityFindings(
        rc('aws_iam_role_policy', ['delete'], {
          before: { role: 'app', policy: READ },
          after: null,
        }),
        'delete',
      ),
    ).toEqual([
      {
        category: 'iam',
        address: 'aws_iam_role_policy.x',
        kind: 'delete',
        attribute: 'policy',
        before: '− Allow s3:GetObject on *',
        after: '(none)',
        warning: undefined,
      },
    ]);
    expect(
      securityFindings(
        rc('aws_iam_role_policy', ['delete'], {
          before: { role: 'app', policy: READ },
          after: null,
          before_sensitive: { policy: true },
        }),
        'delete',
      ),
    ).toEqual([]);
  });

  test('a new security group without inline rules shows its attributes instead', () => {
    const findings = securityFindings(
      rc('aws_security_group', ['create'], {
        before: null,
        after: { name: 'app', vpc_id: 'vpc-1', ingress: [], egress: [] },
        after_unknown: { id: true, arn: true },
      }),
      'create',
    );
    expect(findings.map((f) => [f.category, f.attribute, f.before, f.after])).toEqual([
      ['security-group', 'egress', '(none)', '[]'],
      ['security-group', 'ingress', '(none)', '[]'],
      ['security-group', 'name', '(none)', '"app"'],
      ['security-group', 'vpc_id', '(none)', '"vpc-1"'],
    ]);
  });
});

describe('reviewPlan: the Cost section', () => {
  // Prices from the test table (fixtures/cost/test-prices.ts): every figure below is computed by hand.
  test('a first deploy of dev adds about $266.36 a month at the test prices', () => {
    // Database 730 h × $0.10 + 20 GB × $0.10 + one secret $0.40 = $75.40; cache 2 × 730 h × $0.04 = $58.40;
    // NAT 730 h × $0.05 + 10 GB × $0.05 = $37.00; five 2-AZ endpoints $14.61 each; WAF $9.60; EIP $3.65;
    // API $3.50; two keys $2; nine log groups $0.265 each; thirteen alarms $0.10 each; Lambda $0.07.
    const { markdown } = reviewPlan(load('first-deploy-dev.json'), {
      prices: TEST_PRICES,
      region: 'test-1',
    });
    expect(section(markdown, 'Cost').split('\n')).toEqual([
      '## Cost',
      '',
      'This plan adds about $266.36 a month: +$75.40 `aws_db_instance.database_instance_D7FC2283` (RDS db.t4g.medium Single-AZ), +$58.40 `aws_elasticache_replication_group.cache_replication-group_FA5C54CF` (ElastiCache cache.t4g.small × 2 nodes), +$37.00 `aws_nat_gateway.network_nat-0_D2F55FEE` (NAT gateway hours), and 33 more.',
      '',
      '_Monthly, on-demand, test-1; prices and usage assumptions: docs/cost.md._',
      '',
    ]);
    // The section sits between the guard's verdict and the destroyed objects.
    expect(markdown.indexOf('## Cost')).toBeLessThan(
      markdown.indexOf('## Replacements and deletions'),
    );
  });

  test('a mixed plan: a new key, a deleted log group and a shorter retention', () => {
    // +$1.00 key; −($0.25 ingestion + 6 GB × $0.03) for the deleted 365-day group; −4.5 GB × $0.03
    // when 365 days become 90; the database replacement keeps its size and class: $0.
    const { markdown } = reviewPlan(load('review-mixed.json'), {
      prices: TEST_PRICES,
      region: 'test-1',
    });
    expect(section(markdown, 'Cost')).toContain(
      'This plan adds about $0.44 a month: +$1.00 `aws_kms_key.data-key_key_8E9F0A1B` (KMS key), −$0.43 `aws_cloudwatch_log_group.api_access_logs_9D1E2A3B` (log ingestion (assumed)), −$0.14 `aws_cloudwatch_log_group.network_flow_logs_3C4D5E6F` (log ingestion (assumed)).',
    );
  });

  test("one NAT gateway added, endpoints added and removed: the plan's own region", () => {
    const { markdown } = reviewPlan(load('cost-nat-for-endpoint.json'), { prices: TEST_PRICES });
    expect(section(markdown, 'Cost')).toContain(
      'This plan adds about $44.30 a month: +$37.00 `aws_nat_gateway.nat_1` (NAT gateway hours), +$21.91 `aws_vpc_endpoint.kms` (interface endpoint × 3 AZ), −$14.61 `aws_vpc_endpoint.sts` (interface endpoint × 2 AZ).',
    );
  });

  test('a region the table has no prices for is said, not guessed', () => {
    const { markdown } = reviewPlan(load('first-deploy-dev.json'), { prices: TEST_PRICES });
    expect(section(markdown, 'Cost')).toContain(
      'This plan changes nothing billable. Not counted (57 unpriced charge(s): no price for eu-west-1).',
    );
  });

  test('no changes: nothing billable', () => {
    const { markdown } = reviewPlan(load('review-no-changes.json'), { prices: TEST_PRICES });
    expect(section(markdown, 'Cost')).toContain('This plan changes nothing billable.\n');
  });

  test('writeReview prices in the region of the synthesized stack beside the plan', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-review-'));
    try {
      const stackDir = join(dir, 'stacks', 'TapStackdev');
      mkdirSync(stackDir, { recursive: true });
      copyFileSync(join(FIXTURES, 'first-deploy-dev.json'), join(stackDir, 'plan.json'));
      writeFileSync(
        join(stackDir, 'cdk.tf.json'),
        JSON.stringify({ provider: { aws: [{ region: 'test-1' }] } }),
      );
      const review = writeReview(join(stackDir, 'plan.json'), join(dir, 'review.md'), {
        prices: TEST_PRICES,
      });
      expect(review.markdown).toContain('This plan adds about $266.36 a month');
      expect(regionOf(join(stackDir, 'cdk.tf.json'))).toBe('test-1');
      expect(regionOf(join(dir, 'missing.json'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
