import { sql } from "drizzle-orm";
import { cron } from "inngest";
import type { Db } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { inngest } from "../client";
import { jobDb } from "../job-db";
import { jobNow } from "../job-clock";
import { deliveryRequests } from "../request-deliveries";

/** A pending delivery this overdue, and held by no lease, has no live run: it is requested again. */
export const STALE_DELIVERY_SECONDS = 120;
/** Deliveries taken per round, and rounds per run. */
export const DELIVERY_SWEEP_ROUND_SIZE = 1_000;
export const DELIVERY_SWEEP_MAX_ROUNDS = 10;

/**
 * Deliveries are durable rows; their runs are not always (the inline runner keeps them in memory,
 * and a crash can fall between writing a delivery and requesting it). Every minute, pending
 * deliveries overdue by two minutes with no lease held are requested again, oldest first; each is
 * moved to "due now" as it is, so one still waiting in a queue is re-requested at most every two
 * minutes. A run that finds its delivery finished or taken ends at once, so a duplicate is cheap.
 */
export const sweepPendingDeliveries = inngest.createFunction(
  { id: "sweep-pending-deliveries", name: "Sweep pending deliveries", triggers: [cron("* * * * *")] },
  async ({ step }) => {
    let requested = 0;
    for (let round = 0; round < DELIVERY_SWEEP_MAX_ROUNDS; round++) {
      const found = await step.run(`find-stale-${round}`, () => takeStaleDeliveries(jobDb(), jobNow(), DELIVERY_SWEEP_ROUND_SIZE));
      if (found.length === 0) break;
      await step.sendEvent(
        `request-${round}`,
        found.flatMap((row) => deliveryRequests(row.workspaceId, [row])),
      );
      requested += found.length;
      if (found.length < DELIVERY_SWEEP_ROUND_SIZE) break;
    }
    return { requested };
  },
);

/** Overdue pending deliveries with no live lease, moved to "due now" in the same statement. */
export async function takeStaleDeliveries(db: Db, now: Date, limit: number) {
  const at = now.toISOString();
  const rows = await executeRows<{ id: string; workspace_id: string; channel_id: string }>(
    db,
    sql`update deliveries d set next_attempt_at = ${at}::timestamptz
        from (
          select id from deliveries
          where status = 'pending' and next_attempt_at <= ${at}::timestamptz - ${`${STALE_DELIVERY_SECONDS} seconds`}::interval
            and (lease_until is null or lease_until <= ${at}::timestamptz)
          order by next_attempt_at
          limit ${limit}
          for update skip locked
        ) stale
        where d.id = stale.id
        returning d.id, d.workspace_id, d.channel_id`,
  );
  return rows.map((row) => ({ id: row.id, workspaceId: row.workspace_id, channelId: row.channel_id }));
}
