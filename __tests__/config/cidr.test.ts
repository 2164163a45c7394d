import { cidrSubnet, contains, formatCidr, overlaps, parseCidr } from '../../config/cidr';

const p = (text: string) => parseCidr(text)!;

describe('parseCidr', () => {
  it.each(['10.0.0.0/8', '192.168.10.0/24', '0.0.0.0/0', '10.1.2.3/32'])('round-trips %s', (c) => {
    expect(formatCidr(p(c))).toBe(c);
  });

  it.each(['10.0.0.0', '10.0.0/8', '256.0.0.0/8', '10.0.0.0/33', '10.0.0.1/24', ' 10.0.0.0/8'])(
    'rejects %s',
    (c) => expect(parseCidr(c)).toBeUndefined(),
  );
});

describe('cidrSubnet', () => {
  it('matches Terraform cidrsubnet()', () => {
    expect(formatCidr(cidrSubnet(p('10.40.0.0/16'), 8, 2))).toBe('10.40.2.0/24');
    expect(formatCidr(cidrSubnet(p('10.40.0.0/16'), 4, 15))).toBe('10.40.240.0/20');
  });

  it('refuses a netnum that does not fit', () => {
    expect(() => cidrSubnet(p('10.40.0.0/16'), 4, 16)).toThrow(/cannot carve subnet 16 of \/20/);
    expect(() => cidrSubnet(p('10.40.0.0/30'), 4, 0)).toThrow(RangeError);
  });
});

describe('contains and overlaps', () => {
  it('contains', () => {
    expect(contains(p('10.0.0.0/8'), p('10.255.0.0/16'))).toBe(true);
    expect(contains(p('10.0.0.0/16'), p('10.1.0.0/24'))).toBe(false);
    expect(contains(p('10.0.0.0/24'), p('10.0.0.0/16'))).toBe(false);
  });

  it('overlaps', () => {
    expect(overlaps(p('10.0.0.0/16'), p('10.0.5.0/24'))).toBe(true);
    expect(overlaps(p('10.0.5.0/24'), p('10.0.0.0/16'))).toBe(true);
    expect(overlaps(p('10.0.0.0/24'), p('10.0.1.0/24'))).toBe(false);
  });
});
