import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkDestination, safePost, type Resolver } from "./safe-http";
import type { SendErrorClass } from "./send-outcome";
import { startTestReceiver, type TestReceiver } from "./test-receiver";

/*
 * Every destination below must be refused twice: by checkDestination (when a channel is saved) and
 * by safePost (at connect). Canaries listen on 127.0.0.1 and [::1] on the port every destination
 * names, and must see no connection at all. An allowed receiver on 127.0.0.2, same port, serves the
 * redirect and rebinding cases.
 */

let port: number;
let canaries: TestReceiver[] = [];
let receiver: TestReceiver;

async function startCanaries(): Promise<TestReceiver[]> {
  const v4 = await startTestReceiver({ host: "127.0.0.1" });
  try {
    return [v4, await startTestReceiver({ host: "::1", port: v4.port })];
  } catch {
    return [v4]; // no IPv6 loopback on this machine
  }
}

function canaryConnections(): number {
  return canaries.reduce((sum, canary) => sum + canary.connections, 0);
}

beforeAll(async () => {
  canaries = await startCanaries();
  port = canaries[0]!.port;
  receiver = await startTestReceiver({ host: "127.0.0.2", port });
});

afterAll(async () => {
  await Promise.all([receiver.close(), ...canaries.map((canary) => canary.close())]);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const names: Record<string, string[]> = {
  "internal.example": ["10.0.0.5"],
  "mixed.example": ["93.184.216.34", "127.0.0.1"],
  "mixed-v6.example": ["2606:2800:220:1:248:1893:25c8:1946", "::1"],
  "metadata.example": ["169.254.169.254"],
  "mapped.example": ["::ffff:127.0.0.1"],
  "v6-loopback.example": ["::1"],
  "ula.example": ["fd00::1234"],
  "zero.example": ["0.0.0.0"],
  "scoped.example": ["fe80::1%lo"],
  "public.example": ["93.184.216.34"],
};

const resolveTestNames: Resolver = async (hostname) => {
  const addresses = names[hostname];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
  return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};

// [destination (PORT is the canaries' port), expected error class, why]
const destinations: [string, SendErrorClass, string][] = [
  // IPv4 loopback in every spelling WHATWG URL normalises
  ["http://127.0.0.1:PORT/", "blocked_destination", "loopback"],
  ["http://2130706433:PORT/", "blocked_destination", "loopback, decimal"],
  ["http://0177.0.0.1:PORT/", "blocked_destination", "loopback, octal"],
  ["http://017700000001:PORT/", "blocked_destination", "loopback, one octal number"],
  ["http://0x7f000001:PORT/", "blocked_destination", "loopback, hex"],
  ["http://0x7f.0.0.1:PORT/", "blocked_destination", "loopback, dotted hex"],
  ["http://127.1:PORT/", "blocked_destination", "loopback, short"],
  ["http://127.0.1:PORT/", "blocked_destination", "loopback, three parts"],
  ["http://127.0.0.1.:PORT/", "blocked_destination", "loopback, trailing dot"],
  ["http://127.255.255.254:PORT/", "blocked_destination", "loopback, end of 127/8"],
  ["http://①②⑦.0.0.1:PORT/", "blocked_destination", "loopback, enclosed digits (IDNA-mapped)"],
  ["http://127。0。0。1:PORT/", "blocked_destination", "loopback, ideographic full stops"],
  ["https://127.0.0.1:PORT/", "blocked_destination", "loopback over https"],
  ["http://0:PORT/", "blocked_destination", "0 → 0.0.0.0, reaches the host"],
  ["http://0.0.0.0:PORT/", "blocked_destination", "this network"],
  // private, shared, link-local and special ranges
  ["http://10.0.0.1:PORT/", "blocked_destination", "private 10/8"],
  ["http://012.0.0.1:PORT/", "blocked_destination", "private 10/8, octal"],
  ["http://167772161:PORT/", "blocked_destination", "private 10/8, decimal"],
  ["http://172.16.0.1:PORT/", "blocked_destination", "private 172.16/12"],
  ["http://172.31.255.255:PORT/", "blocked_destination", "private 172.16/12, last"],
  ["http://192.168.0.1:PORT/", "blocked_destination", "private 192.168/16"],
  ["http://0xc0a80001:PORT/", "blocked_destination", "private 192.168/16, hex"],
  ["http://100.64.0.1:PORT/", "blocked_destination", "carrier-grade NAT"],
  ["http://169.254.169.254:PORT/latest/meta-data/", "blocked_destination", "cloud metadata"],
  ["http://2852039166:PORT/latest/meta-data/", "blocked_destination", "cloud metadata, decimal"],
  ["http://0xa9fea9fe:PORT/", "blocked_destination", "cloud metadata, hex"],
  ["http://198.18.0.1:PORT/", "blocked_destination", "benchmarking"],
  ["http://192.0.0.1:PORT/", "blocked_destination", "IETF protocol assignments"],
  ["http://192.0.2.1:PORT/", "blocked_destination", "documentation TEST-NET-1"],
  ["http://198.51.100.1:PORT/", "blocked_destination", "documentation TEST-NET-2"],
  ["http://203.0.113.1:PORT/", "blocked_destination", "documentation TEST-NET-3"],
  ["http://192.88.99.1:PORT/", "blocked_destination", "6to4 relay anycast"],
  ["http://224.0.0.1:PORT/", "blocked_destination", "multicast"],
  ["http://240.0.0.1:PORT/", "blocked_destination", "reserved"],
  ["http://255.255.255.255:PORT/", "blocked_destination", "broadcast"],
  ["http://4294967295:PORT/", "blocked_destination", "broadcast, decimal"],
  // IPv6 literals
  ["http://[::1]:PORT/", "blocked_destination", "IPv6 loopback"],
  ["http://[0:0:0:0:0:0:0:1]:PORT/", "blocked_destination", "IPv6 loopback, long form"],
  ["http://[::]:PORT/", "blocked_destination", "IPv6 unspecified"],
  ["http://[::ffff:127.0.0.1]:PORT/", "blocked_destination", "IPv4-mapped loopback"],
  ["http://[::ffff:7f00:1]:PORT/", "blocked_destination", "IPv4-mapped loopback, hex"],
  ["http://[0:0:0:0:0:ffff:127.0.0.1]:PORT/", "blocked_destination", "IPv4-mapped loopback, long form"],
  ["http://[::ffff:169.254.169.254]:PORT/", "blocked_destination", "IPv4-mapped metadata"],
  ["http://[::ffff:93.184.216.34]:PORT/", "blocked_destination", "IPv4-mapped, even public: always refused"],
  ["http://[::127.0.0.1]:PORT/", "blocked_destination", "IPv4-compatible loopback"],
  ["http://[64:ff9b::7f00:1]:PORT/", "blocked_destination", "NAT64 of 127.0.0.1"],
  ["http://[64:ff9b::127.0.0.1]:PORT/", "blocked_destination", "NAT64, dotted tail"],
  ["http://[64:ff9b:1::1]:PORT/", "blocked_destination", "local-use NAT64"],
  ["http://[2002:7f00:1::1]:PORT/", "blocked_destination", "6to4 of 127.0.0.1"],
  ["http://[2001:0::1]:PORT/", "blocked_destination", "Teredo"],
  ["http://[2001:db8::1]:PORT/", "blocked_destination", "documentation"],
  ["http://[3fff::1]:PORT/", "blocked_destination", "documentation (3fff::/20)"],
  ["http://[100::1]:PORT/", "blocked_destination", "discard-only"],
  ["http://[fe80::1]:PORT/", "blocked_destination", "link-local"],
  ["http://[fec0::1]:PORT/", "blocked_destination", "site-local"],
  ["http://[fc00::1]:PORT/", "blocked_destination", "unique local"],
  ["http://[fd00:ec2::254]:PORT/", "blocked_destination", "unique local: AWS metadata over IPv6"],
  ["http://[ff02::1]:PORT/", "blocked_destination", "multicast"],
  ["http://[fe80::1%25lo]:PORT/", "invalid_url", "IPv6 zone id"],
  // names that resolve to refused addresses (injected resolver)
  ["http://internal.example:PORT/", "blocked_destination", "resolves to 10.0.0.5"],
  ["http://mixed.example:PORT/", "blocked_destination", "one public and one loopback address"],
  ["http://mixed-v6.example:PORT/", "blocked_destination", "one public and ::1"],
  ["http://metadata.example:PORT/", "blocked_destination", "resolves to the metadata address"],
  ["http://mapped.example:PORT/", "blocked_destination", "resolves to ::ffff:127.0.0.1"],
  ["http://v6-loopback.example:PORT/", "blocked_destination", "resolves to ::1"],
  ["http://ula.example:PORT/", "blocked_destination", "resolves to a unique local address"],
  ["http://zero.example:PORT/", "blocked_destination", "resolves to 0.0.0.0"],
  ["http://scoped.example:PORT/", "blocked_destination", "resolves to an address with a zone id"],
  ["http://nowhere.example:PORT/", "dns_failure", "does not resolve"],
  ["http://localhost:PORT/", "invalid_url", "localhost"],
  ["http://LOCALHOST.:PORT/", "invalid_url", "localhost, upper case, trailing dot"],
  ["http://%6c%6fcalhost:PORT/", "invalid_url", "localhost, percent-encoded"],
  ["http://foo.localhost:PORT/", "invalid_url", "a .localhost name"],
  // other schemes
  ["file:///etc/passwd", "invalid_url", "file"],
  ["ftp://127.0.0.1:PORT/", "invalid_url", "ftp"],
  ["gopher://127.0.0.1:PORT/_", "invalid_url", "gopher"],
  ["dict://127.0.0.1:PORT/info", "invalid_url", "dict"],
  ["ldap://127.0.0.1:PORT/", "invalid_url", "ldap"],
  ["ws://127.0.0.1:PORT/", "invalid_url", "websocket"],
  ["wss://public.example/", "invalid_url", "secure websocket"],
  ["data:text/plain,hello", "invalid_url", "data"],
  ["javascript:alert(1)", "invalid_url", "javascript"],
  ["//127.0.0.1:PORT/", "invalid_url", "scheme-relative"],
  // userinfo and other parser tricks
  ["http://public.example@127.0.0.1:PORT/", "invalid_url", "user name that looks like a host"],
  ["http://user:pass@127.0.0.1:PORT/", "invalid_url", "user and password"],
  ["http://public.example:PORT@127.0.0.1:PORT/", "invalid_url", "host:port as userinfo"],
  ["http://127.0.0.1:PORT%2f@public.example/", "invalid_url", "encoded slash: 127.0.0.1 is the user name"],
  ["http://public.example\\@127.0.0.1:PORT/", "invalid_url", "backslash, read differently by other parsers"],
  ["http://127.0.0.1:PORT#@public.example/", "blocked_destination", "the host is 127.0.0.1, the rest a fragment"],
  ["http://127.0.0.1:PORT?@public.example/", "blocked_destination", "the host is 127.0.0.1, the rest a query"],
  ["http://:@127.0.0.1:PORT/", "blocked_destination", "empty userinfo, still 127.0.0.1"],
  ["http://127.0.0.1\t:PORT/", "invalid_url", "a tab inside the URL"],
  ["http://:PORT/", "invalid_url", "no host"],
  ["http://public.example:0/", "invalid_url", "port 0"],
  ["not a url", "invalid_url", "not a URL"],
];

describe.each([
  ["with nothing opened", undefined],
  ["with 127.0.0.2/32 opened", "127.0.0.2/32"],
])("%s", (_label, allowed) => {
  it("covers at least 60 destinations", () => {
    expect(destinations.length).toBeGreaterThanOrEqual(60);
  });

  it.each(destinations)("%s → %s (%s)", async (template, errorClass) => {
    if (allowed) vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", allowed);
    const destination = template.replaceAll("PORT", String(port));

    const saved = await checkDestination(destination, { resolve: resolveTestNames });
    expect(saved).toMatchObject({ ok: false, errorClass });

    const sent = await safePost(destination, '{"probe":true}', {}, { resolve: resolveTestNames, timeoutMs: 2_000 });
    expect(sent).toMatchObject({ kind: "failed", errorClass });
    if (sent.kind === "failed") expect(sent.message).not.toContain("/latest/meta-data");
    expect(canaryConnections()).toBe(0);
  });
});

describe("what is let through", () => {
  it.each([
    ["https://public.example/services/T0/B0/x", ["93.184.216.34"]],
    ["http://93.184.216.34/hook", ["93.184.216.34"]],
    ["https://[2606:2800:220:1:248:1893:25c8:1946]:8443/hook", ["2606:2800:220:1:248:1893:25c8:1946"]],
  ])("a public destination passes the save-time check: %s", async (destination, addresses) => {
    expect(await checkDestination(destination, { resolve: resolveTestNames })).toMatchObject({ ok: true, addresses });
  });

  it("opening 127.0.0.2/32 lets 127.0.0.2 through and nothing next to it", async () => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
    for (const open of [`http://127.0.0.2:${port}/`, `http://2130706434:${port}/`, `http://127.0.2:${port}/`]) {
      expect(await checkDestination(open), open).toMatchObject({ ok: true, addresses: ["127.0.0.2"] });
    }
    for (const refused of ["127.0.0.1", "127.0.0.3", "[::ffff:127.0.0.2]", "[::ffff:7f00:2]", "[::127.0.0.2]", "[64:ff9b::7f00:2]", "[::1]"]) {
      const destination = `http://${refused}:${port}/`;
      expect(await checkDestination(destination), refused).toMatchObject({ ok: false, errorClass: "blocked_destination" });
      expect(await safePost(destination, "{}", {}), refused).toMatchObject({ kind: "failed", errorClass: "blocked_destination" });
    }
    expect(await safePost(`http://127.0.0.2:${port}/open`, "{}", {})).toMatchObject({ kind: "answered", status: 200 });
    expect(canaryConnections()).toBe(0);
  });
});

describe("redirects to internal addresses", () => {
  it.each([301, 302, 303, 307, 308])("a %i is an answer, not a new request", async (status) => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
    for (const location of [`http://127.0.0.1:${port}/`, `http://[::1]:${port}/`, `http://localhost:${port}/`, `http://169.254.169.254/latest/meta-data/`]) {
      receiver.reply = () => ({ status, headers: { Location: location } });
      expect(await safePost(`http://127.0.0.2:${port}/hook`, "{}", {})).toMatchObject({ kind: "answered", status });
    }
    expect(canaryConnections()).toBe(0);
  });
});

describe("DNS rebinding", () => {
  /** Answers `first` once, then `later` to every further question. */
  function rebindingResolver(first: string, later: string) {
    return vi.fn<Resolver>().mockResolvedValueOnce([{ address: first, family: 4 }]).mockResolvedValue([{ address: later, family: 4 }]);
  }

  it("passes at save and is refused at connect when the second answer is internal", async () => {
    const resolve = rebindingResolver("93.184.216.34", "127.0.0.1");
    expect(await checkDestination(`http://rebind.example:${port}/`, { resolve })).toMatchObject({ ok: true, addresses: ["93.184.216.34"] });
    expect(await safePost(`http://rebind.example:${port}/`, "{}", {}, { resolve })).toMatchObject({ kind: "failed", errorClass: "blocked_destination" });
    expect(canaryConnections()).toBe(0);
  });

  it("connects to the address it checked, never asking DNS a second time", async () => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
    receiver.reply = () => ({ status: 200 });
    for (let round = 0; round < 20; round++) {
      const before = receiver.requests.length;
      const resolve = rebindingResolver("127.0.0.2", "127.0.0.1");
      expect(await safePost(`http://rebind.example:${port}/hook`, "{}", {}, { resolve })).toMatchObject({ kind: "answered", status: 200 });
      expect(resolve).toHaveBeenCalledTimes(1);
      expect(receiver.requests[before]?.headers.host).toBe(`rebind.example:${port}`);
    }
    expect(canaryConnections()).toBe(0);
  });

  it("pins https connections too, where the host name stays the TLS name", async () => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
    const connectionsBefore = receiver.connections;
    const resolve = rebindingResolver("127.0.0.2", "127.0.0.1");
    // The receiver speaks plain HTTP, so the handshake fails: but it happened on 127.0.0.2.
    expect(await safePost(`https://rebind-tls.example:${port}/hook`, "{}", {}, { resolve })).toMatchObject({ kind: "failed", errorClass: "tls_error" });
    expect(receiver.connections).toBeGreaterThan(connectionsBefore);
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(canaryConnections()).toBe(0);
  });
});

describe("the canaries", () => {
  it("saw zero connections", () => {
    expect(canaries.length).toBeGreaterThanOrEqual(1);
    expect(canaryConnections()).toBe(0);
  });
});
