import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { insertEvents } from "@/server/events/test-events";
import { handleIngestRequest } from "@/server/ingest/handle-ingest-request";
import { callHttp, expectTrpcError, seedWorkspace, type SeededWorkspace } from "../test-helpers";

const at = (iso: string) => new Date(iso);
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "../../ingest/fixtures", name), "utf8");

describe("event router", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "events" });
  });
  afterAll(() => handle.close());

  it("shows an event posted to the ingest URL in the list, the volume and the detail, to every role", async () => {
    const source = ws.sources[0]!;
    const response = await handleIngestRequest(
      handle.db,
      new Request(`http://localhost/api/ingest/${source.id}`, {
        method: "POST",
        headers: { authorization: `Bearer ${source.token}`, "content-type": "application/json" },
        body: fixture("authentik-event-login-failed.json"),
      }),
      { sourceId: source.id },
    );
    expect(response.status).toBe(202);
    const { ids } = (await response.json()) as { ids: string[] };

    for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
      const caller = ws.callers[role];
      const page = await caller.event.list({ workspaceSlug: ws.slug, sourceIds: [source.id] });
      expect(page.items.map((e) => e.id)).toEqual(ids);
      expect(page.items[0]).toMatchObject({ type: "authentik.login_failed", sourceName: source.name, origin: "ingest" });

      const detail = await caller.event.get({ workspaceSlug: ws.slug, eventId: ids[0]! });
      expect(detail).toMatchObject({ id: ids[0], sourceName: source.name, sourceFormat: "authentik" });
      expect(detail.raw).toEqual(JSON.parse(fixture("authentik-event-login-failed.json")));

      const volume = await caller.event.volume({ workspaceSlug: ws.slug, sourceIds: [source.id] });
      expect(volume.total).toBe(1);
      expect(volume.series).toEqual([{ type: "authentik.login_failed", total: 1 }]);
    }
  });

  it("pages with the cursor it returns", async () => {
    const window = { from: at("2019-01-01T00:00:00Z"), to: at("2019-01-02T00:00:00Z") };
    const ids = await insertEvents(handle.db, ws.workspace.id, ws.sources[1]!, Array.from({ length: 5 }, () => ({ receivedAt: at("2019-01-01T12:00:00Z") })));
    const first = await ws.callers.viewer.event.list({ workspaceSlug: ws.slug, ...window, limit: 3 });
    const second = await ws.callers.viewer.event.list({ workspaceSlug: ws.slug, ...window, limit: 3, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((e) => e.id)).toEqual([...ids].sort().reverse());
    expect(second.nextCursor).toBeNull();
  });

  it("uses the workspace's timezone for day buckets", async () => {
    await ws.callers.owner.workspace.updateSettings({
      workspaceSlug: ws.slug,
      name: ws.workspace.name,
      timezone: "Asia/Tokyo",
      retentionDays: 365,
      webhookChannelCap: 10,
      mode: "multi",
    });
    const volume = await ws.callers.viewer.event.volume({ workspaceSlug: ws.slug, from: at("2019-01-01T00:00:00Z"), to: at("2019-01-04T00:00:00Z") });
    expect(volume).toMatchObject({ bucketSize: "day", timezone: "Asia/Tokyo" });
    // Midnight in Tokyo is 15:00 UTC the day before.
    expect(volume.buckets[0]!.start).toEqual(at("2018-12-31T15:00:00Z"));
    expect(volume.total).toBe(5);
  });

  it("explains bad input beside the field, over HTTP", async () => {
    const user = ws.users.viewer;
    const cases: [string, unknown, string, string][] = [
      ["event.list", { workspaceSlug: ws.slug, limit: 500 }, "limit", "At most 100 events per page"],
      ["event.list", { workspaceSlug: ws.slug, cursor: "nonsense" }, "cursor", "reload the list"],
      ["event.list", { workspaceSlug: ws.slug, types: ["Alert.*.x"] }, "types", "prefix such as alert.*"],
      ["event.list", { workspaceSlug: ws.slug, from: at("2024-01-02T00:00:00Z"), to: at("2024-01-01T00:00:00Z") }, "to", "before its end"],
      ["event.volume", { workspaceSlug: ws.slug, from: at("2000-01-01T00:00:00Z"), to: at("2024-01-01T00:00:00Z") }, "from", "at most 400 days"],
      ["event.get", { workspaceSlug: ws.slug, eventId: "42" }, "eventId", "Not an event id"],
    ];
    for (const [procedure, input, field, message] of cases) {
      const { status, error } = await callHttp({ db: handle.db, user, path: procedure, input, type: "query" });
      expect(status, procedure).toBe(400);
      expect(error!.data.fieldErrors?.[field]?.[0], `${procedure} ${field}`).toContain(message);
    }
  });

  it("is NOT_FOUND for an event that does not exist, and needs a signed-in member", async () => {
    await expectTrpcError(ws.callers.viewer.event.get({ workspaceSlug: ws.slug, eventId: "0190f5d2-0000-7000-8000-000000000000" }), "NOT_FOUND");
    const { status } = await callHttp({ db: handle.db, user: null, path: "event.list", input: { workspaceSlug: ws.slug }, type: "query" });
    expect(status).toBe(401);
  });
});
