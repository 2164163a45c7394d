import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  irreversibleChanges,
  irreversibleLines,
  parsePlan,
  planTime,
  reviewPlan,
  TerraformPlan,
} from '../../../tools/review';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'plans');
const load = (name: string): TerraformPlan =>
  parsePlan(JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown);

const ARCHIVE_LOCK = 'aws_s3_bucket_object_lock_configuration.audit_archive_object-lock_D393F9FB';
const VAULT_LOCK = 'aws_backup_vault_lock_configuration.backup_vault-lock_73D3EFE5';
const HEADER = [
  '## Irreversible (2)',
  '',
  'Once applied, these cannot be undone by anyone, the root user and AWS included. Apply only if that is the intent; a governance-mode lock (the default) protects the same data and can be removed.',
  '',
];

describe('irreversibleChanges', () => {
  test('lists a COMPLIANCE Object Lock and a compliance Vault Lock (by address), not governance ones or other resources', () => {
    // Given a first deploy with a COMPLIANCE archive lock, one compliance and one governance
    // vault lock, a GOVERNANCE bucket lock and a key
    const changes = irreversibleChanges(load('irreversible-create.json'));
    // Then only the two irreversible ones are listed, dated from the plan's timestamp
    expect(changes).toEqual([
      {
        address: VAULT_LOCK,
        kind: 'vault-lock',
        action: 'create',
        target: 'healthcare-backup',
        days: 3,
        until: '2026-12-10',
        maxRetentionDays: 2192,
      },
      {
        address: ARCHIVE_LOCK,
        kind: 'object-lock',
        action: 'create',
        target: 'healthcare-audit-111122223333-eu-west-1',
        days: 2192,
        until: '2032-12-07',
      },
    ]);
  });

  test('lists updates into compliance mode and replacements; not deletions or no-ops', () => {
    const changes = irreversibleChanges(load('irreversible-update.json'));
    expect(changes.map((c) => [c.address, c.action, c.target, c.days, c.until])).toEqual([
      [VAULT_LOCK, 'update', 'healthcare-backup', 7, '2026-03-06'],
      [ARCHIVE_LOCK, 'update', 'healthcare-audit-111122223333-eu-west-1', 365, '2027-02-27'],
      [
        'aws_s3_bucket_object_lock_configuration.other_object-lock_22222222',
        'replace',
        '(known after apply)',
        10,
        '2026-03-09',
      ],
    ]);
  });

  test('counts from now when the plan has no timestamp (or an unreadable one)', () => {
    const plan = { ...load('irreversible-create.json'), timestamp: undefined };
    const now = new Date('2030-01-31T12:00:00Z');
    expect(planTime(plan, now)).toBe(now);
    expect(planTime({ ...plan, timestamp: 'yesterday' }, now)).toBe(now);
    expect(irreversibleChanges(plan, now).map((c) => c.until)).toEqual([
      '2030-02-03',
      '2036-02-01',
    ]);
  });

  test('finds nothing in a plan without locks', () => {
    expect(irreversibleChanges(load('create-only.json'))).toEqual([]);
    expect(irreversibleLines(load('create-only.json'))).toEqual([]);
  });
});

describe('the Irreversible section of the plan review', () => {
  test('spells out each change with its date, first of all sections', () => {
    const { markdown } = reviewPlan(load('irreversible-create.json'), {
      stack: 'TapAccountBaseline',
    });
    const start = markdown.indexOf('## Irreversible (2)');
    expect(start).toBeGreaterThan(0);
    // Shown before every other section.
    expect(markdown.indexOf('\n## ')).toBe(start - 1);
    const section = markdown.slice(start, markdown.indexOf('\n## ', start + 3));
    expect(section.split('\n')).toEqual([
      ...HEADER,
      `- **create** \`${VAULT_LOCK}\`: AWS Backup Vault Lock in compliance mode on vault \`healthcare-backup\`: removable for 3 days; from 2026-12-10 the lock is immutable: nobody, AWS included, can remove it or delete a recovery point before its retention ends (recovery points kept up to 2192 days), and the vault cannot be deleted while it holds one.`,
      `- **create** \`${ARCHIVE_LOCK}\`: S3 Object Lock in COMPLIANCE mode on bucket \`healthcare-audit-111122223333-eu-west-1\`, 2192 days: an object written on 2026-12-07 cannot be deleted or overwritten by anyone, the root user included, until 2032-12-07; every later object for 2192 days after it is written. The bucket cannot be deleted while it holds such an object.`,
      '',
    ]);
  });

  test('says nothing about locks a plan does not make irreversible', () => {
    const { markdown } = reviewPlan(load('create-only.json'));
    expect(markdown).not.toContain('Irreversible');
  });

  test('a vault lock without max_retention_days names no upper bound', () => {
    const lines = irreversibleLines(load('irreversible-update.json'));
    expect(lines[0]).toBe('## Irreversible (3)');
    expect(lines.find((l) => l.includes(VAULT_LOCK))).toBe(
      `- **update** \`${VAULT_LOCK}\`: AWS Backup Vault Lock in compliance mode on vault \`healthcare-backup\`: removable for 7 days; from 2026-03-06 the lock is immutable: nobody, AWS included, can remove it or delete a recovery point before its retention ends, and the vault cannot be deleted while it holds one.`,
    );
  });
});
