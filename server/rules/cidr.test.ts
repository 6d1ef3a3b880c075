import { describe, expect, it } from "vitest";
import { findContainingBlock, isAddressInBlocks, isIpAddress, parseCidrBlock, parseCidrBlocks, type ParsedCidrBlock } from "./cidr";

function blocks(...texts: string[]): ParsedCidrBlock[] {
  const parsed = parseCidrBlocks(texts);
  expect(parsed.errors).toEqual([]);
  return parsed.blocks as ParsedCidrBlock[];
}

describe("isAddressInBlocks", () => {
  it.each([
    // IPv4
    ["10.1.2.3", ["10.0.0.0/8"], true],
    ["11.0.0.1", ["10.0.0.0/8"], false],
    ["10.255.255.255", ["10.0.0.0/8"], true],
    ["192.168.1.1", ["10.0.0.0/8", "192.168.0.0/16"], true],
    ["203.0.113.7", ["203.0.113.7"], true], // a bare address is a /32
    ["203.0.113.8", ["203.0.113.7"], false],
    ["8.8.8.8", ["0.0.0.0/0"], true],
    ["172.31.255.255", ["172.16.0.0/12"], true],
    ["172.32.0.0", ["172.16.0.0/12"], false],
    // IPv6
    ["2001:db8::1", ["2001:db8::/32"], true],
    ["2001:db9::1", ["2001:db8::/32"], false],
    ["::1", ["::1"], true], // a bare address is a /128
    ["::1", ["::/128"], false],
    ["fe80::1%eth0", ["fe80::/10"], true],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", ["2001:db8::1/128"], true],
    ["fd00::5", ["::/0"], true],
    // IPv4-mapped IPv6 addresses are the IPv4 address they carry
    ["::ffff:10.1.2.3", ["10.0.0.0/8"], true],
    ["::ffff:a01:203", ["10.0.0.0/8"], true],
    ["::FFFF:11.1.2.3", ["10.0.0.0/8"], false],
    ["10.1.2.3", ["::ffff:10.0.0.0/104"], true], // an IPv4 block written the IPv6 way
    ["10.1.2.3", ["::ffff:0:0/96"], true],
    ["10.1.2.3", ["::/0"], true],
    ["10.1.2.3", ["2001:db8::/32"], false],
    ["2001:db8::1", ["0.0.0.0/0"], false],
    // not addresses
    ["", ["0.0.0.0/0"], false],
    ["localhost", ["0.0.0.0/0", "::/0"], false],
    ["10.1.2", ["10.0.0.0/8"], false],
    ["10.1.2.3/32", ["10.0.0.0/8"], false],
  ] as const)("%s in %j → %s", (address, texts, expected) => {
    expect(isAddressInBlocks(address, blocks(...texts))).toBe(expected);
  });

  it("names the block that contains the address", () => {
    const parsed = blocks("192.168.0.0/16", " 10.0.0.0/8 ");
    expect(findContainingBlock("10.9.9.9", parsed)?.text).toBe("10.0.0.0/8");
    expect(findContainingBlock("9.9.9.9", parsed)).toBeNull();
  });

  it("tells addresses from other text", () => {
    expect(isIpAddress("203.0.113.7")).toBe(true);
    expect(isIpAddress("2001:db8::7")).toBe(true);
    expect(isIpAddress("::ffff:10.1.2.3")).toBe(true);
    expect(isIpAddress("not-an-ip")).toBe(false);
  });
});

describe("parseCidrBlocks", () => {
  it("reports each invalid block by its index and keeps the valid ones", () => {
    const parsed = parseCidrBlocks(["10.0.0.0/8", "10.0.0.0/33", "fe80::/10", "banana", "10.1.2.3/8", "2001:db8::1/32", "", "10.0.0.0/x"]);
    expect(parsed.blocks.map((block) => block?.text ?? null)).toEqual(["10.0.0.0/8", null, "fe80::/10", null, null, null, null, null]);
    expect(parsed.errors).toEqual([
      { index: 1, message: 'The prefix length after / must be a number from 0 to 32, not "33"' },
      { index: 3, message: '"banana" is not an IPv4 or IPv6 address' },
      { index: 4, message: "10.1.2.3/8 has bits set after the first 8; did you mean 10.0.0.0/8?" },
      { index: 5, message: "2001:db8::1/32 has bits set after the first 32; did you mean 2001:db8::/32?" },
      { index: 6, message: "Enter a CIDR block such as 10.0.0.0/8 or 2001:db8::/32" },
      { index: 7, message: 'The prefix length after / must be a number from 0 to 32, not "x"' },
    ]);
  });

  it.each([
    ["::/129", /from 0 to 128/],
    ["010.0.0.0/8", /not an IPv4 or IPv6 address/],
    ["1.2.3.4.5", /not an IPv4 or IPv6 address/],
    ["fe80::1%eth0/64", /not an IPv4 or IPv6 address/],
    ["2001:db8:1::ab9:C0A8:102/64", /did you mean 2001:db8:1::\/64\?/],
  ])("rejects %s", (text, message) => {
    expect(parseCidrBlock(text)).toMatch(message);
  });
});
