import { and, eq, exists, inArray, lt, sql } from "drizzle-orm";
import { cron } from "inngest";
import type { Db } from "@/server/db/client";
import { events, ingestIdempotencyKeys, workspaces } from "@/server/db/schema";
import { inngest } from "../client";
import { jobDb } from "../job-db";

/** Rows deleted per statement, and statements per run (each is one step; Inngest allows 1,000 per run). */
export const PURGE_BATCH_SIZE = 5_000;
export const PURGE_MAX_EVENT_BATCHES = 400;
export const PURGE_MAX_KEY_BATCHES = 50;
/** Stripe's window for an Idempotency-Key, the one the ingest endpoint honours. */
const IDEMPOTENCY_KEY_HOURS = 24;
const DAY_MS = 24 * 60 * 60_000;

/**
 * Daily: deletes events received longer ago than their workspace's retention (`retention_days`),
 * in bounded batches — one step per workspace batch, taking the workspaces in turns so that a
 * large backlog in one does not starve the others — up to a cap per run (the rest waits for the
 * next day). Then deletes Idempotency-Keys past their 24 hours.
 */
export const purgeExpiredEvents = inngest.createFunction(
  { id: "purge-expired-events", name: "Purge expired events", triggers: [cron("30 3 * * *")] },
  async ({ step }) => {
    const expiring = await step.run("find-expired", () => findWorkspacesWithExpiredEvents(jobDb()));

    let deletedEvents = 0;
    let batches = 0;
    let pending = expiring;
    for (let round = 0; pending.length > 0 && batches < PURGE_MAX_EVENT_BATCHES; round++) {
      const more: typeof pending = [];
      for (const workspace of pending) {
        if (batches >= PURGE_MAX_EVENT_BATCHES) break;
        batches++;
        const deleted = await step.run(`purge-events-${workspace.workspaceId}-${round}`, () =>
          deleteExpiredEvents(jobDb(), workspace.workspaceId, new Date(workspace.receivedBefore), PURGE_BATCH_SIZE),
        );
        deletedEvents += deleted;
        if (deleted === PURGE_BATCH_SIZE) more.push(workspace);
      }
      pending = more;
    }

    let deletedKeys = 0;
    const keysCreatedBefore = await step.run("idempotency-key-cutoff", () => new Date(Date.now() - IDEMPOTENCY_KEY_HOURS * 60 * 60_000));
    for (let batch = 0; batch < PURGE_MAX_KEY_BATCHES; batch++) {
      const deleted = await step.run(`purge-idempotency-keys-${batch}`, () => deleteExpiredIdempotencyKeys(jobDb(), new Date(keysCreatedBefore), PURGE_BATCH_SIZE));
      deletedKeys += deleted;
      if (deleted < PURGE_BATCH_SIZE) break;
    }
    return { deletedEvents, deletedKeys, workspaces: expiring.length };
  },
);

/** Only workspaces that have something to purge, each with its cut-off (received before it = expired). */
export async function findWorkspacesWithExpiredEvents(db: Db, now = new Date()) {
  const cutoff = sql`${now.toISOString()}::timestamptz - make_interval(days => ${workspaces.retentionDays})`;
  const rows = await db
    .select({ workspaceId: workspaces.id, retentionDays: workspaces.retentionDays })
    .from(workspaces)
    .where(exists(db.select({ one: sql`1` }).from(events).where(and(eq(events.workspaceId, workspaces.id), lt(events.receivedAt, cutoff)))))
    .orderBy(workspaces.id);
  return rows.map((row) => ({ workspaceId: row.workspaceId, receivedBefore: new Date(now.getTime() - row.retentionDays * DAY_MS).toISOString() }));
}

/** One bounded batch: `delete … where id in (select … limit n)`, valid on PostgreSQL 15+ and PGlite. */
export async function deleteExpiredEvents(db: Db, workspaceId: string, receivedBefore: Date, limit: number): Promise<number> {
  const batch = db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.workspaceId, workspaceId), lt(events.receivedAt, receivedBefore)))
    .limit(limit);
  const deleted = await db
    .delete(events)
    .where(and(eq(events.workspaceId, workspaceId), inArray(events.id, batch)))
    .returning({ id: events.id });
  return deleted.length;
}

export async function deleteExpiredIdempotencyKeys(db: Db, createdBefore: Date, limit: number): Promise<number> {
  const batch = db
    .select({ sourceId: ingestIdempotencyKeys.sourceId, key: ingestIdempotencyKeys.key })
    .from(ingestIdempotencyKeys)
    .where(lt(ingestIdempotencyKeys.createdAt, createdBefore))
    .limit(limit);
  const deleted = await db
    .delete(ingestIdempotencyKeys)
    .where(sql`(${ingestIdempotencyKeys.sourceId}, ${ingestIdempotencyKeys.key}) in (${batch})`)
    .returning({ key: ingestIdempotencyKeys.key });
  return deleted.length;
}
