/**
 * The network settings: the VPC range of each environment (distinct per environment, so that
 * VPCs can later be peered or attached to one transit gateway), one subnet CIDR per AZ and
 * tier (carved or given), and the availability zones (the region's first AZ_COUNT, or pinned).
 */
import { createHash } from 'node:crypto';
import { contains, formatCidr, cidrSubnet, overlaps, parseCidr, Ipv4Cidr } from './cidr';
import type { NatGatewayMode, NetworkSettings } from './config';
import {
  ItemResult,
  parsePerEnvironment,
  PerEnvironment,
  unset,
  valueFor,
} from './per-environment';
import { Reader } from './reader';
import { SETTINGS, SettingKey } from './settings';

/**
 * Default VPC ranges of the environments the project names. `prod` keeps the range every
 * environment had before ranges were per environment: an existing production VPC is not
 * replaced.
 */
export const DEFAULT_VPC_CIDRS: Readonly<Record<string, string>> = {
  prod: '10.40.0.0/16',
  dev: '10.41.0.0/16',
  staging: '10.42.0.0/16',
};
/** Any other environment gets a /16 of this pool, chosen by its name (defaultVpcCidr). */
export const HASHED_VPC_POOL = '10.64.0.0/10';

/** The smallest VPC (largest prefix) whose default layout gives subnets AWS accepts. */
export const MAX_DEFAULT_LAYOUT_PREFIX = 20;
const DEFAULT_LAYOUT_SETTINGS: readonly SettingKey[] = [
  'publicSubnetCidrs',
  'privateSubnetCidrs',
  'isolatedSubnetCidrs',
];
const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);

/**
 * The VPC range an environment gets when VPC_CIDR does not name one: its entry in
 * DEFAULT_VPC_CIDRS, else `10.<64 + n>.0.0/16` where n is the first byte of the SHA-256 of
 * its name, modulo 64 (one of the 64 /16s of 10.64.0.0/10; the same name always gets the
 * same range). Two names may draw the same range: synthesizing both in one run is refused.
 */
export function defaultVpcCidr(environment: string): string {
  const known = DEFAULT_VPC_CIDRS[environment];
  if (known) return known;
  const n = createHash('sha256').update(environment).digest()[0] % 64;
  return `10.${64 + n}.0.0/16`;
}

/** One VPC_CIDR value: a private IPv4 CIDR of /16 to /22 with no host bits. */
export function parseVpcCidr(text: string): ItemResult<Ipv4Cidr> {
  const parsed = parseCidr(text);
  if (!parsed)
    return { rule: 'must be an IPv4 CIDR block with no host bits set, such as 10.40.0.0/16' };
  if (parsed.prefixLength < 16 || parsed.prefixLength > 22)
    return {
      rule: 'prefix length must be from /16 to /22 (AWS allows /16 at most; smaller than /22 leaves no room for three tiers)',
    };
  if (!RFC1918.some((r) => contains(r, parsed)))
    return {
      rule: 'must be a private (RFC 1918) range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16',
    };
  return { value: parsed };
}

/** VPC_CIDR for the whole run: one range, or `<env>=<cidr>` pairs. */
export function readVpcRanges(reader: Reader): PerEnvironment<Ipv4Cidr> {
  const raw = reader.raw('vpcCidr');
  if (!raw) return unset();
  const parsed = parsePerEnvironment(raw.value, parseVpcCidr, '10.40.0.0/16');
  for (const problem of parsed.problems) reader.fail(raw.label, problem.value, problem.rule);
  return parsed;
}

export interface NetworkInputs {
  readonly environment: string;
  readonly region: string;
  readonly azCount: number;
  readonly natDefault: NatGatewayMode;
  readonly vpcRanges: PerEnvironment<Ipv4Cidr>;
}

export function readNetwork(reader: Reader, inputs: NetworkInputs): NetworkSettings {
  const { azCount, environment } = inputs;
  const natGateways = reader.oneOf<NatGatewayMode>('natGateways', inputs.natDefault, [
    'one-per-az',
    'single',
  ]);
  const given = valueFor(inputs.vpcRanges, environment);
  const vpc = given ?? parseCidr(defaultVpcCidr(environment))!;

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
  const rawVpc = reader.raw('vpcCidr');
  if (given && rawVpc && vpc.prefixLength > MAX_DEFAULT_LAYOUT_PREFIX && defaulted.length > 0) {
    reader.fail(
      rawVpc.label,
      rawVpc.value,
      `the default subnet layout cuts /${vpc.prefixLength + 8} subnets from a /${vpc.prefixLength} VPC (${environment}), and AWS accepts subnets of /16 to /28 only: use a VPC of /${MAX_DEFAULT_LAYOUT_PREFIX} or larger, or give ${defaulted.map((key) => SETTINGS[key].envVar).join(', ')} (each /28 or larger)`,
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
  return {
    vpcCidr: formatCidr(vpc),
    azCount,
    natGateways,
    availabilityZones: readZones(reader, inputs.region, azCount),
    ...tiers,
  };
}

/**
 * AVAILABILITY_ZONES: exactly AZ_COUNT distinct zone names of the environment's region. Only
 * the form is checked here; whether the account has each zone is a postcondition of the
 * zones data source (constructs/network), checked at plan.
 */
function readZones(reader: Reader, region: string, azCount: number): string[] | undefined {
  const raw = reader.raw('availabilityZones');
  if (!raw) return undefined;
  const zones = raw.value.split(',').map((s) => s.trim());
  const pattern = new RegExp(`^${region}[a-z]$`);
  const problems: string[] = [];
  if (zones.length !== azCount)
    problems.push(
      `must name exactly ${azCount} zones (${SETTINGS.azCount.envVar}), got ${zones.length}`,
    );
  const twice = [...new Set(zones.filter((z, i) => zones.indexOf(z) !== i))];
  if (twice.length > 0)
    problems.push(`names ${twice.join(', ')} twice: each tier needs ${azCount} distinct zones`);
  const foreign = zones.filter((z) => !pattern.test(z));
  if (foreign.length > 0)
    problems.push(
      `${foreign.map((z) => `"${z}"`).join(', ')} ${foreign.length === 1 ? 'is' : 'are'} not a zone name of ${region} (<region><letter>, e.g. ${region}a; Local and Wavelength Zones are not used)`,
    );
  for (const problem of problems) reader.fail(raw.label, raw.value, problem);
  return problems.length > 0 ? undefined : zones;
}

/**
 * The environments of one run must not share address space: overlapping VPCs can never be
 * peered or attached to the same transit gateway. Reports each overlapping pair.
 */
export function checkVpcOverlaps(
  reader: Reader,
  networks: readonly { environment: string; vpcCidr: string }[],
): void {
  const rawVpc = reader.raw('vpcCidr');
  for (let i = 0; i < networks.length; i++) {
    for (let j = i + 1; j < networks.length; j++) {
      const [a, b] = [networks[i], networks[j]];
      if (!overlaps(parseCidr(a.vpcCidr)!, parseCidr(b.vpcCidr)!)) continue;
      reader.fail(
        rawVpc?.label ?? SETTINGS.vpcCidr.envVar,
        rawVpc?.value ?? `${a.environment}=${a.vpcCidr},${b.environment}=${b.vpcCidr} (defaults)`,
        `the VPCs of ${a.environment} (${a.vpcCidr}) and ${b.environment} (${b.vpcCidr}) overlap; environments of one run get ranges that never overlap, so they can later be peered or share a transit gateway: give each its own range, e.g. ${SETTINGS.vpcCidr.envVar}=${a.environment}=${a.vpcCidr},${b.environment}=<another /16>`,
      );
    }
  }
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
