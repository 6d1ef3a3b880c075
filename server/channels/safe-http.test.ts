import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { AllowedPrivateCidrsError } from "./blocked-addresses";
import { checkDestination, defaultMaxResponseBytes, defaultTimeoutMs, parseRetryAfter, safePost, type Resolver } from "./safe-http";
import type { FailedSend, SendOutcome } from "./send-outcome";
import { startTestReceiver, type TestReceiver } from "./test-receiver";

// The receiver sits on 127.0.0.2, the one address these tests open; the canary on 127.0.0.1
// (same port) must never be reached.
let receiver: TestReceiver;
let canary: TestReceiver;
const secretPath = "/services/T0001/B0002/SECRETtokenXYZ";

beforeAll(async () => {
  canary = await startTestReceiver();
  receiver = await startTestReceiver({ host: "127.0.0.2", port: canary.port });
});

afterAll(async () => {
  await Promise.all([receiver.close(), canary.close()]);
});

beforeEach(() => {
  vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32");
  receiver.reply = () => ({ status: 200 });
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

function post(path = "/hook", options: Parameters<typeof safePost>[3] = {}): Promise<SendOutcome> {
  return safePost(`${receiver.url}${path}`, '{"ok":true}', {}, options);
}

function expectFailure(outcome: SendOutcome, errorClass: FailedSend["errorClass"]): FailedSend {
  expect(outcome).toMatchObject({ kind: "failed", errorClass });
  const failed = outcome as FailedSend;
  expect(failed.message).not.toContain("SECRET");
  expect(failed.message).not.toContain("/services");
  return failed;
}

async function untilTrue(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 2_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`Gave up waiting until ${what}`);
}

const notFound: Resolver = async (hostname) => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
};

describe("safePost against a local receiver", () => {
  it("answers with the status of a 2xx and its latency", async () => {
    receiver.reply = () => ({ status: 204 });
    const outcome = await post();
    expect(outcome).toMatchObject({ kind: "answered", status: 204, retryAfterMs: null });
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(0);
    expect(outcome.latencyMs).toBeLessThan(5_000);
  });

  it.each([500, 410, 400, 404])("answers %i as an answer, body unread", async (status) => {
    receiver.reply = () => ({ status, body: "internal detail the user must never see" });
    const outcome = await post();
    expect(outcome).toEqual({ kind: "answered", status, latencyMs: expect.any(Number), retryAfterMs: null });
  });

  it("sends exactly the body and headers it was given, plus its own", async () => {
    const before = receiver.requests.length;
    const body = JSON.stringify({ event: { title: "Ünïcode ✓", n: 1 } });
    const outcome = await safePost(`${receiver.url}/hooks/abc?x=1&y=2#fragment`, body, { Authorization: "Bearer t0ken", "webhook-id": "msg_1" });
    expect(outcome).toMatchObject({ kind: "answered", status: 200 });
    const received = receiver.requests[before]!;
    expect(received.method).toBe("POST");
    expect(received.path).toBe("/hooks/abc?x=1&y=2");
    expect(received.body).toBe(body);
    expect(received.headers).toMatchObject({
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      authorization: "Bearer t0ken",
      "webhook-id": "msg_1",
      host: `127.0.0.2:${receiver.port}`,
    });
    expect(received.headers["user-agent"]).toMatch(/^Tocsin\/\d+\.\d+(\.\d+)? \(\+webhooks\)$/);
  });

  it("sends bytes as they are and lets the caller choose the content type", async () => {
    const before = receiver.requests.length;
    const bytes = new TextEncoder().encode("a=1&b=2");
    await safePost(`${receiver.url}/form`, bytes, { "Content-Type": "application/x-www-form-urlencoded" });
    expect(receiver.requests[before]).toMatchObject({ body: "a=1&b=2", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": "7" } });
  });

  it("times out on a receiver that never answers", async () => {
    receiver.reply = () => ({ hang: true });
    const outcome = await post(secretPath, { timeoutMs: 300 });
    const failed = expectFailure(outcome, "timeout");
    expect(failed.message).toBe("127.0.0.2 did not answer completely within 0.3 s.");
    expect(failed.latencyMs).toBeGreaterThanOrEqual(290);
    expect(failed.latencyMs).toBeLessThan(3_000);
  });

  it("times out on an answer that comes too late", async () => {
    receiver.reply = () => ({ status: 200, delayMs: 1_000 });
    expectFailure(await post(secretPath, { timeoutMs: 200 }), "timeout");
  });

  it("gives up after 15 s by default", async () => {
    expect(defaultTimeoutMs).toBe(15_000);
    receiver.reply = () => ({ hang: true });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const before = receiver.requests.length;
    let outcome: SendOutcome | undefined;
    void post().then((result) => (outcome = result));
    await untilTrue(() => receiver.requests.length > before, "the receiver has the request");
    vi.advanceTimersByTime(14_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(outcome).toBeUndefined();
    vi.advanceTimersByTime(1);
    await untilTrue(() => outcome !== undefined, "the post settled");
    expect(expectFailure(outcome!, "timeout").message).toContain("within 15 s");
  });

  it("times out on a body trickled slower than the deadline, though the headers came at once", async () => {
    receiver.reply = () => ({ trickle: { status: 200, chunk: "x", intervalMs: 100, chunks: 50 } });
    const outcome = await post(secretPath, { timeoutMs: 500 });
    expectFailure(outcome, "timeout");
    expect(outcome.latencyMs).toBeLessThan(3_000);
  });

  it("waits for a trickled body that ends in time", async () => {
    receiver.reply = () => ({ trickle: { status: 202, chunk: "x", intervalMs: 10, chunks: 5 } });
    expect(await post("/hook", { timeoutMs: 5_000 })).toMatchObject({ kind: "answered", status: 202 });
  });

  it("counts the deadline from the start, name resolution included", async () => {
    const never: Resolver = () => new Promise(() => {});
    const outcome = await safePost(`http://slow-dns.example:${receiver.port}${secretPath}`, "{}", {}, { resolve: never, timeoutMs: 200 });
    expect(expectFailure(outcome, "timeout").message).toBe("slow-dns.example did not answer completely within 0.2 s.");
  });

  it.each([
    ["Retry-After: 7", "7", 7_000],
    ["Retry-After: 0", "0", 0],
    ["no Retry-After", undefined, null],
    ["an unreadable Retry-After", "soon", null],
  ])("answers 429 with %s", async (_label, retryAfter, expected) => {
    const headers: Record<string, string> = retryAfter === undefined ? {} : { "Retry-After": retryAfter };
    receiver.reply = () => ({ status: 429, headers });
    expect(await post()).toMatchObject({ kind: "answered", status: 429, retryAfterMs: expected });
  });

  it("answers 429 with Retry-After as an HTTP date, in milliseconds from now", async () => {
    receiver.reply = () => ({ status: 429, headers: { "Retry-After": new Date(Date.now() + 120_000).toUTCString() } });
    const outcome = await post();
    expect(outcome).toMatchObject({ kind: "answered", status: 429 });
    const retryAfterMs = (outcome as { retryAfterMs: number }).retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(115_000);
    expect(retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it("answers 503 with its Retry-After", async () => {
    receiver.reply = () => ({ status: 503, headers: { "retry-after": "30" }, body: "maintenance" });
    expect(await post()).toMatchObject({ kind: "answered", status: 503, retryAfterMs: 30_000 });
  });

  it("reports a connection reset before any answer", async () => {
    receiver.reply = () => ({ reset: true });
    expect(expectFailure(await post(secretPath), "connection_reset").message).toBe("127.0.0.2 closed the connection before the answer was complete.");
  });

  it("reads at most 64 KiB of a 1 MiB answer and closes the socket on the rest", async () => {
    expect(defaultMaxResponseBytes).toBe(65_536);
    // A small answer leaves its kept-alive socket open...
    await post();
    expect(receiver.openConnections).toBeGreaterThanOrEqual(1);
    // ...a huge one does not: the client stops reading and destroys it.
    receiver.reply = () => ({ status: 201, body: "x".repeat(1024 * 1024) });
    expect(await post()).toMatchObject({ kind: "answered", status: 201 });
    await vi.waitFor(() => expect(receiver.openConnections).toBe(0));
  });

  it("stops reading at maxResponseBytes", async () => {
    receiver.reply = () => ({ trickle: { status: 200, chunk: "y".repeat(100), intervalMs: 20, chunks: 500 } });
    const outcome = await post("/hook", { maxResponseBytes: 250, timeoutMs: 5_000 });
    // 500 chunks at 20 ms would take 10 s: answered long before, after the third chunk.
    expect(outcome).toMatchObject({ kind: "answered", status: 200 });
    expect(outcome.latencyMs).toBeLessThan(2_000);
  });

  it("does not follow a redirect to the canary", async () => {
    receiver.reply = () => ({ status: 302, headers: { Location: `${canary.url}/internal` } });
    expect(await post()).toMatchObject({ kind: "answered", status: 302 });
    expect(canary.connections).toBe(0);
  });

  it("reports a refused connection on a closed port", async () => {
    const closed = await startTestReceiver({ host: "127.0.0.2" });
    await closed.close();
    const outcome = await safePost(`${closed.url}${secretPath}`, "{}", {});
    expect(expectFailure(outcome, "connection_refused").message).toBe("127.0.0.2 refused the connection.");
  });

  it("reports a name that does not resolve", async () => {
    const outcome = await safePost(`https://hooks.unknown.example${secretPath}`, "{}", {}, { resolve: notFound });
    expect(expectFailure(outcome, "dns_failure").message).toBe("hooks.unknown.example could not be resolved.");
    expect(await safePost("https://empty.example/", "{}", {}, { resolve: async () => [] })).toMatchObject({ kind: "failed", errorClass: "dns_failure" });
  });

  it("reports TLS spoken to a plain HTTP receiver as a TLS error", async () => {
    const outcome = await safePost(`https://127.0.0.2:${receiver.port}${secretPath}`, "{}", {});
    expect(expectFailure(outcome, "tls_error").message).toMatch(/^The TLS connection to 127\.0\.0\.2 failed/);
  });

  it("connects a name to the address it checked, with the name as Host", async () => {
    const before = receiver.requests.length;
    const resolve = vi.fn<Resolver>(async () => [{ address: "127.0.0.2", family: 4 }]);
    const outcome = await safePost(`http://receiver.example:${receiver.port}/named`, "{}", {}, { resolve });
    expect(outcome).toMatchObject({ kind: "answered", status: 200 });
    expect(resolve).toHaveBeenCalledTimes(1);
    expect(resolve).toHaveBeenCalledWith("receiver.example");
    expect(receiver.requests[before]?.headers.host).toBe(`receiver.example:${receiver.port}`);
  });

  it("never puts the URL's path in a failure message", async () => {
    const failures: SendOutcome[] = [
      await safePost(`http://127.0.0.1:${receiver.port}${secretPath}`, "{}", {}),
      await safePost(`http://internal.example${secretPath}`, "{}", {}, { resolve: async () => [{ address: "10.0.0.5", family: 4 }] }),
      await safePost(`ftp://127.0.0.2${secretPath}`, "{}", {}),
      await safePost(`https://user:pw@hooks.example${secretPath}`, "{}", {}),
    ];
    for (const outcome of failures) expectFailure(outcome, (outcome as FailedSend).errorClass);
  });

  it("reuses a kept-alive connection for sequential posts", async () => {
    const before = receiver.connections;
    for (let index = 0; index < 50; index++) expect(await post()).toMatchObject({ kind: "answered", status: 200 });
    expect(receiver.connections - before).toBeLessThanOrEqual(2);
  });

  it("throws on a malformed TOCSIN_ALLOWED_PRIVATE_CIDRS rather than guessing", async () => {
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.2/32,not-a-block");
    await expect(post()).rejects.toThrow(AllowedPrivateCidrsError);
    await expect(checkDestination("https://hooks.example/x", { resolve: notFound })).rejects.toThrow('"not-a-block"');
  });

  it("never reached the canary", () => {
    expect(canary.connections).toBe(0);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  it.each([
    ["7", 7_000],
    ["  120 ", 120_000],
    ["0", 0],
    ["-5", 0],
    ["Sun, 01 Mar 2026 12:01:30 GMT", 90_000],
    ["Sunday, 01-Mar-26 12:00:10 GMT", 10_000],
    ["Sun Mar  1 12:00:05 2026", 5_000],
    ["Sun, 01 Mar 2026 11:00:00 GMT", 0],
    ["1.5", null],
    ["soon", null],
    ["Someday", null],
    ["", null],
    [undefined, null],
  ])("%j → %j", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
