import { and, asc, desc, eq, gt, isNull, or } from "drizzle-orm";
import type { AuditActor } from "@/server/audit/audit-actor";
import type { AuditAction } from "@/server/audit/describe-audit-event";
import { runAuditedTransaction, type AuditRecorder } from "@/server/audit/record-audit-entry";
import { snapshotSource } from "@/server/audit/snapshot-objects";
import { getCommunity } from "@/server/communities/communities";
import type { Db, DbOrTx } from "@/server/db/client";
import { communities, intakeSources, intakeSourceTokens } from "@/server/db/schema";
import { DomainError, isUniqueViolation } from "@/server/errors";
import type { CreateSourceInput, UpdateSourceInput } from "./source-schemas";
import { sourceAuthCache } from "./source-auth-cache";
import { generateSourceToken } from "./source-token";

const nameTaken = () => new DomainError("CONFLICT", "This community already has a source with this name", { field: "name" });
const notFound = () => new DomainError("NOT_FOUND", "Source not found");

/** A token that still opens the door: neither revoked nor past its rotation grace period. */
export const isActiveToken = (now: Date) =>
  and(isNull(intakeSourceTokens.revokedAt), or(isNull(intakeSourceTokens.expiresAt), gt(intakeSourceTokens.expiresAt, now)));

type SourceRow = typeof intakeSources.$inferSelect;

/** What the audit trail keeps of a source as it stands in `tx`: with its community's name and its active tokens' prefixes. */
async function auditedSource(tx: DbOrTx, source: SourceRow) {
  const [community] = await tx
    .select({ name: communities.name })
    .from(communities)
    .where(and(eq(communities.workspaceId, source.workspaceId), eq(communities.id, source.communityId)));
  const keys = await tx
    .select({ prefix: intakeSourceTokens.displayPrefix, expiresAt: intakeSourceTokens.expiresAt })
    .from(intakeSourceTokens)
    .where(and(eq(intakeSourceTokens.workspaceId, source.workspaceId), eq(intakeSourceTokens.sourceId, source.id), isActiveToken(new Date())))
    .orderBy(asc(intakeSourceTokens.createdAt), asc(intakeSourceTokens.id));
  return snapshotSource(source, { communityName: community?.name ?? "", ingestKeys: keys });
}

async function auditSource(
  audit: AuditRecorder,
  by: AuditActor,
  change: {
    verb: "created" | "updated" | "deleted";
    action?: AuditAction;
    source: SourceRow;
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    extra?: Record<string, unknown>;
  },
) {
  await audit({
    workspaceId: change.source.workspaceId,
    actor: by,
    objectType: "source",
    objectId: change.source.id,
    objectLabel: change.source.name,
    verb: change.verb,
    action: change.action,
    before: change.before,
    after: change.after,
    extra: change.extra,
  });
}

/** Creates a source and its first token. The token is returned here once and never again. */
export async function createSource(db: Db, actor: { workspaceId: string; userId: string; email?: string; ip?: string | null }, input: CreateSourceInput) {
  try {
    return await runAuditedTransaction(db, async (tx, audit) => {
      await getCommunity(tx, actor.workspaceId, input.communityId);
      const [source] = await tx
        .insert(intakeSources)
        .values({
          workspaceId: actor.workspaceId,
          communityId: input.communityId,
          name: input.name,
          format: input.format,
          silenceAfterSeconds: input.silenceAfterSeconds,
          rateLimitPerSecond: input.rateLimitPerSecond,
          createdById: actor.userId,
        })
        .returning();
      const token = await insertToken(tx, actor.workspaceId, source!.id);
      await auditSource(audit, actor, { verb: "created", source: source!, before: null, after: await auditedSource(tx, source!) });
      return { source: source!, token };
    });
  } catch (error) {
    if (isUniqueViolation(error, "intake_sources_community_id_name_key")) throw nameTaken();
    throw error;
  }
}

export async function listSources(db: Db, workspaceId: string) {
  const now = new Date();
  const rows = await db
    .select({ source: intakeSources, communityName: communities.name })
    .from(intakeSources)
    .innerJoin(communities, eq(communities.id, intakeSources.communityId))
    .where(eq(intakeSources.workspaceId, workspaceId))
    .orderBy(asc(communities.name), asc(intakeSources.name));
  const tokens = await db
    .select({
      id: intakeSourceTokens.id,
      sourceId: intakeSourceTokens.sourceId,
      displayPrefix: intakeSourceTokens.displayPrefix,
      expiresAt: intakeSourceTokens.expiresAt,
      createdAt: intakeSourceTokens.createdAt,
    })
    .from(intakeSourceTokens)
    .where(and(eq(intakeSourceTokens.workspaceId, workspaceId), isActiveToken(now)))
    .orderBy(desc(intakeSourceTokens.createdAt));
  return rows.map(({ source, communityName }) => ({
    ...source,
    communityName,
    activeTokens: tokens.filter((t) => t.sourceId === source.id),
  }));
}

export async function getSource(db: DbOrTx, workspaceId: string, sourceId: string) {
  const [source] = await db
    .select()
    .from(intakeSources)
    .where(and(eq(intakeSources.workspaceId, workspaceId), eq(intakeSources.id, sourceId)));
  if (!source) throw notFound();
  return source;
}

export async function updateSource(db: Db, workspaceId: string, input: UpdateSourceInput, by: AuditActor) {
  try {
    const source = await runAuditedTransaction(db, async (tx, audit) => {
      const existing = await lockSource(tx, workspaceId, input.sourceId);
      const before = await auditedSource(tx, existing);
      const [source] = await tx
        .update(intakeSources)
        .set({
          name: input.name,
          enabled: input.enabled,
          silenceAfterSeconds: input.silenceAfterSeconds,
          rateLimitPerSecond: input.rateLimitPerSecond,
          // A source no longer watched (disabled, or its watch turned off) leaves its silent period
          // quietly: no `intake.resumed`, since nothing came back (see intake-silence.ts).
          ...(!input.enabled || input.silenceAfterSeconds === null ? { silentSince: null, silentLastEventAt: null } : {}),
        })
        .where(and(eq(intakeSources.workspaceId, workspaceId), eq(intakeSources.id, input.sourceId)))
        .returning();
      if (!source) throw notFound();
      await auditSource(audit, by, { verb: "updated", source, before, after: await auditedSource(tx, source) });
      return source;
    });
    sourceAuthCache.forgetSource(source.id);
    return source;
  } catch (error) {
    if (isUniqueViolation(error, "intake_sources_community_id_name_key")) throw nameTaken();
    throw error;
  }
}

/**
 * Issues a new token. Tokens still active keep working for `graceMinutes` (0 = stop now), so the
 * tool posting to this source can be reconfigured without a gap.
 */
export async function rotateSourceToken(db: Db, workspaceId: string, sourceId: string, graceMinutes: number, by: AuditActor) {
  const rotated = await runAuditedTransaction(db, async (tx, audit) => {
    const source = await lockSource(tx, workspaceId, sourceId);
    const before = await auditedSource(tx, source);
    const now = new Date();
    const graceEnd = new Date(now.getTime() + graceMinutes * 60_000);
    const active = await tx
      .select({ id: intakeSourceTokens.id, expiresAt: intakeSourceTokens.expiresAt })
      .from(intakeSourceTokens)
      .where(and(eq(intakeSourceTokens.workspaceId, workspaceId), eq(intakeSourceTokens.sourceId, sourceId), isActiveToken(now)));
    for (const token of active) {
      // A grace period never extends an expiry an earlier rotation already set.
      const expiresAt = token.expiresAt && token.expiresAt < graceEnd ? token.expiresAt : graceEnd;
      await tx.update(intakeSourceTokens).set({ expiresAt }).where(eq(intakeSourceTokens.id, token.id));
    }
    const token = await insertToken(tx, workspaceId, sourceId);
    const previousTokensExpireAt = active.length > 0 ? graceEnd : null;
    const after = await auditedSource(tx, source);
    await auditSource(audit, by, { verb: "updated", action: "rotated", source, before, after, extra: { gracePeriodSeconds: graceMinutes * 60, previousTokensExpireAt } });
    return { token, previousTokensExpireAt };
  });
  sourceAuthCache.forgetSource(sourceId);
  return rotated;
}

/** Ends every token of the source at once; posting needs a new token (rotate) afterwards. */
export async function revokeSourceTokens(db: Db, workspaceId: string, sourceId: string, by: AuditActor) {
  const result = await runAuditedTransaction(db, async (tx, audit) => {
    const source = await lockSource(tx, workspaceId, sourceId);
    const before = await auditedSource(tx, source);
    const revoked = await tx
      .update(intakeSourceTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(intakeSourceTokens.workspaceId, workspaceId), eq(intakeSourceTokens.sourceId, sourceId), isNull(intakeSourceTokens.revokedAt)))
      .returning({ id: intakeSourceTokens.id });
    await auditSource(audit, by, { verb: "updated", action: "revoked", source, before, after: await auditedSource(tx, source), extra: { tokensRevoked: revoked.length } });
    return { revoked: revoked.length };
  });
  sourceAuthCache.forgetSource(sourceId);
  return result;
}

export async function deleteSource(db: Db, workspaceId: string, sourceId: string, confirmName: string, by: AuditActor) {
  const deleted = await runAuditedTransaction(db, async (tx, audit) => {
    const source = await lockSource(tx, workspaceId, sourceId);
    if (confirmName.trim() !== source.name) {
      throw new DomainError("BAD_REQUEST", `Type "${source.name}" to confirm`, { field: "confirmName" });
    }
    const before = await auditedSource(tx, source);
    await tx.delete(intakeSources).where(and(eq(intakeSources.workspaceId, workspaceId), eq(intakeSources.id, sourceId)));
    await auditSource(audit, by, { verb: "deleted", source, before, after: null });
    return source;
  });
  sourceAuthCache.forgetSource(sourceId);
  return deleted;
}

async function lockSource(tx: DbOrTx, workspaceId: string, sourceId: string) {
  const [source] = await tx
    .select()
    .from(intakeSources)
    .where(and(eq(intakeSources.workspaceId, workspaceId), eq(intakeSources.id, sourceId)))
    .for("update");
  if (!source) throw notFound();
  return source;
}

async function insertToken(tx: DbOrTx, workspaceId: string, sourceId: string) {
  const { token, hash, displayPrefix } = generateSourceToken();
  await tx.insert(intakeSourceTokens).values({ workspaceId, sourceId, tokenHash: hash, displayPrefix });
  return token;
}
