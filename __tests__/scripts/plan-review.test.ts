import { mkdtempSync, readFileSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlanFormatError } from '../../scripts/lib/plan-json';
import {
  attributeChanges,
  securityFindings,
  reviewPlan,
  ruleSummaries,
  SENSITIVE,
  statementsOf,
  UNKNOWN,
  writeReview,
} from '../../scripts/lib/plan-review';

const FIXTURES = join(__dirname, '..', 'fixtures', 'plans');
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
    expect(row(markdown, sg, 'rule')).toContain(
      '`ingress tcp 5432 from 0.0.0.0/0 ("PostgreSQL from anywhere")` | ⚠️ open to the internet',
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
    expect(other.indexOf('### Create (2)')).toBeLessThan(other.indexOf('### Update (4)'));
    expect(other).toContain('- `aws_kms_key.data-key_key_8E9F0A1B`');
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
