import { createHash } from "node:crypto";
import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { events, ingestIdempotencyKeys, intakeSources } from "@/server/db/schema";
import type { AuthenticatedSource } from "@/server/sources/authenticate-source";
import type { NormalisedEvent } from "./normalised-event";
import { IngestError } from "./ingest-error";

export type IngestResult = { accepted: number; duplicates: number; ids: string[] };

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const LAST_EVENT_AT_RESOLUTION_MS = 1000;

export function hashRequest(contentType: string, body: Uint8Array): string {
  return createHash("sha256").update(contentType).update("\n").update(body).digest("hex");
}

/**
 * Commits a request's events in one transaction: all or nothing. A repeated `externalId` of
 * the source (in an earlier request or earlier in this batch) is a duplicate, not an error:
 * its id is the stored event's. With an Idempotency-Key, the key is claimed in the same
 * transaction, so two racing requests with one key produce one result.
 */
export async function storeEvents(
  db: Db,
  source: AuthenticatedSource,
  items: NormalisedEvent[],
  idempotency: { key: string; requestHash: string } | null,
  receivedAt: Date,
): Promise<{ status: number; body: IngestResult; replayed: boolean; acceptedIds: string[] }> {
  return db.transaction(async (tx) => {
    if (idempotency) {
      const earlier = await claimIdempotencyKey(tx, source, idempotency, receivedAt);
      if (earlier) return { ...earlier, replayed: true, acceptedIds: [] };
    }

    const rows = items.map((event) => ({
      workspaceId: source.workspaceId,
      communityId: source.communityId,
      sourceId: source.id,
      type: event.type,
      severity: event.severity,
      title: event.title,
      message: event.message,
      actor: event.actor,
      clientIp: event.clientIp,
      occurredAt: event.occurredAt,
      receivedAt,
      externalId: event.externalId,
      fingerprint: event.fingerprint,
      origin: "ingest" as const,
      data: event.data === null ? null : (withoutNul(event.data) as Record<string, unknown>),
      raw: withoutNul(event.raw) as object,
    }));
    const inserted = await tx
      .insert(events)
      .values(rows)
      .onConflictDoNothing({ target: [events.sourceId, events.externalId], where: sql`${events.externalId} is not null` })
      .returning({ id: events.id, externalId: events.externalId });

    // Inserted rows come back in input order; the ones missing are duplicates of stored events.
    const idByExternalId = new Map(inserted.filter((r) => r.externalId !== null).map((r) => [r.externalId!, r.id]));
    const missing = rows.map((r) => r.externalId).filter((id): id is string => id !== null && !idByExternalId.has(id));
    if (missing.length > 0) {
      const stored = await tx
        .select({ id: events.id, externalId: events.externalId })
        .from(events)
        .where(and(eq(events.sourceId, source.id), inArray(events.externalId, [...new Set(missing)])));
      for (const row of stored) idByExternalId.set(row.externalId!, row.id);
    }
    const withoutExternalId = inserted.filter((r) => r.externalId === null).map((r) => r.id);
    const ids = rows.map((r) => (r.externalId === null ? withoutExternalId.shift()! : idByExternalId.get(r.externalId)!));

    if (inserted.length > 0) {
      // At most one write per second to the source's row: every request of a busy source would
      // otherwise queue on that one row lock. "Last event" is shown to the second anyway.
      await tx
        .update(intakeSources)
        .set({ lastEventAt: receivedAt })
        .where(
          and(
            eq(intakeSources.id, source.id),
            or(isNull(intakeSources.lastEventAt), lt(intakeSources.lastEventAt, new Date(receivedAt.getTime() - LAST_EVENT_AT_RESOLUTION_MS))),
          ),
        );
    }
    const body: IngestResult = { accepted: inserted.length, duplicates: rows.length - inserted.length, ids };
    if (idempotency) {
      await tx
        .update(ingestIdempotencyKeys)
        .set({ responseStatus: 202, responseBody: body })
        .where(and(eq(ingestIdempotencyKeys.sourceId, source.id), eq(ingestIdempotencyKeys.key, idempotency.key)));
    }
    // The newly stored events (not duplicates): the ones to fan out.
    return { status: 202, body, replayed: false, acceptedIds: inserted.map((r) => r.id) };
  });
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

/**
 * JSON as PostgreSQL's jsonb can hold it: a NUL character (\u0000), legal in JSON, is not, so
 * each one in a string or key becomes U+FFFD rather than costing the event.
 */
function withoutNul(value: unknown): unknown {
  if (typeof value === "string") return value.includes("\u0000") ? value.replaceAll("\u0000", "\uFFFD") : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [withoutNul(key) as string, withoutNul(item)]));
  }
  return value;
}
