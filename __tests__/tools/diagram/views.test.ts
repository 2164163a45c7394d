import {
  DiagramModel,
  DiagramNode,
  detailFile,
  detailViews,
  drawDiagrams,
  svgSize,
  tierView,
  toDot,
} from '../../../tools/diagram';
import { PLATFORM, threeStacksModel } from './three-stacks';

const P = `c_${PLATFORM}`;

describe('detailViews', () => {
  test('one view per tier that has boxes, in the order of the tiers', () => {
    expect(detailViews(threeStacksModel()).map((v) => v.tier)).toEqual([
      'edge',
      'public',
      'application',
      'data',
      'security',
      'observability',
      'state',
      'baseline',
    ]);
    expect(detailFile('data')).toBe('architecture-data.svg');
  });
});

describe('tierView', () => {
  test('the tier in full, the other tiers it connects to as grey context boxes', () => {
    const view = tierView(threeStacksModel(), 'data');
    const own = view.nodes.filter((n) => !n.context);
    expect(own.map((n) => n.type).sort()).toEqual([
      'aws_db_instance',
      'aws_db_subnet_group',
      'aws_security_group',
      'aws_subnet',
    ]);
    expect(own.every((n) => n.tier === 'data')).toBe(true);
    const context = view.nodes.filter((n) => n.context);
    expect(context.map((n) => [n.id, n.label])).toEqual([
      // The function (with its security group) that sends traffic to the database.
      [`${P}_application_readiness`, ['readiness', 'Lambda function', '+ 1 more']],
      [`${P}_public_network`, ['network', '3 NAT gateways', '3 public subnets', 'VPC', '+ 3 more']],
      // A summary box: its cluster names the tier, so the label does not.
      [`${P}_security`, ['IAM role', 'KMS key']],
    ]);
    expect(context.find((n) => n.id === `${P}_public_network`)).toMatchObject({
      tier: 'public',
      construct: '',
      type: 'component',
      title: 'network',
      // 3 NAT gateways, 3 public subnets, the VPC and 3 Elastic IPs.
      count: 10,
    });
  });

  test('edges into the tier come from the context boxes, ports kept; edges between two context boxes are left out', () => {
    const model = threeStacksModel();
    const view = tierView(model, 'data');
    const db = model.nodes.find((n) => n.type === 'aws_db_instance')!.id;
    const dbGroup = model.nodes.find(
      (n) => n.type === 'aws_security_group' && n.tier === 'data',
    )!.id;
    expect(view.edges).toContainEqual({
      from: `${P}_application_readiness`,
      to: dbGroup,
      label: '5432',
      kind: 'traffic',
    });
    // The function's DB_HOST reference to the instance stays: the traffic goes to the group.
    expect(view.edges).toContainEqual({
      from: `${P}_application_readiness`,
      to: db,
      kind: 'reference',
    });
    expect(view.edges).toContainEqual({ from: db, to: `${P}_security`, kind: 'reference' });
    const contextIds = new Set(view.nodes.filter((n) => n.context).map((n) => n.id));
    expect(view.edges.filter((e) => contextIds.has(e.from) && contextIds.has(e.to))).toEqual([]);
  });

  test('toDot draws context boxes grey and dashed and says so in the legend', () => {
    const dot = toDot(tierView(threeStacksModel(), 'data'));
    expect(dot).toContain(
      `${P}_security [label="IAM role\\nKMS key", style="rounded,filled,dashed", fillcolor="#F4F4F5", color="#9CA3AF", fontcolor="#52525B"];`,
    );
    expect(dot).toContain('Grey boxes: the other tiers this one connects to, as in the overview.');
    expect(toDot(threeStacksModel())).not.toContain('Grey boxes');
  });
});

/** `n` boxes of the data tier, side by side, or one under the other when chained. */
function dataTier(n: number, chained: boolean): DiagramModel {
  const node = (i: number): DiagramNode => ({
    id: `n${i}`,
    tier: 'data',
    stack: 'S',
    construct: '',
    type: 'aws_x',
    title: 'x',
    count: 1,
    label: [`a box with a long label ${i}`],
    members: [`S:aws_x.n${i}`],
  });
  const nodes = Array.from({ length: n }, (_, i) => node(i));
  const edges = chained
    ? nodes.slice(1).map((b, i) => ({ from: nodes[i].id, to: b.id, kind: 'reference' as const }))
    : [];
  return { nodes, edges };
}

describe('drawDiagrams', () => {
  test('the overview first, then one picture per tier; each file its DOT and SVG', async () => {
    // (main.test.ts draws the app's own stacks: the overview and eight tiers.)
    const files = await drawDiagrams(dataTier(3, true));
    expect(files.map((f) => f.name)).toEqual(['architecture.svg', 'architecture-data.svg']);
    expect(files[0].dot).toMatch(/^digraph overview \{/);
    expect(files[0].svg).toContain('<title>overview</title>');
    expect(files[1].dot).toContain(
      'label=<Healthcare API platform, detail: Data (isolated subnets)<BR/>',
    );
    expect(files[1].svg).toContain('<title>architecture</title>');
  });

  test('a view more than twice as wide as high is laid out left to right when that is less elongated', async () => {
    const [, tall] = await drawDiagrams(dataTier(3, true));
    expect(tall.dot).toContain('rankdir=TB');
    // One box under a title wider than twice its height: left to right would be no better.
    const [, single] = await drawDiagrams(dataTier(1, false));
    expect(single.dot).toContain('rankdir=TB');
    expect(svgSize(single.svg).width).toBeGreaterThan(2 * svgSize(single.svg).height);
    const [, wide] = await drawDiagrams(dataTier(12, false));
    expect(wide.dot).toContain('rankdir=LR');
    const { width, height } = svgSize(wide.svg);
    expect(width).toBeLessThan(2 * height);
  });
});
