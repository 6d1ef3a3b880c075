import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { intakeSourceTokens } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { authenticateSource } from "@/server/sources/authenticate-source";
import { generateSourceToken, hashSourceToken, isWellFormedSourceToken } from "@/server/sources/source-token";
import { countRows, expectTrpcError, seedWorkspace, TEST_ORIGIN, type SeededWorkspace } from "../test-helpers";

describe("source router", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let counter = 0;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ws = await seedWorkspace(handle.db, { slug: "sources" });
  });
  afterAll(() => handle.close());

  const create = (overrides: Record<string, unknown> = {}) =>
    ws.callers.admin.source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: `Scanner ${++counter}`, format: "generic", ...overrides });
  const authenticate = (token: string, sourceId?: string) => authenticateSource(handle.db, { token, sourceId });

  it("creates a source and shows its token once, with both ingest URLs; only a hash is stored", async () => {
    const { source, token, urls } = await create({ name: "Data Theorem", format: "datatheorem", silenceAfterSeconds: 7200 });
    expect(isWellFormedSourceToken(token)).toBe(true);
    expect(source).toMatchObject({ name: "Data Theorem", format: "datatheorem", enabled: true, silenceAfterSeconds: 7200, rateLimitPerSecond: 100, lastEventAt: null });
    expect(urls).toEqual({ byId: `${TEST_ORIGIN}/api/ingest/${source.id}`, withToken: `${TEST_ORIGIN}/api/ingest/t/${token}` });
    const stored = await handle.db.select().from(intakeSourceTokens).where(eq(intakeSourceTokens.sourceId, source.id));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);

    const listed = (await ws.callers.viewer.source.list({ workspaceSlug: ws.slug })).find((s) => s.id === source.id)!;
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(listed.activeTokens.map((t) => t.displayPrefix)).toEqual([token.slice(0, 10)]);
    expect(listed.urls.withToken).toBeNull();
    expect(listed.communityName).toBe(ws.communities[0]!.name);
    expect(await authenticate(token, source.id)).toMatchObject({ ok: true, source: { id: source.id } });
    expect(listed.eventsLast24h).toBe(0);
  });

  it.each([
    ["an empty name", { name: "  " }, "name", "Give the source a name"],
    ["a name with other characters", { name: "scan/ner" }, "name", "Use letters, digits, dashes, underscores and spaces"],
    ["an unknown format", { format: "syslog" }, "format", "Choose one of: generic, cloudevents, authentik, datatheorem, slack, teams"],
    ["a silence watch of 14 minutes", { silenceAfterSeconds: 840 }, "silenceAfterSeconds", "At least 15 minutes (900 seconds)"],
    ["a silence watch of over 7 days", { silenceAfterSeconds: 604_860 }, "silenceAfterSeconds", "At most 7 days (604800 seconds)"],
    ["a silence watch in part of a minute", { silenceAfterSeconds: 930 }, "silenceAfterSeconds", "Whole minutes only"],
    ["a rate limit of 0", { rateLimitPerSecond: 0 }, "rateLimitPerSecond", "At least 1 request per second"],
    ["a malformed community id", { communityId: "nope" }, "communityId", "Not a community id"],
  ])("refuses %s beside the field, writing nothing", async (_label, overrides, field, message) => {
    const before = await countRows(handle.db);
    const error = await expectTrpcError(create(overrides), "BAD_REQUEST");
    expect(error.message).toContain(message);
    expect(error.message).toContain(field);
    expect(await countRows(handle.db)).toEqual(before);
  });

  it("refuses a name already used in the same community, in any case, but not in another community", async () => {
    await create({ name: "Okta" });
    const before = await countRows(handle.db);
    const error = await expectTrpcError(create({ name: "OKTA" }), "CONFLICT");
    expect(error.message).toBe("This community already has a source with this name");
    expect(await countRows(handle.db)).toEqual(before);
    await create({ name: "Okta", communityId: ws.communities[1]!.id });
  });

  it("is managed by admins only; analysts and viewers may only list", async () => {
    for (const role of ["analyst", "viewer"] as const) {
      await expectTrpcError(
        ws.callers[role].source.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "Nope", format: "generic" }),
        "FORBIDDEN",
      );
      await expectTrpcError(ws.callers[role].source.rotateToken({ workspaceSlug: ws.slug, sourceId: ws.sources[0]!.id, graceMinutes: 0 }), "FORBIDDEN");
    }
    expect((await ws.callers.viewer.source.list({ workspaceSlug: ws.slug })).length).toBeGreaterThan(0);
  });

  it("rotates with a grace period: the previous token works until it ends, the new one at once", async () => {
    const { source, token: first } = await create();
    const rotated = await ws.callers.admin.source.rotateToken({ workspaceSlug: ws.slug, sourceId: source.id, graceMinutes: 60 });
    expect(rotated.token).not.toBe(first);
    expect(rotated.previousTokensExpireAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
    expect((await authenticate(first, source.id)).ok).toBe(true);
    expect((await authenticate(rotated.token, source.id)).ok).toBe(true);

    // Once the grace period is over, the previous token is refused as revoked — also where the
    // token was looked up recently (the authentication cache keeps its expiry, not a verdict).
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 61 * 60_000);
      expect(await authenticate(first, source.id)).toMatchObject({ ok: false, status: 403, code: "revoked_token" });
    } finally {
      vi.useRealTimers();
    }

    // A rotation without grace ends the previous token immediately.
    const again = await ws.callers.admin.source.rotateToken({ workspaceSlug: ws.slug, sourceId: source.id, graceMinutes: 0 });
    expect(await authenticate(rotated.token, source.id)).toMatchObject({ ok: false, code: "revoked_token" });
    expect((await authenticate(again.token, source.id)).ok).toBe(true);
  });

  it("never lengthens an earlier grace period with a later rotation", async () => {
    const { source, token: first } = await create();
    await ws.callers.admin.source.rotateToken({ workspaceSlug: ws.slug, sourceId: source.id, graceMinutes: 5 });
    await ws.callers.admin.source.rotateToken({ workspaceSlug: ws.slug, sourceId: source.id, graceMinutes: 600 });
    const [row] = await handle.db.select().from(intakeSourceTokens).where(eq(intakeSourceTokens.tokenHash, hashSourceToken(first)));
    expect(row!.expiresAt!.getTime()).toBeLessThan(Date.now() + 6 * 60_000);
  });

  it("revokes every token at once; a rotation then issues a working one", async () => {
    const { source, token } = await create();
    await ws.callers.admin.source.rotateToken({ workspaceSlug: ws.slug, sourceId: source.id, graceMinutes: 60 });
    expect(await ws.callers.admin.source.revokeTokens({ workspaceSlug: ws.slug, sourceId: source.id })).toEqual({ revoked: 2 });
    expect(await authenticate(token, source.id)).toMatchObject({ ok: false, code: "revoked_token" });
    const fresh = await ws.callers.admin.source.rotateToken({ workspaceSlug: ws.slug, sourceId: source.id, graceMinutes: 60 });
    expect(fresh.previousTokensExpireAt).toBeNull();
    expect((await authenticate(fresh.token, source.id)).ok).toBe(true);
  });

  it("turns a disabled source's posts away, and takes them again once enabled", async () => {
    const { source, token } = await create();
    const update = (enabled: boolean) =>
      ws.callers.admin.source.update({ workspaceSlug: ws.slug, sourceId: source.id, name: source.name, enabled, silenceAfterSeconds: null, rateLimitPerSecond: 50 });
    await update(false);
    expect(await authenticate(token, source.id)).toMatchObject({ ok: false, status: 403, code: "source_disabled" });
    expect(await update(true)).toMatchObject({ enabled: true, rateLimitPerSecond: 50 });
    expect((await authenticate(token, source.id)).ok).toBe(true);
  });

  it("tells malformed credentials (401) from unknown or foreign tokens (403)", async () => {
    const { source } = await create();
    const { token: other } = await create();
    expect(await authenticate("not-a-token")).toMatchObject({ ok: false, status: 401, code: "malformed_token" });
    const typo = ws.sources[0]!.token.slice(0, -1) + (ws.sources[0]!.token.endsWith("a") ? "b" : "a");
    expect(await authenticate(typo)).toMatchObject({ ok: false, status: 401, code: "malformed_token" });
    expect(await authenticate(generateSourceToken().token)).toMatchObject({ ok: false, status: 403, code: "invalid_token" });
    // A real token, but for another source than the URL names.
    expect(await authenticate(other, source.id)).toMatchObject({ ok: false, status: 403, code: "invalid_token" });
    expect((await authenticate(other)).ok).toBe(true);
  });

  it("deletes a source after its name is typed, and its tokens stop working", async () => {
    const { source, token } = await create();
    const wrong = await expectTrpcError(ws.callers.admin.source.delete({ workspaceSlug: ws.slug, sourceId: source.id, confirmName: "nope" }), "BAD_REQUEST");
    expect(wrong.message).toBe(`Type "${source.name}" to confirm`);
    await ws.callers.admin.source.delete({ workspaceSlug: ws.slug, sourceId: source.id, confirmName: source.name });
    expect(await authenticate(token)).toMatchObject({ ok: false, code: "invalid_token" });
    await expectTrpcError(ws.callers.admin.source.delete({ workspaceSlug: ws.slug, sourceId: source.id, confirmName: source.name }), "NOT_FOUND");
  });
});
