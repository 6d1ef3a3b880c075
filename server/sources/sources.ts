import { and, asc, desc, eq, gt, isNull, or } from "drizzle-orm";
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

/** Creates a source and its first token. The token is returned here once and never again. */
export async function createSource(db: Db, actor: { workspaceId: string; userId: string }, input: CreateSourceInput) {
  try {
    return await db.transaction(async (tx) => {
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

export async function updateSource(db: Db, workspaceId: string, input: UpdateSourceInput) {
  try {
    const [source] = await db
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
export async function rotateSourceToken(db: Db, workspaceId: string, sourceId: string, graceMinutes: number) {
  const rotated = await db.transaction(async (tx) => {
    await lockSource(tx, workspaceId, sourceId);
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
    return { token, previousTokensExpireAt: active.length > 0 ? graceEnd : null };
  });
  sourceAuthCache.forgetSource(sourceId);
  return rotated;
}

/** Ends every token of the source at once; posting needs a new token (rotate) afterwards. */
export async function revokeSourceTokens(db: Db, workspaceId: string, sourceId: string) {
  const result = await db.transaction(async (tx) => {
    await lockSource(tx, workspaceId, sourceId);
    const revoked = await tx
      .update(intakeSourceTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(intakeSourceTokens.workspaceId, workspaceId), eq(intakeSourceTokens.sourceId, sourceId), isNull(intakeSourceTokens.revokedAt)))
      .returning({ id: intakeSourceTokens.id });
    return { revoked: revoked.length };
  });
  sourceAuthCache.forgetSource(sourceId);
  return result;
}

export async function deleteSource(db: Db, workspaceId: string, sourceId: string, confirmName: string) {
  const deleted = await db.transaction(async (tx) => {
    const source = await lockSource(tx, workspaceId, sourceId);
    if (confirmName.trim() !== source.name) {
      throw new DomainError("BAD_REQUEST", `Type "${source.name}" to confirm`, { field: "confirmName" });
    }
    await tx.delete(intakeSources).where(and(eq(intakeSources.workspaceId, workspaceId), eq(intakeSources.id, sourceId)));
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
