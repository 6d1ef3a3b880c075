import { sql } from "drizzle-orm";
import { cron } from "inngest";
import type { Db } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { inngest } from "../client";
import { jobNow } from "../job-clock";
import { jobDb } from "../job-db";
import { fanOutEvents } from "../request-fan-out";

/** Younger events may still be on their way through `requestFanOut` and the fan-out. */
export const SWEEP_MIN_AGE_SECONDS = 30;
/** A re-sent fan-out not done after this long is sent again (its lease ran out). */
export const FAN_OUT_RESEND_LEASE_SECONDS = 120;
/**
 * Events older than this are no longer re-sent: a fan-out that failed for good on every resend of
 * a day (an exception notice was raised each time) would otherwise be retried forever.
 */
export const SWEEP_MAX_AGE_HOURS = 24;
/** Oldest events taken per round, and rounds per run: at most 20,000 events a minute. */
export const SWEEP_ROUND_SIZE = 2_000;
export const SWEEP_MAX_ROUNDS = 10;

/**
 * Events committed but not marked fanned out after 30 s — the process died between commit and
 * send or while the fan-out ran (the inline runner keeps runs in memory), or the send failed —
 * are sent again, oldest first, as `tocsin/events.ingested` (one job event per workspace and 500
 * ids). Each is leased as it is taken, so an event whose fan-out is still queued behind others is
 * re-sent at most every two minutes; a re-sent fan-out of work already done writes nothing.
 */
export const sweepUnrequestedFanOuts = inngest.createFunction(
  { id: "sweep-unrequested-fan-outs", name: "Sweep unrequested fan-outs", triggers: [cron("* * * * *")] },
  async ({ step }) => {
    let resent = 0;
    for (let round = 0; round < SWEEP_MAX_ROUNDS; round++) {
      const found = await step.run(`take-unfanned-${round}`, () => takeUnfannedEvents(jobDb(), jobNow(), SWEEP_ROUND_SIZE));
      if (found.length === 0) break;
      const idsByWorkspace = new Map<string, string[]>();
      for (const row of found) {
        const ids = idsByWorkspace.get(row.workspaceId) ?? [];
        ids.push(row.id);
        idsByWorkspace.set(row.workspaceId, ids);
      }
      await step.sendEvent(
        `resend-${round}`,
        [...idsByWorkspace].flatMap(([workspaceId, ids]) => fanOutEvents(workspaceId, ids)),
      );
      resent += found.length;
      if (found.length < SWEEP_ROUND_SIZE) break;
    }
    return { resent };
  },
);

/**
 * The oldest events not fanned out, between 30 s and a day old, whose last resend (if any) is over
 * two minutes old, leased in the same statement (skipping rows another sweeper holds). Uses the
 * partial index `events_unfanned_idx` (received_at where fanned_out_at is null). Arrival times
 * are the database's; the lease is kept on the job clock (`now`), like the other job timers, so a
 * test running that clock faster does not wait out two real minutes.
 */
export async function takeUnfannedEvents(db: Db, now: Date, limit: number) {
  const at = now.toISOString();
  const rows = await executeRows<{ id: string; workspace_id: string; received_at: string | Date }>(
    db,
    sql`update events e set fan_out_resent_at = ${at}::timestamptz
        from (
          select id from events
          where fanned_out_at is null
            and received_at < now() - ${`${SWEEP_MIN_AGE_SECONDS} seconds`}::interval
            and received_at > now() - ${`${SWEEP_MAX_AGE_HOURS} hours`}::interval
            and (fan_out_resent_at is null or fan_out_resent_at <= ${at}::timestamptz - ${`${FAN_OUT_RESEND_LEASE_SECONDS} seconds`}::interval)
          order by received_at
          limit ${limit}
          for update skip locked
        ) unfanned
        where e.id = unfanned.id
        returning e.id, e.workspace_id, e.received_at`,
  );
  // An UPDATE … RETURNING keeps no order: oldest first, as selected.
  return rows
    .sort((a, b) => new Date(a.received_at).getTime() - new Date(b.received_at).getTime())
    .map((row) => ({ id: row.id, workspaceId: row.workspace_id }));
}
