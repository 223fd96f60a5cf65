// IP allow-lists: single addresses or CIDR ranges, IPv4 or IPv6. IPv4-mapped IPv6 addresses
// (`::ffff:10.0.0.1`, what a dual-stack socket reports) are matched as the IPv4 address they carry.
import { BlockList, isIP } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** `::ffff:a.b.c.d` -> `a.b.c.d`; anything else unchanged. */
export function normalizeIp(address: string): string {
  // Only an address starting with ':' can be IPv4-mapped; plain IPv4 peers (most) skip the regex.
  if (address.charCodeAt(0) !== 58) return address;
  const mapped = MAPPED_IPV4.exec(address);
  return mapped ? mapped[1]! : address;
}

/** Why an allow-list entry is unusable (without repeating it), or undefined when it is a valid address or CIDR range. */
export function allowListEntryProblem(entry: string): string | undefined {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(normalizeIp(address));
  if (family === 0 || rest.length > 0) {
    return 'this entry is not an IP address or CIDR range; use e.g. 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32';
  }
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    return `this entry has a bad prefix length; IPv${family} accepts /0 to /${max}`;
  }
  return undefined;
}

/** A matcher for a validated allow-list. An empty list allows nothing: callers skip the check instead. */
export function compileAllowList(entries: readonly string[]): (clientIp: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [rawAddress = '', prefix] = entry.split('/');
    const address = normalizeIp(rawAddress);
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (clientIp) => {
    const address = normalizeIp(clientIp.trim());
    const family = isIP(address);
    if (family === 0) return false;
    return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}
