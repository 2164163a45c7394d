/** The network settings: the VPC CIDR and one subnet CIDR per AZ and tier, carved or given. */
import { contains, formatCidr, cidrSubnet, overlaps, parseCidr, Ipv4Cidr } from './cidr';
import type { NatGatewayMode, NetworkSettings } from './config';
import { Reader } from './reader';
import { SETTINGS, SettingKey } from './settings';

const DEFAULT_VPC_CIDR = '10.40.0.0/16';
/** The smallest VPC (largest prefix) whose default layout gives subnets AWS accepts. */
export const MAX_DEFAULT_LAYOUT_PREFIX = 20;
const DEFAULT_LAYOUT_SETTINGS: readonly SettingKey[] = [
  'publicSubnetCidrs',
  'privateSubnetCidrs',
  'isolatedSubnetCidrs',
];
const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);

export function readNetwork(
  reader: Reader,
  azCount: number,
  natDefault: NatGatewayMode,
): NetworkSettings {
  const natGateways = reader.oneOf<NatGatewayMode>('natGateways', natDefault, [
    'one-per-az',
    'single',
  ]);
  const rawVpc = reader.raw('vpcCidr');
  let vpc = parseCidr(DEFAULT_VPC_CIDR)!;
  if (rawVpc) {
    const parsed = parseCidr(rawVpc.value);
    if (!parsed) {
      reader.fail(
        rawVpc.label,
        rawVpc.value,
        'must be an IPv4 CIDR block with no host bits set, such as 10.40.0.0/16',
      );
    } else if (parsed.prefixLength < 16 || parsed.prefixLength > 22) {
      reader.fail(
        rawVpc.label,
        rawVpc.value,
        'prefix length must be from /16 to /22 (AWS allows /16 at most; smaller than /22 leaves no room for three tiers)',
      );
    } else if (!RFC1918.some((r) => contains(r, parsed))) {
      reader.fail(
        rawVpc.label,
        rawVpc.value,
        'must be a private (RFC 1918) range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
      );
    } else {
      vpc = parsed;
    }
  }

  // Default layout, relative to the VPC prefix p: public /(p+8) from netnum 0, private
  // /(p+4) from netnum 1, isolated /(p+8) from netnum 128 (the upper half's first block).
  const carve = (newBits: number, first: number) =>
    Array.from({ length: azCount }, (_, i) => formatCidr(cidrSubnet(vpc, newBits, first + i)));
  const tiers = {
    publicSubnetCidrs: readSubnets(reader, 'publicSubnetCidrs', vpc, azCount, carve(8, 0)),
    privateSubnetCidrs: readSubnets(reader, 'privateSubnetCidrs', vpc, azCount, carve(4, 1)),
    isolatedSubnetCidrs: readSubnets(reader, 'isolatedSubnetCidrs', vpc, azCount, carve(8, 128)),
  };
  // AWS accepts subnets from /16 to /28 (InvalidSubnet.Range otherwise): the default layout's
  // /(p+8) tiers fit only a VPC of /20 or larger.
  const defaulted = DEFAULT_LAYOUT_SETTINGS.filter((key) => !reader.raw(key));
  if (rawVpc && vpc.prefixLength > MAX_DEFAULT_LAYOUT_PREFIX && defaulted.length > 0) {
    reader.fail(
      rawVpc.label,
      rawVpc.value,
      `the default subnet layout cuts /${vpc.prefixLength + 8} subnets from a /${vpc.prefixLength} VPC, and AWS accepts subnets of /16 to /28 only: use a VPC of /${MAX_DEFAULT_LAYOUT_PREFIX} or larger, or give ${defaulted.map((key) => SETTINGS[key].envVar).join(', ')} (each /28 or larger)`,
    );
  }

  const all = Object.entries(tiers).flatMap(([key, cidrs]) =>
    cidrs.map((c) => ({ key, c, p: parseCidr(c)! })),
  );
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      if (overlaps(all[i].p, all[j].p)) {
        reader.fail(
          SETTINGS[all[j].key].envVar,
          all[j].c,
          `overlaps ${all[i].c} (${SETTINGS[all[i].key].envVar}); subnets must not overlap`,
        );
      }
    }
  }
  return { vpcCidr: formatCidr(vpc), azCount, natGateways, ...tiers };
}

function readSubnets(
  reader: Reader,
  key: SettingKey,
  vpc: Ipv4Cidr,
  azCount: number,
  fallback: string[],
): string[] {
  const raw = reader.raw(key);
  if (!raw) return fallback;
  const items = raw.value.split(',').map((s) => s.trim());
  if (items.length !== azCount) {
    reader.fail(
      raw.label,
      raw.value,
      `must list exactly ${azCount} CIDRs, one per availability zone (AZ_COUNT)`,
    );
    return fallback;
  }
  for (const item of items) {
    const parsed = parseCidr(item);
    if (!parsed) {
      reader.fail(
        raw.label,
        item,
        'must be an IPv4 CIDR block with no host bits set, such as 10.40.1.0/24',
      );
      return fallback;
    }
    if (parsed.prefixLength > 28 || !contains(vpc, parsed)) {
      reader.fail(
        raw.label,
        item,
        `must lie inside the VPC CIDR ${formatCidr(vpc)} with a prefix of /28 or larger`,
      );
      return fallback;
    }
  }
  return items;
}
