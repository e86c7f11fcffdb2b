import { isIPv4, isIPv6 } from 'node:net';

/**
 * What kind of address an IP is, for the webhook SSRF guard. Only `public` may be called
 * (and `loopback` when the embedded runtime allows it). The ranges are IANA's special-purpose
 * registries (RFC 6890 and successors); anything not globally reachable is refused.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'multicast'
  | 'unspecified'
  | 'shared' // CGNAT 100.64.0.0/10
  | 'reserved' // documentation, benchmarking, protocol assignments, future use, broadcast, …
  | 'invalid';

type V4Rule = [base: string, bits: number, kind: AddressClass];

const V4_RULES: V4Rule[] = [
  ['0.0.0.0', 32, 'unspecified'],
  ['0.0.0.0', 8, 'reserved'], // "this network"
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // includes the cloud metadata endpoint 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // includes broadcast 255.255.255.255
];

type V6Rule = [prefix: bigint, bits: number, kind: AddressClass];

const V6_RULES: V6Rule[] = [
  [0n, 128, 'unspecified'],
  [1n, 128, 'loopback'],
  [v6('fe80::'), 10, 'link-local'],
  [v6('fec0::'), 10, 'private'], // deprecated site-local
  [v6('fc00::'), 7, 'private'], // unique local addresses
  [v6('ff00::'), 8, 'multicast'],
  [v6('2001::'), 23, 'reserved'], // IETF protocol assignments, Teredo included
  [v6('2001:db8::'), 32, 'reserved'], // documentation
  [v6('2002::'), 16, 'reserved'], // 6to4 can tunnel to any IPv4 address
  [v6('3fff::'), 20, 'reserved'], // documentation
  [v6('5f00::'), 16, 'reserved'], // SRv6 SIDs
];
const MAPPED_PREFIX = v6('::ffff:0:0');
const GLOBAL_UNICAST = v6('2000::');

export function classifyAddress(ip: string): AddressClass {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets, zone id
  if (isIPv4(bare)) return classifyV4(v4(bare));
  if (isIPv6(bare)) return classifyV6(v6(bare));
  return 'invalid';
}

/** True when the guard lets a webhook go to `ip`. */
export function mayCall(ip: string, options: { allowLoopback: boolean }): boolean {
  const kind = classifyAddress(ip);
  return kind === 'public' || (kind === 'loopback' && options.allowLoopback);
}

function classifyV4(address: number): AddressClass {
  for (const [base, bits, kind] of V4_RULES) {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if (((address & mask) >>> 0) === ((v4(base) & mask) >>> 0)) return kind;
  }
  return 'public';
}

function classifyV6(address: bigint): AddressClass {
  // IPv4-mapped (::ffff:a.b.c.d) reaches the IPv4 address: judge that one.
  if (address >> 32n === MAPPED_PREFIX >> 32n) return classifyV4(Number(address & 0xffffffffn));
  for (const [prefix, bits, kind] of V6_RULES) {
    if (address >> BigInt(128 - bits) === prefix >> BigInt(128 - bits)) return kind;
  }
  // Only 2000::/3 is global unicast; the rest (IPv4-compatible ::/96, NAT64 64:ff9b::/96,
  // discard-only 100::/64, …) is reserved or would reach an address we did not check.
  return address >> 125n === GLOBAL_UNICAST >> 125n ? 'public' : 'reserved';
}

function v4(text: string): number {
  return text.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}

/** An IPv6 address as a 128-bit integer (handles `::` and a trailing dotted IPv4 part). */
function v6(text: string): bigint {
  let source = text.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(source);
  if (dotted) {
    const n = v4(dotted[1]!);
    source = source.slice(0, dotted.index) + `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = source.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group || '0', 16)), 0n);
}
