import { bigint, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/*
 * The inline job runner's shared queue (TOCSIN_JOB_QUEUE=postgres, server/jobs/postgres-job-queue.ts):
 * instance-level infrastructure, like the migrations table, not tenant data. A row is a job event
 * in transit between the instance that sent it and the one that claims it; what it names (events,
 * deliveries) carries its workspace inside `data`, and each job function re-checks that workspace
 * on every row it touches. So these tables have no workspace_id: no request ever reads them for a
 * tenant, and the claim must see every workspace's work in one ordered queue.
 */

/** Job events handed over and not yet claimed by an instance. A claim deletes its rows. */
export const jobQueue = pgTable("job_queue", {
  /** Order of arrival: claims take the oldest first. */
  seq: bigint("seq", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  eventId: text("event_id").notNull(),
  name: text("name").notNull(),
  data: jsonb("data").notNull(),
  /** The event's time on the sender's job clock. */
  ts: timestamp("ts", { withTimezone: true }).notNull(),
  enqueuedAt: timestamp("enqueued_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Cron ticks already taken: the first instance to insert (function, due time) runs that tick, the
 * others find the row and skip it. Old ticks are pruned by the claims themselves.
 */
export const jobCronTicks = pgTable(
  "job_cron_ticks",
  {
    functionId: text("function_id").notNull(),
    dueAt: timestamp("due_at", { withTimezone: true }).notNull(),
    claimedAt: timestamp("claimed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.functionId, t.dueAt] })],
);
