import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { notificationPreferences } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { loadQuietHours } from "@/server/inbox/preferences";
import { quietPeriodAt } from "@/server/inbox/quiet-hours";
import { countRows, expectTrpcError, seedTwoWorkspaces, type SeededWorkspace } from "../test-helpers";

describe("preference router: quiet hours", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;
  const nights = { enabled: true, fromMinute: 22 * 60, toMinute: 7 * 60, weekdays: [1, 2, 3, 4, 5], timezone: "Europe/Paris" };

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ a: ws, b: other } = await seedTwoWorkspaces(handle.db, "quiet"));
    await ws.callers.owner.workspace.updateSettings({ workspaceSlug: ws.slug, name: "Quiet", timezone: "America/New_York", retentionDays: 365, webhookChannelCap: 10, mode: "multi" });
  });
  afterAll(() => handle.close());

  const rowOf = async (workspaceId: string, userId: string) =>
    (await handle.db.select().from(notificationPreferences).where(and(eq(notificationPreferences.workspaceId, workspaceId), eq(notificationPreferences.userId, userId))))[0];

  it("are off by default, offering 22:00–07:00 every day in the workspace's timezone, not yet chosen", async () => {
    const { quietHours } = await ws.callers.viewer.preference.get({ workspaceSlug: ws.slug });
    expect(quietHours).toEqual({ enabled: false, fromMinute: 1320, toMinute: 420, weekdays: [0, 1, 2, 3, 4, 5, 6], timezone: "America/New_York", timezoneChosen: false });
    // A member who only switched a channel kind has not chosen a zone either.
    await ws.callers.viewer.preference.update({ workspaceSlug: ws.slug, slack: false });
    expect((await ws.callers.viewer.preference.get({ workspaceSlug: ws.slug })).quietHours).toMatchObject({ timezone: "America/New_York", timezoneChosen: false });
  });

  it("are saved whole, per member, leaving the channel kinds as they were", async () => {
    const saved = await ws.callers.viewer.preference.updateQuietHours({ workspaceSlug: ws.slug, ...nights, weekdays: [5, 1, 3, 2, 4, 4] });
    expect(saved.quietHours).toEqual({ ...nights, timezoneChosen: true });
    expect(saved.slack).toBe(false);
    expect((await ws.callers.viewer.preference.get({ workspaceSlug: ws.slug })).quietHours).toEqual({ ...nights, timezoneChosen: true });
    expect(await rowOf(ws.workspace.id, ws.users.viewer.id)).toMatchObject({ quietHoursEnabled: true, quietFromMinute: 1320, quietToMinute: 420, quietWeekdays: [1, 2, 3, 4, 5], quietTimezone: "Europe/Paris" });
    // Switching a kind afterwards keeps them.
    expect((await ws.callers.viewer.preference.update({ workspaceSlug: ws.slug, slack: true })).quietHours).toEqual({ ...nights, timezoneChosen: true });
    // Nobody else's changed: another member, or the same user in another workspace.
    expect((await ws.callers.analyst.preference.get({ workspaceSlug: ws.slug })).quietHours.enabled).toBe(false);
    expect(await rowOf(other.workspace.id, ws.users.viewer.id)).toBeUndefined();
  });

  it("turned off keep their times and zone for next time", async () => {
    const off = await ws.callers.viewer.preference.updateQuietHours({ workspaceSlug: ws.slug, ...nights, enabled: false });
    expect(off.quietHours).toEqual({ ...nights, enabled: false, timezoneChosen: true });
    await ws.callers.viewer.preference.updateQuietHours({ workspaceSlug: ws.slug, ...nights });
  });

  it.each([
    ["an unknown timezone", { timezone: "Mars/Olympus_Mons" }, "timezone", "Unknown timezone"],
    ["an offset instead of a timezone", { timezone: "+02:00" }, "timezone", "Unknown timezone"],
    ["a time past 23:59", { toMinute: 1440 }, "toMinute", "A time of day runs to 23:59"],
    ["a day 7", { weekdays: [1, 7] }, "weekdays", "A day is 0 (Sunday) to 6 (Saturday)"],
    ["no day while on", { weekdays: [] }, "weekdays", "Choose at least one day"],
  ])("refuse %s beside the field, writing nothing", async (_label, change, field, message) => {
    const before = await countRows(handle.db);
    const row = await rowOf(ws.workspace.id, ws.users.viewer.id);
    const error = await expectTrpcError(ws.callers.viewer.preference.updateQuietHours({ workspaceSlug: ws.slug, ...nights, ...change }), "BAD_REQUEST");
    expect(error.message).toContain(message);
    expect(error.message).toContain(field);
    expect(await countRows(handle.db)).toEqual(before);
    expect(await rowOf(ws.workspace.id, ws.users.viewer.id)).toEqual(row);
  });

  describe("loadQuietHours, for the fan-out", () => {
    it("returns the members of this workspace who have quiet hours on, and no one else", async () => {
      await ws.callers.admin.preference.updateQuietHours({ workspaceSlug: ws.slug, ...nights, enabled: false });
      await ws.callers.owner.preference.updateQuietHours({ workspaceSlug: ws.slug, enabled: true, fromMinute: 0, toMinute: 0, weekdays: [6, 0], timezone: "Pacific/Auckland" });
      // The viewer's quiet hours in the other workspace are that workspace's only.
      const stranger = await seedTwoWorkspaces(handle.db, "quiet-x");
      await stranger.a.callers.viewer.preference.updateQuietHours({ workspaceSlug: stranger.a.slug, ...nights, timezone: "UTC" });

      const everyone = Object.values(ws.users).map((u) => u.id);
      const loaded = await loadQuietHours(handle.db, ws.workspace.id, [...everyone, stranger.a.users.viewer.id, ws.users.viewer.id]);
      expect([...loaded.keys()].sort()).toEqual([ws.users.viewer.id, ws.users.owner.id].sort());
      expect(loaded.get(ws.users.viewer.id)).toEqual({ enabled: true, fromMinute: 1320, toMinute: 420, weekdays: [1, 2, 3, 4, 5], timezone: "Europe/Paris" });
      expect(loaded.get(ws.users.owner.id)).toEqual({ enabled: true, fromMinute: 0, toMinute: 0, weekdays: [0, 6], timezone: "Pacific/Auckland" });
      expect((await loadQuietHours(handle.db, ws.workspace.id, [])).size).toBe(0);
      expect((await loadQuietHours(handle.db, other.workspace.id, everyone)).size).toBe(0);

      // What they load is what quietPeriodAt reads: Monday 23:30 in Paris is quiet for the viewer until 07:00.
      const period = quietPeriodAt(loaded.get(ws.users.viewer.id)!, new Date("2024-01-15T22:30:00Z"));
      expect(period).toEqual({ startsAt: new Date("2024-01-15T21:00:00Z"), endsAt: new Date("2024-01-16T06:00:00Z") });
    });

    it("reads a zone the runtime does not know as UTC, and skips quiet hours with no day", async () => {
      await handle.db
        .update(notificationPreferences)
        .set({ quietTimezone: "Atlantis/Poseidonis" })
        .where(and(eq(notificationPreferences.workspaceId, ws.workspace.id), eq(notificationPreferences.userId, ws.users.viewer.id)));
      await handle.db
        .update(notificationPreferences)
        .set({ quietWeekdays: [] })
        .where(and(eq(notificationPreferences.workspaceId, ws.workspace.id), eq(notificationPreferences.userId, ws.users.owner.id)));
      const loaded = await loadQuietHours(handle.db, ws.workspace.id, [ws.users.viewer.id, ws.users.owner.id]);
      expect([...loaded.keys()]).toEqual([ws.users.viewer.id]);
      expect(loaded.get(ws.users.viewer.id)!.timezone).toBe("UTC");
    });
  });
});
