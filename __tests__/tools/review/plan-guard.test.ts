import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  STATEFUL_RESOURCE_TYPES,
  formatVerdict,
  guardPlan,
  guardPlanFile,
  isStateful,
  parseGuardArgs,
  runPlanGuardCli,
} from '../../../tools/review/plan-guard';
import { table } from '../../../tools/core';
import {
  PlanAction,
  PlanFormatError,
  ResourceChange,
  TerraformPlan,
  classifyChange,
  describeActionReason,
  destroysObject,
  formatPath,
  maskCovers,
  parsePlan,
  readPlanFile,
  valueAtPath,
} from '../../../tools/review/plan-json';

const fixture = (name: string) => join(__dirname, '..', '..', 'fixtures', 'plans', `${name}.json`);
const PROD_DB = 'aws_db_instance.database_instance_2C1E6F0A';
const KMS_KEY = 'aws_kms_key.encryption_key_8D0A4E11';

function change(
  address: string,
  actions: PlanAction[],
  extra: Partial<ResourceChange> & { replace_paths?: (string | number)[][] } = {},
): ResourceChange {
  const { replace_paths, ...rest } = extra;
  const [type, name] = address.replace(/^module\.[^.]+\./, '').split('.');
  return {
    address,
    mode: 'managed',
    type,
    name,
    provider_name: 'registry.terraform.io/hashicorp/aws',
    change: { actions, before: {}, after: {}, replace_paths },
    ...rest,
  };
}

const plan = (...changes: ResourceChange[]): TerraformPlan => ({
  format_version: '1.2',
  resource_changes: changes,
});

/** Runs the CLI in-process and captures what it prints. */
function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runPlanGuardCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('plan guard on fixtures', () => {
  test('blocks a plan that replaces the prod database, naming the address and the attribute', () => {
    // Given a plan whose database identifier changed
    // When the guard runs without an override
    const verdict = guardPlanFile(fixture('replace-prod-database'));
    // Then it is blocked, naming the address, the reason and the forcing attribute
    expect(verdict.blocked).toBe(true);
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        address: PROD_DB,
        kind: 'replace',
        decision: 'blocked',
        reason: 'replaced because identifier cannot change in place',
        forcingAttributes: [
          { path: 'identifier', before: '"tap-prod-postgres"', after: '"tap-prod-pg"' },
        ],
      }),
    ]);
    const text = formatVerdict(verdict);
    expect(text).toContain(`BLOCKED  replace  ${PROD_DB}`);
    expect(text).toContain('identifier: "tap-prod-postgres" -> "tap-prod-pg"');
    expect(text).toContain(`--allow '${PROD_DB}'`);
    expect(text).toContain('Verdict: BLOCKED (1 stateful resource would lose data)');
    expect(text).toContain('0 to create, 1 to update, 1 to replace, 0 to delete');
    expect(text).not.toContain('hunter2');
  });

  test('allows the same plan when the operator names that exact address', () => {
    const result = cli(fixture('replace-prod-database'), '--allow', PROD_DB);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`allowed  replace  ${PROD_DB}`);
    expect(result.out).toContain('Verdict: OK');
    expect(result.out).not.toContain('unused');
  });

  test('the CLI exits 1 and prints the table when blocked', () => {
    const result = cli(fixture('replace-prod-database'));
    expect(result.code).toBe(1);
    expect(result.out).toContain('Verdict: BLOCKED');
  });

  test('passes a plan that only updates tags of stateful resources', () => {
    const result = cli(fixture('update-tags-only'));
    expect(result.code).toBe(0);
    expect(result.out).toContain('No stateful resource is deleted or replaced.');
    expect(result.out).toContain('Verdict: OK');
  });

  test('blocks deleting a KMS key, with the reason Terraform gives', () => {
    const verdict = guardPlanFile(fixture('delete-kms-key'));
    expect(verdict.blocked).toBe(true);
    expect(verdict.findings).toEqual([
      expect.objectContaining({
        address: KMS_KEY,
        kind: 'delete',
        reason: 'deleted; the resource is no longer in the configuration',
        forcingAttributes: [],
      }),
    ]);
  });

  test('passes a plan that only creates (and reads data sources)', () => {
    const verdict = guardPlanFile(fixture('create-only'));
    expect(verdict.blocked).toBe(false);
    expect(verdict.counts).toMatchObject({ create: 2, read: 0, delete: 0, replace: 0 });
  });

  test('reports an override that matches nothing as unused, without blocking', () => {
    const result = cli(fixture('create-only'), '--allow', 'aws_db_instance.typo');
    expect(result.code).toBe(0);
    expect(result.out).toContain('warning: --allow aws_db_instance.typo is unused');
  });

  test('an override for another address does not unblock, and is reported unused', () => {
    const result = cli(fixture('replace-prod-database'), `--allow=${PROD_DB}x`);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`--allow ${PROD_DB}x is unused`);
  });
});

describe('plan guard rules', () => {
  test('create_before_destroy replacement counts as a replacement', () => {
    const verdict = guardPlan(
      plan(
        change('aws_elasticache_replication_group.cache', ['create', 'delete'], {
          replace_paths: [['at_rest_encryption_enabled']],
        }),
      ),
    );
    expect(verdict.findings[0]).toMatchObject({ kind: 'replace', decision: 'blocked' });
  });

  test('replacing or deleting a stateless resource is not the guard’s business', () => {
    const verdict = guardPlan(
      plan(
        change('aws_security_group.db', ['delete', 'create']),
        change('aws_iam_role.app', ['delete']),
      ),
    );
    expect(verdict).toMatchObject({ blocked: false, findings: [] });
    expect(verdict.counts).toMatchObject({ replace: 1, delete: 1 });
  });

  test('every address is judged on its own: one allowed, one blocked', () => {
    const verdict = guardPlan(
      plan(
        change('module.a.aws_s3_bucket.state', ['delete']),
        change('aws_dynamodb_table.lock', ['delete']),
        change('aws_cloudwatch_log_group.audit["api"]', ['delete'], {
          action_reason: 'delete_because_each_key',
        }),
      ),
      { allow: ['module.a.aws_s3_bucket.state'] },
    );
    expect(verdict.findings.map((f) => [f.address, f.decision])).toEqual([
      ['module.a.aws_s3_bucket.state', 'allowed'],
      ['aws_dynamodb_table.lock', 'blocked'],
      ['aws_cloudwatch_log_group.audit["api"]', 'blocked'],
    ]);
    expect(verdict.findings[2].reason).toBe('deleted; its for_each key is no longer in the map');
    expect(formatVerdict(verdict)).toContain('(2 stateful resources would lose data)');
  });

  test('names tainted and requested replacements, and deposed objects', () => {
    const verdict = guardPlan(
      plan(
        change('aws_db_instance.a', ['delete', 'create'], {
          action_reason: 'replace_because_tainted',
        }),
        change('aws_db_instance.b', ['delete'], { deposed: '00000001' }),
        change('aws_db_instance.c', ['delete', 'create'], { action_reason: 'some_future_reason' }),
      ),
    );
    expect(verdict.findings.map((f) => f.reason)).toEqual([
      'replaced; the object is tainted',
      'deleted; deposed object 00000001',
      'replaced; some_future_reason',
    ]);
  });

  test('never prints sensitive values; shows unknown, missing and long values plainly', () => {
    const rc = change('aws_secretsmanager_secret.db', ['delete', 'create'], {
      replace_paths: [['name'], ['kms_key_id'], ['tags', 'Secret'], ['description'], ['policy']],
    });
    const verdict = guardPlan(
      plan({
        ...rc,
        change: {
          ...rc.change,
          before: {
            name: 'old',
            kms_key_id: 'k1',
            tags: { Secret: 's1' },
            policy: 'x'.repeat(100),
          },
          after: { name: 'new', tags: { Secret: 's2' }, description: 'd' },
          before_sensitive: { tags: true },
          after_sensitive: { tags: { Secret: true } },
          after_unknown: { kms_key_id: true },
        },
      }),
    );
    expect(verdict.findings[0].forcingAttributes).toEqual([
      { path: 'name', before: '"old"', after: '"new"' },
      { path: 'kms_key_id', before: '"k1"', after: '(known after apply)' },
      { path: 'tags.Secret', before: '(sensitive)', after: '(sensitive)' },
      { path: 'description', before: 'null', after: '"d"' },
      { path: 'policy', before: `"${'x'.repeat(58)}…`, after: 'null' },
    ]);
  });

  test('an errored plan is refused: it is incomplete', () => {
    const verdict = guardPlan({ ...plan(), errored: true });
    expect(verdict.blocked).toBe(true);
    const text = formatVerdict(verdict);
    expect(text).toContain('BLOCKED: the plan errored');
    expect(text).toContain('Verdict: BLOCKED.');
    expect(text).not.toContain('--allow');
  });

  test('a plan without resource_changes has nothing to block; forget is counted', () => {
    expect(guardPlan({ format_version: '1.2' }).blocked).toBe(false);
    const verdict = guardPlan(plan(change('aws_db_instance.old', ['forget'])));
    expect(verdict.blocked).toBe(false);
    expect(formatVerdict(verdict)).toContain('1 to forget');
  });

  test('a custom stateful table replaces the default', () => {
    const verdict = guardPlan(plan(change('aws_sqs_queue.jobs', ['delete'])), {
      statefulTypes: { aws_sqs_queue: 'queue' },
    });
    expect(verdict.findings[0]).toMatchObject({ holds: 'queue', decision: 'blocked' });
  });

  test('isStateful covers the platform’s stores and nothing inherited', () => {
    for (const type of [
      'aws_db_instance',
      'aws_rds_cluster',
      'aws_elasticache_replication_group',
      'aws_elasticache_cluster',
      'aws_kms_key',
      'aws_secretsmanager_secret',
      'aws_s3_bucket',
      'aws_dynamodb_table',
      'aws_cloudwatch_log_group',
      'aws_db_snapshot',
    ]) {
      expect(isStateful(type)).toBe(true);
    }
    expect(isStateful('aws_security_group')).toBe(false);
    expect(isStateful('toString')).toBe(false);
    expect(Object.keys(STATEFUL_RESOURCE_TYPES).length).toBeGreaterThanOrEqual(10);
  });
});

describe('plan guard CLI arguments', () => {
  test('parses a plan path and repeated overrides', () => {
    expect(parseGuardArgs(['p.json', '--allow', 'a.b', '--allow=c.d'])).toEqual({
      planPath: 'p.json',
      allow: ['a.b', 'c.d'],
    });
  });

  test.each([
    [[], 'expected exactly one plan JSON file, got 0'],
    [['a.json', 'b.json'], 'expected exactly one plan JSON file, got 2'],
    [['p.json', '--allow'], '--allow needs a resource address'],
    [['p.json', '--allow', '--strict'], '--allow needs a resource address'],
    [['p.json', '--force'], 'unknown option --force'],
  ])('rejects %j with the usage', (argv, message) => {
    const result = cli(...argv);
    expect(result.code).toBe(2);
    expect(result.err).toContain(message);
    expect(result.err).toContain('usage: npm run plan:guard');
  });

  test('prints to the console by default', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(runPlanGuardCli([fixture('create-only')])).toBe(0);
      expect(runPlanGuardCli([])).toBe(2);
      expect(log).toHaveBeenCalledWith(expect.stringContaining('Verdict: OK'));
      expect(error).toHaveBeenCalledWith(expect.stringContaining('usage'));
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });

  test('exits 2 naming the file when it cannot be read or is not plan JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-guard-'));
    const binary = join(dir, 'tfplan');
    writeFileSync(binary, 'PK\u0003\u0004binary');
    expect(cli(join(dir, 'missing.json')).err).toContain('missing.json: cannot read the file');
    expect(cli(binary).err).toContain('not JSON');
    expect(cli(binary).err).toContain('not the binary plan file');
  });
});

describe('plan JSON helpers', () => {
  test.each<[PlanAction[], string]>([
    [['create'], 'create'],
    [['update'], 'update'],
    [['delete', 'create'], 'replace'],
    [['create', 'delete'], 'replace'],
    [['delete'], 'delete'],
    [['read'], 'read'],
    [['forget'], 'forget'],
    [['no-op'], 'no-op'],
  ])('classifyChange(%j) is %s', (actions, kind) => {
    expect(classifyChange(actions)).toBe(kind);
  });

  test('parsePlan rejects what is not plan JSON 1.x, saying why', () => {
    expect(() => parsePlan([])).toThrow('expected a JSON object');
    expect(() => parsePlan({ format_version: '0.2' })).toThrow('format_version "0.2" is not');
    expect(() => parsePlan({ format_version: '1.2', resource_changes: {} })).toThrow(
      'resource_changes must be an array',
    );
    expect(() => parsePlan({ format_version: '1.2', resource_changes: [{ type: 'x' }] })).toThrow(
      'resource_changes[0] has no address or type',
    );
    expect(() =>
      parsePlan({
        format_version: '1.2',
        resource_changes: [{ address: 'a.b', type: 'a', change: { actions: ['destroy'] } }],
      }),
    ).toThrow('(a.b) has change.actions ["destroy"]');
    expect(() =>
      parsePlan({ format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a' }] }),
    ).toThrow(PlanFormatError);
  });

  test('destroysObject is true for deletes and replacements only', () => {
    expect(destroysObject(['delete', 'create'])).toBe(true);
    expect(destroysObject(['delete'])).toBe(true);
    expect(destroysObject(['update'])).toBe(false);
  });

  test('readPlanFile returns the parsed plan', () => {
    expect(readPlanFile(fixture('delete-kms-key')).terraform_version).toBe('1.11.4');
  });

  test('paths, values and masks', () => {
    expect(formatPath(['ingress', 0, 'cidr_blocks'])).toBe('ingress[0].cidr_blocks');
    expect(formatPath([])).toBe('');
    expect(valueAtPath({ a: [{ b: 1 }] }, ['a', 0, 'b'])).toBe(1);
    expect(valueAtPath({ a: 'text' }, ['a', 'b'])).toBeUndefined();
    expect(maskCovers(true, ['a'])).toBe(true);
    expect(maskCovers({ a: [false, true] }, ['a', 1])).toBe(true);
    expect(maskCovers({ a: [false, true] }, ['a', 0])).toBe(false);
    expect(maskCovers(false, ['a'])).toBe(false);
    expect(maskCovers({}, ['a', 'b'])).toBe(false);
    expect(describeActionReason(undefined)).toBeUndefined();
  });

  test('table pads columns and keeps multi-line cells aligned', () => {
    expect(table(['A', 'B'], [['xx', 'one\ntwo']])).toBe('A   B\n--  ---\nxx  one\n    two');
  });
});
