import { sql } from "drizzle-orm";
import { uuidv7 } from "uuidv7";
import { z } from "zod";
import type { DbOrTx } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import type { Severity } from "./severities";

/*
 * Events Tocsin raises about itself (origin `system`): a delivery that finally failed, a channel
 * switched off. They are stored like ingested events and go through the same rules. One that
 * reports a failure of Tocsin's own delivery machinery carries its cause in `data.cause`, so the
 * fan-out never sends it to the channel whose failure it reports; and one whose failed delivery
 * was itself carrying such an event (`chained`) is kept in the event log but not fanned out at
 * all. That bounds what a failing channel can set off (authentik #4623: a rule on
 * `delivery.failed` sending to an unreachable webhook looped forever): one failure, at most one
 * event routed on, one more recorded, then nothing.
 */

export const systemEventCauseSchema = z.object({
  kind: z.literal("delivery"),
  deliveryId: z.uuid(),
  channelId: z.uuid(),
  /** The event whose delivery failed. */
  eventId: z.uuid(),
  /** That event was itself raised by Tocsin's delivery machinery: this one is not fanned out. */
  chained: z.boolean().default(false),
});
export type SystemEventCause = z.infer<typeof systemEventCauseSchema>;

type CausingEvent = { id: string; origin: string; data: Record<string, unknown> | null };

/** The cause of an event about a failed delivery of `event` to `channelId`. */
export function deliveryCause(deliveryId: string, channelId: string, event: CausingEvent): SystemEventCause {
  return { kind: "delivery", deliveryId, channelId, eventId: event.id, chained: causeOf(event) !== null };
}

/** Whether the fan-out must leave this event alone: it reports a failure to deliver an event of Tocsin's own failures. */
export function isChainedFailure(event: { origin: string; data: Record<string, unknown> | null }): boolean {
  return causeOf(event)?.chained === true;
}

export type SystemEventInput = {
  workspaceId: string;
  communityId: string | null;
  type: string;
  severity: Severity;
  title: string;
  message: string;
  data: Record<string, unknown>;
  /** Same fingerprint, same thing happening again (for throttling). */
  fingerprint: string;
  cause: SystemEventCause | null;
};

/** Inserts system events received and occurring at `at`; returns their ids in input order. */
export async function insertSystemEvents(db: DbOrTx, inputs: readonly SystemEventInput[], at: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const input of inputs) {
    const id = uuidv7();
    const data = input.cause ? { ...input.data, cause: input.cause } : input.data;
    await executeRows(
      db,
      sql`insert into events (id, workspace_id, community_id, source_id, type, severity, title, message, occurred_at, received_at, fingerprint, origin, data)
          values (${id}, ${input.workspaceId}, ${input.communityId}, null, ${input.type}, ${input.severity}, ${input.title}, ${input.message},
                  ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz, ${input.fingerprint}, 'system', ${JSON.stringify(data)}::jsonb)`,
    );
    ids.push(id);
  }
  return ids;
}

/** The cause a system event carries, if it reports a failure of Tocsin's own delivery machinery. */
export function causeOf(event: { origin: string; data: Record<string, unknown> | null }): SystemEventCause | null {
  if (event.origin !== "system" || !event.data) return null;
  const parsed = systemEventCauseSchema.safeParse(event.data.cause);
  return parsed.success ? parsed.data : null;
}
