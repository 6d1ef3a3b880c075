import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedWorkspace, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { events } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import teamsGate from "./fixtures/teams-secobserve-security-gate.json";
import teamsTaskException from "./fixtures/teams-secobserve-task-exception.json";
import { handleIngestRequest } from "./handle-ingest-request";

/** SecObserve's Teams template for a gate change, as its fixture shows it, for another outcome. */
const gateCard = (product: string, gate: string) => ({
  ...teamsGate,
  title: `Security gate for product ${product} has changed to ${gate}`,
  summary: `Security gate for product ${product} has changed to ${gate}`,
});

describe("SecObserve messages posted to a teams source", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let source: { id: string; token: string };

  beforeAll(async () => {
    handle = await createTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "gates", mode: "single" });
    const created = await ws.callers.owner.source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "SecObserve", format: "teams" });
    source = { id: created.source.id, token: created.token };
  });
  afterAll(() => handle.close());

  async function post(body: unknown) {
    const response = await handleIngestRequest(
      handle.db,
      new Request(`http://localhost/api/ingest/${source.id}`, { method: "POST", headers: { authorization: `Bearer ${source.token}`, "content-type": "application/json" }, body: JSON.stringify(body) }),
      { sourceId: source.id },
    );
    expect(response.status).toBe(202);
    const { ids } = (await response.json()) as { ids: string[] };
    const [event] = await handle.db.select().from(events).where(and(eq(events.workspaceId, ws.workspace.id), eq(events.id, ids[0]!)));
    return event!;
  }

  it("recognises the gate change and carries product, previous and new gate, the previous one from the product's last change", async () => {
    const first = await post(teamsGate);
    expect(first).toMatchObject({
      type: "secobserve.security_gate.changed",
      severity: "info",
      title: "Security gate for payments-api changed to Passed",
      data: { product: "payments-api", previousGate: null, newGate: "passed", url: "https://secobserve.example.com/#/products/12/show" },
    });

    const failed = await post(gateCard("payments-api", "Failed"));
    expect(failed).toMatchObject({ severity: "high", title: "Security gate for payments-api changed from Passed to Failed", data: { product: "payments-api", previousGate: "passed", newGate: "failed" } });

    // Another product has its own history.
    expect((await post(gateCard("shop-web", "Failed"))).data).toMatchObject({ product: "shop-web", previousGate: null, newGate: "failed" });
    expect((await post(gateCard("payments-api", "None"))).data).toMatchObject({ previousGate: "failed", newGate: "none" });
  });

  it("recognises SecObserve's exception card too", async () => {
    expect(await post(teamsTaskException)).toMatchObject({ type: "secobserve.exception", data: { exception: "ConnectionError", backgroundTask: true } });
  });
});
