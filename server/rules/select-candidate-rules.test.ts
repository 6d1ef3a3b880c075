import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedTwoWorkspaces, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { ruleVersions, rules, ruleTriggers, users } from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { CandidateRuleCache, readRulesVersion, ruleCoversCommunity, selectCandidateRules, typePrefixes } from "./select-candidate-rules";

describe("candidate rule selection", () => {
  let handle: DbHandle;
  let ws: SeededWorkspace;
  let other: SeededWorkspace;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ a: ws, b: other } = await seedTwoWorkspaces(handle.db, "cand"));
  });
  afterAll(() => handle.close());

  const create = (triggers: string[], extra: Record<string, unknown> = {}, side: "ws" | "other" = "ws") => {
    const target = side === "ws" ? ws : other;
    return target.callers.analyst.rule
      .create({ workspaceSlug: target.slug, communityId: target.communities[0]!.id, name: triggers.join(" "), triggers, ...extra })
      .then((r) => r.rule);
  };

  it("lists every prefix of a type, the empty one included", () => {
    expect(typePrefixes("a.bc")).toEqual(["", "a", "a.", "a.b", "a.bc"]);
  });

  it("selects the enabled rules of the workspace whose trigger prefix is a prefix of the type", async () => {
    const exact = await create(["authentik.login_failed"]);
    const family = await create(["authentik.login_*"]);
    const tool = await create(["authentik.*"]);
    const all = await create(["*"]);
    const segment = await create(["audit.*.created"]);
    await create(["authentik.login"]); // a prefix of the type, but not a pattern matching it: selected, then dropped by the matcher
    await create(["authentik.logout"]);
    await create(["authentik.login_failed"], { enabled: false });
    await create(["authentik.login_failed"], {}, "other");

    const selected = await selectCandidateRules(handle.db, ws.workspace.id, ["authentik.login_failed"]);
    const names = selected.map((r) => r.triggers.join(" ")).sort();
    expect(names).toEqual(["*", "authentik.*", "authentik.login", "authentik.login_*", "authentik.login_failed"]);
    expect(selected.find((r) => r.id === exact.id)).toMatchObject({ kind: "personal", scope: "community", recipientUserIds: [], scopeCommunityIds: [] });

    const cache = new CandidateRuleCache();
    const byType = await cache.candidatesByType(handle.db, ws.workspace.id, ["authentik.login_failed", "audit.rule.created", "nothing.here"]);
    expect(byType.get("authentik.login_failed")!.map((r) => r.id).sort()).toEqual([exact.id, family.id, tool.id, all.id].sort());
    expect(byType.get("audit.rule.created")!.map((r) => r.id).sort()).toEqual([segment.id, all.id].sort());
    expect(byType.get("nothing.here")!.map((r) => r.id)).toEqual([all.id]);
  });

  it("covers communities by scope", () => {
    const rule = { scope: "community" as const, communityId: "c1", scopeCommunityIds: [] };
    expect(ruleCoversCommunity(rule, "c1")).toBe(true);
    expect(ruleCoversCommunity(rule, "c2")).toBe(false);
    expect(ruleCoversCommunity(rule, null)).toBe(false);
    expect(ruleCoversCommunity({ ...rule, scope: "workspace" }, null)).toBe(true);
    expect(ruleCoversCommunity({ ...rule, scope: "communities", scopeCommunityIds: ["c2", "c3"] }, "c3")).toBe(true);
    expect(ruleCoversCommunity({ ...rule, scope: "communities", scopeCommunityIds: ["c2", "c3"] }, "c1")).toBe(false);
  });

  it("bumps the workspace's rule version on every change to its rules, cascades included, and only its own", async () => {
    const version = () => readRulesVersion(handle.db, ws.workspace.id);
    const otherBefore = await readRulesVersion(handle.db, other.workspace.id);
    let last = await version();
    const bumped = async () => {
      const now = await version();
      expect(now).toBeGreaterThan(last);
      last = now;
    };
    const rule = await create(["alert.*"]);
    await bumped();
    await ws.callers.analyst.rule.update({ workspaceSlug: ws.slug, ruleId: rule.id, name: "Changed", triggers: ["alert.created"] });
    await bumped();
    await ws.callers.analyst.rule.setEnabled({ workspaceSlug: ws.slug, ruleId: rule.id, enabled: false });
    await bumped();
    const copy = await ws.callers.analyst.rule.duplicate({ workspaceSlug: ws.slug, ruleId: rule.id });
    await bumped();
    await ws.callers.analyst.rule.delete({ workspaceSlug: ws.slug, ruleId: copy.id });
    await bumped();
    // A community's deletion takes its rules with it.
    const doomed = await ws.callers.owner.community.create({ workspaceSlug: ws.slug, name: "Doomed" });
    await ws.callers.viewer.rule.create({ workspaceSlug: ws.slug, communityId: doomed.id, name: "Gone soon", triggers: ["*"], scope: "workspace" });
    await bumped();
    await ws.callers.owner.community.delete({ workspaceSlug: ws.slug, communityId: doomed.id, confirmName: "Doomed" });
    await bumped();
    // So does a user's.
    await ws.callers.admin.rule.create({ workspaceSlug: ws.slug, communityId: ws.communities[0]!.id, name: "Admin's", triggers: ["*"] });
    await bumped();
    await handle.db.delete(users).where(eq(users.id, ws.users.admin.id));
    await bumped();
    expect(await readRulesVersion(handle.db, other.workspace.id)).toBe(otherBefore);
  });

  it("keeps its selection until the version changes, then selects again", async () => {
    const cache = new CandidateRuleCache();
    const type = "cache.event";
    expect((await cache.candidatesByType(handle.db, ws.workspace.id, [type])).get(type)!.map((r) => r.triggers[0])).toEqual(["*"]);

    // A rule slipped in without the trigger (as no code path can): the cache does not see it…
    const [row] = await handle.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      const inserted = await tx
        .insert(rules)
        .values({ workspaceId: ws.workspace.id, communityId: ws.communities[0]!.id, kind: "shared", name: "Sneaky", triggers: [type], conditions: { minSeverity: null, sourceIds: [], products: [], fields: [], cel: null }, recipientRoles: ["owner"] })
        .returning();
      await tx.insert(ruleTriggers).values({ workspaceId: ws.workspace.id, ruleId: inserted[0]!.id, pattern: type, literalPrefix: type });
      return inserted;
    });
    expect((await cache.candidatesByType(handle.db, ws.workspace.id, [type])).get(type)!.map((r) => r.triggers[0])).toEqual(["*"]);
    // …until the workspace's version moves.
    await handle.db.update(ruleVersions).set({ version: sql`${ruleVersions.version} + 1` }).where(eq(ruleVersions.workspaceId, ws.workspace.id));
    expect((await cache.candidatesByType(handle.db, ws.workspace.id, [type])).get(type)!.map((r) => r.triggers[0]).sort()).toEqual(["*", type]);
    expect(row!.name).toBe("Sneaky");
  });

  it("lets a workspace be deleted with its rules", async () => {
    await other.callers.owner.workspace.delete({ workspaceSlug: other.slug, confirmSlug: other.slug });
    expect(await handle.db.select().from(ruleVersions).where(eq(ruleVersions.workspaceId, other.workspace.id))).toEqual([]);
    expect(await handle.db.select().from(rules).where(eq(rules.workspaceId, other.workspace.id))).toEqual([]);
  });
});
