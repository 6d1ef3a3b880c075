import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { and, eq } from "drizzle-orm";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/server/db/client";
import { rules, ruleTriggers } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { insertEvents } from "@/server/events/test-events";
import { appRouter } from "../root";
import { callHttp, countRows, expectTrpcError, seedTwoWorkspaces, seedWorkspace, snapshotWorkspace, TEST_ORIGIN, type SeededWorkspace } from "../test-helpers";

describe("rule router", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    handle = await createTestDatabase();
    const seeded = await seedTwoWorkspaces(handle.db, "rules");
    ws = seeded.a;
    other = seeded.b;
  });
  afterAll(() => handle.close());

  const base = (overrides: Record<string, unknown> = {}) => ({
    workspaceSlug: ws.slug,
    communityId: ws.communities[0]!.id,
    name: "Failed logins",
    triggers: ["authentik.login_failed"],
    ...overrides,
  });

  describe("personal rules", () => {
    it("are written by any member, viewers included, in one community, with their trigger prefixes indexed", async () => {
      for (const role of ["owner", "admin", "analyst", "viewer"] as const) {
        const { rule, warnings } = await ws.callers[role].rule.create(base({ name: `${role}'s rule`, triggers: ["authentik.login_*", "alert.*", "*"] }));
        expect(rule).toMatchObject({
          kind: "personal",
          ownerUserId: ws.users[role].id,
          createdById: ws.users[role].id,
          communityId: ws.communities[0]!.id,
          communityName: ws.communities[0]!.name,
          scope: "community",
          enabled: true,
          notifyInApp: true,
          triggers: ["authentik.login_*", "alert.*", "*"],
          conditions: { minSeverity: null, sourceIds: [], products: [], fields: [], cel: null },
          communityIds: [],
          recipientUserIds: [],
          recipientRoles: [],
          notifyEventUser: false,
          canEdit: true,
        });
        expect(warnings).toEqual({});
        const triggerRows = await handle.db.select().from(ruleTriggers).where(eq(ruleTriggers.ruleId, rule.id));
        expect(triggerRows.map((t) => [t.pattern, t.literalPrefix]).sort()).toEqual([
          ["*", ""],
          ["alert.*", "alert."],
          ["authentik.login_*", "authentik.login_"],
        ]);
        expect(triggerRows.every((t) => t.workspaceId === ws.workspace.id)).toBe(true);
      }
    });

    it("are visible to their creator alone: not even an owner or admin can list, get, change or delete them", async () => {
      const { rule } = await ws.callers.analyst.rule.create(base({ name: "Analyst only" }));
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      for (const role of ["owner", "admin", "viewer"] as const) {
        const caller = ws.callers[role];
        const listed = await caller.rule.list({ workspaceSlug: ws.slug });
        expect(listed.map((r) => r.id)).not.toContain(rule.id);
        expect(listed.every((r) => r.kind === "shared" || r.ownerUserId === ws.users[role].id)).toBe(true);
        const ref = { workspaceSlug: ws.slug, ruleId: rule.id };
        for (const call of [
          () => caller.rule.get(ref),
          () => caller.rule.update({ ...base({ name: "Hijacked" }), ruleId: rule.id }),
          () => caller.rule.setEnabled({ ...ref, enabled: false }),
          () => caller.rule.duplicate(ref),
          () => caller.rule.delete(ref),
        ]) {
          const error = await expectTrpcError(call(), "NOT_FOUND");
          expect(error.message).toBe("Rule not found");
        }
      }
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
      expect((await ws.callers.analyst.rule.get({ workspaceSlug: ws.slug, ruleId: rule.id })).name).toBe("Analyst only");
    });

    it("warns about a trigger that matches no known type, and saves the rule", async () => {
      const { rule, warnings } = await ws.callers.analyst.rule.create(base({ triggers: ["authentik.login_failed", "acme.widget_exploded"] }));
      expect(warnings).toEqual({ "triggers.1": [expect.stringContaining("no known event type")] });
      expect(rule.triggers).toEqual(["authentik.login_failed", "acme.widget_exploded"]);
    });

    it.each([
      ["a malformed trigger", { triggers: ["Alert.*"] }, "triggers"],
      ["no trigger at all", { triggers: [] }, "triggers"],
      ["a field matcher on an unknown field", { conditions: { fields: [{ field: "password", operator: "equals", value: "x" }] } }, "conditions"],
      ["an empty name", { name: " " }, "name"],
    ])("refuses %s, naming the field, saving nothing", async (_label, overrides, field) => {
      const before = await countRows(handle.db);
      const error = await expectTrpcError(ws.callers.analyst.rule.create(base(overrides)), "BAD_REQUEST");
      expect(error.message).toContain(field);
      expect(await countRows(handle.db)).toEqual(before);
    });

    it.each([
      ["a CEL expression that does not compile", { conditions: { cel: "event.severity ==" } }, "conditions.cel"],
      ["a CEL expression on an unknown field", { conditions: { cel: 'event.password == "x"' } }, "conditions.cel"],
      ["a regex that could backtrack catastrophically", { conditions: { fields: [{ field: "title", operator: "regex", pattern: "(a+)+$" }] } }, "conditions.fields.0.pattern"],
      ["a malformed CIDR block", { conditions: { fields: [{ field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8", "10.0.0.300/8"] }] } }, "conditions.fields.0.blocks.1"],
    ])("refuses %s with the matcher's message at its path, saving nothing", async (_label, overrides, path) => {
      const before = await countRows(handle.db);
      const { status, error } = await callHttp({ db: handle.db, user: ws.users.analyst, path: "rule.create", type: "mutation", input: base(overrides) });
      expect(status).toBe(400);
      expect(Object.keys(error!.data.fieldErrors!)).toEqual([path]);
      expect(error!.message.startsWith(`${path}: `)).toBe(true);
      expect(await countRows(handle.db)).toEqual(before);
      const checked = await ws.callers.analyst.rule.validate({ workspaceSlug: ws.slug, triggers: ["authentik.login_failed"], conditions: (overrides as { conditions: unknown }).conditions });
      expect(Object.keys(checked.errors)).toEqual([path]);
    });

    it("answers field errors by path through HTTP", async () => {
      const { status, error } = await callHttp({
        db: handle.db,
        user: ws.users.analyst,
        path: "rule.create",
        type: "mutation",
        input: base({ triggers: ["alert.*", "lo*in"] }),
      });
      expect(status).toBe(400);
      expect(error!.data.fieldErrors).toEqual({ triggers: [expect.stringContaining("cannot start or sit inside")] });
      expect(error!.message).toMatch(/^triggers\.1: /);
    });

    it("updates the definition and its trigger rows, toggles, duplicates disabled, and deletes", async () => {
      const caller = ws.callers.analyst;
      const { rule } = await caller.rule.create(base({ name: "To edit", triggers: ["alert.created"] }));
      const { rule: updated } = await caller.rule.update({
        ...base({ name: "Edited", triggers: ["alert.*", "alert.*"], conditions: { minSeverity: "high" } }),
        ruleId: rule.id,
        description: "Only the bad ones",
      });
      expect(updated).toMatchObject({ id: rule.id, name: "Edited", description: "Only the bad ones", triggers: ["alert.*"], conditions: { minSeverity: "high" } });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(rule.updatedAt.getTime());
      const triggerRows = await handle.db.select().from(ruleTriggers).where(eq(ruleTriggers.ruleId, rule.id));
      expect(triggerRows.map((t) => t.pattern)).toEqual(["alert.*"]);

      expect((await caller.rule.setEnabled({ workspaceSlug: ws.slug, ruleId: rule.id, enabled: false })).enabled).toBe(false);

      const copy = await caller.rule.duplicate({ workspaceSlug: ws.slug, ruleId: rule.id });
      expect(copy).toMatchObject({ name: "Edited (copy)", enabled: false, kind: "personal", ownerUserId: ws.users.analyst.id, triggers: ["alert.*"] });
      expect(copy.id).not.toBe(rule.id);
      expect((await handle.db.select().from(ruleTriggers).where(eq(ruleTriggers.ruleId, copy.id))).map((t) => t.literalPrefix)).toEqual(["alert."]);
      const named = await caller.rule.duplicate({ workspaceSlug: ws.slug, ruleId: rule.id, name: "Second copy" });
      expect(named.name).toBe("Second copy");

      expect(await caller.rule.delete({ workspaceSlug: ws.slug, ruleId: rule.id })).toEqual({ id: rule.id });
      await expectTrpcError(caller.rule.get({ workspaceSlug: ws.slug, ruleId: rule.id }), "NOT_FOUND");
      expect(await handle.db.select().from(ruleTriggers).where(eq(ruleTriggers.ruleId, rule.id))).toEqual([]);
    });
  });

  describe("scope and references", () => {
    it("takes a chosen set of communities in multi mode", async () => {
      const ids = ws.communities.map((c) => c.id);
      const { rule } = await ws.callers.analyst.rule.create(base({ scope: "communities", communityIds: [...ids, ids[0]] }));
      expect(rule.communityIds).toEqual([...ids].sort());
      const { rule: wide } = await ws.callers.analyst.rule.create(base({ scope: "workspace", communityIds: ids }));
      expect(wide.communityIds).toEqual([]);
      const before = await countRows(handle.db);
      const error = await expectTrpcError(ws.callers.analyst.rule.create(base({ scope: "communities", communityIds: [] })), "BAD_REQUEST");
      expect(error.message).toBe("Choose at least one community");
      expect(await countRows(handle.db)).toEqual(before);
    });

    it("needs the community in multi mode, and takes the only one in single mode; no chosen set there", async () => {
      await expectTrpcError(ws.callers.analyst.rule.create(base({ communityId: undefined })), "BAD_REQUEST");
      const single = await seedWorkspace(handle.db, { slug: "rules-single", mode: "single" });
      const { rule } = await single.callers.viewer.rule.create({ workspaceSlug: single.slug, name: "Mine", triggers: ["alert.*"] });
      expect(rule.communityId).toBe(single.communities[0]!.id);
      const error = await expectTrpcError(
        single.callers.viewer.rule.create({ workspaceSlug: single.slug, name: "Mine", triggers: ["alert.*"], scope: "communities", communityIds: [single.communities[0]!.id] }),
        "BAD_REQUEST",
      );
      expect(error.message).toContain("multi-mode");
    });

    it.each([
      ["another workspace's home community", () => ({ communityId: other.communities[0]!.id })],
      ["another workspace's community in the chosen set", () => ({ scope: "communities", communityIds: [ws.communities[0]!.id, other.communities[1]!.id] })],
      ["another workspace's source in the conditions", () => ({ conditions: { sourceIds: [ws.sources[0]!.id, other.sources[0]!.id] } })],
    ])("refuses %s: NOT_FOUND, nothing saved", async (_label, overrides) => {
      const before = await countRows(handle.db);
      const bBefore = await snapshotWorkspace(handle.db, other.workspace.id);
      await expectTrpcError(ws.callers.analyst.rule.create(base(overrides())), "NOT_FOUND");
      expect(await countRows(handle.db)).toEqual(before);
      expect(await snapshotWorkspace(handle.db, other.workspace.id)).toEqual(bBefore);
    });

    it("refuses an update naming another workspace's community, keeping the rule as it was", async () => {
      const { rule } = await ws.callers.analyst.rule.create(base({ name: "Kept" }));
      const before = await snapshotWorkspace(handle.db, ws.workspace.id);
      await expectTrpcError(
        ws.callers.analyst.rule.update({ ...base({ name: "Changed", scope: "communities", communityIds: [other.communities[0]!.id] }), ruleId: rule.id }),
        "NOT_FOUND",
      );
      expect(await snapshotWorkspace(handle.db, ws.workspace.id)).toEqual(before);
    });
  });

  describe("shared rules", () => {
    it("are written by admins only", async () => {
      for (const role of ["analyst", "viewer"] as const) {
        await expectTrpcError(ws.callers[role].rule.create(base({ kind: "shared", recipientRoles: ["analyst"] })), "FORBIDDEN");
      }
      const error = await expectTrpcError(ws.callers.admin.rule.create(base({ kind: "shared" })), "BAD_REQUEST");
      expect(error.message).toContain("Choose who receives this rule");
    });

    it("are seen by admins and by the members they reach, and changed by admins only", async () => {
      const { rule } = await ws.callers.admin.rule.create(
        base({ kind: "shared", name: "SOC on call", recipientRoles: ["analyst", "analyst"], recipientUserIds: [ws.users.viewer.id], notifyEventUser: true }),
      );
      expect(rule).toMatchObject({ kind: "shared", ownerUserId: null, createdById: ws.users.admin.id, recipientRoles: ["analyst"], recipientUserIds: [ws.users.viewer.id], notifyEventUser: true });

      const { rule: adminsOnly } = await ws.callers.owner.rule.create(base({ kind: "shared", name: "Admins only", recipientRoles: ["admin"] }));
      const ref = (id: string) => ({ workspaceSlug: ws.slug, ruleId: id });

      for (const role of ["owner", "admin"] as const) {
        const listed = await ws.callers[role].rule.list({ workspaceSlug: ws.slug, kind: "shared" });
        expect(listed.map((r) => r.name)).toEqual(expect.arrayContaining(["SOC on call", "Admins only"]));
        expect(listed.every((r) => r.canEdit)).toBe(true);
      }
      // The analyst receives it by role, the viewer by name: they see it, read-only.
      for (const role of ["analyst", "viewer"] as const) {
        const listed = await ws.callers[role].rule.list({ workspaceSlug: ws.slug, kind: "shared" });
        expect(listed.map((r) => r.name)).toEqual(["SOC on call"]);
        expect(listed[0]!.canEdit).toBe(false);
        await expectTrpcError(ws.callers[role].rule.get(ref(adminsOnly.id)), "NOT_FOUND");
        await expectTrpcError(ws.callers[role].rule.update({ ...base({ name: "Nope" }), ruleId: rule.id }), "FORBIDDEN");
        await expectTrpcError(ws.callers[role].rule.delete(ref(rule.id)), "FORBIDDEN");
        await expectTrpcError(ws.callers[role].rule.setEnabled({ ...ref(rule.id), enabled: false }), "FORBIDDEN");
      }

      const { rule: updated } = await ws.callers.owner.rule.update({ ...base({ name: "SOC", recipientRoles: ["viewer"] }), ruleId: rule.id });
      expect(updated).toMatchObject({ name: "SOC", recipientRoles: ["viewer"], recipientUserIds: [], notifyEventUser: false });
      expect((await ws.callers.analyst.rule.list({ workspaceSlug: ws.slug, kind: "shared" })).map((r) => r.name)).toEqual([]);
    });

    it("refuses a recipient who is not a member of the workspace", async () => {
      const before = await countRows(handle.db);
      const error = await expectTrpcError(ws.callers.admin.rule.create(base({ kind: "shared", recipientUserIds: [other.users.analyst.id] })), "NOT_FOUND");
      expect(error.message).toBe("Member not found");
      expect(await countRows(handle.db)).toEqual(before);
    });

    it("ignores recipients given for a personal rule", async () => {
      const { rule } = await ws.callers.admin.rule.create(base({ recipientRoles: ["viewer"], recipientUserIds: [ws.users.viewer.id], notifyEventUser: true }));
      expect(rule).toMatchObject({ kind: "personal", recipientRoles: [], recipientUserIds: [], notifyEventUser: false });
      const [row] = await handle.db.select().from(rules).where(and(eq(rules.id, rule.id), eq(rules.workspaceId, ws.workspace.id)));
      expect(row!.recipientRoles).toEqual([]);
    });
  });

  describe("validate and preview", () => {
    it("validates as the user types, answering every problem by path instead of failing", async () => {
      const result = await ws.callers.viewer.rule.validate({
        workspaceSlug: ws.slug,
        triggers: ["alert.*", "Bad", "acme.unknown"],
        conditions: { minSeverity: "urgent", fields: [{ field: "clientIp", operator: "cidr", blocks: [] }] },
      });
      expect(Object.keys(result.errors).sort()).toEqual(["conditions.fields.0.blocks", "conditions.minSeverity", "triggers.1"]);
      const clean = await ws.callers.viewer.rule.validate({ workspaceSlug: ws.slug, triggers: ["acme.unknown"], conditions: {} });
      expect(clean).toEqual({ errors: {}, warnings: { "triggers.0": [expect.stringContaining("no known event type")] } });
    });

    it("takes a definition too large for a URL as a POST query, as the editor sends it", async () => {
      const values = Array.from({ length: 100 }, (_, i) => `${"x".repeat(400)}-${i}`);
      const conditions = { fields: Array.from({ length: 5 }, () => ({ field: "title", operator: "oneOf", values })) };
      const body = JSON.stringify(superjson.serialize({ workspaceSlug: ws.slug, triggers: ["alert.*"], conditions }));
      expect(body.length).toBeGreaterThan(200_000);
      const response = await fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request(new URL("/api/trpc/rule.validate", TEST_ORIGIN), { method: "POST", body, headers: { "content-type": "application/json" } }),
        router: appRouter,
        allowMethodOverride: true,
        createContext: () => ({ db: handle.db, user: ws.users.viewer, origin: TEST_ORIGIN }),
      });
      expect(response.status).toBe(200);
      const result = superjson.deserialize<{ errors: object }>(((await response.json()) as { result: { data: Parameters<typeof superjson.deserialize>[0] } }).result.data);
      expect(result.errors).toEqual({});
    });

    it("previews the latest events in scope, matched or not with the reason, never another community's or workspace's", async () => {
      const [alpha, beta] = ws.sources;
      const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 12, minute));
      await insertEvents(handle.db, ws.workspace.id, alpha!, [
        { type: "authentik.login_failed", severity: "high", title: "match", receivedAt: at(1), clientIp: "203.0.113.7" },
        { type: "authentik.login_failed", severity: "low", title: "too low", receivedAt: at(2) },
        { type: "alert.created", severity: "critical", title: "other type", receivedAt: at(3) },
      ]);
      await insertEvents(handle.db, ws.workspace.id, beta!, [{ type: "authentik.login_failed", severity: "high", title: "beta", receivedAt: at(4), clientIp: "10.1.2.3" }]);
      await insertEvents(handle.db, other.workspace.id, other.sources[0]!, [{ type: "authentik.login_failed", severity: "high", title: "foreign", receivedAt: at(5) }]);

      const definition = { triggers: ["authentik.login_*"], conditions: { minSeverity: "medium" } };
      const preview = await ws.callers.viewer.rule.preview({ workspaceSlug: ws.slug, ...definition, communityId: alpha!.communityId });
      expect(preview.errors).toEqual({});
      expect(preview.items.map((i) => [i.event.title, i.matched])).toEqual([
        ["other type", false],
        ["too low", false],
        ["match", true],
      ]);
      expect(preview.matched).toBe(1);
      expect(preview.items[0]!.reason).toEqual(expect.any(String));
      expect(preview.items[2]!.reason).toBeNull();
      expect(preview.items[2]!.event).toMatchObject({ communityName: ws.communities.find((c) => c.id === alpha!.communityId)!.name, sourceName: alpha!.name });

      // Workspace-wide, the workspace's own audit events (its setup, received now) come first: left aside here.
      const ingested = <T extends { event: { type: string } }>(items: T[]) => items.filter((i) => !i.event.type.startsWith("audit."));
      const everywhere = await ws.callers.viewer.rule.preview({ workspaceSlug: ws.slug, ...definition, scope: "workspace" });
      expect(ingested(everywhere.items).map((i) => i.event.title)).toEqual(["beta", "other type", "too low", "match"]);
      const chosen = await ws.callers.viewer.rule.preview({ workspaceSlug: ws.slug, ...definition, scope: "communities", communityIds: [beta!.communityId] });
      expect(chosen.items.map((i) => i.event.title)).toEqual(["beta"]);

      // The example: failed logins from outside 10.0.0.0/8.
      const outside = await ws.callers.viewer.rule.preview({
        workspaceSlug: ws.slug,
        triggers: ["authentik.login_failed"],
        conditions: { fields: [{ field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true }] },
        scope: "workspace",
      });
      expect(ingested(outside.items).map((i) => [i.event.title, i.matched])).toEqual([
        ["beta", false],
        ["other type", false],
        ["too low", true], // no client IP at all: a negated matcher holds for a missing value
        ["match", true],
      ]);
      expect(ingested(outside.items)[0]!.reason).toContain("10.0.0.0/8");

      await expectTrpcError(ws.callers.viewer.rule.preview({ workspaceSlug: ws.slug, ...definition, communityId: other.communities[0]!.id }), "NOT_FOUND");
      const invalid = await ws.callers.viewer.rule.preview({ workspaceSlug: ws.slug, triggers: [], conditions: {}, scope: "workspace" });
      expect(invalid.items).toEqual([]);
      expect(Object.keys(invalid.errors)).toEqual(["triggers"]);
    });
  });
});
