import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { seedWorkspace, TEST_ORIGIN, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { handleIngestRequest } from "@/server/ingest/handle-ingest-request";
import { fanOutIngestedEvents } from "@/server/jobs/functions/fan-out-events";
import { getInlineRunner, startInlineRunner, stopInlineRunner } from "@/server/jobs/inline-runner";
import { createJobsTestDatabase } from "@/server/jobs/test-helpers";
import { startInboxRealtime, stopInboxRealtime } from "./realtime";

// The whole path behind the bell, in one process as in embedded mode: POST to the ingest
// endpoint → commit → `tocsin/events.ingested` → the fan-out job in the inline runner → inbox
// rows → NOTIFY → the SSE subscription yields the new unread count.
describe("ingest to inbox", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let source: { id: string; token: string };

  beforeAll(async () => {
    handle = await createJobsTestDatabase();
    await startInboxRealtime(handle).ready;
    startInlineRunner({ functions: [fanOutIngestedEvents] });
    ws = await seedWorkspace(handle.db, { slug: "bell" });
    const created = await ws.callers.admin.source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "Scanner", format: "generic" });
    source = { id: created.source.id, token: created.token };
  });
  afterAll(async () => {
    await stopInlineRunner();
    await stopInboxRealtime(handle);
    await handle.close();
  });

  async function post(body: unknown) {
    const request = new Request(`http://localhost/api/ingest/${source.id}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${source.token}` },
      body: JSON.stringify(body),
    });
    const response = await handleIngestRequest(handle.db, request, { sourceId: source.id });
    expect(response.status).toBe(202);
    return (await response.json()) as { ids: string[] };
  }

  it("raises the live unread count of the rule's owner when a matching event is posted, and lowers it when read", async () => {
    await ws.callers.analyst.rule.create({
      workspaceSlug: ws.slug,
      communityId: ws.communities[0]!.id,
      name: "Critical alerts",
      triggers: ["alert.*"],
      conditions: { minSeverity: "critical" },
    });
    const controller = new AbortController();
    const caller = createCaller({ db: handle.db, user: ws.users.analyst, origin: TEST_ORIGIN }, { signal: controller.signal });
    const counts = ((await caller.inbox.onUnreadCount({ workspaceSlug: ws.slug })) as AsyncIterable<number>)[Symbol.asyncIterator]();
    expect((await counts.next()).value).toBe(0);

    // Not matching: nothing moves.
    await post({ type: "alert.created", severity: "low", title: "Noise" });
    await getInlineRunner()!.quiet();
    expect(await caller.inbox.unreadCount({ workspaceSlug: ws.slug })).toBe(0);

    const started = Date.now();
    const { ids } = await post({ type: "alert.created", severity: "critical", title: "Ransomware on fs-1", externalId: "r-1" });
    expect((await counts.next()).value).toBe(1);
    expect(Date.now() - started).toBeLessThan(1_000);

    const latest = await caller.inbox.latest({ workspaceSlug: ws.slug });
    expect(latest.items.map((n) => [n.eventId, n.event.title, n.ruleName])).toEqual([[ids[0], "Ransomware on fs-1", "Critical alerts"]]);

    // The tool retries the same event: a duplicate, and still one inbox entry.
    await post({ type: "alert.created", severity: "critical", title: "Ransomware on fs-1", externalId: "r-1" });
    await getInlineRunner()!.quiet();
    expect(await caller.inbox.unreadCount({ workspaceSlug: ws.slug })).toBe(1);

    await caller.inbox.markRead({ workspaceSlug: ws.slug, ids: [latest.items[0]!.id], read: true });
    expect((await counts.next()).value).toBe(0);
    controller.abort();
    expect((await counts.next()).done).toBe(true);
  });
});
