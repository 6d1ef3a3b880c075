import { isIPv4, isIPv6 } from "node:net";

/*
 * CIDR blocks for field matchers ("clientIp in 10.0.0.0/8"). Parsed once when a rule is compiled;
 * matching an address is then integer arithmetic: IPv4 as a 32-bit number (the common case, no
 * allocation), IPv6 as a 128-bit bigint. An IPv4-mapped IPv6 address (::ffff:10.1.2.3) is the
 * IPv4 address it carries, so it matches IPv4 blocks, and a block written inside ::ffff:0:0/96
 * matches plain IPv4 addresses. Node's net.BlockList could answer "inside or not", but the rule
 * preview also needs to say which block matched.
 */

export type ParsedCidrBlock = {
  /** The block as the user wrote it, trimmed; shown in match reasons. */
  readonly text: string;
  /** Set when the block lies in the IPv4 space (an IPv4 block, or an IPv6 one inside ::ffff:0:0/96). */
  readonly v4: { readonly base: number; readonly mask: number } | null;
  /** Every block as 128 bits, IPv4 ones mapped into ::ffff:0:0/96. */
  readonly v6: { readonly base: bigint; readonly mask: bigint };
};

export type CidrParseResult = {
  /** One entry per input, null where that input is invalid. */
  blocks: (ParsedCidrBlock | null)[];
  errors: { index: number; message: string }[];
};

const all128 = (1n << 128n) - 1n;
const mappedPrefix = 0xffffn << 32n; // ::ffff:0:0

/** An address as the matcher compares it: a v4 number when it is IPv4 or IPv4-mapped. */
type ParsedAddress = { v4: number | null; v6: bigint };

function parseIPv4(text: string): number | null {
  if (!isIPv4(text)) return null;
  const parts = text.split(".");
  return ((Number(parts[0]) << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
}

function parseIPv6(text: string): bigint | null {
  const withoutZone = text.includes("%") ? text.slice(0, text.indexOf("%")) : text;
  if (!isIPv6(withoutZone)) return null;
  let groups: string[];
  let tail: string[] = [];
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(withoutZone);
  let head = withoutZone;
  if (embedded) {
    const v4 = parseIPv4(embedded[1] as string);
    if (v4 === null) return null;
    tail = [(v4 >>> 16).toString(16), (v4 & 0xffff).toString(16)];
    head = withoutZone.slice(0, -((embedded[1] as string).length));
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const gap = head.indexOf("::");
  if (gap === -1) groups = [...head.split(":"), ...tail];
  else {
    const left = head.slice(0, gap).split(":").filter(Boolean);
    const right = [...head.slice(gap + 2).split(":").filter(Boolean), ...tail];
    groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  }
  if (groups.length !== 8) return null;
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(parseInt(group, 16));
  return value;
}

function parseAddress(text: string): ParsedAddress | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { v4, v6: mappedPrefix | BigInt(v4) };
  const v6 = parseIPv6(text);
  if (v6 === null) return null;
  const isMapped = v6 >> 32n === 0xffffn;
  return { v4: isMapped ? Number(v6 & 0xffffffffn) : null, v6 };
}

// The fan-out checks one event against many rules in a row: remember the last address parsed.
let lastAddressText: string | null = null;
let lastAddress: ParsedAddress | null = null;

function parseAddressMemoised(text: string): ParsedAddress | null {
  if (text !== lastAddressText) {
    lastAddress = parseAddress(text);
    lastAddressText = text;
  }
  return lastAddress;
}

function v4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function v6Mask(prefix: number): bigint {
  return prefix === 0 ? 0n : (all128 << BigInt(128 - prefix)) & all128;
}

function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

function formatIPv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (bestStart === -1) return groups.join(":");
  return `${groups.slice(0, bestStart).join(":")}::${groups.slice(bestStart + bestLength).join(":")}`;
}

/** One block, or the reason it is not one. A bare address is a /32 (IPv4) or /128 (IPv6) block. */
export function parseCidrBlock(input: string): ParsedCidrBlock | string {
  const text = input.trim();
  if (text === "") return "Enter a CIDR block such as 10.0.0.0/8 or 2001:db8::/32";
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? null : text.slice(slash + 1);

  const v4 = parseIPv4(addressText);
  const v6 = v4 === null && !addressText.includes("%") ? parseIPv6(addressText) : null;
  if (v4 === null && v6 === null) return `"${addressText}" is not an IPv4 or IPv6 address`;

  const maxPrefix = v4 !== null ? 32 : 128;
  let prefix = maxPrefix;
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxPrefix) {
      return `The prefix length after / must be a number from 0 to ${maxPrefix}, not "${prefixText}"`;
    }
    prefix = Number(prefixText);
  }

  if (v4 !== null) {
    const mask = v4Mask(prefix);
    const base = (v4 & mask) >>> 0;
    if (base !== v4) return `${text} has bits set after the first ${prefix}; did you mean ${formatIPv4(base)}/${prefix}?`;
    return { text, v4: { base, mask }, v6: { base: mappedPrefix | BigInt(base), mask: v6Mask(96 + prefix) } };
  }

  const mask = v6Mask(prefix);
  const base = (v6 as bigint) & mask;
  if (base !== v6) return `${text} has bits set after the first ${prefix}; did you mean ${formatIPv6(base)}/${prefix}?`;
  // A block inside ::ffff:0:0/96 is an IPv4 block written the IPv6 way.
  const inMappedSpace = prefix >= 96 && base >> 32n === 0xffffn;
  const asV4 = inMappedSpace ? { base: Number(base & 0xffffffffn), mask: v4Mask(prefix - 96) } : null;
  return { text, v4: asV4, v6: { base, mask } };
}

/** Every block parsed; `errors` names each invalid one by its index, for the rule editor. */
export function parseCidrBlocks(inputs: readonly string[]): CidrParseResult {
  const result: CidrParseResult = { blocks: [], errors: [] };
  inputs.forEach((input, index) => {
    const parsed = parseCidrBlock(input);
    if (typeof parsed === "string") {
      result.blocks.push(null);
      result.errors.push({ index, message: parsed });
    } else result.blocks.push(parsed);
  });
  return result;
}

/** The first block containing `address`, or null (also for anything that is not an address). */
export function findContainingBlock(address: string, blocks: readonly ParsedCidrBlock[]): ParsedCidrBlock | null {
  const parsed = parseAddressMemoised(address);
  if (parsed === null) return null;
  for (const block of blocks) {
    if (parsed.v4 !== null && block.v4 !== null) {
      if (((parsed.v4 & block.v4.mask) >>> 0) === block.v4.base) return block;
    } else if ((parsed.v6 & block.v6.mask) === block.v6.base) return block;
  }
  return null;
}

/** Whether `text` is an IPv4 or IPv6 address a CIDR matcher can place. */
export function isIpAddress(text: string): boolean {
  return parseAddressMemoised(text) !== null;
}

/** Whether `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in any of `blocks`. */
export function isAddressInBlocks(address: string, blocks: readonly ParsedCidrBlock[]): boolean {
  return findContainingBlock(address, blocks) !== null;
}
