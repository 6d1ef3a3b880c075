import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { auditEntries, notificationBatches, sourceMaintenanceWindows } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { createMaintenanceWindow } from "@/server/sources/maintenance-windows";
import { expectTrpcError, seedTwoWorkspaces, type SeededWorkspace } from "../test-helpers";

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const inMs = (ms: number) => new Date(Date.now() + ms);

describe("maintenance window router", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;
  // Each test uses its own stretch of the calendar, so windows of one test never overlap another's.
  let slot = 0;
  const nextSlot = () => ++slot * 2 * day;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ a: ws, b: other } = await seedTwoWorkspaces(handle.db, "mw"));
  });
  afterAll(() => handle.close());

  const sourceId = () => ws.sources[0]!.id;
  const create = (input: { startsAt: Date; endsAt: Date; reason?: string; sourceId?: string }, role: "owner" | "admin" | "analyst" | "viewer" = "admin") =>
    ws.callers[role].maintenanceWindow.create({ workspaceSlug: ws.slug, sourceId: sourceId(), ...input });
  const windowsOf = async () => handle.db.select().from(sourceMaintenanceWindows).where(eq(sourceMaintenanceWindows.workspaceId, ws.workspace.id));
  const auditOf = async (windowId: string) =>
    (await handle.db.select().from(auditEntries).where(and(eq(auditEntries.objectType, "maintenance_window"), eq(auditEntries.objectId, windowId)))).map((e) => e.verb).sort();

  it("schedules a window, lists it as upcoming and in the summary, and records it in the audit trail", async () => {
    const start = inMs(nextSlot());
    const window = await create({ startsAt: start, endsAt: new Date(start.getTime() + 2 * hour), reason: "  Upgrade to 5.2  " });
    expect(window).toMatchObject({ sourceId: sourceId(), startsAt: start, reason: "Upgrade to 5.2", createdById: ws.users.admin.id });

    const listed = await ws.callers.viewer.maintenanceWindow.list({ workspaceSlug: ws.slug, sourceId: sourceId() });
    expect(listed.current).toBeNull();
    expect(listed.upcoming.map((w) => w.id)).toContain(window.id);
    expect(listed.upcoming.find((w) => w.id === window.id)!.createdBy).toEqual({ name: null, email: ws.users.admin.email });
    const summary = await ws.callers.viewer.maintenanceWindow.summary({ workspaceSlug: ws.slug });
    expect(summary.find((s) => s.sourceId === sourceId())?.next?.id).toBeDefined();
    expect(await auditOf(window.id)).toEqual(["created"]);
  });

  it.each([
    ["an end before the start", { startsAt: inMs(2 * hour), endsAt: inMs(hour) }, "endsAt", "The end must be after the start"],
    ["an end equal to the start", { startsAt: inMs(2 * hour), endsAt: inMs(2 * hour) }, "endsAt", "The end must be after the start"],
    ["a window longer than 30 days", { startsAt: inMs(hour), endsAt: inMs(hour + 30 * day + minute) }, "endsAt", "A window lasts at most 30 days"],
    ["a start more than a year ahead", { startsAt: inMs(366 * day), endsAt: inMs(366 * day + hour) }, "startsAt", "at most 365 days ahead"],
    ["a window already over", { startsAt: inMs(-2 * hour), endsAt: inMs(-hour) }, "endsAt", "This window would already be over"],
    ["a reason over 500 characters", { startsAt: inMs(hour), endsAt: inMs(2 * hour), reason: "x".repeat(501) }, "reason", "At most 500 characters"],
  ])("refuses %s beside the field, writing nothing", async (_label, input, field, message) => {
    const before = await windowsOf();
    const error = await expectTrpcError(create(input), "BAD_REQUEST");
    expect(error.message).toContain(message);
    expect((error.cause as { field?: string } | undefined)?.field ?? error.message).toContain(field);
    expect(await windowsOf()).toEqual(before);
  });

  it("refuses a window overlapping another of the same source, but not of another source", async () => {
    const start = inMs(nextSlot());
    await create({ startsAt: start, endsAt: new Date(start.getTime() + 4 * hour) });
    const before = await windowsOf();
    const error = await expectTrpcError(create({ startsAt: new Date(start.getTime() + 3 * hour), endsAt: new Date(start.getTime() + 5 * hour) }), "CONFLICT");
    expect(error.message).toMatch(/already has a maintenance window from .* to .*; windows of a source cannot overlap/);
    expect(await windowsOf()).toEqual(before);
    // Touching (one ends as the next starts) is not overlapping; another source is free.
    await create({ startsAt: new Date(start.getTime() + 4 * hour), endsAt: new Date(start.getTime() + 5 * hour) });
    await create({ sourceId: ws.sources[1]!.id, startsAt: start, endsAt: new Date(start.getTime() + 4 * hour) });
  });

  it("refuses another workspace's source as if it did not exist", async () => {
    const before = await windowsOf();
    for (const source of other.sources) {
      const error = await expectTrpcError(create({ sourceId: source.id, startsAt: inMs(hour), endsAt: inMs(2 * hour) }), "NOT_FOUND");
      expect(error.message).toBe("Source not found");
      await expectTrpcError(ws.callers.viewer.maintenanceWindow.list({ workspaceSlug: ws.slug, sourceId: source.id }), "NOT_FOUND");
    }
    expect(await windowsOf()).toEqual(before);
  });

  it("lets admins and owners manage windows; analysts and viewers only read them", async () => {
    const start = inMs(nextSlot());
    const window = await create({ startsAt: start, endsAt: new Date(start.getTime() + hour) }, "owner");
    for (const role of ["analyst", "viewer"] as const) {
      const error = await expectTrpcError(create({ startsAt: new Date(start.getTime() + 2 * hour), endsAt: new Date(start.getTime() + 3 * hour) }, role), "FORBIDDEN");
      expect(error.message).toBe(`This needs the admin role; you are ${role}`);
      await expectTrpcError(ws.callers[role].maintenanceWindow.endNow({ workspaceSlug: ws.slug, windowId: window.id }), "FORBIDDEN");
      await expectTrpcError(ws.callers[role].maintenanceWindow.delete({ workspaceSlug: ws.slug, windowId: window.id }), "FORBIDDEN");
      const listed = await ws.callers[role].maintenanceWindow.list({ workspaceSlug: ws.slug, sourceId: sourceId() });
      expect(listed.upcoming.map((w) => w.id)).toContain(window.id);
    }
  });

  describe("a running window", () => {
    // Its own source, so that the other tests' windows do not get in the way.
    const runningSource = () => ws.sources[1]!.id;

    it("starts now when asked to start in the past, is current, and holds its source in the fan-out's eyes", async () => {
      const asked = inMs(-10 * minute);
      const before = Date.now();
      const window = await create({ sourceId: runningSource(), startsAt: asked, endsAt: inMs(hour) });
      expect(window.startsAt.getTime()).toBeGreaterThanOrEqual(before);

      const listed = await ws.callers.analyst.maintenanceWindow.list({ workspaceSlug: ws.slug, sourceId: runningSource() });
      expect(listed.current?.id).toBe(window.id);
      const summary = await ws.callers.viewer.maintenanceWindow.summary({ workspaceSlug: ws.slug });
      expect(summary.find((s) => s.sourceId === runningSource())?.current).toMatchObject({ id: window.id, endsAt: window.endsAt });

    });

    it("cannot be deleted, but ends now, and what it held is released at once", async () => {
      const { current } = await ws.callers.admin.maintenanceWindow.list({ workspaceSlug: ws.slug, sourceId: runningSource() });
      const window = current!;
      const deleteError = await expectTrpcError(ws.callers.admin.maintenanceWindow.delete({ workspaceSlug: ws.slug, windowId: window.id }), "BAD_REQUEST");
      expect(deleteError.message).toBe("This window is running: end it now instead");

      // A batch the fan-out opened for this window, due at its planned end.
      const [batch] = await handle.db
        .insert(notificationBatches)
        .values({ workspaceId: ws.workspace.id, reason: "maintenance", keyId: window.id, maintenanceWindowId: window.id, sourceId: runningSource(), openedAt: new Date(), releaseAt: window.endsAt })
        .returning();

      const before = Date.now();
      const ended = await ws.callers.admin.maintenanceWindow.endNow({ workspaceSlug: ws.slug, windowId: window.id });
      expect(ended.endsAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(ended.endsAt.getTime()).toBeLessThanOrEqual(Date.now());
      const [released] = await handle.db.select().from(notificationBatches).where(eq(notificationBatches.id, batch!.id));
      expect(released!.releaseAt).toEqual(ended.endsAt);

      const listed = await ws.callers.viewer.maintenanceWindow.list({ workspaceSlug: ws.slug, sourceId: runningSource() });
      expect(listed.current).toBeNull();
      expect(listed.past[0]?.id).toBe(window.id);
      expect(await auditOf(window.id)).toEqual(["created", "updated"]);
    });

    it("refuses to end or delete a window that is over", async () => {
      const { past } = await ws.callers.admin.maintenanceWindow.list({ workspaceSlug: ws.slug, sourceId: runningSource() });
      const over = past[0]!;
      const endError = await expectTrpcError(ws.callers.admin.maintenanceWindow.endNow({ workspaceSlug: ws.slug, windowId: over.id }), "BAD_REQUEST");
      expect(endError.message).toBe("This window is already over");
      const deleteError = await expectTrpcError(ws.callers.admin.maintenanceWindow.delete({ workspaceSlug: ws.slug, windowId: over.id }), "BAD_REQUEST");
      expect(deleteError.message).toBe("This window is over; past windows stay as a record");
    });
  });

  it("deletes an upcoming window, which it cannot end", async () => {
    const start = inMs(nextSlot());
    const window = await create({ startsAt: start, endsAt: new Date(start.getTime() + hour) });
    const endError = await expectTrpcError(ws.callers.admin.maintenanceWindow.endNow({ workspaceSlug: ws.slug, windowId: window.id }), "BAD_REQUEST");
    expect(endError.message).toBe("This window has not started yet: delete it instead");
    const deleted = await ws.callers.admin.maintenanceWindow.delete({ workspaceSlug: ws.slug, windowId: window.id });
    expect(deleted.id).toBe(window.id);
    expect((await windowsOf()).map((w) => w.id)).not.toContain(window.id);
    expect(await auditOf(window.id)).toEqual(["created", "deleted"]);
    await expectTrpcError(ws.callers.admin.maintenanceWindow.delete({ workspaceSlug: ws.slug, windowId: window.id }), "NOT_FOUND");
  });

  it("lists past windows newest first, at most 20", async () => {
    const source = ws.sources[1]!.id;
    const actor = { workspaceId: ws.workspace.id, userId: ws.users.admin.id, email: ws.users.admin.email };
    // Scheduled in the past, through the same function, with the clock of that time.
    for (let i = 0; i < 22; i++) {
      const startsAt = new Date(Date.UTC(2024, 0, 1 + i, 10));
      await createMaintenanceWindow(handle.db, actor, { sourceId: source, startsAt, endsAt: new Date(startsAt.getTime() + hour), reason: `Night ${i}` }, { now: new Date(startsAt.getTime() - day) });
    }
    const { past } = await ws.callers.viewer.maintenanceWindow.list({ workspaceSlug: ws.slug, sourceId: source });
    expect(past).toHaveLength(20);
    expect(past.filter((w) => w.reason.startsWith("Night ")).map((w) => w.reason).slice(0, 3)).toEqual(["Night 21", "Night 20", "Night 19"]);
  });

  it("answers NOT_FOUND for a window id that does not exist, and BAD_REQUEST for one that is not an id", async () => {
    await expectTrpcError(ws.callers.admin.maintenanceWindow.endNow({ workspaceSlug: ws.slug, windowId: "01900000-0000-7000-8000-000000000000" }), "NOT_FOUND");
    const error = await expectTrpcError(ws.callers.admin.maintenanceWindow.delete({ workspaceSlug: ws.slug, windowId: "nope" }), "BAD_REQUEST");
    expect(error.message).toContain("Not a maintenance window id");
  });
});
