import { ConfigError, loadConfig, loadConfigs } from '../../config/config';
import { defaultVpcCidr, HASHED_VPC_POOL } from '../../config/network-settings';
import { parsePerEnvironment } from '../../config/per-environment';
import { contains, parseCidr } from '../../config/cidr';

const load = (env: Record<string, string>) => loadConfig({ env });

function problemsOf(env: Record<string, string>) {
  try {
    loadConfigs({ env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('VPC ranges per environment (issue 24 item 3)', () => {
  it('keeps prod on 10.40.0.0/16 (no replacement of an existing production VPC)', () => {
    const { network } = load({});
    expect(network.vpcCidr).toBe('10.40.0.0/16');
    expect(network.publicSubnetCidrs).toEqual(['10.40.0.0/24', '10.40.1.0/24', '10.40.2.0/24']);
  });

  it('gives dev and staging their own /16s, with the layout carved from them', () => {
    const dev = load({ ENVIRONMENT_SUFFIX: 'dev' }).network;
    expect(dev.vpcCidr).toBe('10.41.0.0/16');
    expect(dev.publicSubnetCidrs).toEqual(['10.41.0.0/24', '10.41.1.0/24']);
    expect(dev.privateSubnetCidrs).toEqual(['10.41.16.0/20', '10.41.32.0/20']);
    expect(dev.isolatedSubnetCidrs).toEqual(['10.41.128.0/24', '10.41.129.0/24']);
    expect(load({ ENVIRONMENT_SUFFIX: 'staging' }).network.vpcCidr).toBe('10.42.0.0/16');
  });

  it('gives any other name a fixed /16 of 10.64.0.0/10 drawn from its name (SHA-256, first byte mod 64)', () => {
    // sha256("qa")[0] = 63 → 10.(64 + 63) = 10.127; sha256("qa-eu")[0] % 64 = 26 → 10.90.
    expect(defaultVpcCidr('qa')).toBe('10.127.0.0/16');
    expect(defaultVpcCidr('qa-eu')).toBe('10.90.0.0/16');
    expect(defaultVpcCidr('qa3')).toBe('10.65.0.0/16');
    const pool = parseCidr(HASHED_VPC_POOL)!;
    for (const name of ['qa', 'qa-eu', 'qa3', 'uat', 'perf', 'sandbox']) {
      expect(contains(pool, parseCidr(defaultVpcCidr(name))!)).toBe(true);
      expect(defaultVpcCidr(name)).toBe(defaultVpcCidr(name));
    }
    expect(load({ ENVIRONMENT_SUFFIX: 'qa' }).network.vpcCidr).toBe('10.127.0.0/16');
  });

  it('synthesizes dev, staging and prod together: three ranges, none overlapping', () => {
    const configs = loadConfigs({ env: { ENVIRONMENT_SUFFIX: 'dev,staging,prod' } });
    expect(configs.map((c) => c.network.vpcCidr)).toEqual([
      '10.41.0.0/16',
      '10.42.0.0/16',
      '10.40.0.0/16',
    ]);
  });

  it('takes <env>=<cidr> pairs: dev keeps its old range, unlisted environments their default', () => {
    const configs = loadConfigs({
      env: { ENVIRONMENT_SUFFIX: 'dev,qa', VPC_CIDR: 'dev=10.40.0.0/16,other=10.99.0.0/16' },
    });
    expect(configs.map((c) => [c.environment, c.network.vpcCidr])).toEqual([
      ['dev', '10.40.0.0/16'],
      ['qa', '10.127.0.0/16'],
    ]);
    expect(configs[0].network.privateSubnetCidrs).toEqual(['10.40.16.0/20', '10.40.32.0/20']);
  });

  it('refuses two environments whose default ranges collide, naming both and the fix', () => {
    // uat and int both draw 10.109.0.0/16.
    expect(defaultVpcCidr('uat')).toBe(defaultVpcCidr('int'));
    expect(problemsOf({ ENVIRONMENT_SUFFIX: 'uat,int' })).toEqual([
      {
        setting: 'VPC_CIDR',
        value: 'uat=10.109.0.0/16,int=10.109.0.0/16 (defaults)',
        rule: 'the VPCs of uat (10.109.0.0/16) and int (10.109.0.0/16) overlap; environments of one run get ranges that never overlap, so they can later be peered or share a transit gateway: give each its own range, e.g. VPC_CIDR=uat=10.109.0.0/16,int=<another /16>',
      },
    ]);
    expect(
      loadConfigs({ env: { ENVIRONMENT_SUFFIX: 'uat,int', VPC_CIDR: 'int=10.110.0.0/16' } }).map(
        (c) => c.network.vpcCidr,
      ),
    ).toEqual(['10.109.0.0/16', '10.110.0.0/16']);
  });

  it('refuses one bare VPC_CIDR for two environments of one run', () => {
    const [problem] = problemsOf({ ENVIRONMENT_SUFFIX: 'dev,prod', VPC_CIDR: '10.50.0.0/16' });
    expect(problem).toMatchObject({ setting: 'VPC_CIDR', value: '10.50.0.0/16' });
    expect(problem.rule).toMatch(/^the VPCs of dev \(10.50.0.0\/16\) and prod \(10.50.0.0\/16\)/);
  });

  it('refuses a range inside another (overlap is not only equality), accepts adjacent ones', () => {
    const [problem] = problemsOf({
      ENVIRONMENT_SUFFIX: 'dev,prod',
      VPC_CIDR: 'dev=10.40.240.0/20',
    });
    expect(problem.rule).toMatch(/dev \(10.40.240.0\/20\) and prod \(10.40.0.0\/16\) overlap/);
    // 10.39.0.0/16 ends where prod's 10.40.0.0/16 begins: adjacent, not overlapping.
    expect(
      loadConfigs({
        env: { ENVIRONMENT_SUFFIX: 'dev,prod', VPC_CIDR: 'dev=10.39.0.0/16' },
      }).map((c) => c.network.vpcCidr),
    ).toEqual(['10.39.0.0/16', '10.40.0.0/16']);
  });

  it.each([
    ['dev=10.41.0.0/33', 'dev=10.41.0.0/33', /IPv4 CIDR/],
    ['dev=8.8.0.0/16', 'dev=8.8.0.0/16', /RFC 1918/],
    ['dev=10.41.0.0/16,dev=10.42.0.0/16', 'dev=10.42.0.0/16', /listed twice/],
    ['Dev=10.41.0.0/16', 'Dev=10.41.0.0/16', /<environment>=<value>, e.g. prod=10.40.0.0\/16/],
    ['dev=', 'dev=', /<environment>=<value>/],
  ])('refuses the pair list %s, naming the item', (value, item, rule) => {
    expect(problemsOf({ ENVIRONMENT_SUFFIX: 'dev', VPC_CIDR: value })).toContainEqual({
      setting: 'VPC_CIDR',
      value: item,
      rule: expect.stringMatching(rule),
    });
  });

  it('checks the default layout against a small VPC given as a pair, naming the environment', () => {
    const [problem] = problemsOf({ ENVIRONMENT_SUFFIX: 'dev', VPC_CIDR: 'dev=10.41.0.0/21' });
    expect(problem.rule).toMatch(/cuts \/29 subnets from a \/21 VPC \(dev\)/);
  });
});

describe('AVAILABILITY_ZONES', () => {
  it('is unset by default: the region decides', () => {
    expect(load({}).network.availabilityZones).toBeUndefined();
  });

  it('pins AZ_COUNT distinct zones of the region, in the order given', () => {
    const { network } = load({
      ENVIRONMENT_SUFFIX: 'dev',
      AVAILABILITY_ZONES: 'eu-west-1c, eu-west-1a',
    });
    expect(network.availabilityZones).toEqual(['eu-west-1c', 'eu-west-1a']);
  });

  it('checks the zones against the region of each environment (item@region)', () => {
    const config = load({
      ENVIRONMENT_SUFFIX: 'dev@us-east-1',
      AVAILABILITY_ZONES: 'us-east-1a,us-east-1f',
    });
    expect(config.network.availabilityZones).toEqual(['us-east-1a', 'us-east-1f']);
  });

  it.each([
    [
      'one fewer than AZ_COUNT',
      { AVAILABILITY_ZONES: 'eu-west-1a' },
      'must name exactly 2 zones (AZ_COUNT), got 1',
    ],
    [
      'one more than AZ_COUNT',
      { AVAILABILITY_ZONES: 'eu-west-1a,eu-west-1b,eu-west-1c' },
      'must name exactly 2 zones (AZ_COUNT), got 3',
    ],
    [
      'a zone twice',
      { AVAILABILITY_ZONES: 'eu-west-1a,eu-west-1a' },
      'names eu-west-1a twice: each tier needs 2 distinct zones',
    ],
    [
      'a zone of another region',
      { AVAILABILITY_ZONES: 'eu-west-1a,eu-west-2b' },
      '"eu-west-2b" is not a zone name of eu-west-1 (<region><letter>, e.g. eu-west-1a; Local and Wavelength Zones are not used)',
    ],
    [
      'a Local Zone',
      { AVAILABILITY_ZONES: 'us-east-1-bos-1a,us-east-1-mia-1a', AWS_REGION: 'us-east-1' },
      '"us-east-1-bos-1a", "us-east-1-mia-1a" are not a zone name of us-east-1 (<region><letter>, e.g. us-east-1a; Local and Wavelength Zones are not used)',
    ],
  ])('refuses %s', (_name, env, rule) => {
    expect(problemsOf({ ENVIRONMENT_SUFFIX: 'dev', ...env })).toEqual([
      { setting: 'AVAILABILITY_ZONES', value: env.AVAILABILITY_ZONES, rule },
    ]);
  });

  it('accepts exactly AZ_COUNT zones at the upper bound (4)', () => {
    const zones = 'us-east-1a,us-east-1b,us-east-1c,us-east-1d';
    const config = load({ AZ_COUNT: '4', AWS_REGION: 'us-east-1', AVAILABILITY_ZONES: zones });
    expect(config.network.availabilityZones).toHaveLength(4);
  });
});

describe('parsePerEnvironment', () => {
  const digits = (text: string) =>
    /^\d+$/.test(text) ? { value: Number(text) } : { rule: 'must be digits' };

  it('reads a bare value for every environment, or pairs', () => {
    expect(parsePerEnvironment(' 7 ', digits, '1')).toEqual({
      all: 7,
      byEnvironment: {},
      problems: [],
    });
    expect(parsePerEnvironment('a=1, b-2=2', digits, '1')).toEqual({
      byEnvironment: { a: 1, 'b-2': 2 },
      problems: [],
    });
  });

  it('reports a bad bare value and a bad item, keeping the good items', () => {
    expect(parsePerEnvironment('x', digits, '1').problems).toEqual([
      { value: 'x', rule: 'must be digits' },
    ]);
    expect(parsePerEnvironment('a=1,b=x,c=2=3', digits, '1')).toEqual({
      byEnvironment: { a: 1 },
      problems: [
        { value: 'b=x', rule: 'must be digits' },
        {
          value: 'c=2=3',
          rule: 'each item must be <environment>=<value>, e.g. prod=1; or give one value for every environment',
        },
      ],
    });
  });
});
