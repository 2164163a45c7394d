import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  deferredMajorUpgrades,
  guardPlan,
  guardPlanFile,
  parsePlan,
  postgresMajor,
  TerraformPlan,
} from '../../../tools/review';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'plans', 'major-upgrade-deferred.json');
const DB = 'aws_db_instance.database_instance_2C8A6E0F';
const PG = 'aws_db_parameter_group.database_parameter-group_5F1D2C3B';

/** The fixture (16 → 17, apply_immediately = false), changed by `edit`. */
function plan(edit: (changes: Record<string, Json>) => void = () => undefined): TerraformPlan {
  const raw = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;
  const byAddress = Object.fromEntries(raw.resource_changes.map((rc: Json) => [rc.address, rc]));
  edit(byAddress);
  return parsePlan(raw, 'fixture');
}
const versions = (changes: Record<string, Json>, from: string, to: string) => {
  changes[DB].change.before.engine_version_actual = from;
  changes[DB].change.after.engine_version = to;
};
/** The same parameter group family before and after: no group replacement in the plan. */
const sameFamily = (changes: Record<string, Json>) => {
  changes[PG].change.after.family = changes[PG].change.before.family;
};

const MESSAGE = (what: string) =>
  `${DB}: PostgreSQL major version upgrade (${what}) with apply_immediately = false: RDS defers it to the maintenance window, the instance keeps its old parameter group, so Terraform's deletion of that group fails (still in use) and every plan until the window shows the upgrade again. Plan it with DB_APPLY_IMMEDIATELY=true for this deploy (apply_immediately = true), run in a window you choose, then unset it (docs/database-upgrades.md)`;

describe('postgresMajor', () => {
  it.each([
    ['16', '16'],
    ['16.4', '16'],
    ['17.2', '17'],
    ['9.6.24', '9.6'],
    ['10.21', '10'],
  ])('%s is major %s', (version, major) => expect(postgresMajor(version)).toBe(major));
});

describe('plan guard: PostgreSQL major upgrade deferred to the maintenance window', () => {
  it('blocks the fixture (16.4 → 17, postgres16 → postgres17, apply_immediately = false) naming the address and the fix', () => {
    const verdict = guardPlanFile(FIXTURE);
    expect(verdict.blocked).toBe(true);
    expect(verdict.problems).toEqual([
      MESSAGE('engine_version 16.4 → 17, parameter group family postgres16 → postgres17'),
    ]);
  });

  it('passes the same upgrade with apply_immediately = true', () => {
    const verdict = guardPlan(plan((c) => (c[DB].change.after.apply_immediately = true)));
    expect(verdict.problems).toEqual([]);
    expect(verdict.blocked).toBe(false);
  });

  it('passes a minor change (16.3 → 16.4) with apply_immediately = false', () => {
    const p = plan((c) => {
      versions(c, '16.3', '16.4');
      sameFamily(c);
    });
    expect(deferredMajorUpgrades(p)).toEqual([]);
    expect(guardPlan(p).blocked).toBe(false);
  });

  it('passes an unchanged major given as the major only (16.4 before, "16" after)', () => {
    const p = plan((c) => {
      versions(c, '16.4', '16');
      sameFamily(c);
    });
    expect(deferredMajorUpgrades(p)).toEqual([]);
  });

  it('blocks the next major (16.4 → 17) even without a parameter group in the plan', () => {
    const p = plan((c) => {
      versions(c, '16.4', '17');
      sameFamily(c);
    });
    expect(deferredMajorUpgrades(p)).toEqual([MESSAGE('engine_version 16.4 → 17')]);
  });

  it('blocks a parameter group family change alone (the instance version not yet changed)', () => {
    const p = plan((c) => versions(c, '16.4', '16'));
    expect(deferredMajorUpgrades(p)).toEqual([
      MESSAGE('parameter group family postgres16 → postgres17'),
    ]);
  });

  it('reads a family change made by a new group and a deleted one at different addresses', () => {
    const raw = JSON.parse(JSON.stringify(plan((c) => versions(c, '16.4', '16')))) as Json;
    const old = raw.resource_changes.find((rc: Json) => rc.address === PG);
    old.change = { actions: ['delete'], before: old.change.before, after: null };
    raw.resource_changes.push({
      address: 'aws_db_parameter_group.new',
      mode: 'managed',
      type: 'aws_db_parameter_group',
      name: 'new',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['create'], before: null, after: { family: 'postgres17' } },
    });
    expect(deferredMajorUpgrades(parsePlan(raw, 'edited'))).toEqual([
      MESSAGE('parameter group family postgres16 → postgres17'),
    ]);
  });

  it('leaves a first deploy (the instance created) and other engines alone', () => {
    const created = plan((c) => {
      c[DB].change.actions = ['create'];
      c[DB].change.before = null;
    });
    expect(deferredMajorUpgrades(created)).toEqual([]);
    const mysql = plan((c) => {
      sameFamily(c);
      c[DB].change.before.engine = 'mysql';
      c[DB].change.after.engine = 'mysql';
      versions(c, '8.0.39', '8.4.3');
    });
    expect(deferredMajorUpgrades(mysql)).toEqual([]);
  });

  it('cannot be overridden with --allow: the address is not a data-loss finding', () => {
    const verdict = guardPlanFile(FIXTURE, { allow: [DB] });
    expect(verdict.blocked).toBe(true);
    expect(verdict.unusedAllows).toEqual([DB]);
  });
});
