import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InngestTestEngine } from "@inngest/test";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { handleIngestNodeRequest } from "@/server/ingest/handle-ingest-node-request";
import { inngest } from "@/server/jobs/client";
import { InlineRunner } from "@/server/jobs/inline-runner";
import { ManualClock } from "@/server/jobs/test-helpers";
import { captureLogs } from "./capture-logs";
import { withFetchRequestId } from "./log-context";
import { getLogger, scrubSecrets } from "./logger";

// The operational logs: JSON lines carrying the request id (or the job's function and run ids)
// of the work they were written for, and never a credential or a channel's secret URL.
describe("structured logs", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let server: Server;
  let port: number;
  let logs: ReturnType<typeof captureLogs> | null = null;
  let source: { id: string; token: string };

  beforeAll(async () => {
    handle = await createTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "logs" });
    const created = await ws.callers.admin.source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "Generic", format: "generic" });
    source = { id: created.source.id, token: created.token };
    server = createServer((req, res) => void handleIngestNodeRequest(handle.db, req, res, { sourceId: req.url!.split("/").pop()! }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await handle.close();
  });
  afterEach(() => {
    logs?.stop();
    logs = null;
  });

  function post(headers: Record<string, string>, body: string) {
    return new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, path: `/api/ingest/${source.id}`, method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  it("gives every ingest request an id — the caller's when sane — echoed and on each of its log lines", async () => {
    logs = captureLogs("debug");
    const token = source.token;
    const accepted = await post({ authorization: `Bearer ${token}`, "x-request-id": "req-42.a" }, JSON.stringify({ type: "alert.created", severity: "high", title: "Logged" }));
    expect(accepted).toMatchObject({ status: 202, headers: { "x-request-id": "req-42.a" } });
    const refused = await post({ authorization: `Bearer ${token}`, "x-request-id": "not sane <script>" }, "{");
    expect(refused.status).toBe(400);
    const generated = String(refused.headers["x-request-id"]);
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);

    const ingestLines = logs.lines.filter((line) => line.module === "ingest");
    expect(ingestLines).toContainEqual(expect.objectContaining({ requestId: "req-42.a", msg: "events ingested", accepted: 1, format: "generic" }));
    expect(ingestLines).toContainEqual(expect.objectContaining({ requestId: generated, msg: "ingest request refused", status: 400, code: expect.any(String) }));
    // Every line is one JSON object, and the source token appears in none.
    expect(logs.text()).not.toContain(token);
  });

  it("never writes a bearer token, a cookie or a channel URL's secret path", () => {
    logs = captureLogs("debug");
    const token = "tcn_0123456789abcdefghijABCDEFGHIJ0123456789abcdef";
    const slackUrl = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXSECRETXXXX";
    const log = getLogger("deliveries");
    log.info({ req: { method: "POST", headers: { authorization: `Bearer ${token}`, cookie: "authjs.session-token=abc123session" } }, channel: { kind: "slack", url: slackUrl } }, "sending");
    log.error({ err: new Error(`request to ${slackUrl} failed`) }, `posting to ${slackUrl} with Bearer ${token} failed`);
    log.warn({ headers: { authorization: `Basic ${Buffer.from(`x:${token}`).toString("base64")}` }, webhookUrl: slackUrl, password: "hunter22" }, "nested");

    const text = logs.text();
    for (const secret of [token, "XXXXXXXXXXXXSECRETXXXX", "/services/T000", "abc123session", "hunter22", Buffer.from(`x:${token}`).toString("base64")]) {
      expect(text).not.toContain(secret);
    }
    expect(logs.lines).toHaveLength(3);
    // What stays is still useful: the host the message went to, the method.
    expect(logs.lines[0]).toMatchObject({ req: { method: "POST", headers: { authorization: "[redacted]" } }, channel: { kind: "slack", url: "[redacted]" } });
    expect(logs.lines[1]!.msg).toBe("posting to https://hooks.slack.com/[redacted] with Bearer [redacted] failed");
    expect(scrubSecrets("see https://user:pw@example.com:8443/a?b=c")).toBe("see https://example.com:8443/[redacted]");
  });

  it("tags a fetch-style handler's lines with its request id and echoes it", async () => {
    logs = captureLogs("info");
    const response = await withFetchRequestId(new Request("http://localhost/api/trpc/x", { headers: { "x-request-id": "trpc-1" } }), async () => {
      getLogger("trpc").info("handling");
      return Response.json({ ok: true });
    });
    expect(response.headers.get("x-request-id")).toBe("trpc-1");
    expect(logs.lines).toContainEqual(expect.objectContaining({ module: "trpc", requestId: "trpc-1", msg: "handling" }));
  });

  it("tags a job's lines with its function id and run id, under the inline runner and under Inngest", async () => {
    logs = captureLogs("info");
    const loud = inngest.createFunction({ id: "log-probe", triggers: [{ event: "test/log-probe" }] }, async ({ runId, logger }) => {
      getLogger("jobs").info("from server code");
      logger.info("from the job's logger");
      return runId;
    });
    const clock = new ManualClock(Date.now());
    const runner = new InlineRunner({ functions: [loud], clock });
    runner.send({ name: "test/log-probe", data: {} });
    await runner.quiet();
    await runner.stop();
    const inline = logs.lines.filter((line) => line.functionId === "log-probe");
    expect(inline.map((line) => line.msg).sort()).toEqual(["from server code", "from the job's logger"]);
    expect(new Set(inline.map((line) => line.runId)).size).toBe(1);
    expect(inline[0]!.runId).toMatch(/\S+/);

    logs.lines.length = 0;
    const { result } = await new InngestTestEngine({ function: loud }).execute({ events: [{ name: "test/log-probe", data: {} }] });
    const underInngest = logs.lines.filter((line) => line.msg === "from server code");
    expect(underInngest).toEqual([expect.objectContaining({ functionId: expect.stringContaining("log-probe"), runId: result })]);
  });
});
