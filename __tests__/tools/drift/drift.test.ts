import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EMULATOR_DRIFT_ALLOW_LIST } from '../../../tools/emulator';
import {
  DRIFT_EXIT,
  cell,
  driftExitCode,
  driftReport,
  driftedAttributes,
  formatDriftReport,
  writeDriftReport,
} from '../../../tools/drift';
import type { DriftAllowance } from '../../../tools/drift';
import { parsePlan, readPlanFile } from '../../../tools/review';
import type { ResourceChange, TerraformPlan } from '../../../tools/review';

/**
 * Fixtures: real `terraform show -json` output of refresh-only plans (Terraform 1.11.4,
 * hashicorp/aws 5.100.0, against moto 5.2.1): an SSM SecureString, an S3 bucket and an SQS
 * queue were applied, then the parameter's value and the bucket's tags were changed and the
 * queue deleted by hand (drift-refresh-only.json); after `terraform apply -refresh-only`
 * the next refresh-only plan has no resource_drift (drift-clean.json).
 */
const FIXTURES = resolve(__dirname, '..', '..', 'fixtures', 'plans');
const DRIFTED = readPlanFile(join(FIXTURES, 'drift-refresh-only.json'));
const CLEAN = readPlanFile(join(FIXTURES, 'drift-clean.json'));

/** A resource_drift entry in the shape Terraform 1.11 writes (see the fixtures). */
function driftEntry(
  address: string,
  before: Record<string, unknown>,
  after: Record<string, unknown> | null,
  masks: { before_sensitive?: unknown; after_sensitive?: unknown } = {},
): ResourceChange {
  const [type, name] = address.split('.');
  return {
    address,
    mode: 'managed',
    type,
    name,
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: {
      actions: [after === null ? 'delete' : 'update'],
      before,
      after,
      after_unknown: {},
      before_sensitive: masks.before_sensitive ?? {},
      after_sensitive: masks.after_sensitive ?? (after === null ? false : {}),
    },
  };
}

function plan(drift: ResourceChange[], extra: Record<string, unknown> = {}): TerraformPlan {
  return parsePlan({
    format_version: '1.2',
    terraform_version: '1.11.4',
    resource_drift: drift,
    timestamp: '2026-12-07T03:00:00Z',
    applyable: true,
    complete: true,
    errored: false,
    ...extra,
  });
}

describe('driftReport on a real refresh-only plan', () => {
  const report = driftReport(DRIFTED, { stack: 'TapStackdev', environment: 'dev' });

  test('the verdict is drifted, exit 2, with the changed and deleted resources by address', () => {
    expect(report.verdict).toBe('drifted');
    expect(driftExitCode(report)).toBe(2);
    expect(report.drifted.map((r) => [r.address, r.kind])).toEqual([
      ['aws_s3_bucket.logs', 'changed'],
      ['aws_sqs_queue.q', 'deleted'],
      ['aws_ssm_parameter.secret', 'changed'],
    ]);
    expect(report.terraformVersion).toBe('1.11.4');
    expect(report.timestamp).toBe('2026-12-07T07:10:30Z');
  });

  test('each changed attribute with the state value and the value now', () => {
    const bucket = report.drifted[0];
    expect(bucket.holds).toBe('bucket (Terraform state, objects)');
    expect(bucket.attributes).toEqual([
      { path: 'tags.AddedBy', before: '(none)', after: '"console"' },
      { path: 'tags_all.AddedBy', before: '(none)', after: '"console"' },
    ]);
  });

  test('a sensitive value is masked on both sides: only that it changed is said', () => {
    expect(report.drifted[2].attributes).toEqual([
      { path: 'value', before: '(sensitive)', after: '(sensitive)' },
      { path: 'version', before: '1', after: '2' },
    ]);
    const markdown = formatDriftReport(report);
    expect(markdown).not.toContain('s3cr3t-value');
    expect(markdown).not.toContain('changed-by-hand');
  });

  test('outputs that follow from the drift are listed, not counted', () => {
    expect(report.outputChanges).toEqual(['queue_url (update)']);
    expect(report.pendingChanges).toEqual([]);
    expect(report.allowed).toEqual([]);
  });

  test('the Markdown report: heading, verdict, a table per changed resource, the deleted, what to do', () => {
    expect(formatDriftReport(report)).toBe(
      [
        '## Drift: TapStackdev (environment `dev`)',
        '',
        '**Drifted**: 3 resources differ from the Terraform state (2 changed outside Terraform, 1 deleted).',
        '',
        'Refresh-only plan of 2026-12-07T07:10:30Z, Terraform 1.11.4.',
        '',
        '### Changed outside Terraform (2)',
        '',
        '#### `aws_s3_bucket.logs` (bucket (Terraform state, objects))',
        '',
        '| Attribute | In the state | Now |',
        '| --- | --- | --- |',
        '| `tags.AddedBy` | _(none)_ | `"console"` |',
        '| `tags_all.AddedBy` | _(none)_ | `"console"` |',
        '',
        '#### `aws_ssm_parameter.secret`',
        '',
        '| Attribute | In the state | Now |',
        '| --- | --- | --- |',
        '| `value` | _(sensitive)_ | _(sensitive)_ |',
        '| `version` | `1` | `2` |',
        '',
        '### Deleted outside Terraform (1)',
        '',
        '- `aws_sqs_queue.q`: the object no longer exists.',
        '',
        '### Not counted',
        '',
        '- outputs that follow from the resources: `queue_url (update)`',
        '',
        '### What to do',
        '',
        '- **Undo the change**: plan and deploy TapStackdev from main (`npm run plan -- --stack TapStackdev --save <dir>`, review, `npm run deploy -- --plan <dir> --yes`, or re-run the delivery workflow); Terraform sets every attribute back to the code and re-creates what was deleted.',
        '- **Keep the change**: write it into the code, review it in a pull request and deploy it; the report is clean again once the code and the environment agree.',
        '',
      ].join('\n'),
    );
  });
});

describe('driftReport on a clean refresh-only plan', () => {
  test('no resource_drift: clean, exit 0, a two-line verdict with the output change listed', () => {
    const report = driftReport(CLEAN, { stack: 'TapStackprod' });
    expect(report.verdict).toBe('clean');
    expect(driftExitCode(report)).toBe(DRIFT_EXIT.clean);
    expect(formatDriftReport(report)).toBe(
      [
        '## Drift: TapStackprod',
        '',
        '**Clean**: every resource matches the Terraform state.',
        '',
        'Refresh-only plan of 2026-12-07T07:16:17Z, Terraform 1.11.4.',
        '',
        '### Not counted',
        '',
        '- outputs that follow from the resources: `queue_url (update)`',
        '',
      ].join('\n'),
    );
  });

  test('a plan without version or timestamp still names what it is', () => {
    const bare = parsePlan({ format_version: '1.2' });
    expect(formatDriftReport(driftReport(bare, { stack: 'TapStackdev' }))).toBe(
      '## Drift: TapStackdev\n\n**Clean**: every resource matches the Terraform state.\n\nRefresh-only plan.\n',
    );
  });
});

describe('the allow-list', () => {
  /** The emulator's known gap, in the shape of a real entry: moto forgets Performance Insights. */
  const database = driftEntry(
    'aws_db_instance.database_instance_D7FC2283',
    {
      identifier: 'healthcare-dev',
      performance_insights_enabled: true,
      performance_insights_retention_period: 7,
      monitoring_interval: 60,
    },
    {
      identifier: 'healthcare-dev',
      performance_insights_enabled: false,
      performance_insights_retention_period: 0,
      monitoring_interval: 0,
    },
  );

  test('without it, the emulator gap is drift', () => {
    const report = driftReport(plan([database]), { stack: 'TapStackdev' });
    expect(report.verdict).toBe('drifted');
    expect(report.drifted[0].attributes.map((a) => a.path)).toEqual([
      'monitoring_interval',
      'performance_insights_enabled',
      'performance_insights_retention_period',
    ]);
  });

  test('with the emulator allow-list, a resource whose every difference is allowed is listed, not counted', () => {
    const report = driftReport(plan([database]), {
      stack: 'TapStackdev',
      allow: EMULATOR_DRIFT_ALLOW_LIST,
    });
    expect(report.verdict).toBe('clean');
    expect(report.drifted).toEqual([]);
    expect(report.allowed.map((r) => [r.address, r.allowed.map((a) => a.path)])).toEqual([
      [
        'aws_db_instance.database_instance_D7FC2283',
        [
          'monitoring_interval',
          'performance_insights_enabled',
          'performance_insights_retention_period',
        ],
      ],
    ]);
    const markdown = formatDriftReport(report);
    expect(markdown).toContain(
      '- `aws_db_instance.database_instance_D7FC2283`: `monitoring_interval`, `performance_insights_enabled`, `performance_insights_retention_period`, allowed: moto does not store Enhanced Monitoring settings',
    );
    expect(markdown).not.toContain('### What to do');
  });

  test('one unexplained attribute makes the resource drifted; the allowed ones are named under its table', () => {
    const changed = driftEntry(
      'aws_db_instance.db',
      { performance_insights_enabled: true, deletion_protection: true },
      { performance_insights_enabled: false, deletion_protection: false },
    );
    const report = driftReport(plan([changed]), {
      stack: 'TapStackdev',
      allow: EMULATOR_DRIFT_ALLOW_LIST,
    });
    expect(report.drifted[0].attributes).toEqual([
      { path: 'deletion_protection', before: 'true', after: 'false' },
    ]);
    expect(formatDriftReport(report)).toContain(
      '| `deletion_protection` | `true` | `false` |\n\nAlso differs, allowed: `performance_insights_enabled`.',
    );
  });

  test('an entry may name a nested path; a sibling path or another type is not covered', () => {
    const allow: DriftAllowance[] = [
      { resourceType: 'aws_s3_bucket', attributes: ['tags.AddedBy'], reason: 'a tag tool' },
      { resourceType: 'aws_sqs_queue', attributes: ['tags'], reason: 'not this type' },
    ];
    const bucket = driftEntry(
      'aws_s3_bucket.b',
      { tags: { Owner: 'a' } },
      { tags: { Owner: 'b', AddedBy: 'x', AddedByOther: 'y' } },
    );
    const report = driftReport(plan([bucket]), { stack: 's', allow });
    expect(report.drifted[0].attributes.map((a) => a.path)).toEqual([
      'tags.AddedByOther',
      'tags.Owner',
    ]);
    expect(report.drifted[0].allowed).toEqual([
      { path: 'tags.AddedBy', before: '(none)', after: '"x"', reason: 'a tag tool' },
    ]);
  });

  test('a list element path is covered by its attribute; onlyWhenUnknown never covers a known value', () => {
    const allow: DriftAllowance[] = [
      { resourceType: 'aws_db_parameter_group', attributes: ['parameter'], reason: 'gap' },
      {
        resourceType: 'aws_iam_role_policy',
        attributes: ['policy'],
        reason: 'deferred',
        onlyWhenUnknown: true,
      },
    ];
    const group = driftEntry(
      'aws_db_parameter_group.p',
      { parameter: [{ name: 'rds.force_ssl', value: '1' }] },
      { parameter: [] },
    );
    const policy = driftEntry('aws_iam_role_policy.r', { policy: '{"a":1}' }, { policy: '{}' });
    const report = driftReport(plan([group, policy]), { stack: 's', allow });
    expect(report.allowed.map((r) => r.address)).toEqual(['aws_db_parameter_group.p']);
    expect(report.drifted.map((r) => r.address)).toEqual(['aws_iam_role_policy.r']);
  });

  test('a deleted object is drift whatever the allow-list says', () => {
    const gone = driftEntry('aws_db_instance.db', { performance_insights_enabled: true }, null);
    const report = driftReport(plan([gone]), {
      stack: 's',
      allow: EMULATOR_DRIFT_ALLOW_LIST,
    });
    expect(report.drifted).toEqual([
      {
        address: 'aws_db_instance.db',
        type: 'aws_db_instance',
        kind: 'deleted',
        holds: 'database (PHI)',
        attributes: [],
        allowed: [],
      },
    ]);
    expect(formatDriftReport(report)).toContain(
      '**Drifted**: 1 resource differs from the Terraform state (1 deleted).',
    );
    expect(formatDriftReport(report)).toContain(
      '- `aws_db_instance.db`: the object no longer exists. ⚠️ held database (PHI)',
    );
  });
});

describe('what AWS changes by itself', () => {
  test('a database whose latest restorable time moved on is not drift, on AWS as on the emulator', () => {
    const moved = driftEntry(
      'aws_db_instance.database_instance_D7FC2283',
      { identifier: 'healthcare-db-prod', latest_restorable_time: '2026-12-07T09:39:59Z' },
      { identifier: 'healthcare-db-prod', latest_restorable_time: '2026-12-07T09:45:00Z' },
    );
    const report = driftReport(plan([moved]), { stack: 'TapStackprod' });
    expect(report.verdict).toBe('clean');
    expect(
      report.allowed.map((r) => [r.address, r.allowed.map((a) => [a.path, a.reason])]),
    ).toEqual([
      [
        'aws_db_instance.database_instance_D7FC2283',
        [
          [
            'latest_restorable_time',
            'RDS moves the latest restorable time forward every few minutes while it keeps transaction logs (DescribeDBInstances LatestRestorableTime)',
          ],
        ],
      ],
    ]);
  });

  test('beside it, any other change of the database is drift', () => {
    const changed = driftEntry(
      'aws_db_instance.database_instance_D7FC2283',
      { latest_restorable_time: '2026-12-07T09:39:59Z', backup_retention_period: 35 },
      { latest_restorable_time: '2026-12-07T09:45:00Z', backup_retention_period: 1 },
    );
    const report = driftReport(plan([changed]), { stack: 'TapStackprod' });
    expect(report.verdict).toBe('drifted');
    expect(report.drifted[0].attributes.map((a) => [a.path, a.before, a.after])).toEqual([
      ['backup_retention_period', '35', '1'],
    ]);
    expect(report.drifted[0].allowed.map((a) => a.path)).toEqual(['latest_restorable_time']);
  });
});

describe('driftedAttributes', () => {
  test('a list of scalars is one leaf; a list of objects is opened element by element', () => {
    const rc = driftEntry(
      'aws_security_group.sg',
      { cidrs: ['10.0.0.0/16'], ingress: [{ from_port: 443, to_port: 443 }] },
      { cidrs: ['10.0.0.0/16', '0.0.0.0/0'], ingress: [{ from_port: 22, to_port: 443 }] },
    );
    expect(driftedAttributes(rc).map((d) => d.attribute)).toEqual([
      { path: 'cidrs', before: '["10.0.0.0/16"]', after: '["10.0.0.0/16","0.0.0.0/0"]' },
      { path: 'ingress[0].from_port', before: '443', after: '22' },
    ]);
  });

  test('null, [] and {} are no difference; a resource differing only so is listed apart', () => {
    const rc = driftEntry(
      'aws_sqs_queue.q',
      { tags: null, rules: [], meta: { a: [] } },
      { tags: {}, rules: null, meta: {} },
    );
    expect(driftedAttributes(rc)).toEqual([]);
    const report = driftReport(plan([rc]), { stack: 's' });
    expect(report.verdict).toBe('clean');
    expect(report.emptyOnly).toEqual(['aws_sqs_queue.q']);
    expect(formatDriftReport(report)).toContain(
      '- only between empty values (null, [] and {}): `aws_sqs_queue.q`',
    );
  });

  test('a sensitive block is never opened, and a list with one sensitive element is masked whole', () => {
    const rc = driftEntry(
      'aws_db_instance.db',
      { master: { password: 'old-pass', user: 'admin' }, keys: ['public', 'private-1'] },
      { master: { password: 'new-pass', user: 'root' }, keys: ['public', 'private-2'] },
      {
        before_sensitive: { master: true, keys: [false, true] },
        after_sensitive: { master: true, keys: [false, true] },
      },
    );
    expect(driftedAttributes(rc).map((d) => d.attribute)).toEqual([
      { path: 'keys', before: '(sensitive)', after: '(sensitive)' },
      { path: 'master', before: '(sensitive)', after: '(sensitive)' },
    ]);
  });

  test('sensitive on one side only masks both sides', () => {
    const rc = driftEntry(
      'aws_ssm_parameter.p',
      { value: 'plain-before' },
      { value: 'secret-after' },
      { before_sensitive: {}, after_sensitive: { value: true } },
    );
    expect(driftedAttributes(rc).map((d) => d.attribute)).toEqual([
      { path: 'value', before: '(sensitive)', after: '(sensitive)' },
    ]);
  });

  test('a long value is cut at 120 characters', () => {
    const long = 'x'.repeat(200);
    const rc = driftEntry('aws_iam_policy.p', { policy: 'short' }, { policy: long });
    const [{ attribute }] = driftedAttributes(rc);
    expect(attribute.after).toHaveLength(120);
    expect(attribute.after).toBe(`"${'x'.repeat(118)}…`);
    const exact = 'y'.repeat(118); // 120 characters with its quotes: kept whole
    const kept = driftedAttributes(
      driftEntry('aws_iam_policy.p', { policy: '' }, { policy: exact }),
    );
    expect(kept[0].attribute.after).toBe(`"${exact}"`);
  });
});

describe('what a drift report leaves out or refuses', () => {
  test("no-op and data-source entries are skipped; a normal plan's changes are listed as not drift", () => {
    const noop: ResourceChange = {
      ...driftEntry('aws_sqs_queue.same', { a: 1 }, { a: 1 }),
      change: { actions: ['no-op'], before: { a: 1 }, after: { a: 1 } },
    };
    const data: ResourceChange = {
      ...driftEntry('data.aws_caller_identity.me', { id: '1' }, { id: '2' }),
      mode: 'data',
    };
    const changes = [
      {
        ...driftEntry('aws_sqs_queue.q', {}, {}),
        change: { actions: ['create'], before: null, after: {} },
      },
      {
        ...driftEntry('aws_kms_key.k', {}, {}),
        change: { actions: ['no-op'], before: {}, after: {} },
      },
      {
        ...driftEntry('data.aws_region.r', {}, {}),
        mode: 'data',
        change: { actions: ['read'], before: null, after: {} },
      },
      {
        ...driftEntry('aws_s3_bucket.b', {}, {}),
        change: { actions: ['delete', 'create'], before: {}, after: {} },
      },
    ];
    const report = driftReport(plan([noop, data], { resource_changes: changes }), { stack: 's' });
    expect(report.verdict).toBe('clean');
    expect(report.drifted).toEqual([]);
    expect(report.emptyOnly).toEqual([]);
    expect(report.pendingChanges).toEqual([
      'aws_s3_bucket.b (replace)',
      'aws_sqs_queue.q (create)',
    ]);
    expect(formatDriftReport(report)).toContain(
      '- changes applying the code would make (not drift): `aws_s3_bucket.b (replace)`, `aws_sqs_queue.q (create)`',
    );
  });

  test('an errored plan gives no verdict', () => {
    expect(() => driftReport(plan([], { errored: true }), { stack: 's' })).toThrow(
      'the plan JSON says the plan errored: it cannot tell whether there is drift',
    );
  });
});

describe('cell', () => {
  test('placeholders in italics, values as code with | escaped, a backtick fenced twice', () => {
    expect(cell('(none)')).toBe('_(none)_');
    expect(cell('(sensitive)')).toBe('_(sensitive)_');
    expect(cell('"a|b"')).toBe('`"a\\|b"`');
    expect(cell('"`x`"')).toBe('`` "`x`" ``');
  });
});

describe('writeDriftReport', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'drift-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the Markdown (creating its folder) and returns the exit code', () => {
    const out = join(dir, 'reports', 'drift-dev.md');
    const result = writeDriftReport({
      planJson: join(FIXTURES, 'drift-refresh-only.json'),
      out,
      stack: 'TapStackdev',
      environment: 'dev',
    });
    expect(result.exitCode).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe(result.markdown);
    expect(result.markdown.split('\n')[0]).toBe('## Drift: TapStackdev (environment `dev`)');
  });

  test('an unreadable plan throws naming the file', () => {
    const bad = join(dir, 'plan.json');
    writeFileSync(bad, 'not json');
    expect(() => writeDriftReport({ planJson: bad, out: join(dir, 'x.md'), stack: 's' })).toThrow(
      `${bad}: not JSON`,
    );
  });
});
