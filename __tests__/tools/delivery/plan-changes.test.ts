import { join, resolve } from 'node:path';
import { planChanges } from '../../../tools/delivery';
import { parsePlan, readPlanFile } from '../../../tools/review';

const FIXTURES = resolve(__dirname, '..', '..', 'fixtures', 'plans');

describe('planChanges', () => {
  test('counts each kind of managed change in a fixed order; reads and no-ops are not changes', () => {
    // review-mixed: 2 creates, 4 updates, 1 replacement, 2 deletes, 2 no-ops, 1 read
    expect(planChanges(readPlanFile(join(FIXTURES, 'review-mixed.json')))).toEqual({
      changes: true,
      summary: '2 create, 4 update, 1 replace, 2 delete',
    });
  });

  test('a plan of no-ops and data-source reads changes nothing', () => {
    const plan = parsePlan({
      format_version: '1.2',
      resource_changes: [
        { address: 'aws_vpc.v', mode: 'managed', type: 'aws_vpc', change: { actions: ['no-op'] } },
        {
          address: 'data.aws_region.r',
          mode: 'data',
          type: 'aws_region',
          change: { actions: ['read'] },
        },
      ],
      output_changes: { vpc_id: { actions: ['no-op'], before: 'vpc-1', after: 'vpc-1' } },
    });
    expect(planChanges(plan)).toEqual({ changes: false, summary: 'no changes' });
  });

  test('an output change alone is a change (the apply writes it to the state); forget counts', () => {
    const plan = parsePlan({
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_s3_bucket.b',
          mode: 'managed',
          type: 'aws_s3_bucket',
          change: { actions: ['forget'] },
        },
      ],
      output_changes: {
        a: { actions: ['update'], before: 1, after: 2 },
        b: { actions: ['create'], before: null, after: 3 },
      },
    });
    expect(planChanges(plan)).toEqual({ changes: true, summary: '1 forget, 2 outputs' });
    const one = parsePlan({
      format_version: '1.2',
      output_changes: { a: { actions: ['delete'] } },
    });
    expect(planChanges(one)).toEqual({ changes: true, summary: '1 output' });
  });
});
