/**
 * IPv4 CIDR arithmetic. Subnet CIDRs are computed here from the environment's VPC CIDR, so the
 * templates need no `Fn::Cidr` and the plan can show the exact ranges before anything deploys.
 */
import { AZ_COUNT } from '../catalog/platform';

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefix: number;
}

const CIDR_SYNTAX = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; the result says what is wrong instead of throwing. */
export function parseCidr(text: string): { ok: true; cidr: Cidr } | { ok: false; problem: string } {
  const match = CIDR_SYNTAX.exec(text);
  if (!match) return { ok: false, problem: 'is not an IPv4 CIDR block like 10.0.0.0/16' };
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) return { ok: false, problem: 'has an octet above 255' };
  const prefix = Number(match[5]);
  if (prefix > 32) return { ok: false, problem: 'has a prefix length above 32' };
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const network = (address & prefixMask(prefix)) >>> 0;
  if (network !== address) {
    return { ok: false, problem: `has host bits set (the network address is ${formatCidr({ network, prefix })})` };
  }
  return { ok: true, cidr: { network, prefix } };
}

export function mustParseCidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`${text} ${parsed.problem}`);
  return parsed.cidr;
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatCidr(cidr: Cidr): string {
  const n = cidr.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
}

function lastAddress(cidr: Cidr): number {
  return (cidr.network + 2 ** (32 - cidr.prefix) - 1) >>> 0;
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.network >= outer.network && lastAddress(inner) <= lastAddress(outer);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

/** The `index`-th block of `newPrefix` inside `parent`. */
function subdivide(parent: Cidr, newPrefix: number, index: number): Cidr {
  return { network: (parent.network + index * 2 ** (32 - newPrefix)) >>> 0, prefix: newPrefix };
}

/** VPC sizes the subnet plan supports: /16 (65,536 addresses) down to /24. */
export const VPC_PREFIX_RANGE = { min: 16, max: 24 } as const;

export interface SubnetPlan {
  readonly publicSubnets: readonly string[];
  readonly privateSubnets: readonly string[];
}

/**
 * Splits the VPC into quarters: three private subnets (one per AZ, where Fargate tasks take one
 * address each) and the last quarter divided again for three small public subnets (ALB and NAT).
 * A /16 gives private /18s (16,384 addresses) and public /20s; a /24 gives /26s and /28s.
 */
export function planSubnets(vpc: Cidr): SubnetPlan {
  if (vpc.prefix < VPC_PREFIX_RANGE.min || vpc.prefix > VPC_PREFIX_RANGE.max) {
    throw new Error(`VPC prefix /${vpc.prefix} is outside /${VPC_PREFIX_RANGE.min}-/${VPC_PREFIX_RANGE.max}`);
  }
  const privateSubnets: string[] = [];
  const publicSubnets: string[] = [];
  const publicQuarter = subdivide(vpc, vpc.prefix + 2, 3);
  for (let az = 0; az < AZ_COUNT; az += 1) {
    privateSubnets.push(formatCidr(subdivide(vpc, vpc.prefix + 2, az)));
    publicSubnets.push(formatCidr(subdivide(publicQuarter, publicQuarter.prefix + 2, az)));
  }
  return { publicSubnets, privateSubnets };
}
