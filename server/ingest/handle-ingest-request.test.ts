import { gzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { events, intakeSources } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { generateSourceToken } from "@/server/sources/source-token";
import { handleIngestRequest, type IngestTarget } from "./handle-ingest-request";
import { MAX_BODY_BYTES } from "./read-body";

// Either side of the answer: the 202 summary or the error; tests read whichever they expect.
type ResponseBody = {
  accepted: number;
  duplicates: number;
  ids: string[];
  error: { code: string; message: string; details: { issues: { index: number }[]; line?: number } };
};

describe("POST /api/ingest", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let counter = 0;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "ingest" });
  });
  afterAll(() => handle.close());

  async function newSource(overrides: Record<string, unknown> = {}) {
    const created = await ws.callers.admin.source.create({
      workspaceSlug: ws.slug,
      communityId: ws.communities[0]!.id,
      name: `Tool ${++counter}`,
      format: "generic",
      ...overrides,
    });
    return { id: created.source.id, token: created.token };
  }

  type Options = { body?: BodyInit | null; headers?: Record<string, string>; target?: IngestTarget; token?: string | null };
  async function post(source: { id: string; token: string }, options: Options = {}) {
    const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
    const token = options.token === undefined ? source.token : options.token;
    if (token !== null && !options.target) headers.authorization = `Bearer ${token}`;
    const request = new Request("http://localhost/api/ingest/x", { method: "POST", headers, body: options.body ?? null, duplex: "half" } as RequestInit);
    const response = await handleIngestRequest(handle.db, request, options.target ?? { sourceId: source.id });
    return { status: response.status, headers: response.headers, body: (await response.json()) as ResponseBody };
  }
  const event = (overrides: Record<string, unknown> = {}) => ({ type: "alert.created", severity: "high", title: "Brute force on vpn-1", ...overrides });
  const json = (value: unknown) => JSON.stringify(value);
  const storedFor = (sourceId: string) => handle.db.select().from(events).where(eq(events.sourceId, sourceId));

  describe("accepts", () => {
    it("a single event with 202 {accepted, duplicates, ids}, stored under the source's workspace and community", async () => {
      const source = await newSource();
      const res = await post(source, { body: json(event({ externalId: "a-1", clientIp: "203.0.113.9" })) });
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ accepted: 1, duplicates: 0 });
      const [stored] = await storedFor(source.id);
      expect(res.body.ids).toEqual([stored!.id]);
      expect(stored).toMatchObject({
        workspaceId: ws.workspace.id,
        communityId: ws.communities[0]!.id,
        type: "alert.created",
        severity: "high",
        clientIp: "203.0.113.9",
        origin: "ingest",
        externalId: "a-1",
        fannedOutAt: null,
      });
      const [row] = await handle.db.select().from(intakeSources).where(eq(intakeSources.id, source.id));
      expect(row!.lastEventAt).toEqual(stored!.receivedAt);
    });

    it("a JSON array and an NDJSON body as batches, keeping the order in ids", async () => {
      const source = await newSource();
      const batch = await post(source, { body: json([event({ title: "one" }), event({ title: "two" })]) });
      expect(batch).toMatchObject({ status: 202, body: { accepted: 2, duplicates: 0 } });
      const ndjson = await post(source, {
        body: `${json(event({ title: "three" }))}\n\n${json(event({ title: "four" }))}\n`,
        headers: { "content-type": "application/x-ndjson" },
      });
      expect(ndjson).toMatchObject({ status: 202, body: { accepted: 2 } });
      const stored = await storedFor(source.id);
      const titleOf = (id: string) => stored.find((e) => e.id === id)!.title;
      expect([...batch.body.ids, ...ndjson.body.ids].map(titleOf)).toEqual(["one", "two", "three", "four"]);
    });

    it("the token as Basic password, and in the path for tools that only take a URL", async () => {
      const source = await newSource();
      const basic = Buffer.from(`anything:${source.token}`).toString("base64");
      expect((await post(source, { body: json(event()), token: null, headers: { authorization: `Basic ${basic}` } })).status).toBe(202);
      expect((await post(source, { body: json(event()), target: { pathToken: source.token } })).status).toBe(202);
    });

    it("NUL characters anywhere in the payload, which jsonb cannot hold, replaced by U+FFFD", async () => {
      const source = await newSource();
      const res = await post(source, { body: json(event({ data: { "ke\u0000y": "va\u0000lue", list: ["\u0000"] } })) });
      expect(res.status).toBe(202);
      const [stored] = await storedFor(source.id);
      expect(stored!.data).toEqual({ "ke\uFFFDy": "va\uFFFDlue", list: ["\uFFFD"] });
      expect(stored!.raw).toMatchObject({ data: { "ke\uFFFDy": "va\uFFFDlue" } });
    });

    it("lone UTF-16 surrogates, which jsonb cannot hold either, replaced by U+FFFD in values and keys", async () => {
      const source = await newSource();
      const body = '{"type":"alert.created","severity":"low","title":"t","data":{"k\\ud800":"\\udc00x","ok":"\\ud83d\\ude00","text":"\\\\u0000 stays"}}';
      const res = await post(source, { body });
      expect(res.status).toBe(202);
      const [stored] = await storedFor(source.id);
      expect(stored!.data).toEqual({ "k\uFFFD": "\uFFFDx", ok: "\u{1F600}", text: "\\u0000 stays" });
    });

    it("a chat-webhook body with a trailing comma, as some tools' templates send", async () => {
      const source = await newSource({ format: "teams" });
      const body = '{"@type":"MessageCard","summary":"Gate","title":"Security gate failed","sections":[{"activityTitle":"x"},],}';
      expect(await post(source, { body })).toMatchObject({ status: 202, body: { accepted: 1 } });
      const generic = await newSource();
      expect(await post(generic, { body: '{"type":"a.b","title":"t",}' })).toMatchObject({ status: 400, body: { error: { code: "malformed_json" } } });
    });

    it("a gzip body, with the size limit applied after decompression", async () => {
      const source = await newSource();
      const res = await post(source, { body: gzipSync(json([event(), event()])), headers: { "content-encoding": "gzip" } });
      expect(res).toMatchObject({ status: 202, body: { accepted: 2 } });
    });
  });

  describe("idempotency", () => {
    it("counts a repeated externalId as a duplicate, answering with the stored event's id", async () => {
      const source = await newSource();
      const first = await post(source, { body: json(event({ externalId: "dup" })) });
      const again = await post(source, { body: json([event({ externalId: "dup" }), event({ externalId: "new" }), event({ externalId: "new" })]) });
      expect(again).toMatchObject({ status: 202, body: { accepted: 1, duplicates: 2 } });
      expect(again.body.ids[0]).toBe(first.body.ids[0]);
      expect(again.body.ids[1]).toBe(again.body.ids[2]);
      expect(await storedFor(source.id)).toHaveLength(2);
    });

    it("stores one event when identical requests race", async () => {
      const source = await newSource();
      const results = await Promise.all(Array.from({ length: 8 }, () => post(source, { body: json(event({ externalId: "race" })) })));
      expect(results.every((r) => r.status === 202)).toBe(true);
      expect(results.reduce((n, r) => n + r.body.accepted, 0)).toBe(1);
      expect(new Set(results.map((r) => r.body.ids[0])).size).toBe(1);
      expect(await storedFor(source.id)).toHaveLength(1);
    });

    it("replays the stored response for a repeated Idempotency-Key and refuses it with another body (422)", async () => {
      const source = await newSource();
      const headers = { "idempotency-key": "req-42" };
      const first = await post(source, { body: json(event()), headers });
      const replay = await post(source, { body: json(event()), headers });
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get("idempotent-replayed")).toBe("true");
      expect(await storedFor(source.id)).toHaveLength(1);
      const other = await post(source, { body: json(event({ title: "different" })), headers });
      expect(other).toMatchObject({ status: 422, body: { error: { code: "idempotency_key_reused" } } });
      expect(await storedFor(source.id)).toHaveLength(1);
    });

    it("gives one result to requests racing with the same Idempotency-Key", async () => {
      const source = await newSource();
      const results = await Promise.all(Array.from({ length: 6 }, () => post(source, { body: json(event()), headers: { "idempotency-key": "race" } })));
      expect(results.every((r) => r.status === 202)).toBe(true);
      for (const result of results) expect(result.body).toEqual(results[0]!.body);
      expect(await storedFor(source.id)).toHaveLength(1);
    });
  });

  describe("refuses, storing nothing", () => {
    const refusals: [string, (s: { id: string; token: string }) => Options, number, string][] = [
      ["no credentials", () => ({ body: json(event()), token: null }), 401, "missing_credentials"],
      ["an Authorization header of another scheme", () => ({ body: json(event()), token: null, headers: { authorization: "Digest abc" } }), 401, "malformed_credentials"],
      ["a token with a typo", (s) => ({ body: json(event()), token: `${s.token.slice(0, -1)}${s.token.endsWith("A") ? "B" : "A"}` }), 401, "malformed_token"],
      ["an unknown token", () => ({ body: json(event()), token: generateSourceToken().token }), 403, "invalid_token"],
      ["an unsupported content type", () => ({ body: json(event()), headers: { "content-type": "text/plain" } }), 415, "unsupported_content_type"],
      ["an unsupported encoding", () => ({ body: json(event()), headers: { "content-encoding": "br" } }), 415, "unsupported_encoding"],
      ["malformed JSON", () => ({ body: "{ nope" }), 400, "malformed_json"],
      ["an empty body", () => ({ body: "" }), 400, "empty_body"],
      ["an empty batch", () => ({ body: "[]" }), 400, "empty_batch"],
      ["an idempotency key with spaces", () => ({ body: json(event()), headers: { "idempotency-key": "a b" } }), 400, "invalid_idempotency_key"],
      ["a gzip header on a plain body", () => ({ body: json(event()), headers: { "content-encoding": "gzip" } }), 400, "malformed_body"],
    ];

    it.each(refusals)("%s", async (_label, options, status, code) => {
      const source = await newSource();
      const res = await post(source, options(source));
      expect(res.status).toBe(status);
      expect(res.body.error).toMatchObject({ code, message: expect.any(String) });
      expect(await storedFor(source.id)).toHaveLength(0);
      if (status === 401) expect(res.headers.get("www-authenticate")).toContain("Bearer");
    });

    it("a revoked token, a disabled source, and a token of another source (403), at once though the tokens were just used", async () => {
      const source = await newSource();
      const other = await newSource();
      // Both tokens are now in the authentication cache; the changes below must not wait for it.
      expect((await post(source, { body: json(event()) })).status).toBe(202);
      expect((await post(other, { body: json(event()) })).status).toBe(202);
      expect((await post(source, { body: json(event()), token: other.token })).body.error.code).toBe("invalid_token");
      await ws.callers.admin.source.update({ workspaceSlug: ws.slug, sourceId: source.id, name: `Tool d${counter}`, enabled: false, silenceAfterSeconds: null, rateLimitPerSecond: 100 });
      expect(await post(source, { body: json(event()) })).toMatchObject({ status: 403, body: { error: { code: "source_disabled" } } });
      await ws.callers.admin.source.revokeTokens({ workspaceSlug: ws.slug, sourceId: other.id });
      expect(await post(other, { body: json(event()) })).toMatchObject({ status: 403, body: { error: { code: "revoked_token" } } });
    });

    it("a token whose source another instance deleted while this one still trusts it (403)", async () => {
      const source = await newSource();
      expect((await post(source, { body: json(event()) })).status).toBe(202);
      // Deleted behind this process's back: its authentication cache still knows the token.
      await handle.db.delete(intakeSources).where(eq(intakeSources.id, source.id));
      expect(await post(source, { body: json(event()) })).toMatchObject({ status: 403, body: { error: { code: "invalid_token" } } });
      expect(await storedFor(source.id)).toHaveLength(0);
    });

    it("a batch with one invalid event, naming its index: all or nothing", async () => {
      const source = await newSource();
      const res = await post(source, { body: json([event(), event(), event({ severity: "urgent" }), event({ title: "" })]) });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe("invalid_event");
      expect(res.body.error.message).toMatch(/^event 2: /);
      expect(res.body.error.details.issues.map((i) => i.index)).toEqual([2, 3]);
      expect(await storedFor(source.id)).toHaveLength(0);
    });

    it("a JSON array or NDJSON sent to a format that takes one message per request", async () => {
      const source = await newSource({ format: "slack" });
      expect(await post(source, { body: json([{ text: "a" }, { text: "b" }]) })).toMatchObject({ status: 400, body: { error: { code: "batch_not_supported" } } });
      expect(await post(source, { body: json({ text: "one message" }) })).toMatchObject({ status: 202, body: { accepted: 1 } });
    });

    it("an NDJSON line that is not JSON, naming the line", async () => {
      const source = await newSource();
      const res = await post(source, { body: `${json(event())}\n{oops\n`, headers: { "content-type": "application/x-ndjson" } });
      expect(res).toMatchObject({ status: 400, body: { error: { code: "malformed_json", details: { line: 2 } } } });
    });

    it("more than 1000 events (413)", async () => {
      const source = await newSource();
      const res = await post(source, { body: json(Array.from({ length: 1001 }, () => event())) });
      expect(res).toMatchObject({ status: 413, body: { error: { code: "too_many_events" } } });
      expect(await storedFor(source.id)).toHaveLength(0);
    });

    it("a body over 1 MiB, whether announced, hidden behind a lying Content-Length, chunked, or gzip-compressed", async () => {
      const source = await newSource();
      const big = json([event({ message: "x".repeat(MAX_BODY_BYTES) })]);
      // Announced honestly.
      expect((await post(source, { body: big, headers: { "content-length": String(big.length) } })).status).toBe(413);
      // A Content-Length that lies (claims 10 bytes): reading still stops at the limit.
      expect((await post(source, { body: big, headers: { "content-length": "10" } })).status).toBe(413);
      // Chunked: a stream with no length at all, that would go on far beyond the limit.
      let sent = 0;
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += 64 * 1024;
          controller.enqueue(new Uint8Array(64 * 1024).fill(32));
          if (sent > 8 * MAX_BODY_BYTES) controller.close();
        },
      });
      expect((await post(source, { body: endless })).status).toBe(413);
      expect(sent).toBeLessThan(3 * MAX_BODY_BYTES);
      // A gzip bomb: a few KiB that inflate past the limit.
      const bomb = gzipSync(Buffer.alloc(5 * MAX_BODY_BYTES, 32));
      expect(bomb.length).toBeLessThan(64 * 1024);
      expect(await post(source, { body: bomb, headers: { "content-encoding": "gzip" } })).toMatchObject({ status: 413, body: { error: { code: "body_too_large" } } });
      expect(await storedFor(source.id)).toHaveLength(0);
    });

    it("requests beyond the source's rate with 429 and Retry-After", async () => {
      const source = await newSource({ rateLimitPerSecond: 2 });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await post(source, { body: json(event()) }));
      expect(results.map((r) => r.status)).toEqual([202, 202, 429, 429]);
      expect(results[2]!.headers.get("retry-after")).toBe("1");
      expect(results[2]!.body.error.code).toBe("rate_limited");
      expect(await storedFor(source.id)).toHaveLength(2);
    });
  });
});
