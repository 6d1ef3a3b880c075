import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedTwoWorkspaces, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { DomainError } from "@/server/errors";
import { getEvent } from "./get-event";
import { insertEvents } from "./test-events";

describe("getEvent", () => {
  let handle: DbHandle;
  let a: SeededWorkspace;
  let b: SeededWorkspace;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ a, b } = await seedTwoWorkspaces(handle.db, "get"));
  });
  afterAll(() => handle.close());

  const expectNotFound = async (call: Promise<unknown>) => {
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "NOT_FOUND", message: "Event not found" });
  };

  it("returns every normalised field, the payloads, and the names of the source and community", async () => {
    const source = a.sources[1]!;
    const raw = { action: "login_failed", pk: "abc", context: { nested: [1, 2, { deep: true }] } };
    const [id] = await insertEvents(handle.db, a.workspace.id, source, [
      {
        type: "authentik.login_failed",
        severity: "high",
        title: "Login failed for alice",
        message: "Wrong password",
        actor: "alice@example.com",
        clientIp: "203.0.113.7",
        occurredAt: new Date("2024-06-01T11:59:58Z"),
        receivedAt: new Date("2024-06-01T12:00:00Z"),
        externalId: "abc",
        fingerprint: "login_failed:alice",
        data: { context: raw.context },
        raw,
      },
    ]);
    const event = await getEvent(handle.db, a.workspace.id, id!);
    expect(event).toMatchObject({
      id,
      workspaceId: a.workspace.id,
      communityId: source.communityId,
      communityName: a.communities.find((c) => c.id === source.communityId)!.name,
      sourceId: source.id,
      sourceName: source.name,
      sourceFormat: "authentik",
      type: "authentik.login_failed",
      severity: "high",
      title: "Login failed for alice",
      message: "Wrong password",
      actor: "alice@example.com",
      clientIp: "203.0.113.7",
      occurredAt: new Date("2024-06-01T11:59:58Z"),
      receivedAt: new Date("2024-06-01T12:00:00Z"),
      externalId: "abc",
      fingerprint: "login_failed:alice",
      origin: "ingest",
      data: { context: raw.context },
      raw,
    });
  });

  it("returns a system event, which has neither source nor community", async () => {
    const [id] = await insertEvents(handle.db, a.workspace.id, null, [{ type: "intake.silent", title: "Nothing for 2 h" }]);
    expect(await getEvent(handle.db, a.workspace.id, id!)).toMatchObject({ id, origin: "system", sourceName: null, sourceFormat: null, communityName: null });
  });

  it("is NOT_FOUND for another workspace's event, an unknown id and a malformed one", async () => {
    const [theirs] = await insertEvents(handle.db, b.workspace.id, b.sources[0]!, [{ title: "B's secret" }]);
    await expectNotFound(getEvent(handle.db, a.workspace.id, theirs!));
    await expectNotFound(getEvent(handle.db, a.workspace.id, "0190f5d2-0000-7000-8000-000000000000"));
    await expectNotFound(getEvent(handle.db, a.workspace.id, "not-an-id"));
    expect((await getEvent(handle.db, b.workspace.id, theirs!)).title).toBe("B's secret");
  });
});
