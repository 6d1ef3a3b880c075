import { Agent, createServer, request as httpRequest, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { events } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { handleIngestNodeRequest, LINGER_MS } from "./handle-ingest-node-request";
import { IngestAdmission } from "./ingest-admission";
import { MAX_BODY_BYTES } from "./read-body";

// The ingest endpoint over a real socket: what only Node's own request/response can show —
// refusals sent before the body is read, and the connection closed rather than read to its end.
describe("the ingest endpoint on node:http", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let server: Server;
  let port: number;
  let source: { id: string; token: string };
  // The process's own ceiling unless a test sets one.
  let admission: IngestAdmission | undefined;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "ingest-node" });
    const created = await ws.callers.admin.source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "Node", format: "generic" });
    source = { id: created.source.id, token: created.token };
    server = createServer((req, res) => void handleIngestNodeRequest(handle.db, req, res, { sourceId: req.url!.split("/").pop()! }, { admission }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await handle.close();
  });

  type Sent = { method?: string; headers?: Record<string, string | number>; chunks?: (Buffer | string)[]; keepSending?: boolean };
  /** Sends a request (optionally a never-ending chunked body) and resolves with the answer. */
  function send({ method = "POST", headers = {}, chunks = [], keepSending = false }: Sent) {
    return new Promise<{ status: number; headers: Record<string, unknown>; body: { accepted?: number; error?: { code: string } } }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: `/api/ingest/${source.id}`, method, headers: { authorization: `Bearer ${source.token}`, "content-type": "application/json", ...headers } }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (chunk: Buffer) => parts.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(parts).toString("utf8")) }));
      });
      req.on("error", reject);
      for (const chunk of chunks) req.write(chunk);
      if (!keepSending) return void req.end();
      // A body without end: 64 KiB every few milliseconds until the server answers.
      const timer = setInterval(() => req.write(Buffer.alloc(64 * 1024, 0x20)), 2);
      req.on("response", () => clearInterval(timer));
      req.on("close", () => clearInterval(timer));
    });
  }
  const event = JSON.stringify({ type: "alert.created", severity: "high", title: "Over a socket" });

  it("stores an event and answers 202 JSON", async () => {
    const res = await send({ chunks: [event] });
    expect(res).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(res.headers["content-type"]).toBe("application/json");
    expect(await handle.db.select().from(events).where(eq(events.sourceId, source.id))).toHaveLength(1);
  });

  it("answers 405 with Allow: POST to other methods", async () => {
    const res = await send({ method: "GET" });
    expect(res).toMatchObject({ status: 405, body: { error: { code: "method_not_allowed" } } });
    expect(res.headers.allow).toBe("POST");
  });

  it("keeps the connection of a request without a body (a GET answered 405) for the next request", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<unknown>();
      for (let i = 0; i < 2; i++) {
        const res = await new Promise<{ status: number; connection: unknown }>((resolve, reject) => {
          const req = httpRequest({ host: "127.0.0.1", port, path: `/api/ingest/${source.id}`, method: "GET", agent }, (res) => {
            sockets.add(req.socket);
            res.resume();
            res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
          });
          req.on("error", reject);
          req.end();
        });
        expect(res).toEqual({ status: 405, connection: "keep-alive" });
      }
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  /**
   * Opens a raw connection and sends a chunked body without end, 64 KiB every few milliseconds,
   * going on for `sendOnBytes` after the answer; reports the answer's status line and how the
   * connection ended.
   */
  function sendChunkedOn(sendOnBytes: number) {
    return new Promise<{ statusLine: string; writeError: string | null; closedByServer: boolean; endedMs: number }>((resolve) => {
      // Half-open allowed: like an HTTP client still uploading, it sends on after the server's FIN.
      const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
      const chunk = Buffer.concat([Buffer.from(`10000\r\n`), Buffer.alloc(0x10000, 0x20), Buffer.from("\r\n")]);
      let answer = "";
      let answeredAt = 0;
      let sentAfterAnswer = 0;
      let writeError: string | null = null;
      let closedByServer = false;
      socket.on("error", (error) => (writeError ??= error.message));
      socket.on("end", () => (closedByServer = true));
      socket.on("data", (data: Buffer) => {
        answer += data.toString("latin1");
        answeredAt ||= performance.now();
      });
      socket.on("close", () => {
        clearInterval(timer);
        resolve({ statusLine: answer.split("\r\n", 1)[0]!, writeError, closedByServer, endedMs: performance.now() - answeredAt });
      });
      socket.write(`POST /api/ingest/${source.id} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${source.token}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const timer = setInterval(() => {
        if (socket.destroyed) return;
        if (answeredAt && sentAfterAnswer >= sendOnBytes) {
          clearInterval(timer);
          socket.end();
          return;
        }
        socket.write(chunk);
        if (answeredAt) sentAfterAnswer += chunk.byteLength;
      }, 2);
    });
  }

  it("closes the connection of a refused body still arriving without resetting it: it reads on until the client stops", async () => {
    // The client sends 2 MiB more after the 413: the server goes on reading (no EPIPE, no reset), then closes when the client does.
    const ended = await sendChunkedOn(2 * MAX_BODY_BYTES);
    expect(ended.statusLine).toBe("HTTP/1.1 413 Payload Too Large");
    expect(ended.writeError).toBeNull();
    expect(ended.closedByServer).toBe(true);
  });

  it("closes the connection of a client that never stops sending after LINGER_MS", async () => {
    // A client that never stops is not read for ever.
    const ended = await sendChunkedOn(Number.POSITIVE_INFINITY);
    expect(ended.statusLine).toBe("HTTP/1.1 413 Payload Too Large");
    expect(ended.endedMs).toBeLessThan(LINGER_MS + 1_000);
  });

  it("refuses a chunked body that never ends with 413 once past 1 MiB, and closes the connection", async () => {
    const res = await send({ chunks: ['{"type":"alert.created","title":"'], keepSending: true });
    expect(res).toMatchObject({ status: 413, body: { error: { code: "body_too_large" } } });
    expect(res.headers.connection).toBe("close");
  });

  it("refuses a body over 1 MiB announced by its Content-Length, storing nothing", async () => {
    const before = (await handle.db.select().from(events).where(eq(events.sourceId, source.id))).length;
    const big = Buffer.alloc(MAX_BODY_BYTES + 10, 0x20);
    const res = await send({ headers: { "content-length": big.byteLength }, chunks: [big] });
    expect(res.status).toBe(413);
    expect(await handle.db.select().from(events).where(eq(events.sourceId, source.id))).toHaveLength(before);
  });

  it("answers 429 overloaded with Retry-After while every slot is taken, and closes the connection rather than read the body", async () => {
    admission = new IngestAdmission(1);
    const held = admission.enter();
    try {
      const before = (await handle.db.select().from(events).where(eq(events.sourceId, source.id))).length;
      // A body that never ends: answered all the same, without waiting for it.
      const res = await send({ chunks: ['{"type":"alert.created","title":"'], keepSending: true });
      expect(res).toMatchObject({ status: 429, body: { error: { code: "overloaded" } } });
      expect(res.headers["retry-after"]).toBe("1");
      expect(res.headers["content-type"]).toBe("application/json");
      expect(res.headers.connection).toBe("close");
      // A small announced body is discarded instead, and the connection kept for the next request.
      const small = await send({ headers: { "content-length": Buffer.byteLength(event) }, chunks: [event] });
      expect(small).toMatchObject({ status: 429, body: { error: { code: "overloaded" } } });
      expect(small.headers.connection).not.toBe("close");
      if (held.admitted === true) held.release();
      expect((await send({ chunks: [event] })).status).toBe(202);
      expect(await handle.db.select().from(events).where(eq(events.sourceId, source.id))).toHaveLength(before + 1);
    } finally {
      admission = undefined;
    }
  });

  it("inflates gzip, and refuses a gzip bomb by its inflated size", async () => {
    expect((await send({ headers: { "content-encoding": "gzip" }, chunks: [gzipSync(event)] })).status).toBe(202);
    const bomb = gzipSync(Buffer.alloc(8 * MAX_BODY_BYTES, 0x20));
    expect(await send({ headers: { "content-encoding": "gzip" }, chunks: [bomb] })).toMatchObject({ status: 413, body: { error: { code: "body_too_large" } } });
  });
});
