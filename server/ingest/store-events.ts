import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { ingestIdempotencyKeys } from "@/server/db/schema";
import { isForeignKeyViolation } from "@/server/errors";
import type { AuthenticatedSource } from "@/server/sources/authenticate-source";
import { sourceAuthCache } from "@/server/sources/source-auth-cache";
import { IngestError } from "./ingest-error";
import { insertEvents, insertEventsBatched, type IngestResult } from "./insert-events";
import type { NormalisedEvent } from "./normalised-event";

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export function hashRequest(contentType: string, body: Uint8Array): string {
  return createHash("sha256").update(contentType).update("\n").update(body).digest("hex");
}

/**
 * Commits a request's events: all or nothing. A repeated `externalId` of the source (in an
 * earlier request or earlier in this batch) is a duplicate, not an error: its id is the stored
 * event's. Without an Idempotency-Key this is one statement, shared under load with the other
 * requests ready at the same time (group commit); with one, the key is claimed in the same
 * transaction, so two racing requests with one key produce one result.
 */
export async function storeEvents(
  db: Db,
  source: AuthenticatedSource,
  items: NormalisedEvent[],
  idempotency: { key: string; requestHash: string } | null,
  receivedAt: Date,
): Promise<{ status: number; body: IngestResult; replayed: boolean; acceptedIds: string[] }> {
  try {
    if (!idempotency) return { ...(await insertEventsBatched(db, { source, events: items, receivedAt })), replayed: false };
    return await db.transaction(async (tx) => {
      const earlier = await claimIdempotencyKey(tx, source, idempotency, receivedAt);
      if (earlier) return { ...earlier, replayed: true, acceptedIds: [] };
      const stored = (await insertEvents(tx, [{ source, events: items, receivedAt }]))[0]!;
      await tx
        .update(ingestIdempotencyKeys)
        .set({ responseStatus: stored.status, responseBody: stored.body })
        .where(and(eq(ingestIdempotencyKeys.sourceId, source.id), eq(ingestIdempotencyKeys.key, idempotency.key)));
      return { ...stored, replayed: false };
    });
  } catch (error) {
    // The source was deleted (by another instance, whose deletion this one's cache has not seen yet).
    if (isForeignKeyViolation(error)) {
      sourceAuthCache.forgetSource(source.id);
      throw new IngestError(403, "invalid_token", "This token does not open this source");
    }
    throw error;
  }
}

/**
 * Claims the key for this request, or returns the stored response of the request that claimed it
 * in the last 24 h. The same key with another body is a client error (422), as with Stripe.
 */
async function claimIdempotencyKey(tx: DbOrTx, source: AuthenticatedSource, idempotency: { key: string; requestHash: string }, now: Date) {
  const claimed = await tx
    .insert(ingestIdempotencyKeys)
    .values({ workspaceId: source.workspaceId, sourceId: source.id, key: idempotency.key, requestHash: idempotency.requestHash, responseStatus: 0, responseBody: {}, createdAt: now })
    .onConflictDoNothing()
    .returning({ key: ingestIdempotencyKeys.key });
  if (claimed.length > 0) return null;

  const [earlier] = await tx
    .select()
    .from(ingestIdempotencyKeys)
    .where(and(eq(ingestIdempotencyKeys.sourceId, source.id), eq(ingestIdempotencyKeys.key, idempotency.key)))
    .for("update");
  if (!earlier || now.getTime() - earlier.createdAt.getTime() > IDEMPOTENCY_WINDOW_MS) {
    // Past its 24 hours the key is free again: this request takes it over.
    await tx
      .update(ingestIdempotencyKeys)
      .set({ requestHash: idempotency.requestHash, responseStatus: 0, responseBody: {}, createdAt: now })
      .where(and(eq(ingestIdempotencyKeys.sourceId, source.id), eq(ingestIdempotencyKeys.key, idempotency.key)));
    return null;
  }
  if (earlier.requestHash !== idempotency.requestHash) {
    throw new IngestError(422, "idempotency_key_reused", "This Idempotency-Key was used with a different body in the last 24 hours; use a new key for a new request", {
      key: idempotency.key,
    });
  }
  return { status: earlier.responseStatus, body: earlier.responseBody as IngestResult };
}
