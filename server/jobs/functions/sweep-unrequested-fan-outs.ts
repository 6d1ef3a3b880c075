import { and, asc, isNull, lt, sql } from "drizzle-orm";
import { cron } from "inngest";
import type { Db } from "@/server/db/client";
import { events } from "@/server/db/schema";
import { inngest } from "../client";
import { jobDb } from "../job-db";
import { fanOutEvents, markFanOutRequested } from "../request-fan-out";

/** Younger events may still be on their way through `requestFanOut`. */
export const SWEEP_MIN_AGE_SECONDS = 30;
/** Oldest unmarked events taken per round, and rounds per run: at most 20,000 events a minute. */
export const SWEEP_ROUND_SIZE = 2_000;
export const SWEEP_MAX_ROUNDS = 10;

/**
 * Events committed but never marked "fan-out requested" — the process died between commit and
 * send, or the send failed — are sent again, oldest first, as `tocsin/events.ingested` (one job
 * event per workspace and 500 ids), then marked. Each round is three steps: find, send, mark.
 */
export const sweepUnrequestedFanOuts = inngest.createFunction(
  { id: "sweep-unrequested-fan-outs", name: "Sweep unrequested fan-outs", triggers: [cron("* * * * *")] },
  async ({ step }) => {
    let resent = 0;
    for (let round = 0; round < SWEEP_MAX_ROUNDS; round++) {
      const found = await step.run(`find-unrequested-${round}`, () => findUnrequestedFanOuts(jobDb(), SWEEP_ROUND_SIZE));
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
      await step.run(`mark-requested-${round}`, async () => {
        // Each event is marked within the workspace it was found in, as every job write is.
        let marked = 0;
        for (const [workspaceId, ids] of idsByWorkspace) marked += await markFanOutRequested(jobDb(), workspaceId, ids);
        return marked;
      });
      resent += found.length;
      if (found.length < SWEEP_ROUND_SIZE) break;
    }
    return { resent };
  },
);

/** Uses the partial index `events_unfanned_idx` (received_at where fanned_out_at is null). */
export function findUnrequestedFanOuts(db: Db, limit: number) {
  return db
    .select({ id: events.id, workspaceId: events.workspaceId })
    .from(events)
    .where(and(isNull(events.fannedOutAt), lt(events.receivedAt, sql`now() - ${sql.raw(`interval '${SWEEP_MIN_AGE_SECONDS} seconds'`)}`)))
    .orderBy(asc(events.receivedAt))
    .limit(limit);
}
