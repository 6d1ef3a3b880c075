import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { ruleChannels, ruleCommunities, ruleRecipients, rules, ruleTriggers, ruleVersions, type Role } from "@/server/db/schema";
import { BoundedCache } from "./bounded-cache";
import { maxEventTypeLength } from "./event-type";
import { matchesTypePattern } from "./type-pattern";

/*
 * Candidate selection: which rules of a workspace can match events of some types, without
 * reading every rule of the workspace. Each trigger pattern is stored with its literal prefix
 * (everything before its first `*`: `authentik.login_*` → `authentik.login_`, `alert.*` →
 * `alert.`, `*` → ``, `alert.created` → itself). A pattern can only match a type that starts with
 * its literal prefix, so the rules worth testing are those with a trigger whose prefix is one of
 * the type's own prefixes — `literal_prefix = any(<every prefix of the type>)`, answered by the
 * (workspace_id, literal_prefix) index with one probe per prefix, however many rules there are.
 * The candidates are then tested properly (patterns, scope, conditions) in memory.
 *
 * The fan-out keeps what it selected per workspace and event type, for as long as the
 * workspace's rule version (rule_versions, bumped by a trigger on every change to its rules,
 * cascades included) stays the same: one primary-key read per job instead of a selection per
 * type, and none per event.
 */

/** Every prefix of `type`, from the empty one to the whole type (types are at most 120 characters). */
export function typePrefixes(type: string): string[] {
  const prefixes: string[] = [];
  for (let end = 0; end <= Math.min(type.length, maxEventTypeLength); end++) prefixes.push(type.slice(0, end));
  return prefixes;
}

export type CandidateRule = {
  id: string;
  kind: "personal" | "shared";
  communityId: string;
  ownerUserId: string | null;
  scope: "community" | "workspace" | "communities";
  triggers: string[];
  conditions: typeof rules.$inferSelect.conditions;
  notifyInApp: boolean;
  recipientRoles: Role[];
  notifyEventUser: boolean;
  throttleSeconds: number | null;
  digestSeconds: number | null;
  updatedAt: Date;
  /** Scope `communities`: the chosen set. */
  scopeCommunityIds: string[];
  /** Shared rules: the members chosen by name. */
  recipientUserIds: string[];
  /** The channels it delivers to besides the inbox. */
  channelIds: string[];
};

/** The enabled rules of `workspaceId` with a trigger that may match one of `types`. */
export async function selectCandidateRules(db: Db, workspaceId: string, types: readonly string[]): Promise<CandidateRule[]> {
  const prefixes = [...new Set(types.flatMap(typePrefixes))];
  if (prefixes.length === 0) return [];
  const rows = await db
    .select({
      id: rules.id,
      kind: rules.kind,
      communityId: rules.communityId,
      ownerUserId: rules.ownerUserId,
      scope: rules.scope,
      triggers: rules.triggers,
      conditions: rules.conditions,
      notifyInApp: rules.notifyInApp,
      recipientRoles: rules.recipientRoles,
      notifyEventUser: rules.notifyEventUser,
      throttleSeconds: rules.throttleSeconds,
      digestSeconds: rules.digestSeconds,
      updatedAt: rules.updatedAt,
    })
    .from(rules)
    .where(
      and(
        eq(rules.workspaceId, workspaceId),
        eq(rules.enabled, true),
        inArray(
          rules.id,
          db
            .selectDistinct({ ruleId: ruleTriggers.ruleId })
            .from(ruleTriggers)
            .where(and(eq(ruleTriggers.workspaceId, workspaceId), inArray(ruleTriggers.literalPrefix, prefixes))),
        ),
      ),
    );
  if (rows.length === 0) return [];

  const chosenSetIds = rows.filter((r) => r.scope === "communities").map((r) => r.id);
  const sharedIds = rows.filter((r) => r.kind === "shared").map((r) => r.id);
  const ruleIds = rows.map((r) => r.id);
  const [scoped, recipients, channelLinks] = await Promise.all([
    chosenSetIds.length
      ? db
          .select({ ruleId: ruleCommunities.ruleId, communityId: ruleCommunities.communityId })
          .from(ruleCommunities)
          .where(and(eq(ruleCommunities.workspaceId, workspaceId), inArray(ruleCommunities.ruleId, chosenSetIds)))
      : [],
    sharedIds.length
      ? db
          .select({ ruleId: ruleRecipients.ruleId, userId: ruleRecipients.userId })
          .from(ruleRecipients)
          .where(and(eq(ruleRecipients.workspaceId, workspaceId), inArray(ruleRecipients.ruleId, sharedIds)))
      : [],
    db
      .select({ ruleId: ruleChannels.ruleId, channelId: ruleChannels.channelId })
      .from(ruleChannels)
      .where(and(eq(ruleChannels.workspaceId, workspaceId), inArray(ruleChannels.ruleId, ruleIds))),
  ]);
  const group = (pairs: { ruleId: string; value: string }[]) => {
    const map = new Map<string, string[]>();
    for (const { ruleId, value } of pairs) {
      const list = map.get(ruleId) ?? [];
      list.push(value);
      map.set(ruleId, list);
    }
    return map;
  };
  const scopeOf = group(scoped.map((s) => ({ ruleId: s.ruleId, value: s.communityId })));
  const recipientsOf = group(recipients.map((r) => ({ ruleId: r.ruleId, value: r.userId })));
  const channelsOf = group(channelLinks.map((c) => ({ ruleId: c.ruleId, value: c.channelId })));
  return rows.map((row) => ({
    ...row,
    recipientRoles: row.recipientRoles as Role[],
    scopeCommunityIds: scopeOf.get(row.id) ?? [],
    recipientUserIds: recipientsOf.get(row.id) ?? [],
    channelIds: channelsOf.get(row.id) ?? [],
  }));
}

/** Whether a rule listens to events of `communityId` (null: a workspace-level event, e.g. a system event). */
export function ruleCoversCommunity(rule: Pick<CandidateRule, "scope" | "communityId" | "scopeCommunityIds">, communityId: string | null): boolean {
  if (rule.scope === "workspace") return true;
  if (communityId === null) return false;
  if (rule.scope === "community") return rule.communityId === communityId;
  return rule.scopeCommunityIds.includes(communityId);
}

/** The workspace's rule version: any change to its rules (cascades included) changes it. */
export async function readRulesVersion(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db.select({ version: ruleVersions.version }).from(ruleVersions).where(eq(ruleVersions.workspaceId, workspaceId));
  return row?.version ?? 0;
}

type WorkspaceCandidates = { version: number; byType: Map<string, CandidateRule[]> };

/** Distinct event types remembered per workspace; beyond it the workspace's entry starts afresh. */
const MAX_TYPES_PER_WORKSPACE = 2_000;

/**
 * Candidate rules per event type, remembered per workspace until its rule version changes. Each
 * process has its own; every job reads the version first, so no process uses rules that have
 * changed since the job began.
 */
export class CandidateRuleCache {
  private readonly workspaces: BoundedCache<string, WorkspaceCandidates>;

  constructor(maxWorkspaces = 1_000) {
    this.workspaces = new BoundedCache(maxWorkspaces);
  }

  /**
   * The enabled rules with a trigger matching each of `types` (a type no rule listens to: an
   * empty list). `knownVersion`: the workspace's rule version, when the caller read it already.
   */
  async candidatesByType(db: Db, workspaceId: string, types: readonly string[], knownVersion?: number): Promise<Map<string, CandidateRule[]>> {
    // The version must be read before the rules (a change in between is then caught next time).
    const version = knownVersion ?? (await readRulesVersion(db, workspaceId));
    let entry = this.workspaces.get(workspaceId);
    if (!entry || entry.version !== version || entry.byType.size > MAX_TYPES_PER_WORKSPACE) {
      entry = { version, byType: new Map() };
      this.workspaces.set(workspaceId, entry);
    }
    const unique = [...new Set(types)];
    const missing = unique.filter((type) => !entry.byType.has(type));
    if (missing.length > 0) {
      const selected = await selectCandidateRules(db, workspaceId, missing);
      for (const type of missing) entry.byType.set(type, selected.filter((rule) => rule.triggers.some((pattern) => matchesTypePattern(pattern, type))));
    }
    return new Map(unique.map((type) => [type, entry.byType.get(type)!]));
  }

  clear(): void {
    this.workspaces.clear();
  }
}

/** The process's cache, used by the fan-out. */
export const candidateRuleCache = new CandidateRuleCache();
