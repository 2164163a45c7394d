import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finder, FinderClients } from '../../../tools/recover/finder';
import { importsJson, IMPORTS_FILE, writeImports } from '../../../tools/recover/imports';
import type { PlanFacts } from '../../../tools/recover/plan-facts';
import { searchOrphans, stackTagsOf } from '../../../tools/recover/search';
import { planned } from './fixtures';

const facts = (over: Partial<PlanFacts>): PlanFacts => ({
  creates: [],
  importing: new Map(),
  stateIds: new Set(),
  typesByRegion: new Map(),
  defaultTags: { Project: 'healthcare-platform', Environment: 'dev', ManagedBy: 'cdktf' },
  tainted: [],
  ...over,
});

function fakeFinder(type: string, listing: Finder['listing'], log: string[], fail = false): Finder {
  return {
    type,
    importFormat: 'id',
    listing,
    plannedKey: (c) => (c.after as { name?: string }).name,
    async find(ctx, creates) {
      log.push(
        `${type} ${ctx.region} [${creates.map((c) => c.address).join(',')}] ${JSON.stringify(ctx.stackTags)}`,
      );
      if (fail) throw new Error('HTTP 500: not implemented\nmore');
      return [
        {
          type,
          region: ctx.region,
          importId: `${type}-1`,
          key: 'k',
          ids: [],
          label: 'l',
          deleteCommand: 'd',
        },
      ];
    },
  };
}

test('stackTagsOf: Project and Environment, or nothing when one is missing', () => {
  expect(stackTagsOf({ Project: 'p', Environment: 'dev', ManagedBy: 'cdktf' })).toEqual({
    Project: 'p',
    Environment: 'dev',
  });
  expect(stackTagsOf({ Project: 'p' })).toEqual({});
});

test('tag-listed types are listed in every region they are configured, with or without planned creates; the others only for known keys', async () => {
  const log: string[] = [];
  const finders: Record<string, Finder> = {
    aws_vpc: fakeFinder('aws_vpc', 'tags', log),
    aws_iam_role: fakeFinder('aws_iam_role', 'names', log),
    aws_route: fakeFinder('aws_route', 'parents', log),
  };
  const result = await searchOrphans(
    facts({
      creates: [
        planned('aws_iam_role.r', { name: 'role-a' }),
        planned('aws_route.r', {}, { name: true }),
      ],
      typesByRegion: new Map([
        [
          'eu-west-1',
          new Set(['aws_vpc', 'aws_iam_role', 'aws_route', 'aws_cloudwatch_metric_alarm']),
        ],
        ['eu-central-1', new Set(['aws_vpc'])],
      ]),
    }),
    () => ({}) as FinderClients,
    (type) => finders[type],
  );
  expect(log).toEqual([
    'aws_vpc eu-central-1 [] {"Project":"healthcare-platform","Environment":"dev"}',
    'aws_iam_role eu-west-1 [aws_iam_role.r] {"Project":"healthcare-platform","Environment":"dev"}',
    'aws_vpc eu-west-1 [] {"Project":"healthcare-platform","Environment":"dev"}',
  ]);
  expect(result.found.map((e) => `${e.type} ${e.region}`)).toEqual([
    'aws_vpc eu-central-1',
    'aws_iam_role eu-west-1',
    'aws_vpc eu-west-1',
  ]);
  expect(result.failed).toEqual([]);
});

test('without the stack tags nothing is listed by tags (it could not tell whose a VPC is)', async () => {
  const log: string[] = [];
  await searchOrphans(
    facts({ defaultTags: {}, typesByRegion: new Map([['eu-west-1', new Set(['aws_vpc'])]]) }),
    () => ({}) as FinderClients,
    () => fakeFinder('aws_vpc', 'tags', log),
  );
  expect(log).toEqual([]);
});

test('a finder the account cannot answer is reported with the first line of its error, and the others still run', async () => {
  const log: string[] = [];
  const result = await searchOrphans(
    facts({ typesByRegion: new Map([['eu-west-1', new Set(['aws_eip', 'aws_vpc'])]]) }),
    () => ({}) as FinderClients,
    (type) => fakeFinder(type, 'tags', log, type === 'aws_eip'),
  );
  expect(result.failed).toEqual([
    { type: 'aws_eip', region: 'eu-west-1', error: 'HTTP 500: not implemented' },
  ]);
  expect(result.found.map((e) => e.type)).toEqual(['aws_vpc']);
});

describe('import blocks', () => {
  test('Terraform 1.5+ JSON, sorted by address', () => {
    expect(
      importsJson([
        { to: 'aws_vpc.b', id: 'vpc-2' },
        { to: 'aws_db_instance.a', id: 'healthcare-db-dev' },
      ]),
    ).toBe(
      '{\n  "import": [\n    {\n      "to": "aws_db_instance.a",\n      "id": "healthcare-db-dev"\n    },\n    {\n      "to": "aws_vpc.b",\n      "id": "vpc-2"\n    }\n  ]\n}\n',
    );
  });

  test('written into the stack folder, removed when there are none', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recover-imports-'));
    const file = writeImports(dir, [{ to: 'aws_vpc.a', id: 'vpc-1' }]);
    expect(file).toBe(path.join(dir, IMPORTS_FILE));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      import: [{ to: 'aws_vpc.a', id: 'vpc-1' }],
    });
    writeImports(dir, []);
    expect(fs.existsSync(file)).toBe(false);
    writeImports(dir, []);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
