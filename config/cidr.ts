/** Small IPv4 CIDR arithmetic: parse, carve subnets, test containment and overlap. */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when malformed or when host bits are set. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (address % blockSize(prefixLength) !== 0) return undefined;
  return { network: address, prefixLength };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  const n = cidr.network;
  const octets = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return `${octets.join('.')}/${cidr.prefixLength}`;
}

/** Same as Terraform's `cidrsubnet(prefix, newbits, netnum)`. */
export function cidrSubnet(parent: Ipv4Cidr, newBits: number, netNum: number): Ipv4Cidr {
  const prefixLength = parent.prefixLength + newBits;
  if (prefixLength > 32 || netNum < 0 || netNum >= 2 ** newBits) {
    throw new RangeError(
      `cannot carve subnet ${netNum} of /${prefixLength} from ${formatCidr(parent)}`,
    );
  }
  return { network: parent.network + netNum * blockSize(prefixLength), prefixLength };
}

export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return (
    inner.prefixLength >= outer.prefixLength &&
    inner.network >= outer.network &&
    inner.network + blockSize(inner.prefixLength) <= outer.network + blockSize(outer.prefixLength)
  );
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return (
    a.network < b.network + blockSize(b.prefixLength) &&
    b.network < a.network + blockSize(a.prefixLength)
  );
}

function blockSize(prefixLength: number): number {
  return 2 ** (32 - prefixLength);
}
