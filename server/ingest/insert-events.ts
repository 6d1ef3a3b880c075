import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import type { Db, DbOrTx } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { toArrayLiteral } from "@/server/db/sql-arrays";
import type { AuthenticatedSource } from "@/server/sources/authenticate-source";
import type { NormalisedEvent } from "./normalised-event";

export type IngestResult = { accepted: number; duplicates: number; ids: string[] };
/** What committing one request's events gives: its answer, and the newly stored ids to fan out. */
export type InsertedEvents = { status: number; body: IngestResult; acceptedIds: string[] };
/** One request's events, as one statement commits them (alone, or with other requests'). */
export type EventInsert = { source: AuthenticatedSource; events: NormalisedEvent[]; receivedAt: Date };

const LAST_EVENT_AT_RESOLUTION_MS = 1000;

type Row = {
  id: string;
  workspace_id: string;
  community_id: string;
  source_id: string;
  received_at: string;
  type: string;
  severity: string;
  title: string;
  message: string | null;
  actor: string | null;
  client_ip: string | null;
  occurred_at: string;
  external_id: string | null;
  fingerprint: string | null;
  data: unknown;
  raw: unknown;
};
type InsertedRow = { id: string };
type StoredRow = { id: string; source_id: string; external_id: string };

function rowsOf({ source, events, receivedAt }: EventInsert): Row[] {
  const receivedAtIso = receivedAt.toISOString();
  return events.map((event) => ({
    id: uuidv7(),
    workspace_id: source.workspaceId,
    community_id: source.communityId,
    source_id: source.id,
    received_at: receivedAtIso,
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
}

/**
 * Commits the events of one or more requests in one statement, all or nothing: insert them,
 * skipping (source, externalId) pairs already stored (by an earlier request, or earlier in this
 * statement), and bump each source's "last event" — at most once a second, since every request
 * of a busy source would otherwise queue on that one row lock, and "last event" is shown to the
 * second anyway. The rows travel as one JSON parameter, so the statement text is the same for 1
 * or 1,000 events. A duplicate's id is the stored event's (one more query, only when there are
 * duplicates).
 */
export async function insertEvents(db: DbOrTx, inserts: readonly EventInsert[]): Promise<InsertedEvents[]> {
  const rowsByInsert = inserts.map(rowsOf);
  const rows = rowsByInsert.flat();
  const inserted = await executeRows<InsertedRow>(
    db,
    sql`with input as (
      select * from jsonb_to_recordset(${toStorableJson(rows)}::jsonb) as x(
        id uuid, workspace_id uuid, community_id uuid, source_id uuid, received_at timestamptz,
        type text, severity text, title text, message text, actor text, client_ip text,
        occurred_at timestamptz, external_id text, fingerprint text, data jsonb, raw jsonb)
    ),
    inserted as (
      insert into events (id, workspace_id, community_id, source_id, type, severity, title, message, actor, client_ip,
        occurred_at, received_at, external_id, fingerprint, origin, data, raw)
      select id, workspace_id, community_id, source_id, type, severity, title, message,
        actor, client_ip, occurred_at, received_at, external_id, fingerprint, 'ingest', data, raw
      from input
      on conflict (source_id, external_id) where external_id is not null do nothing
      returning id, workspace_id, source_id, received_at
    ),
    touched as (
      update intake_sources s set last_event_at = latest.received_at
      from (select workspace_id, source_id, max(received_at) as received_at from inserted group by workspace_id, source_id) latest
      where s.id = latest.source_id and s.workspace_id = latest.workspace_id
        and (s.last_event_at is null or s.last_event_at < latest.received_at - ${`${LAST_EVENT_AT_RESOLUTION_MS} milliseconds`}::interval)
    )
    select id::text from inserted`,
  );

  // The rows not inserted are duplicates of stored events (or of an earlier row of this statement).
  const insertedIds = new Set(inserted.map((row) => row.id));
  const duplicates = rows.filter((row) => !insertedIds.has(row.id));
  const storedId = new Map<string, string>();
  if (duplicates.length > 0) {
    const stored = await executeRows<StoredRow>(
      db,
      sql`select e.id::text, e.source_id::text, e.external_id
        from unnest(${toArrayLiteral(duplicates.map((row) => row.workspace_id))}::uuid[], ${toArrayLiteral(duplicates.map((row) => row.source_id))}::uuid[],
          ${toArrayLiteral(duplicates.map((row) => row.external_id))}::text[]) as d(workspace_id, source_id, external_id)
        join events e on e.workspace_id = d.workspace_id and e.source_id = d.source_id and e.external_id = d.external_id`,
    );
    for (const row of stored) storedId.set(`${row.source_id} ${row.external_id}`, row.id);
  }
  return rowsByInsert.map((requestRows) => {
    const ids = requestRows.map((row) => (insertedIds.has(row.id) ? row.id : storedId.get(`${row.source_id} ${row.external_id}`)!));
    const acceptedIds = requestRows.filter((row) => insertedIds.has(row.id)).map((row) => row.id);
    return { status: 202, body: { accepted: acceptedIds.length, duplicates: requestRows.length - acceptedIds.length, ids }, acceptedIds };
  });
}

/** Statements committing requests' events at once, per process; more requests wait for the next. */
export const MAX_CONCURRENT_INSERTS = 4;
/** Events in one statement at most (whole requests: one larger request still goes alone). */
export const MAX_EVENTS_PER_INSERT = 1_000;

type Waiting = EventInsert & { resolve: (result: InsertedEvents) => void; reject: (error: unknown) => void };

/**
 * Group commit for ingest: the requests whose events are ready in one turn of the event loop, or
 * while earlier statements run, are committed by one statement instead of one each — under load,
 * fewer round trips, commits and WAL flushes per event, for the same answers. When such a
 * statement fails, each of its requests is tried alone, so one request's bad data or deleted
 * source costs no other request anything.
 */
export class EventInsertBatcher {
  private readonly waiting: Waiting[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly maxConcurrent = MAX_CONCURRENT_INSERTS,
    private readonly maxEvents = MAX_EVENTS_PER_INSERT,
  ) {}

  insert(insert: EventInsert): Promise<InsertedEvents> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ ...insert, resolve, reject });
      this.schedule();
    });
  }

  /** Runs the next statement after this turn's I/O callbacks, so that they join it. */
  private schedule() {
    if (this.scheduled || this.running >= this.maxConcurrent || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.runNext();
    });
  }

  private async runNext() {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.running++;
    this.schedule();
    try {
      const results = await insertEvents(this.db, batch);
      batch.forEach((waiting, index) => waiting.resolve(results[index]!));
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else await Promise.all(batch.map((waiting) => insertEvents(this.db, [waiting]).then(([result]) => waiting.resolve(result!), waiting.reject)));
    } finally {
      this.running--;
      this.schedule();
    }
  }

  private takeBatch(): Waiting[] {
    let events = 0;
    let count = 0;
    while (count < this.waiting.length && (count === 0 || events + this.waiting[count]!.events.length <= this.maxEvents)) {
      events += this.waiting[count]!.events.length;
      count++;
    }
    return this.waiting.splice(0, count);
  }
}

// One batcher per database handle (tests open many), kept on globalThis as Next's module copies share the process.
const globalForBatchers = globalThis as unknown as { tocsinEventInsertBatchers?: WeakMap<Db, EventInsertBatcher> };
const batchers = (globalForBatchers.tocsinEventInsertBatchers ??= new WeakMap());

/** Commits one request's events, in one statement with other requests' under load. */
export function insertEventsBatched(db: Db, insert: EventInsert): Promise<InsertedEvents> {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new EventInsertBatcher(db)));
  return batcher.insert(insert);
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
