import { eq, inArray } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startTestReceiver, type TestReceiver } from "@/server/channels/test-receiver";
import type { DbHandle } from "@/server/db/client";
import { deliveries, deliveryAttempts } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { attemptDelivery } from "@/server/deliveries/attempt-delivery";
import { insertEvents } from "@/server/events/test-events";
import { writeFanOut } from "@/server/fan-out/write-fan-out";
import { expectTrpcError, seedWorkspace, type SeededWorkspace } from "../test-helpers";

// The delivery log and the send test through the real routers: who sees which deliveries, who
// may replay them, what a replay does, and what a send test shows.

describe("delivery router", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let receiver: TestReceiver;
  let personal: { id: string; secret: string };
  let shared: { id: string; secret: string };
  let personalRuleId: string;
  let sharedRuleId: string;
  let runs = 0;

  beforeAll(async () => {
    handle = await createTestDatabase();
    vi.stubEnv("TOCSIN_ALLOWED_PRIVATE_CIDRS", "127.0.0.1/32");
    ws = await seedWorkspace(handle.db, { slug: "log", mode: "multi", communityNames: ["Alpha"] });
    receiver = await startTestReceiver();
    const analyst = await ws.callers.analyst.channel.create({ workspaceSlug: ws.slug, kind: "webhook", name: "Mine", url: `${receiver.url}/mine`, maxRetries: 0 });
    personal = { id: analyst.channel.id, secret: analyst.signingSecret! };
    const admin = await ws.callers.admin.channel.create({ workspaceSlug: ws.slug, kind: "webhook", name: "Team", url: `${receiver.url}/team`, shared: true, maxRetries: 0 });
    shared = { id: admin.channel.id, secret: admin.signingSecret! };
    // The analyst's personal rule uses both; the admin's shared rule the shared one.
    const communityId = ws.communities[0]!.id;
    personalRuleId = (
      await ws.callers.analyst.rule.create({ workspaceSlug: ws.slug, communityId, name: "My secret rule", triggers: ["alert.*"], notifyInApp: false, channelIds: [personal.id, shared.id] })
    ).rule.id;
    sharedRuleId = (
      await ws.callers.admin.rule.create({ workspaceSlug: ws.slug, kind: "shared", communityId, name: "Team rule", triggers: ["audit.*"], recipientRoles: ["admin"], notifyInApp: false, channelIds: [shared.id] })
    ).rule.id;
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await receiver.close();
    await handle.close();
  });
  beforeEach(() => {
    receiver.reply = () => ({ status: 200 });
  });
  afterEach(() => vi.restoreAllMocks());

  /** Ingests events and attempts each of their deliveries once, as the job would. */
  async function deliver(items: { type: string; title: string }[]) {
    const eventIds = await insertEvents(handle.db, ws.workspace.id, ws.sources[0]!, items.map((item) => ({ ...item, severity: "high" as const })));
    const written = await writeFanOut(handle.db, ws.workspace.id, eventIds);
    for (const { id } of written.deliveries) {
      await attemptDelivery(handle.db, { workspaceId: ws.workspace.id, deliveryId: id, runId: `run-${++runs}`, expectedAttempts: null, now: new Date() });
    }
    return { eventIds, deliveryIds: written.deliveries.map((d) => d.id) };
  }

  it("shows a channel's deliveries to whoever sees the channel, and a personal rule's name to its owner only", async () => {
    const { eventIds } = await deliver([{ type: "alert.created", title: "Seen by whom" }]);
    const slug = ws.slug;
    const analystView = await ws.callers.analyst.delivery.list({ workspaceSlug: slug, eventId: eventIds[0] });
    expect(analystView.items.map((d) => [d.channel.name, d.status, d.rule?.name]).sort()).toEqual([
      ["Mine", "delivered", "My secret rule"],
      ["Team", "delivered", "My secret rule"],
    ]);
    // The viewer and the admin see the shared channel's delivery, without the analyst's rule's name; not the personal channel's.
    for (const role of ["viewer", "admin", "owner"] as const) {
      const view = await ws.callers[role].delivery.list({ workspaceSlug: slug, eventId: eventIds[0] });
      expect(view.items.map((d) => [d.channel.name, d.rule])).toEqual([["Team", null]]);
    }
    const personalDelivery = analystView.items.find((d) => d.channel.name === "Mine")!;
    await expectTrpcError(ws.callers.admin.delivery.get({ workspaceSlug: slug, deliveryId: personalDelivery.id }), "NOT_FOUND");
    const detail = await ws.callers.analyst.delivery.get({ workspaceSlug: slug, deliveryId: personalDelivery.id });
    expect(detail.attemptLog).toMatchObject([{ number: 1, outcome: "delivered", statusCode: 200, errorClass: null }]);
    expect(detail.messageId).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it("pages newest first with a cursor, filters by status, and refuses a forged cursor", async () => {
    receiver.reply = (request) => (request.body.includes("page-fail") ? { status: 400 } : { status: 200 });
    await deliver([1, 2, 3, 4].map((n) => ({ type: "audit.rule.created", title: `page-${n}` })).concat([{ type: "audit.rule.created", title: "page-fail" }]));
    const slug = ws.slug;
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await ws.callers.viewer.delivery.list({ workspaceSlug: slug, channelId: shared.id, limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d) => d.event.title));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((title) => title.startsWith("page-"))).toHaveLength(5);
    const failed = await ws.callers.viewer.delivery.list({ workspaceSlug: slug, channelId: shared.id, status: "failed" });
    expect(failed.items.map((d) => [d.event.title, d.lastStatusCode, d.lastErrorClass, d.rule?.name])).toEqual([["page-fail", 400, "rejected", "Team rule"]]);
    await expectTrpcError(ws.callers.viewer.delivery.list({ workspaceSlug: slug, cursor: "not-a-cursor" }), "BAD_REQUEST");
  });

  it("replays under the same webhook-id as a new series, for whoever may change the channel", async () => {
    receiver.reply = () => ({ status: 500 });
    const { deliveryIds } = await deliver([{ type: "audit.member.removed", title: "Replay me" }]);
    const [deliveryId] = deliveryIds;
    const slug = ws.slug;
    const [failed] = await handle.db.select().from(deliveries).where(eq(deliveries.id, deliveryId!));
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });

    await expectTrpcError(ws.callers.viewer.delivery.replay({ workspaceSlug: slug, deliveryId: deliveryId! }), "FORBIDDEN");
    vi.spyOn(console, "warn").mockImplementation(() => {});
    await ws.callers.admin.delivery.replay({ workspaceSlug: slug, deliveryId: deliveryId! });
    const [pending] = await handle.db.select().from(deliveries).where(eq(deliveries.id, deliveryId!));
    expect(pending).toMatchObject({ status: "pending", attempts: 1, seriesStartAttempts: 1, replays: 1, failedAt: null, messageId: failed!.messageId });
    await expectTrpcError(ws.callers.admin.delivery.replay({ workspaceSlug: slug, deliveryId: deliveryId! }), "CONFLICT");

    receiver.reply = () => ({ status: 200 });
    const before = receiver.requests.length;
    await attemptDelivery(handle.db, { workspaceId: ws.workspace.id, deliveryId: deliveryId!, runId: `run-${++runs}`, expectedAttempts: null, now: new Date() });
    const detail = await ws.callers.admin.delivery.get({ workspaceSlug: slug, deliveryId: deliveryId! });
    expect(detail).toMatchObject({ status: "delivered", attempts: 2, replays: 1 });
    expect(detail.attemptLog.map((a) => [a.number, a.outcome])).toEqual([
      [1, "failed"],
      [2, "delivered"],
    ]);
    const resent = receiver.requests.slice(before);
    expect(resent.map((r) => r.headers["webhook-id"])).toEqual([failed!.messageId]);
    new Webhook(shared.secret).verify(resent[0]!.body, resent[0]!.headers as Record<string, string>);

    // A switched-off channel replays nothing.
    await ws.callers.admin.channel.setEnabled({ workspaceSlug: slug, channelId: shared.id, enabled: false });
    await expectTrpcError(ws.callers.admin.delivery.replay({ workspaceSlug: slug, deliveryId: deliveryId! }), "BAD_REQUEST");
    await ws.callers.admin.channel.setEnabled({ workspaceSlug: slug, channelId: shared.id, enabled: true });
  });

  it("replays every failed delivery of a channel since a chosen time", async () => {
    receiver.reply = () => ({ status: 404 });
    const { deliveryIds } = await deliver(["a", "b", "c"].map((t) => ({ type: "alert.replayed", title: `bulk-${t}` })));
    const mine = (await handle.db.select().from(deliveries).where(inArray(deliveries.id, deliveryIds))).filter((d) => d.channelId === personal.id);
    expect(mine).toHaveLength(3);
    // One failed long ago: it stays failed.
    await handle.db.update(deliveries).set({ failedAt: new Date("2020-01-01T00:00:00Z") }).where(eq(deliveries.id, mine[0]!.id));
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const since = new Date(Date.now() - 60 * 60_000);
    await expectTrpcError(ws.callers.admin.delivery.replayFailed({ workspaceSlug: ws.slug, channelId: personal.id, since }), "NOT_FOUND");
    const result = await ws.callers.analyst.delivery.replayFailed({ workspaceSlug: ws.slug, channelId: personal.id, since });
    expect(result).toEqual({ replayed: 2, more: false });
    const after = await handle.db.select().from(deliveries).where(inArray(deliveries.id, mine.map((d) => d.id)));
    expect(after.map((d) => [d.id === mine[0]!.id, d.status]).sort()).toEqual([
      [false, "pending"],
      [false, "pending"],
      [true, "failed"],
    ]);
    await expectTrpcError(ws.callers.analyst.delivery.replayFailed({ workspaceSlug: ws.slug, channelId: personal.id, since: new Date(Date.now() + 3_600_000) }), "BAD_REQUEST");
  });

  it("sends a signed test of the exact payload and shows the receiver's status and latency, never its body", async () => {
    const slug = ws.slug;
    const preview = await ws.callers.analyst.channel.previewTest({ workspaceSlug: slug, channelId: personal.id });
    expect(preview).toMatchObject({ kind: "http", contentType: "application/json", truncated: false });
    expect(preview.bytes).toBe(Buffer.byteLength((preview as { body: string }).body));
    expect(JSON.parse((preview as { body: string }).body)).toMatchObject({ type: "tocsin.notification", test: true, event: { type: "authentik.login_failed" } });

    receiver.reply = () => ({ status: 200, body: "receiver-secret-body" });
    const before = receiver.requests.length;
    const sent = await ws.callers.analyst.channel.sendTest({ workspaceSlug: slug, channelId: personal.id, type: "alert.created" });
    expect(sent.result).toMatchObject({ outcome: "delivered", statusCode: 200, errorClass: null, error: null });
    expect(sent.result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(sent)).not.toContain("receiver-secret-body");
    const [request] = receiver.requests.slice(before);
    const body = new Webhook(personal.secret).verify(request!.body, request!.headers as Record<string, string>) as { test: boolean; event: { type: string } };
    expect(body).toMatchObject({ test: true, event: { type: "alert.created" } });
    // Tests are not deliveries.
    expect(await handle.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.requestBytes, request!.body.length))).toEqual([]);

    receiver.reply = () => ({ status: 503, body: "down for maintenance" });
    const down = await ws.callers.analyst.channel.sendTest({ workspaceSlug: slug, channelId: personal.id });
    expect(down.result).toMatchObject({ outcome: "retry", statusCode: 503, errorClass: "server_error", error: "The receiver answered HTTP 503" });
    expect(JSON.stringify(down)).not.toContain("maintenance");

    // Only who may change a channel tests it; an unknown type is a clear error.
    await expectTrpcError(ws.callers.viewer.channel.sendTest({ workspaceSlug: slug, channelId: shared.id }), "FORBIDDEN");
    await expectTrpcError(ws.callers.admin.channel.sendTest({ workspaceSlug: slug, channelId: personal.id }), "NOT_FOUND");
    await expectTrpcError(ws.callers.analyst.channel.previewTest({ workspaceSlug: slug, channelId: personal.id, type: "no.such.type" }), "BAD_REQUEST");
  });

  it("previews an email channel's subject and both parts", async () => {
    const { channel } = await ws.callers.viewer.channel.create({ workspaceSlug: ws.slug, kind: "email", name: "My inbox" });
    const preview = await ws.callers.viewer.channel.previewTest({ workspaceSlug: ws.slug, channelId: channel.id });
    expect(preview).toMatchObject({ kind: "email", subject: "[TEST] [MEDIUM] Failed login for jdoe" });
    expect((preview as { html: string }).html).toContain("<html");
    expect((preview as { text: string }).text).toContain("test");
  });

  it("keeps the rules it delivers for: a shared rule naming a personal channel is refused", async () => {
    await expectTrpcError(
      ws.callers.admin.rule.update({ workspaceSlug: ws.slug, ruleId: sharedRuleId, name: "Team rule", triggers: ["audit.*"], recipientRoles: ["admin"], notifyInApp: false, channelIds: [personal.id] }),
      "NOT_FOUND",
    );
    await expectTrpcError(
      ws.callers.analyst.rule.update({ workspaceSlug: ws.slug, ruleId: personalRuleId, name: "My secret rule", triggers: ["alert.*"], notifyInApp: false, channelIds: [] }),
      "BAD_REQUEST",
    );
  });
});
