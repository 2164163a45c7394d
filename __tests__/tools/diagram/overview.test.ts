import {
  boxLabel,
  buildOverview,
  countOf,
  DiagramEdge,
  groupComponents,
  liftEdges,
  OVERVIEW_FONT_SIZE,
  overviewDot,
  OverviewBox,
  resourcesOf,
  titleOf,
  trafficByCarrier,
  layersOf,
} from '../../../tools/diagram';
import { BASELINE, PLATFORM, STATE, threeStacksModel } from './three-stacks';

const P = `c_${PLATFORM}`;
const B = `c_${BASELINE}_baseline`;

function overview() {
  return buildOverview(threeStacksModel());
}

function box(id: string): OverviewBox {
  const found = overview().boxes.find((b) => b.id === id);
  expect(found).toBeDefined();
  return found!;
}

describe('countOf', () => {
  test.each([
    ['NAT gateway', 1, 'NAT gateway'],
    ['log group', 1, 'Log group'],
    ['NAT gateway', 3, '3 NAT gateways'],
    ['IAM policy', 2, '2 IAM policies'],
    ['KMS key', 2, '2 KMS keys'],
    ['KMS alias', 2, '2 KMS aliases'],
    ['Config recorder status', 2, '2 Config recorder statuses'],
    ['Elastic IP', 3, '3 Elastic IPs'],
  ])('%s × %i is "%s"', (title, count, expected) => {
    expect(countOf(title, count)).toBe(expected);
  });
});

describe('buildOverview boxes', () => {
  test('one box per construct of a tier, its resources counted by title, quiet ones as "+ n more"', () => {
    expect(box(`${P}_public_network`)).toEqual({
      id: `${P}_public_network`,
      stack: PLATFORM,
      tier: 'public',
      title: 'network',
      items: ['3 NAT gateways', '3 public subnets', 'VPC'],
      // The three Elastic IPs of the NAT gateways.
      more: 3,
    });
    expect(box(`${P}_data_database`)).toMatchObject({
      items: ['RDS PostgreSQL'],
      // Its security group and subnet group.
      more: 2,
    });
  });

  test('the keys and roles, logs and alarms are one box per stack, naming everything', () => {
    expect(box(`${P}_security`)).toMatchObject({
      title: 'Security & keys',
      items: ['IAM role', 'KMS key'],
      more: 0,
    });
    expect(box(`${P}_observability`)).toMatchObject({
      title: 'Observability',
      items: ['2 CloudWatch alarms', '2 log groups'],
      more: 0,
    });
  });

  test('the WAF has a box of its own beside its construct; the REST API lists its routes', () => {
    expect(box(`${P}_edge_api_aws_wafv2_web_acl`)).toMatchObject({
      title: 'api',
      items: ['WAF web ACL'],
    });
    expect(box(`${P}_edge_api`)).toMatchObject({
      title: 'api',
      items: ['API Gateway REST API', 'GET /ready'],
    });
  });

  test("a security group joins what it guards: the application security group is the function's", () => {
    expect(box(`${P}_application_readiness`)).toMatchObject({
      items: ['Lambda function'],
      more: 1,
    });
    const components = groupComponents(threeStacksModel());
    expect(
      components.list.find((c) => c.id === `${P}_application_readiness`)!.nodes.map((n) => n.type),
    ).toEqual(['aws_security_group', 'aws_lambda_function']);
    expect(
      components.list.some(
        (c) =>
          c.id === `${P}_application_network` &&
          c.nodes.some((n) => n.type === 'aws_security_group'),
      ),
    ).toBe(false);
  });

  test('a root resource joins the one construct that uses it; one used by two stays a box of its own', () => {
    // config-role: used by the recorder (config); the audit bucket policy only grants it access.
    expect(box(`${B}_config`)).toMatchObject({ items: ['Config recorder'], more: 1 });
    // shared-role: used by audit and guardduty. A box of quiet resources alone names them.
    expect(box(B)).toEqual({
      id: B,
      stack: BASELINE,
      tier: 'baseline',
      title: '',
      items: ['IAM role'],
      more: 0,
    });
    expect(box(`${B}_backup`)).toMatchObject({ items: ['Backup selection'], more: 0 });
    expect(box(`c_${STATE}_state`)).toMatchObject({
      title: '',
      items: ['DynamoDB table', 'S3 bucket'],
    });
  });

  test('every resource of the stacks is in exactly one box', () => {
    const model = threeStacksModel();
    const { list } = groupComponents(model);
    const members = list.flatMap((c) => c.nodes.flatMap((n) => n.members)).sort();
    expect(members).toEqual(model.nodes.flatMap((n) => n.members).sort());
    expect(new Set(members).size).toBe(members.length);
  });
});

describe('buildOverview edges', () => {
  test('the request path: internet → WAF → API ↔ function → database (port), down to the subnets', () => {
    const o = overview();
    expect(o.entries).toEqual([`${P}_edge_api_aws_wafv2_web_acl`]);
    expect(o.edges).toEqual([
      { from: `${B}_audit`, to: B, kind: 'reference' },
      { from: `${B}_audit`, to: `${B}_config`, kind: 'reference', both: true },
      { from: `${B}_guardduty`, to: B, kind: 'reference' },
      { from: `${P}_application_network`, to: `${P}_public_network`, kind: 'reference' },
      { from: `${P}_application_readiness`, to: `${P}_application_network`, kind: 'reference' },
      // The function's DB_HOST reference is left out beside the traffic the rule allows.
      {
        from: `${P}_application_readiness`,
        to: `${P}_data_database`,
        label: '5432',
        kind: 'traffic',
      },
      { from: `${P}_application_readiness`, to: `${P}_edge_api`, kind: 'reference', both: true },
      { from: `${P}_data_database`, to: `${P}_data_network`, kind: 'reference' },
      { from: `${P}_data_network`, to: `${P}_public_network`, kind: 'reference' },
      { from: `${P}_edge_api_aws_wafv2_web_acl`, to: `${P}_edge_api`, kind: 'reference' },
    ]);
  });

  test('leaves out the edges to the keys and to the logs (every tier has them)', () => {
    const o = overview();
    const summary = [`${P}_security`, `${P}_observability`];
    expect(o.edges.filter((e) => summary.includes(e.from) || summary.includes(e.to))).toEqual([]);
  });
});

describe('trafficByCarrier', () => {
  const node = (id: string, type: string) => ({
    id,
    tier: 'data' as const,
    stack: 'S',
    construct: '',
    type,
    title: id,
    count: 1,
    label: [id],
    members: [`S:${id}`],
  });

  test('traffic of a security group two functions carry is drawn from both, to what carries the target group', () => {
    const model = {
      nodes: [
        node('app_sg', 'aws_security_group'),
        node('db_sg', 'aws_security_group'),
        node('orphan_sg', 'aws_security_group'),
        node('f1', 'aws_lambda_function'),
        node('f2', 'aws_lambda_function'),
        node('db', 'aws_db_instance'),
        node('bucket', 'aws_s3_bucket'),
      ],
      edges: [
        { from: 'f1', to: 'app_sg', kind: 'reference' as const },
        { from: 'f2', to: 'app_sg', kind: 'reference' as const },
        { from: 'db', to: 'db_sg', kind: 'reference' as const },
        // A grant both ways does not make the bucket a carrier.
        { from: 'bucket', to: 'orphan_sg', kind: 'reference' as const, both: true },
        { from: 'app_sg', to: 'db_sg', kind: 'traffic' as const, label: '5432' },
        { from: 'orphan_sg', to: 'db_sg', kind: 'traffic' as const, label: '22' },
      ],
    };
    expect(trafficByCarrier(model).filter((e) => e.kind === 'traffic')).toEqual([
      { from: 'f1', to: 'db', kind: 'traffic', label: '5432' },
      { from: 'f2', to: 'db', kind: 'traffic', label: '5432' },
      { from: 'orphan_sg', to: 'db', kind: 'traffic', label: '22' },
    ]);
    expect(trafficByCarrier(model).filter((e) => e.kind === 'reference')).toEqual(
      model.edges.filter((e) => e.kind === 'reference'),
    );
  });
});

describe('titleOf a type without a title of its own', () => {
  test.each([
    ['aws_ecr_repository_by_region', 'ECR repository by region'],
    ['aws_cloudwatch_log_thing', 'cloudwatch log thing'],
    ['aws_db_proxy', 'DB proxy'],
  ])('%s is "%s"', (type, title) => {
    expect(titleOf(resourcesOf('S', { resource: { [type]: { x: {} } } })[0])).toBe(title);
  });
});

describe('liftEdges', () => {
  const lift = (edges: DiagramEdge[], map: Record<string, string | undefined>) =>
    liftEdges(edges, (id) => map[id]);

  test('merges ports of traffic between the same two, drops a reference beside traffic either way', () => {
    expect(
      lift(
        [
          { from: 'a1', to: 'b1', kind: 'traffic', label: '443' },
          { from: 'a2', to: 'b1', kind: 'traffic', label: '80' },
          { from: 'b1', to: 'a1', kind: 'reference' },
          { from: 'a1', to: 'b1', kind: 'reference' },
        ],
        { a1: 'A', a2: 'A', b1: 'B' },
      ),
    ).toEqual([{ from: 'A', to: 'B', kind: 'traffic', label: '80, 443' }]);
  });

  test('references both ways become one two-headed edge, also from an edge that already was', () => {
    expect(
      lift(
        [
          { from: 'a1', to: 'b1', kind: 'reference', both: true },
          { from: 'c1', to: 'a1', kind: 'reference' },
        ],
        { a1: 'A', b1: 'B', c1: 'C' },
      ),
    ).toEqual([
      { from: 'A', to: 'B', kind: 'reference', both: true },
      { from: 'C', to: 'A', kind: 'reference' },
    ]);
  });

  test('leaves out an edge with an end that stands for nothing, and one inside a box', () => {
    expect(
      lift(
        [
          { from: 'a1', to: 'x', kind: 'reference' },
          { from: 'a1', to: 'a2', kind: 'reference' },
        ],
        { a1: 'A', a2: 'A' },
      ),
    ).toEqual([]);
  });
});

describe('layersOf', () => {
  const boxes = (tier: OverviewBox['tier'], n: number): OverviewBox[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `${tier}${i}`,
      stack: 'S',
      tier,
      title: '',
      items: [],
      more: 0,
    }));

  test('the internet first, the request path to the data, the keys and logs last; the state backend with the internet', () => {
    const layers = layersOf([
      ...boxes('edge', 1),
      ...boxes('public', 1),
      ...boxes('application', 1),
      ...boxes('data', 1),
      ...boxes('security', 1),
      ...boxes('observability', 1),
      ...boxes('state', 1),
    ]);
    expect(Object.fromEntries(layers)).toEqual({
      edge0: 1,
      public0: 2,
      application0: 3,
      data0: 4,
      security0: 5,
      observability0: 5,
      state0: 0,
    });
  });

  test.each([
    [1, [1]],
    [5, [1, 2, 3, 4, 5]],
    [6, [1, 1, 2, 3, 4, 5]],
    [10, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]],
  ])('spreads %i baseline boxes evenly over layers 1 to 5', (n, expected) => {
    expect([...layersOf(boxes('baseline', n)).values()]).toEqual(expected);
  });
});

describe('overviewDot', () => {
  test('a cluster per stack; tier clusters on the request path; the internet enters at the WAF', () => {
    const dot = overviewDot(overview());
    expect(dot).toContain(`label="Platform (${PLATFORM}: one per environment)"`);
    expect(dot).toContain(`label="Terraform state backend (${STATE})"`);
    expect(dot).toContain(
      'label="Account baseline (TapAccountBaseline: once per account and region)"',
    );
    expect(dot).toMatch(
      new RegExp(`subgraph cluster_${PLATFORM}_data \\{[^}]*${P}_data_database \\[`),
    );
    // Summary boxes sit in the stack's cluster, not in a tier cluster of their own.
    expect(dot).not.toContain(`cluster_${PLATFORM}_security`);
    expect(dot).toContain(
      `  internet -> ${P}_edge_api_aws_wafv2_web_acl [color="#4A78C2", penwidth=1.8];`,
    );
    expect(dot).toContain(
      `  ${P}_application_readiness -> ${P}_data_database [constraint=false, color="#C0392B", penwidth=1.8, fontcolor="#C0392B", label="5432"];`,
    );
    // The API is a layer before the function that references it: laid out reversed, both heads.
    expect(dot).toContain(
      `  ${P}_edge_api -> ${P}_application_readiness [constraint=false, dir=both];`,
    );
    // The private subnets reference the VPC a layer before: laid out reversed, drawn backwards.
    expect(dot).toContain(
      `  ${P}_public_network -> ${P}_application_network [constraint=false, dir=back];`,
    );
  });

  test(`no text is smaller than ${OVERVIEW_FONT_SIZE} points`, () => {
    const dot = overviewDot(overview());
    const sizes = [...dot.matchAll(/(?:fontsize=|POINT-SIZE=")(\d+)/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(4);
    expect(Math.min(...sizes)).toBe(OVERVIEW_FONT_SIZE);
  });

  test('traffic a rule allows on no particular port is drawn red without a label', () => {
    const o = overview();
    const dot = overviewDot({
      ...o,
      edges: [{ from: `${P}_application_readiness`, to: `${P}_data_database`, kind: 'traffic' }],
    });
    expect(dot).toContain(
      `  ${P}_application_readiness -> ${P}_data_database [constraint=false, color="#C0392B", penwidth=1.8, fontcolor="#C0392B"];`,
    );
  });

  test('without an edge tier there is no internet to draw', () => {
    const o = overview();
    const dot = overviewDot({ ...o, entries: [] });
    expect(dot).not.toContain('internet');
  });
});

describe('boxLabel', () => {
  test('title in the tier colour, a line per item, HTML escaped, "+ n more" in grey', () => {
    expect(
      boxLabel({
        id: 'x',
        stack: 'S',
        tier: 'data',
        title: 'a & b',
        items: ['RDS <PostgreSQL>', '2 KMS keys'],
        more: 2,
      }),
    ).toBe(
      '<<FONT COLOR="#B94A48"><B>a &amp; b</B></FONT><BR/>RDS &lt;PostgreSQL&gt;<BR/>2 KMS keys<BR/><FONT COLOR="#666666"><I>+ 2 more</I></FONT>>',
    );
  });

  test('a box without a title or quiet resources is its items alone', () => {
    expect(
      boxLabel({ id: 'x', stack: 'S', tier: 'state', title: '', items: ['S3 bucket'], more: 0 }),
    ).toBe('<S3 bucket>');
  });
});
