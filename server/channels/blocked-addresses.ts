import { isIPv6 } from "node:net";
import { BoundedCache } from "@/server/rules/bounded-cache";
import { findContainingBlock, parseCidrBlock, type ParsedCidrBlock } from "@/server/rules/cidr";

/*
 * The addresses Tocsin never sends to: the IANA special-purpose registries (IPv4 and IPv6), so
 * that a channel cannot be pointed at Tocsin's own host, its network or a cloud metadata service.
 * Administrators open chosen ranges (an intranet receiver, the test suites) with
 * TOCSIN_ALLOWED_PRIVATE_CIDRS; IPv4-mapped IPv6 addresses stay refused whatever is opened, since
 * they are another spelling of an IPv4 address and opening one must never open it twice.
 */

export type BlockedRange = {
  cidr: string;
  /** Named in error messages: "127.0.0.1 is in the loopback range (127.0.0.0/8)". */
  category: string;
  why: string;
};

const ipv4MappedRange: BlockedRange = {
  cidr: "::ffff:0:0/96",
  category: "IPv4-mapped IPv6",
  why: "another spelling of an IPv4 address; always refused so that no IPv4 check can be walked around",
};

/** Most specific first, so that a message names the narrowest category. */
export const blockedRanges: readonly BlockedRange[] = [
  { cidr: "0.0.0.0/8", category: "\"this network\"", why: "0.0.0.0 reaches the local host on Linux" },
  { cidr: "10.0.0.0/8", category: "private network", why: "RFC 1918" },
  { cidr: "100.64.0.0/10", category: "carrier-grade NAT", why: "shared address space, RFC 6598" },
  { cidr: "127.0.0.0/8", category: "loopback", why: "the Tocsin host itself" },
  { cidr: "169.254.0.0/16", category: "link-local", why: "cloud metadata services (169.254.169.254) live here" },
  { cidr: "172.16.0.0/12", category: "private network", why: "RFC 1918" },
  { cidr: "192.0.0.0/24", category: "IETF protocol assignments", why: "RFC 6890" },
  { cidr: "192.0.2.0/24", category: "documentation", why: "TEST-NET-1, RFC 5737" },
  { cidr: "192.88.99.0/24", category: "6to4 relay anycast", why: "deprecated relays, RFC 7526" },
  { cidr: "192.168.0.0/16", category: "private network", why: "RFC 1918" },
  { cidr: "198.18.0.0/15", category: "benchmarking", why: "RFC 2544" },
  { cidr: "198.51.100.0/24", category: "documentation", why: "TEST-NET-2, RFC 5737" },
  { cidr: "203.0.113.0/24", category: "documentation", why: "TEST-NET-3, RFC 5737" },
  { cidr: "224.0.0.0/4", category: "multicast", why: "RFC 5771" },
  { cidr: "255.255.255.255/32", category: "broadcast", why: "limited broadcast, RFC 919" },
  { cidr: "240.0.0.0/4", category: "reserved", why: "RFC 1112" },
  { cidr: "::/128", category: "unspecified", why: "reaches the local host, like 0.0.0.0" },
  { cidr: "::1/128", category: "loopback", why: "the Tocsin host itself" },
  { cidr: "::/96", category: "IPv4-compatible IPv6", why: "deprecated embedding of IPv4 addresses, RFC 4291" },
  ipv4MappedRange,
  { cidr: "64:ff9b::/96", category: "NAT64", why: "embeds an IPv4 address a NAT64 gateway would reach, RFC 6052" },
  { cidr: "64:ff9b:1::/48", category: "local-use NAT64", why: "RFC 8215" },
  { cidr: "100::/64", category: "discard-only", why: "RFC 6666" },
  { cidr: "2001::/32", category: "Teredo", why: "tunnels to an embedded IPv4 address, RFC 4380" },
  { cidr: "2001::/23", category: "IETF protocol assignments", why: "RFC 2928" },
  { cidr: "2001:db8::/32", category: "documentation", why: "RFC 3849" },
  { cidr: "3fff::/20", category: "documentation", why: "RFC 9637" },
  { cidr: "2002::/16", category: "6to4", why: "tunnels to an embedded IPv4 address, RFC 3056" },
  { cidr: "fc00::/7", category: "unique local (private network)", why: "RFC 4193" },
  { cidr: "fe80::/10", category: "link-local", why: "RFC 4291" },
  { cidr: "fec0::/10", category: "site-local", why: "deprecated private addressing, RFC 3879" },
  { cidr: "ff00::/8", category: "multicast", why: "RFC 4291" },
];

const unrecognisedAddress: BlockedRange = { cidr: "", category: "unrecognised", why: "not an address Tocsin can check (e.g. one with a zone id)" };

function parseRange(range: BlockedRange): ParsedCidrBlock {
  const block = parseCidrBlock(range.cidr);
  if (typeof block === "string") throw new Error(`Blocked range ${range.cidr}: ${block}`);
  return block;
}

// cidr.ts reads a block inside ::ffff:0:0/96 as the IPv4 block it carries (::ffff:0:0/96 would be
// 0.0.0.0/0), so the mapped range is checked on its own, before the table.
const rangeByBlock = new Map(blockedRanges.filter((range) => range !== ipv4MappedRange).map((range) => [parseRange(range), range] as const));
const blockedBlocks = [...rangeByBlock.keys()];

/** The range that refuses `address`, or null when Tocsin may connect to it. */
export function findBlockedRange(address: string, allowedBlocks: readonly ParsedCidrBlock[]): BlockedRange | null {
  const parsed = parseCidrBlock(address);
  // Only a bare address, exactly as given: findContainingBlock would call anything else "outside".
  if (typeof parsed === "string" || parsed.text !== address || address.includes("/")) return unrecognisedAddress;
  if (isIPv6(address) && parsed.v4 !== null) return ipv4MappedRange;
  const block = findContainingBlock(address, blockedBlocks);
  if (block === null || findContainingBlock(address, allowedBlocks) !== null) return null;
  return rangeByBlock.get(block) ?? unrecognisedAddress;
}

/** "the loopback range (127.0.0.0/8)", for error messages. */
export function describeBlockedRange(range: BlockedRange): string {
  return range.cidr ? `the ${range.category} range (${range.cidr})` : "an unrecognised address form";
}

/** TOCSIN_ALLOWED_PRIVATE_CIDRS is wrong: the server must not guess which ranges were meant. */
export class AllowedPrivateCidrsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AllowedPrivateCidrsError";
  }
}

// Read at every call (tests and operators change it), parsed once per distinct value.
const parsedAllowedLists = new BoundedCache<string, ParsedCidrBlock[]>(8);

/** Parses a comma-separated list of CIDR blocks; throws AllowedPrivateCidrsError naming the first bad entry. */
export function parseAllowedPrivateCidrs(text: string): ParsedCidrBlock[] {
  return parsedAllowedLists.getOrCreate(text, () =>
    text
      .split(",")
      .filter((entry) => entry.trim() !== "")
      .map((entry) => {
        const block = parseCidrBlock(entry);
        if (typeof block === "string") throw new AllowedPrivateCidrsError(`TOCSIN_ALLOWED_PRIVATE_CIDRS: "${entry.trim()}" is not a CIDR block (${block})`);
        return block;
      }),
  );
}

/** The ranges opened by TOCSIN_ALLOWED_PRIVATE_CIDRS right now (none when unset). */
export function readAllowedPrivateBlocks(): ParsedCidrBlock[] {
  return parseAllowedPrivateCidrs(process.env.TOCSIN_ALLOWED_PRIVATE_CIDRS ?? "");
}
