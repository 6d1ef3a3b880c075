import { afterEach, describe, expect, it, vi } from "vitest";
import { AllowedPrivateCidrsError, blockedRanges, describeBlockedRange, findBlockedRange, parseAllowedPrivateCidrs, readAllowedPrivateBlocks } from "./blocked-addresses";

const nothingOpen = parseAllowedPrivateCidrs("");
const ffff = "ffff:ffff:ffff:ffff:ffff:ffff";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("findBlockedRange: the boundaries of every range", () => {
  // address → the range that refuses it (null: Tocsin may connect). For each range its first and
  // last address, then the first address outside on each side (unless another range holds it).
  it.each([
    ["0.0.0.0", "0.0.0.0/8"],
    ["0.255.255.255", "0.0.0.0/8"],
    ["1.0.0.0", null],
    ["9.255.255.255", null],
    ["10.0.0.0", "10.0.0.0/8"],
    ["10.255.255.255", "10.0.0.0/8"],
    ["11.0.0.0", null],
    ["100.63.255.255", null],
    ["100.64.0.0", "100.64.0.0/10"],
    ["100.127.255.255", "100.64.0.0/10"],
    ["100.128.0.0", null],
    ["126.255.255.255", null],
    ["127.0.0.0", "127.0.0.0/8"],
    ["127.255.255.255", "127.0.0.0/8"],
    ["128.0.0.0", null],
    ["169.253.255.255", null],
    ["169.254.0.0", "169.254.0.0/16"],
    ["169.254.169.254", "169.254.0.0/16"],
    ["169.254.255.255", "169.254.0.0/16"],
    ["169.255.0.0", null],
    ["172.15.255.255", null],
    ["172.16.0.0", "172.16.0.0/12"],
    ["172.31.255.255", "172.16.0.0/12"],
    ["172.32.0.0", null],
    ["191.255.255.255", null],
    ["192.0.0.0", "192.0.0.0/24"],
    ["192.0.0.255", "192.0.0.0/24"],
    ["192.0.1.0", null],
    ["192.0.1.255", null],
    ["192.0.2.0", "192.0.2.0/24"],
    ["192.0.2.255", "192.0.2.0/24"],
    ["192.0.3.0", null],
    ["192.88.98.255", null],
    ["192.88.99.0", "192.88.99.0/24"],
    ["192.88.99.255", "192.88.99.0/24"],
    ["192.88.100.0", null],
    ["192.167.255.255", null],
    ["192.168.0.0", "192.168.0.0/16"],
    ["192.168.255.255", "192.168.0.0/16"],
    ["192.169.0.0", null],
    ["198.17.255.255", null],
    ["198.18.0.0", "198.18.0.0/15"],
    ["198.19.255.255", "198.18.0.0/15"],
    ["198.20.0.0", null],
    ["198.51.99.255", null],
    ["198.51.100.0", "198.51.100.0/24"],
    ["198.51.100.255", "198.51.100.0/24"],
    ["198.51.101.0", null],
    ["203.0.112.255", null],
    ["203.0.113.0", "203.0.113.0/24"],
    ["203.0.113.255", "203.0.113.0/24"],
    ["203.0.114.0", null],
    ["223.255.255.255", null],
    ["224.0.0.0", "224.0.0.0/4"],
    ["239.255.255.255", "224.0.0.0/4"],
    ["240.0.0.0", "240.0.0.0/4"],
    ["255.255.255.254", "240.0.0.0/4"],
    ["255.255.255.255", "255.255.255.255/32"],
    // IPv6: ::/128 and ::1/128 lie inside ::/96 and are named first
    ["::", "::/128"],
    ["::1", "::1/128"],
    ["::2", "::/96"],
    ["::ffff:ffff", "::/96"],
    ["::1:0:0", null],
    ["::fffe:ffff:ffff", null],
    ["::ffff:0:0", "::ffff:0:0/96"],
    ["::ffff:ffff:ffff", "::ffff:0:0/96"],
    ["::1:0:0:0", null],
    ["64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", null],
    ["64:ff9b::", "64:ff9b::/96"],
    ["64:ff9b::ffff:ffff", "64:ff9b::/96"],
    ["64:ff9b::1:0:0", null],
    ["64:ff9b:0:ffff:ffff:ffff:ffff:ffff", null],
    ["64:ff9b:1::", "64:ff9b:1::/48"],
    ["64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "64:ff9b:1::/48"],
    ["64:ff9b:2::", null],
    [`ff:${ffff}:ffff`, null],
    ["100::", "100::/64"],
    ["100::ffff:ffff:ffff:ffff", "100::/64"],
    ["100:0:0:1::", null],
    [`2000:${ffff}:ffff`, null],
    ["2001::", "2001::/32"],
    [`2001:0:${ffff}`, "2001::/32"],
    ["2001:1::", "2001::/23"],
    [`2001:1ff:${ffff}`, "2001::/23"],
    ["2001:200::", null],
    [`2001:db7:${ffff}`, null],
    ["2001:db8::", "2001:db8::/32"],
    [`2001:db8:${ffff}`, "2001:db8::/32"],
    ["2001:db9::", null],
    [`2001:ffff:${ffff}`, null],
    ["2002::", "2002::/16"],
    [`2002:ffff:${ffff}`, "2002::/16"],
    ["2003::", null],
    [`3ffe:ffff:${ffff}`, null],
    ["3fff::", "3fff::/20"],
    [`3fff:fff:${ffff}`, "3fff::/20"],
    ["3fff:1000::", null],
    [`fbff:ffff:${ffff}`, null],
    ["fc00::", "fc00::/7"],
    [`fdff:ffff:${ffff}`, "fc00::/7"],
    ["fe00::", null],
    [`fe7f:ffff:${ffff}`, null],
    ["fe80::", "fe80::/10"],
    [`febf:ffff:${ffff}`, "fe80::/10"],
    ["fec0::", "fec0::/10"],
    [`feff:ffff:${ffff}`, "fec0::/10"],
    ["ff00::", "ff00::/8"],
    [`ffff:ffff:${ffff}`, "ff00::/8"],
    // public addresses
    ["93.184.216.34", null],
    ["8.8.8.8", null],
    ["2606:2800:220:1:248:1893:25c8:1946", null],
    ["2a00:1450:4001:82a::200e", null],
  ] as const)("%s → %s", (address, cidr) => {
    expect(findBlockedRange(address, nothingOpen)?.cidr ?? null).toBe(cidr);
  });

  it("refuses every IPv4-mapped spelling, public ones included", () => {
    for (const address of ["::ffff:127.0.0.1", "::ffff:7f00:1", "0:0:0:0:0:ffff:127.0.0.1", "::FFFF:8.8.8.8", "::ffff:808:808"]) {
      expect(findBlockedRange(address, nothingOpen)?.category).toBe("IPv4-mapped IPv6");
    }
  });

  it("refuses what it cannot place rather than letting it through", () => {
    for (const text of ["fe80::1%eth0", " 10.0.0.1", "10.0.0.0/8", "localhost", "", "0177.0.0.1", "127.1"]) {
      expect(findBlockedRange(text, nothingOpen)?.category, text).toBe("unrecognised");
    }
  });

  it("gives every range a category and a reason, and names it in messages", () => {
    for (const range of blockedRanges) {
      expect(range.category).not.toBe("");
      expect(range.why).not.toBe("");
    }
    expect(describeBlockedRange(findBlockedRange("127.0.0.1", nothingOpen)!)).toBe("the loopback range (127.0.0.0/8)");
    expect(describeBlockedRange(findBlockedRange("10.1.2.3", nothingOpen)!)).toBe("the private network range (10.0.0.0/8)");
  });
});

describe("TOCSIN_ALLOWED_PRIVATE_CIDRS", () => {
  it("opens exactly the chosen ranges", () => {
    const open = parseAllowedPrivateCidrs("127.0.0.2/32, 10.20.0.0/16,fd12:3456::/32");
    expect(findBlockedRange("127.0.0.2", open)).toBeNull();
    expect(findBlockedRange("127.0.0.1", open)?.category).toBe("loopback");
    expect(findBlockedRange("127.0.0.3", open)?.category).toBe("loopback");
    expect(findBlockedRange("10.20.255.255", open)).toBeNull();
    expect(findBlockedRange("10.21.0.0", open)?.category).toBe("private network");
    expect(findBlockedRange("fd12:3456::1", open)).toBeNull();
    expect(findBlockedRange("fd12:3457::1", open)?.cidr).toBe("fc00::/7");
  });

  it("never opens an IPv4-mapped IPv6 form of an opened address", () => {
    for (const list of ["127.0.0.2/32", "::ffff:127.0.0.2/128", "0.0.0.0/0"]) {
      const open = parseAllowedPrivateCidrs(list);
      expect(findBlockedRange("::ffff:127.0.0.2", open)?.category, list).toBe("IPv4-mapped IPv6");
      expect(findBlockedRange("::ffff:7f00:2", open)?.category, list).toBe("IPv4-mapped IPv6");
    }
    expect(findBlockedRange("127.0.0.2", parseAllowedPrivateCidrs("::ffff:127.0.0.2/128"))).toBeNull();
  });

  it("is read at every call and parsed once per value", () => {
    expect(readAllowedPrivateBlocks()).toEqual([]);
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "192.168.5.0/24");
    const first = readAllowedPrivateBlocks();
    expect(first.map((block) => block.text)).toEqual(["192.168.5.0/24"]);
    expect(readAllowedPrivateBlocks()).toBe(first);
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "");
    expect(readAllowedPrivateBlocks()).toEqual([]);
  });

  it.each([
    ["10.0.0.1/8", '"10.0.0.1/8"'],
    ["127.0.0.2/32,localhost", '"localhost"'],
    ["10.0.0.0/33", '"10.0.0.0/33"'],
    ["fe80::1%eth0/128", '"fe80::1%eth0/128"'],
  ])("refuses a malformed value (%s), naming the bad entry", (value, named) => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", value);
    expect(() => readAllowedPrivateBlocks()).toThrow(AllowedPrivateCidrsError);
    expect(() => readAllowedPrivateBlocks()).toThrow(named);
  });
});
