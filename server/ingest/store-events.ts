import { createHash } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Db, DbOrTx } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { events, ingestIdempotencyKeys } from "@/server/db/schema";
import { isForeignKeyViolation } from "@/server/errors";
import type { AuthenticatedSource } from "@/server/sources/authenticate-source";
import { sourceAuthCache } from "@/server/sources/source-auth-cache";
import type { NormalisedEvent } from "./normalised-event";
import { IngestError } from "./ingest-error";

export type IngestResult = { accepted: number; duplicates: number; ids: string[] };

const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const LAST_EVENT_AT_RESOLUTION_MS = 1000;

export function hashRequest(contentType: string, body: Uint8Array): string {
  return createHash("sha256").update(contentType).update("\n").update(body).digest("hex");
}

/**
 * Commits a request's events: all or nothing. A repeated `externalId` of the source (in an
 * earlier request or earlier in this batch) is a duplicate, not an error: its id is the stored
 * event's. Without an Idempotency-Key this is one statement, so one round trip commits it; with
 * one, the key is claimed in the same transaction, so two racing requests with one key produce
 * one result.
 */
export async function storeEvents(
  db: Db,
  source: AuthenticatedSource,
  items: NormalisedEvent[],
  idempotency: { key: string; requestHash: string } | null,
  receivedAt: Date,
): Promise<{ status: number; body: IngestResult; replayed: boolean; acceptedIds: string[] }> {
  try {
    if (!idempotency) return { ...(await insertEvents(db, source, items, receivedAt)), replayed: false };
    return await db.transaction(async (tx) => {
      const earlier = await claimIdempotencyKey(tx, source, idempotency, receivedAt);
      if (earlier) return { ...earlier, replayed: true, acceptedIds: [] };
      const stored = await insertEvents(tx, source, items, receivedAt);
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

type InsertedRow = { id: string; external_id: string | null };

/**
 * One statement: insert the events, skipping (source, externalId) pairs already stored, and bump
 * the source's "last event" — at most once a second, since every request of a busy source would
 * otherwise queue on that one row lock, and "last event" is shown to the second anyway. The rows
 * travel as one JSON parameter, so the statement text is the same for 1 or 1,000 events.
 */
async function insertEvents(db: DbOrTx, source: AuthenticatedSource, items: NormalisedEvent[], receivedAt: Date) {
  const rows = items.map((event) => ({
    id: uuidv7(),
    type: event.type,
    severity: event.severity,
    title: event.title,
    message: event.message,
    actor: event.actor,
    client_ip: event.clientIp,
    occurred_at: event.occurredAt.toISOString(),
    external_id: event.externalId,
    fingerprint: event.fingerprint,
    data: event.data,
    raw: event.raw,
  }));
  const receivedAtIso = receivedAt.toISOString();
  const lastEventCutoff = new Date(receivedAt.getTime() - LAST_EVENT_AT_RESOLUTION_MS).toISOString();
  const inserted = await executeRows<InsertedRow>(
    db,
    sql`with input as (
      select * from jsonb_to_recordset(${toStorableJson(rows)}::jsonb) as x(
        id uuid, type text, severity text, title text, message text, actor text, client_ip text,
        occurred_at timestamptz, external_id text, fingerprint text, data jsonb, raw jsonb)
    ),
    inserted as (
      insert into events (id, workspace_id, community_id, source_id, type, severity, title, message, actor, client_ip,
        occurred_at, received_at, external_id, fingerprint, origin, data, raw)
      select id, ${source.workspaceId}::uuid, ${source.communityId}::uuid, ${source.id}::uuid, type, severity, title, message,
        actor, client_ip, occurred_at, ${receivedAtIso}::timestamptz, external_id, fingerprint, 'ingest', data, raw
      from input
      on conflict (source_id, external_id) where external_id is not null do nothing
      returning id, external_id
    ),
    touched as (
      update intake_sources set last_event_at = ${receivedAtIso}::timestamptz
      where id = ${source.id}::uuid and workspace_id = ${source.workspaceId}::uuid
        and (last_event_at is null or last_event_at < ${lastEventCutoff}::timestamptz)
        and exists (select 1 from inserted)
    )
    select id::text, external_id from inserted`,
  );

  // The rows not inserted are duplicates of stored events (or of an earlier item of this batch).
  const insertedIds = new Set(inserted.map((row) => row.id));
  const duplicateExternalIds = [...new Set(rows.filter((row) => !insertedIds.has(row.id)).map((row) => row.external_id!))];
  const storedIdByExternalId = new Map<string, string>();
  if (duplicateExternalIds.length > 0) {
    const stored = await db
      .select({ id: events.id, externalId: events.externalId })
      .from(events)
      .where(and(eq(events.workspaceId, source.workspaceId), eq(events.sourceId, source.id), inArray(events.externalId, duplicateExternalIds)));
    for (const row of stored) storedIdByExternalId.set(row.externalId!, row.id);
  }
  const ids = rows.map((row) => (insertedIds.has(row.id) ? row.id : storedIdByExternalId.get(row.external_id!)!));
  const body: IngestResult = { accepted: inserted.length, duplicates: rows.length - inserted.length, ids };
  // The newly stored events (not duplicates), in request order: the ones to fan out.
  return { status: 202, body, acceptedIds: rows.filter((row) => insertedIds.has(row.id)).map((row) => row.id) };
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
 * JSON text PostgreSQL's jsonb accepts: a NUL character (\u0000) and a lone surrogate, both legal
 * in JSON strings (values or keys), are not, so each becomes U+FFFD rather than costing the event.
 * JSON.stringify writes both as \u escapes, so text without such an escape is clean as it is.
 */
function toStorableJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (!/\\u(?:0000|d[89a-f])/i.test(text)) return text;
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === "string") return storableString(item);
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    const keys = Object.keys(item);
    if (keys.every((key) => storableString(key) === key)) return item;
    return Object.fromEntries(keys.map((key) => [storableString(key), (item as Record<string, unknown>)[key]]));
  });
}

function storableString(value: string): string {
  const wellFormed = value.toWellFormed();
  return wellFormed.includes("\u0000") ? wellFormed.replaceAll("\u0000", "\uFFFD") : wellFormed;
}
