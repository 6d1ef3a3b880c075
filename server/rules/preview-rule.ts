import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { communities, events, intakeSources, workspaces } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import { checkRuleDefinition, explainMatch, type RuleIssues } from "./rule-evaluation";
import type { MatchableEvent } from "./rule-definition";
import { matchableEventColumns } from "./matchable-event-columns";
import { resolveHomeCommunity, resolveScopeCommunities } from "./rules";
import { PREVIEW_EVENT_COUNT, type PreviewRuleInput } from "./rule-schemas";

export type PreviewItem = {
  event: {
    id: string;
    type: string;
    severity: MatchableEvent["severity"];
    title: string;
    actor: string | null;
    clientIp: string | null;
    receivedAt: Date;
    communityId: string | null;
    communityName: string | null;
    sourceName: string | null;
  };
  matched: boolean;
  /** Why it did not match; null when it did. */
  reason: string | null;
};

export type RulePreview = { errors: RuleIssues; warnings: RuleIssues; items: PreviewItem[]; matched: number };

/**
 * What a rule being written would do: the latest 100 events of its scope (this workspace's only,
 * in the rule's communities), newest first, each with whether it matches and, when not, why. A
 * definition with errors previews nothing and answers with the errors instead.
 */
export async function previewRule(db: Db, workspaceId: string, input: PreviewRuleInput): Promise<RulePreview> {
  const { compiled, errors, warnings } = checkRuleDefinition(input);
  if (!compiled) return { errors, warnings, items: [], matched: 0 };

  const scopeCondition = await scopeConditionFor(db, workspaceId, input);
  const rows = await db
    .select({ ...matchableEventColumns, communityName: communities.name, sourceName: intakeSources.name })
    .from(events)
    .leftJoin(communities, and(eq(communities.id, events.communityId), eq(communities.workspaceId, workspaceId)))
    .leftJoin(intakeSources, and(eq(intakeSources.id, events.sourceId), eq(intakeSources.workspaceId, workspaceId)))
    .where(and(eq(events.workspaceId, workspaceId), scopeCondition))
    .orderBy(desc(events.receivedAt), desc(events.id))
    .limit(PREVIEW_EVENT_COUNT);

  const items = rows.map(({ communityName, sourceName, ...event }): PreviewItem => {
    const verdict = explainMatch(compiled, event as MatchableEvent);
    return {
      event: {
        id: event.id,
        type: event.type,
        severity: event.severity,
        title: event.title,
        actor: event.actor,
        clientIp: event.clientIp,
        receivedAt: event.receivedAt,
        communityId: event.communityId,
        communityName,
        sourceName,
      },
      matched: verdict.matched,
      reason: verdict.matched ? null : verdict.reason,
    };
  });
  return { errors, warnings, items, matched: items.filter((item) => item.matched).length };
}

async function scopeConditionFor(db: Db, workspaceId: string, input: PreviewRuleInput): Promise<SQL | undefined> {
  if (input.scope === "workspace") return undefined;
  const [workspace] = await db.select({ mode: workspaces.mode }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!workspace) throw new DomainError("NOT_FOUND", "Workspace not found");
  if (input.scope === "community") return eq(events.communityId, await resolveHomeCommunity(db, workspaceId, input.communityId));
  return inArray(events.communityId, await resolveScopeCommunities(db, workspaceId, workspace.mode, input.scope, input.communityIds));
}
