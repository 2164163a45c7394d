import {
  classifyPlan,
  changedAttributes,
  EMULATOR_DRIFT_ALLOW_LIST,
  formatVerdict,
} from '../../../tools/e2e/drift';

describe('drift allow-list', () => {
  const update = (
    type: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
    actions = ['update'],
  ) => ({
    address: `${type}.x`,
    type,
    change: { actions, before, after, after_unknown: {} },
  });

  it('ignores no-op and read entries', () => {
    const verdict = classifyPlan({
      resource_changes: [update('aws_vpc', {}, {}, ['no-op']), update('aws_x', {}, {}, ['read'])],
    });
    expect(verdict).toEqual({ allowed: [], refused: [], outputChanges: [] });
  });

  it('allows an in-place update of an allow-listed attribute, with its reason', () => {
    const verdict = classifyPlan({
      resource_changes: [
        update(
          'aws_db_instance',
          { performance_insights_enabled: false, tags: {} },
          { performance_insights_enabled: true, tags: null },
        ),
      ],
    });
    expect(verdict.refused).toEqual([]);
    expect(verdict.allowed).toHaveLength(1);
    expect(verdict.allowed[0].attributes).toEqual(['performance_insights_enabled']);
    expect(verdict.allowed[0].reason).toMatch(/Performance Insights/);
  });

  it('refuses an update that also changes an attribute not on the list', () => {
    const verdict = classifyPlan({
      resource_changes: [
        update(
          'aws_db_instance',
          { performance_insights_enabled: false, storage_encrypted: false },
          { performance_insights_enabled: true, storage_encrypted: true },
        ),
      ],
    });
    expect(verdict.allowed).toEqual([]);
    expect(verdict.refused[0].why).toMatch(/storage_encrypted, not on the emulator allow-list/);
  });

  it('refuses replacements, creates and deletes even of allow-listed types', () => {
    const verdict = classifyPlan({
      resource_changes: [
        update('aws_db_parameter_group', { parameter: [] }, { parameter: [{ name: 'x' }] }, [
          'delete',
          'create',
        ]),
        update('aws_vpc', {}, { cidr_block: '10.0.0.0/16' }, ['create']),
      ],
    });
    expect(verdict.refused.map((r) => r.why)).toEqual([
      'delete+create is never an emulator gap',
      'create is never an emulator gap',
    ]);
  });

  it('refuses an update with no visible difference, and any output change', () => {
    const verdict = classifyPlan({
      resource_changes: [update('aws_db_instance', { a: 1 }, { a: 1 })],
      output_changes: { vpc_id: { actions: ['update'] }, kept: { actions: ['no-op'] } },
    });
    expect(verdict.refused[0].why).toBe('update with no visible attribute difference');
    expect(verdict.outputChanges).toEqual(['vpc_id (update)']);
    expect(formatVerdict('S', verdict)).toEqual([
      '  S: REFUSED aws_db_instance.x update []: update with no visible attribute difference',
      '  S: REFUSED output change vpc_id (update)',
    ]);
  });

  it('counts attributes that become unknown as changed, and treats null, [] and {} alike', () => {
    expect(
      changedAttributes({
        actions: ['update'],
        before: { a: [], b: { c: null }, d: 1 },
        after: { a: null, b: {}, d: 1 },
        after_unknown: { e: true, f: [false, { g: true }] },
      }),
    ).toEqual(['e', 'f']);
  });

  it('gives every allowance a reason', () => {
    for (const a of EMULATOR_DRIFT_ALLOW_LIST) expect(a.reason.length).toBeGreaterThan(20);
  });
});

describe('drift allowed only while unknown', () => {
  const policyChange = (after: Record<string, unknown>, afterUnknown: Record<string, unknown>) => ({
    resource_changes: [
      {
        address: 'aws_iam_role_policy.p',
        type: 'aws_iam_role_policy',
        change: {
          actions: ['update'],
          before: { policy: '{"a":1}' },
          after,
          after_unknown: afterUnknown,
        },
      },
    ],
  });

  it('allows a role policy that becomes unknown (its policy document is read at apply)', () => {
    const verdict = classifyPlan(policyChange({}, { policy: true }));
    expect(verdict.refused).toEqual([]);
    expect(verdict.allowed[0].reason).toMatch(/defers that data source to apply/);
  });

  it('refuses a role policy that changes to a different known value', () => {
    const verdict = classifyPlan(policyChange({ policy: '{"a":2}' }, {}));
    expect(verdict.allowed).toEqual([]);
    expect(verdict.refused[0].why).toBe('changes policy, not on the emulator allow-list');
  });
});
