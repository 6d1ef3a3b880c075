import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { and, eq, inArray } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { memberships, notifications, workspaces } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { insertEvents } from "@/server/events/test-events";
import { writeFanOut } from "@/server/fan-out/write-fan-out";
import { startInboxRealtime, stopInboxRealtime } from "@/server/inbox/realtime";
import { appRouter, createCaller } from "../root";
import { countRows, expectTrpcError, seedWorkspace, snapshotWorkspace, TEST_ORIGIN, type SeededWorkspace } from "../test-helpers";

describe("inbox, preference and inbox settings", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let ruleId: string;
  let sharedRuleId: string;
  let eventIds: string[];

  beforeAll(async () => {
    handle = await createTestDatabase();
    await startInboxRealtime(handle).ready;
    ws = await seedWorkspace(handle.db, { slug: "inbox" });
    ruleId = (
      await ws.callers.analyst.rule.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "Everything", triggers: ["*"], scope: "workspace" })
    ).rule.id;
    sharedRuleId = (
      await ws.callers.admin.rule.create({
        workspaceSlug: ws.slug,
        kind: "shared",
        communityId: ws.communities[1]!.id,
        name: "Critical in Beta",
        triggers: ["*"],
        conditions: { minSeverity: "critical" },
        recipientRoles: ["analyst", "viewer"],
      })
    ).rule.id;
    // 25 events a second apart, severities in turn; Alpha then Beta.
    const severities = ["info", "low", "medium", "high", "critical"] as const;
    eventIds = [];
    for (let i = 0; i < 25; i++) {
      const source = ws.sources[i % 2]!;
      eventIds.push(
        ...(await insertEvents(handle.db, ws.workspace.id, source, [
          { type: i % 3 === 0 ? "alert.created" : "authentik.login_failed", severity: severities[i % 5], title: `Event ${i}`, actor: `user${i}@example.test` },
        ])),
      );
      // One fan-out per event, so entries have distinct creation times (newest = highest i).
      await writeFanOut(handle.db, ws.workspace.id, [eventIds[i]!]);
    }
  });
  afterAll(async () => {
    await stopInboxRealtime(handle);
    await handle.close();
  });

  const slug = () => ws.slug;

  describe("list and latest", () => {
    it("lists the caller's own entries newest first, with the event, rule and community, page by page", async () => {
      const caller = ws.callers.analyst;
      const first = await caller.inbox.list({ workspaceSlug: slug(), limit: 10 });
      expect(first.items).toHaveLength(10);
      expect(first.items[0]).toMatchObject({
        ruleName: "Everything",
        readAt: null,
        archivedAt: null,
        severity: "critical",
        event: { title: "Event 24", severity: "critical", type: "alert.created", actor: "user24@example.test" },
        communityName: ws.communities.find((c) => c.id === ws.sources[0]!.communityId)!.name,
      });
      const seen = [...first.items];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await caller.inbox.list({ workspaceSlug: slug(), limit: 10, cursor });
        seen.push(...page.items);
        cursor = page.nextCursor;
      }
      // 25 from the personal rule, and the 2 critical ones of Beta (events 9 and 19) from the shared rule.
      expect(seen).toHaveLength(27);
      expect(new Set(seen.map((n) => n.id)).size).toBe(27);
      const times = seen.map((n) => n.createdAt.getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      await expectTrpcError(caller.inbox.list({ workspaceSlug: slug(), cursor: "garbage" }), "BAD_REQUEST");
    });

    it("filters by unread, severity, rule and community", async () => {
      const caller = ws.callers.analyst;
      const list = (filters: Record<string, unknown>) => caller.inbox.list({ workspaceSlug: slug(), limit: 100, ...filters }).then((p) => p.items);
      expect(await list({ severities: ["critical"] })).toHaveLength(7);
      expect(await list({ severities: ["high", "critical"], ruleIds: [ruleId] })).toHaveLength(10);
      expect(await list({ ruleIds: [sharedRuleId] })).toHaveLength(2);
      const beta = ws.sources[1]!.communityId;
      expect((await list({ communityIds: [beta] })).every((n) => n.communityId === beta)).toBe(true);
      expect(await list({ communityIds: [beta], ruleIds: [ruleId] })).toHaveLength(12);
      expect(await list({ unread: false })).toEqual([]);
      expect(await list({ unread: true })).toHaveLength(27);
      expect(await list({ archived: true })).toEqual([]);
    });

    it("gives the bell the latest ten and the unread count; others see only their own", async () => {
      const latest = await ws.callers.viewer.inbox.latest({ workspaceSlug: slug() });
      expect(latest.unread).toBe(2);
      expect(latest.items.map((n) => n.event.title)).toEqual(["Event 19", "Event 9"]);
      expect(await ws.callers.owner.inbox.unreadCount({ workspaceSlug: slug() })).toBe(0);
      expect((await ws.callers.analyst.inbox.latest({ workspaceSlug: slug() })).items).toHaveLength(10);
    });
  });

  describe("read and archive", () => {
    it("marks read and unread, archives and unarchives the caller's own entries", async () => {
      const caller = ws.callers.viewer;
      const [a, b] = (await caller.inbox.list({ workspaceSlug: slug() })).items;
      expect(await caller.inbox.markRead({ workspaceSlug: slug(), ids: [a!.id, b!.id, a!.id], read: true })).toEqual({ updated: 2 });
      expect(await caller.inbox.markRead({ workspaceSlug: slug(), ids: [a!.id], read: true })).toEqual({ updated: 0 });
      expect(await caller.inbox.unreadCount({ workspaceSlug: slug() })).toBe(0);
      expect(await caller.inbox.markRead({ workspaceSlug: slug(), ids: [b!.id], read: false })).toEqual({ updated: 1 });
      expect(await caller.inbox.unreadCount({ workspaceSlug: slug() })).toBe(1);

      expect(await caller.inbox.archive({ workspaceSlug: slug(), ids: [a!.id], archived: true })).toEqual({ updated: 1 });
      expect((await caller.inbox.list({ workspaceSlug: slug(), archived: true })).items.map((n) => n.id)).toEqual([a!.id]);
      expect((await caller.inbox.list({ workspaceSlug: slug() })).items.map((n) => n.id)).not.toContain(a!.id);
      expect(await caller.inbox.archive({ workspaceSlug: slug(), ids: [a!.id], archived: false })).toEqual({ updated: 1 });

      // Archiving an unread entry takes it out of the count.
      expect(await caller.inbox.archive({ workspaceSlug: slug(), ids: [b!.id], archived: true })).toEqual({ updated: 1 });
      expect(await caller.inbox.unreadCount({ workspaceSlug: slug() })).toBe(0);
      await caller.inbox.archive({ workspaceSlug: slug(), ids: [b!.id], archived: false });
    });

    it("refuses another member's entries: NOT_FOUND, nothing changed, even mixed with the caller's own", async () => {
      const theirs = (await ws.callers.analyst.inbox.list({ workspaceSlug: slug(), limit: 3 })).items.map((n) => n.id);
      const mine = (await ws.callers.viewer.inbox.list({ workspaceSlug: slug(), limit: 1 })).items.map((n) => n.id);
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      for (const role of ["owner", "admin", "viewer"] as const) {
        const caller = ws.callers[role];
        await expectTrpcError(caller.inbox.markRead({ workspaceSlug: slug(), ids: theirs, read: true }), "NOT_FOUND");
        await expectTrpcError(caller.inbox.archive({ workspaceSlug: slug(), ids: [...mine, theirs[0]!], archived: true }), "NOT_FOUND");
        await expectTrpcError(caller.inbox.markRead({ workspaceSlug: slug(), ids: ["018f0000-0000-7000-8000-000000000000"], read: true }), "NOT_FOUND");
      }
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });

    it("marks all read, then archives all read, leaving other members' entries alone", async () => {
      const caller = ws.callers.viewer;
      const analystBefore = await ws.callers.analyst.inbox.unreadCount({ workspaceSlug: slug() });
      const unread = await caller.inbox.unreadCount({ workspaceSlug: slug() });
      expect(unread).toBe(1);
      expect(await caller.inbox.markAllRead({ workspaceSlug: slug() })).toEqual({ updated: 1 });
      expect(await caller.inbox.unreadCount({ workspaceSlug: slug() })).toBe(0);
      expect(await caller.inbox.archiveAllRead({ workspaceSlug: slug() })).toEqual({ archived: 2 });
      expect((await caller.inbox.list({ workspaceSlug: slug() })).items).toEqual([]);
      expect((await caller.inbox.list({ workspaceSlug: slug(), archived: true })).items).toHaveLength(2);
      expect(await ws.callers.analyst.inbox.unreadCount({ workspaceSlug: slug() })).toBe(analystBefore);
    });
  });

  describe("the live unread count", () => {
    function subscriber(role: "analyst" | "viewer") {
      const controller = new AbortController();
      const caller = createCaller({ db: handle.db, user: ws.users[role], origin: TEST_ORIGIN }, { signal: controller.signal });
      return { controller, caller };
    }

    it("yields the count at once, then each new count as the inbox changes, and stops when the client leaves", async () => {
      const { controller, caller } = subscriber("analyst");
      const stream = (await caller.inbox.onUnreadCount({ workspaceSlug: slug() })) as AsyncIterable<number>;
      const iterator = stream[Symbol.asyncIterator]();
      const start = await caller.inbox.unreadCount({ workspaceSlug: slug() });
      expect((await iterator.next()).value).toBe(start);

      const [first] = (await caller.inbox.list({ workspaceSlug: slug(), unread: true, limit: 1 })).items;
      await caller.inbox.markRead({ workspaceSlug: slug(), ids: [first!.id], read: true });
      expect((await iterator.next()).value).toBe(start - 1);

      // A new event through the fan-out, as the job would write it.
      const ids = await insertEvents(handle.db, ws.workspace.id, ws.sources[0]!, [{ type: "alert.created", severity: "low", title: "live" }]);
      const { notifyInbox } = await import("@/server/inbox/realtime");
      const written = await writeFanOut(handle.db, ws.workspace.id, ids);
      await notifyInbox(handle.db, written.userIds.map((userId) => ({ workspaceId: ws.workspace.id, userId })));
      expect((await iterator.next()).value).toBe(start);

      const next = iterator.next();
      controller.abort();
      expect(await next).toEqual({ done: true, value: undefined });
    });

    it("ends when the user is no longer a member", async () => {
      const outsider = await seedWorkspace(handle.db, { slug: "inbox-leaver", mode: "single" });
      const { rule } = await outsider.callers.viewer.rule.create({ workspaceSlug: outsider.slug, name: "All", triggers: ["*"], scope: "workspace" });
      expect(rule.id).toBeTruthy();
      const controller = new AbortController();
      const caller = createCaller({ db: handle.db, user: outsider.users.viewer, origin: TEST_ORIGIN }, { signal: controller.signal });
      const iterator = ((await caller.inbox.onUnreadCount({ workspaceSlug: outsider.slug })) as AsyncIterable<number>)[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toBe(0);
      await handle.db.delete(memberships).where(and(eq(memberships.workspaceId, outsider.workspace.id), eq(memberships.userId, outsider.users.viewer.id)));
      const { notifyInbox } = await import("@/server/inbox/realtime");
      await notifyInbox(handle.db, [{ workspaceId: outsider.workspace.id, userId: outsider.users.viewer.id }]);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it("is served as Server-Sent Events by the fetch adapter the route handler uses", async () => {
      const controller = new AbortController();
      const url = new URL("/api/trpc/inbox.onUnreadCount", TEST_ORIGIN);
      url.searchParams.set("input", JSON.stringify(superjson.serialize({ workspaceSlug: slug() })));
      const response = await fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request(url, { signal: controller.signal }),
        router: appRouter,
        createContext: () => ({ db: handle.db, user: ws.users.analyst, origin: TEST_ORIGIN }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = "";
      const expected = await ws.callers.analyst.inbox.unreadCount({ workspaceSlug: slug() });
      // Messages are separated by a blank line; the first is tRPC's `connected`, then ours.
      const dataMessages = () =>
        text
          .split("\n\n")
          .filter((message) => message.includes("data: ") && !message.includes("event: "))
          .map((message) => JSON.parse(message.slice(message.indexOf("data: ") + 6)) as Parameters<typeof superjson.deserialize>[0]);
      while (dataMessages().length === 0) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
      controller.abort();
      await reader.cancel().catch(() => {});
      expect(text).toMatch(/^event: connected\n/);
      expect(superjson.deserialize(dataMessages()[0]!)).toBe(expected);
    });

    it("needs a workspace the caller is in", async () => {
      const stranger = await seedWorkspace(handle.db, { slug: "inbox-stranger", mode: "single" });
      await expectTrpcError(stranger.callers.viewer.inbox.onUnreadCount({ workspaceSlug: slug() }), "NOT_FOUND");
    });
  });

  describe("preferences", () => {
    it("are everything on by default, per member, and change one kind at a time", async () => {
      // Quiet hours come along (off by default): server/api/routers/preference.test.ts covers them.
      const all = { inApp: true, email: true, slack: true, teams: true, mattermost: true, discord: true, webhook: true, quietHours: expect.objectContaining({ enabled: false }) };
      expect(await ws.callers.viewer.preference.get({ workspaceSlug: slug() })).toEqual(all);
      expect(await ws.callers.viewer.preference.update({ workspaceSlug: slug(), slack: false })).toEqual({ ...all, slack: false });
      expect(await ws.callers.viewer.preference.update({ workspaceSlug: slug(), inApp: false })).toEqual({ ...all, slack: false, inApp: false });
      expect(await ws.callers.viewer.preference.get({ workspaceSlug: slug() })).toEqual({ ...all, slack: false, inApp: false });
      expect(await ws.callers.analyst.preference.get({ workspaceSlug: slug() })).toEqual(all);
      await expectTrpcError(ws.callers.viewer.preference.update({ workspaceSlug: slug(), inApp: "no" as unknown as boolean }), "BAD_REQUEST");
      await ws.callers.viewer.preference.update({ workspaceSlug: slug(), inApp: true, slack: true });
    });
  });

  describe("inbox settings", () => {
    const settings = { name: "Inbox", timezone: "UTC", retentionDays: 365, webhookChannelCap: 10, mode: "multi" as const };

    it("default to a cap of 10,000 and 90 days, are changed by admins, and are left alone by a form without them", async () => {
      const [row] = await handle.db.select().from(workspaces).where(eq(workspaces.id, ws.workspace.id));
      expect(row).toMatchObject({ inboxCap: 10_000, inboxAutoArchiveDays: 90 });
      const updated = await ws.callers.admin.workspace.updateSettings({ workspaceSlug: slug(), ...settings, inboxCap: 500, inboxAutoArchiveDays: 30 });
      expect(updated).toMatchObject({ inboxCap: 500, inboxAutoArchiveDays: 30 });
      const unchanged = await ws.callers.admin.workspace.updateSettings({ workspaceSlug: slug(), ...settings, name: "Renamed" });
      expect(unchanged).toMatchObject({ name: "Renamed", inboxCap: 500, inboxAutoArchiveDays: 30 });
    });

    it.each([
      [{ inboxCap: 99 }, "inboxCap"],
      [{ inboxCap: 1_000_001 }, "inboxCap"],
      [{ inboxAutoArchiveDays: 0 }, "inboxAutoArchiveDays"],
      [{ inboxAutoArchiveDays: 1.5 }, "inboxAutoArchiveDays"],
    ])("refuses %o", async (values, field) => {
      const before = await countRows(handle.db);
      const error = await expectTrpcError(ws.callers.admin.workspace.updateSettings({ workspaceSlug: slug(), ...settings, ...values }), "BAD_REQUEST");
      expect(error.message).toContain(field);
      expect(await countRows(handle.db)).toEqual(before);
      await expectTrpcError(ws.callers.analyst.workspace.updateSettings({ workspaceSlug: slug(), ...settings, inboxCap: 100 }), "FORBIDDEN");
    });
  });

  it("keeps every entry in the caller's workspace", async () => {
    const rows = await handle.db.select().from(notifications).where(inArray(notifications.eventId, eventIds));
    expect(rows.every((row) => row.workspaceId === ws.workspace.id)).toBe(true);
  });
});
