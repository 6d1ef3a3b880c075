import { and, asc, count, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import {
  communities,
  intakeSources,
  ruleChannels,
  memberships,
  ruleCommunities,
  ruleRecipients,
  rules,
  ruleTriggers,
  workspaces,
  type Role,
  type RuleKind,
  type RuleScope,
  type WorkspaceMode,
} from "@/server/db/schema";
import type { AuditActor } from "@/server/audit/audit-actor";
import { runAuditedTransaction, type AuditRecorder } from "@/server/audit/record-audit-entry";
import { snapshotRule } from "@/server/audit/snapshot-objects";
import { resolveRuleChannels } from "@/server/channels/channels";
import { DomainError } from "@/server/errors";
import { hasRole } from "@/server/members/roles";
import { checkRuleDefinition, type RuleDefinition, type RuleIssues } from "./rule-evaluation";
import type { CreateRuleInput, ListRulesInput, UpdateRuleInput } from "./rule-schemas";
import { typePatternPrefix } from "./type-pattern";

/*
 * Notification rules. Personal rules are their creator's alone: nobody else — an owner or admin
 * included — can list, read, change or delete them (another user's personal rule is NOT_FOUND,
 * exactly like one that does not exist). Every member, viewers included, may write personal
 * rules for their own inbox. Shared rules are the workspace's: admins and owners write them and
 * see them all; other members see the shared rules they receive (by name or by role).
 * Every read and write is scoped by the workspace of the caller's membership.
 */

/** Who is asking, from the request's membership (never from client input); email and IP for the audit trail. */
export type RuleActor = { workspaceId: string; userId: string; role: Role; email?: string; ip?: string | null };

const notFound = () => new DomainError("NOT_FOUND", "Rule not found");
const isAdmin = (actor: RuleActor) => hasRole(actor.role, "admin");

/** The rules `actor` may see: their own personal ones, and the shared ones they write or receive. */
function visibleTo(actor: RuleActor): SQL {
  const shared = isAdmin(actor)
    ? sql`${rules.kind} = 'shared'`
    : sql`${rules.kind} = 'shared' and (${actor.role} = any(${rules.recipientRoles}) or exists (
        select 1 from ${ruleRecipients} where ${ruleRecipients.ruleId} = ${rules.id} and ${ruleRecipients.userId} = ${actor.userId}))`;
  return and(eq(rules.workspaceId, actor.workspaceId), or(and(eq(rules.kind, "personal"), eq(rules.ownerUserId, actor.userId)), shared))!;
}

function canEdit(actor: RuleActor, rule: { kind: RuleKind; ownerUserId: string | null }): boolean {
  return rule.kind === "personal" ? rule.ownerUserId === actor.userId : isAdmin(actor);
}

type RuleRow = typeof rules.$inferSelect;

/** A rule as the API returns it. */
export type RuleView = Omit<RuleRow, "recipientRoles"> & {
  communityName: string;
  /** Scope `communities`: the chosen set (empty otherwise). */
  communityIds: string[];
  recipientUserIds: string[];
  recipientRoles: Role[];
  /** Channels besides the inbox (ids; the channel list says what each is). */
  channelIds: string[];
  /** Whether the caller may change it (their personal rule, or a shared one when admin). */
  canEdit: boolean;
};

async function toViews(db: DbOrTx, actor: RuleActor, rows: RuleRow[]): Promise<RuleView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [scoped, recipients, names, channelLinks] = await Promise.all([
    db
      .select({ ruleId: ruleCommunities.ruleId, communityId: ruleCommunities.communityId })
      .from(ruleCommunities)
      .where(and(eq(ruleCommunities.workspaceId, actor.workspaceId), inArray(ruleCommunities.ruleId, ids))),
    db
      .select({ ruleId: ruleRecipients.ruleId, userId: ruleRecipients.userId })
      .from(ruleRecipients)
      .where(and(eq(ruleRecipients.workspaceId, actor.workspaceId), inArray(ruleRecipients.ruleId, ids))),
    db
      .select({ id: communities.id, name: communities.name })
      .from(communities)
      .where(and(eq(communities.workspaceId, actor.workspaceId), inArray(communities.id, [...new Set(rows.map((r) => r.communityId))]))),
    db
      .select({ ruleId: ruleChannels.ruleId, channelId: ruleChannels.channelId })
      .from(ruleChannels)
      .where(and(eq(ruleChannels.workspaceId, actor.workspaceId), inArray(ruleChannels.ruleId, ids))),
  ]);
  const nameOf = new Map(names.map((c) => [c.id, c.name]));
  return rows.map((row) => ({
    ...row,
    recipientRoles: row.recipientRoles as Role[],
    communityName: nameOf.get(row.communityId) ?? "",
    communityIds: scoped.filter((s) => s.ruleId === row.id).map((s) => s.communityId).sort(),
    recipientUserIds: recipients.filter((r) => r.ruleId === row.id).map((r) => r.userId).sort(),
    channelIds: channelLinks.filter((c) => c.ruleId === row.id).map((c) => c.channelId).sort(),
    canEdit: canEdit(actor, row),
  }));
}

/** The rules the caller may see, personal first, then by name. */
export async function listRules(db: Db, actor: RuleActor, filters: ListRulesInput = {}): Promise<RuleView[]> {
  const conditions: SQL[] = [visibleTo(actor)];
  if (filters.kind) conditions.push(eq(rules.kind, filters.kind));
  if (filters.communityId) conditions.push(eq(rules.communityId, filters.communityId));
  const rows = await db
    .select()
    .from(rules)
    .where(and(...conditions))
    .orderBy(asc(rules.kind), sql`lower(${rules.name})`, asc(rules.id));
  return toViews(db, actor, rows);
}

async function findVisibleRule(db: DbOrTx, actor: RuleActor, ruleId: string, lock = false): Promise<RuleRow> {
  const query = db.select().from(rules).where(and(visibleTo(actor), eq(rules.id, ruleId)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound();
  return row;
}

/** A rule the caller may change; one they can see but not change is FORBIDDEN, one they cannot see NOT_FOUND. */
async function findEditableRule(db: DbOrTx, actor: RuleActor, ruleId: string): Promise<RuleRow> {
  const row = await findVisibleRule(db, actor, ruleId, true);
  if (!canEdit(actor, row)) throw new DomainError("FORBIDDEN", "Only admins change shared rules");
  return row;
}

/** A rule as it stands in `tx` (after a change), for the audit trail. */
async function readRuleView(tx: DbOrTx, actor: RuleActor, ruleId: string): Promise<RuleView> {
  const [row] = await tx.select().from(rules).where(and(eq(rules.workspaceId, actor.workspaceId), eq(rules.id, ruleId)));
  if (!row) throw notFound();
  return (await toViews(tx, actor, [row]))[0]!;
}

/** Records a rule's change; a personal rule's entry is its owner's alone (and raises no event). */
async function auditRule(audit: AuditRecorder, actor: RuleActor, verb: "created" | "updated" | "deleted", before: RuleView | null, after: RuleView | null) {
  const rule = (after ?? before)!;
  const by: AuditActor = { userId: actor.userId, email: actor.email, ip: actor.ip };
  await audit({
    workspaceId: actor.workspaceId,
    actor: by,
    objectType: "rule",
    objectId: rule.id,
    objectLabel: rule.name,
    verb,
    before: before && snapshotRule(before),
    after: after && snapshotRule(after),
    privateToUserId: rule.kind === "personal" ? rule.ownerUserId : null,
  });
}

export async function getRule(db: Db, actor: RuleActor, ruleId: string): Promise<RuleView> {
  const row = await findVisibleRule(db, actor, ruleId);
  return (await toViews(db, actor, [row]))[0]!;
}

/** Refuses a definition with errors, naming each problem by path; returns its warnings. */
function requireValidDefinition(input: { triggers: unknown; conditions: unknown }): { definition: RuleDefinition; warnings: RuleIssues } {
  const { definition, errors, warnings } = checkRuleDefinition(input);
  if (!definition) {
    const messages = Object.entries(errors).flatMap(([path, list]) => list.map((message) => `${path}: ${message}`));
    throw new DomainError("BAD_REQUEST", messages.join("; ") || "This rule is not valid", { fieldErrors: errors });
  }
  return { definition, warnings };
}

type Audience = { recipientUserIds: string[]; recipientRoles: Role[]; notifyEventUser: boolean };

/** Personal rules have no audience but their owner; a shared one needs at least one recipient. */
function audienceFor(kind: RuleKind, input: Audience): Audience {
  if (kind === "personal") return { recipientUserIds: [], recipientRoles: [], notifyEventUser: false };
  const audience = { recipientUserIds: [...new Set(input.recipientUserIds)], recipientRoles: [...new Set(input.recipientRoles)], notifyEventUser: input.notifyEventUser };
  if (audience.recipientUserIds.length === 0 && audience.recipientRoles.length === 0 && !audience.notifyEventUser) {
    throw new DomainError("BAD_REQUEST", "Choose who receives this rule: members, roles, or the event's own user", { field: "recipients" });
  }
  return audience;
}

/** The workspace's mode, read under a share lock so that a concurrent switch to single mode waits. */
async function lockWorkspaceMode(tx: DbOrTx, workspaceId: string): Promise<WorkspaceMode> {
  const [row] = await tx.select({ mode: workspaces.mode }).from(workspaces).where(eq(workspaces.id, workspaceId)).for("share");
  if (!row) throw new DomainError("NOT_FOUND", "Workspace not found");
  return row.mode;
}

/** The community a new rule is created in: the one named (of this workspace), or the only one. */
export async function resolveHomeCommunity(tx: DbOrTx, workspaceId: string, communityId: string | undefined): Promise<string> {
  if (communityId) {
    const [found] = await tx
      .select({ id: communities.id })
      .from(communities)
      .where(and(eq(communities.workspaceId, workspaceId), eq(communities.id, communityId)));
    if (!found) throw new DomainError("NOT_FOUND", "Community not found", { field: "communityId" });
    return found.id;
  }
  const only = await tx.select({ id: communities.id }).from(communities).where(eq(communities.workspaceId, workspaceId)).limit(2);
  if (only.length !== 1) throw new DomainError("BAD_REQUEST", "Choose the community the rule belongs to", { field: "communityId" });
  return only[0]!.id;
}

/** The chosen set of scope `communities`, every one of this workspace (multi mode only). */
export async function resolveScopeCommunities(tx: DbOrTx, workspaceId: string, mode: WorkspaceMode, scope: RuleScope, communityIds: readonly string[]) {
  if (scope !== "communities") return [];
  if (mode !== "multi") throw new DomainError("BAD_REQUEST", "Chosen communities are for multi-mode workspaces; choose this community or all", { field: "scope" });
  const unique = [...new Set(communityIds)];
  if (unique.length === 0) throw new DomainError("BAD_REQUEST", "Choose at least one community", { field: "communityIds" });
  const found = await tx
    .select({ id: communities.id })
    .from(communities)
    .where(and(eq(communities.workspaceId, workspaceId), inArray(communities.id, unique)));
  if (found.length !== unique.length) throw new DomainError("NOT_FOUND", "Community not found", { field: "communityIds" });
  return unique.sort();
}

/** Sources named in the conditions must be this workspace's. */
async function checkSources(tx: DbOrTx, workspaceId: string, sourceIds: readonly string[]) {
  const unique = [...new Set(sourceIds)];
  if (unique.length === 0) return;
  const [row] = await tx
    .select({ n: count() })
    .from(intakeSources)
    .where(and(eq(intakeSources.workspaceId, workspaceId), inArray(intakeSources.id, unique)));
  if ((row?.n ?? 0) !== unique.length) throw new DomainError("NOT_FOUND", "Source not found", { field: "conditions.sourceIds" });
}

/** Recipients chosen by name must be members of this workspace. */
async function checkRecipients(tx: DbOrTx, workspaceId: string, userIds: readonly string[]) {
  if (userIds.length === 0) return;
  const [row] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, [...userIds])));
  if ((row?.n ?? 0) !== userIds.length) throw new DomainError("NOT_FOUND", "Member not found", { field: "recipientUserIds" });
}

/** A rule must reach someone: the inbox, or at least one channel. */
function requireDestination(input: { notifyInApp: boolean; channelIds: readonly string[] }) {
  if (!input.notifyInApp && input.channelIds.length === 0) {
    throw new DomainError("BAD_REQUEST", "Choose where to notify: the inbox, a channel, or both", { field: "channelIds" });
  }
}

type RuleChildren = { triggers: string[]; scopeCommunityIds: string[]; recipientUserIds: string[]; channelIds: string[] };

/** Replaces a rule's trigger rows, scope communities, recipients and channels. */
async function writeRuleChildren(tx: DbOrTx, workspaceId: string, ruleId: string, children: RuleChildren) {
  await tx.delete(ruleTriggers).where(and(eq(ruleTriggers.workspaceId, workspaceId), eq(ruleTriggers.ruleId, ruleId)));
  await tx.delete(ruleCommunities).where(and(eq(ruleCommunities.workspaceId, workspaceId), eq(ruleCommunities.ruleId, ruleId)));
  await tx.delete(ruleRecipients).where(and(eq(ruleRecipients.workspaceId, workspaceId), eq(ruleRecipients.ruleId, ruleId)));
  await tx.delete(ruleChannels).where(and(eq(ruleChannels.workspaceId, workspaceId), eq(ruleChannels.ruleId, ruleId)));
  await tx.insert(ruleTriggers).values(children.triggers.map((pattern) => ({ workspaceId, ruleId, pattern, literalPrefix: typePatternPrefix(pattern) })));
  if (children.scopeCommunityIds.length) await tx.insert(ruleCommunities).values(children.scopeCommunityIds.map((communityId) => ({ workspaceId, ruleId, communityId })));
  if (children.recipientUserIds.length) await tx.insert(ruleRecipients).values(children.recipientUserIds.map((userId) => ({ workspaceId, ruleId, userId })));
  if (children.channelIds.length) await tx.insert(ruleChannels).values(children.channelIds.map((channelId) => ({ workspaceId, ruleId, channelId })));
}

/** Creates a rule, all of it or nothing. Returns it with the definition's warnings. */
export async function createRule(db: Db, actor: RuleActor, input: CreateRuleInput): Promise<{ rule: RuleView; warnings: RuleIssues }> {
  if (input.kind === "shared" && !isAdmin(actor)) throw new DomainError("FORBIDDEN", "Shared rules are written by admins; create a personal rule instead");
  const { definition, warnings } = requireValidDefinition(input);
  const audience = audienceFor(input.kind, input);
  requireDestination(input);
  const ruleId = await runAuditedTransaction(db, async (tx, audit) => {
    const mode = await lockWorkspaceMode(tx, actor.workspaceId);
    const communityId = await resolveHomeCommunity(tx, actor.workspaceId, input.communityId);
    const scopeCommunityIds = await resolveScopeCommunities(tx, actor.workspaceId, mode, input.scope, input.communityIds);
    await checkSources(tx, actor.workspaceId, definition.conditions.sourceIds);
    await checkRecipients(tx, actor.workspaceId, audience.recipientUserIds);
    const channelIds = await resolveRuleChannels(tx, { workspaceId: actor.workspaceId, userId: actor.userId, ruleKind: input.kind }, input.channelIds);
    const [rule] = await tx
      .insert(rules)
      .values({
        workspaceId: actor.workspaceId,
        communityId,
        kind: input.kind,
        ownerUserId: input.kind === "personal" ? actor.userId : null,
        createdById: actor.userId,
        name: input.name,
        description: input.description,
        enabled: input.enabled,
        scope: input.scope,
        triggers: definition.triggers,
        conditions: definition.conditions,
        notifyInApp: input.notifyInApp,
        recipientRoles: audience.recipientRoles,
        notifyEventUser: audience.notifyEventUser,
        throttleSeconds: input.throttleSeconds,
        digestSeconds: input.digestSeconds,
      })
      .returning({ id: rules.id });
    await writeRuleChildren(tx, actor.workspaceId, rule!.id, { triggers: definition.triggers, scopeCommunityIds, recipientUserIds: audience.recipientUserIds, channelIds });
    await auditRule(audit, actor, "created", null, await readRuleView(tx, actor, rule!.id));
    return rule!.id;
  });
  return { rule: await getRule(db, actor, ruleId), warnings };
}

/** Replaces what a rule says and who hears of it (its kind and home community stay). */
export async function updateRule(db: Db, actor: RuleActor, input: UpdateRuleInput): Promise<{ rule: RuleView; warnings: RuleIssues }> {
  const { definition, warnings } = requireValidDefinition(input);
  requireDestination(input);
  await runAuditedTransaction(db, async (tx, audit) => {
    const mode = await lockWorkspaceMode(tx, actor.workspaceId);
    const existing = await findEditableRule(tx, actor, input.ruleId);
    const before = (await toViews(tx, actor, [existing]))[0]!;
    const audience = audienceFor(existing.kind, input);
    // The channels a personal rule may use are its owner's (the editor is its owner).
    const channelIds = await resolveRuleChannels(tx, { workspaceId: actor.workspaceId, userId: actor.userId, ruleKind: existing.kind }, input.channelIds);
    const scopeCommunityIds = await resolveScopeCommunities(tx, actor.workspaceId, mode, input.scope, input.communityIds);
    await checkSources(tx, actor.workspaceId, definition.conditions.sourceIds);
    await checkRecipients(tx, actor.workspaceId, audience.recipientUserIds);
    await tx
      .update(rules)
      .set({
        name: input.name,
        description: input.description,
        enabled: input.enabled,
        scope: input.scope,
        triggers: definition.triggers,
        conditions: definition.conditions,
        notifyInApp: input.notifyInApp,
        recipientRoles: audience.recipientRoles,
        notifyEventUser: audience.notifyEventUser,
        throttleSeconds: input.throttleSeconds,
        digestSeconds: input.digestSeconds,
        updatedAt: sql`greatest(now(), ${rules.updatedAt} + interval '1 millisecond')`,
      })
      .where(and(eq(rules.workspaceId, actor.workspaceId), eq(rules.id, existing.id)));
    await writeRuleChildren(tx, actor.workspaceId, existing.id, { triggers: definition.triggers, scopeCommunityIds, recipientUserIds: audience.recipientUserIds, channelIds });
    await auditRule(audit, actor, "updated", before, await readRuleView(tx, actor, existing.id));
  });
  return { rule: await getRule(db, actor, input.ruleId), warnings };
}

export async function setRuleEnabled(db: Db, actor: RuleActor, ruleId: string, enabled: boolean): Promise<RuleView> {
  await runAuditedTransaction(db, async (tx, audit) => {
    const existing = await findEditableRule(tx, actor, ruleId);
    const before = (await toViews(tx, actor, [existing]))[0]!;
    await tx
      .update(rules)
      .set({ enabled, updatedAt: sql`greatest(now(), ${rules.updatedAt} + interval '1 millisecond')` })
      .where(and(eq(rules.workspaceId, actor.workspaceId), eq(rules.id, existing.id)));
    await auditRule(audit, actor, "updated", before, await readRuleView(tx, actor, existing.id));
  });
  return getRule(db, actor, ruleId);
}

/**
 * A copy of a rule the caller may change, named "<name> (copy)" unless named, and created
 * disabled, so that it does not double every notification before it has been edited.
 */
export async function duplicateRule(db: Db, actor: RuleActor, ruleId: string, name?: string): Promise<RuleView> {
  const copyId = await runAuditedTransaction(db, async (tx, audit) => {
    const source = await findEditableRule(tx, actor, ruleId);
    const [children, recipients, channelLinks] = await Promise.all([
      tx.select({ communityId: ruleCommunities.communityId }).from(ruleCommunities).where(and(eq(ruleCommunities.workspaceId, actor.workspaceId), eq(ruleCommunities.ruleId, source.id))),
      tx.select({ userId: ruleRecipients.userId }).from(ruleRecipients).where(and(eq(ruleRecipients.workspaceId, actor.workspaceId), eq(ruleRecipients.ruleId, source.id))),
      tx.select({ channelId: ruleChannels.channelId }).from(ruleChannels).where(and(eq(ruleChannels.workspaceId, actor.workspaceId), eq(ruleChannels.ruleId, source.id))),
    ]);
    const copyName = name ?? copyNameOf(source.name);
    const { id: _id, createdAt: _createdAt, updatedAt: _updatedAt, ...values } = source;
    const [copy] = await tx
      .insert(rules)
      .values({ ...values, name: copyName, enabled: false, createdById: actor.userId })
      .returning({ id: rules.id });
    await writeRuleChildren(tx, actor.workspaceId, copy!.id, {
      triggers: source.triggers,
      scopeCommunityIds: children.map((c) => c.communityId),
      recipientUserIds: recipients.map((r) => r.userId),
      channelIds: channelLinks.map((c) => c.channelId),
    });
    await auditRule(audit, actor, "created", null, await readRuleView(tx, actor, copy!.id));
    return copy!.id;
  });
  return getRule(db, actor, copyId);
}

export function copyNameOf(name: string): string {
  const suffix = " (copy)";
  return name.length + suffix.length <= 80 ? `${name}${suffix}` : `${name.slice(0, 80 - suffix.length).trimEnd()}${suffix}`;
}

/** Deletes a rule; its inbox entries stay (without their rule). */
export async function deleteRule(db: Db, actor: RuleActor, ruleId: string): Promise<{ id: string }> {
  return runAuditedTransaction(db, async (tx, audit) => {
    const existing = await findEditableRule(tx, actor, ruleId);
    const before = (await toViews(tx, actor, [existing]))[0]!;
    await tx.delete(rules).where(and(eq(rules.workspaceId, actor.workspaceId), eq(rules.id, existing.id)));
    await auditRule(audit, actor, "deleted", before, null);
    return { id: existing.id };
  });
}
