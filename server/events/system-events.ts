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
 * fan-out never sends it to the channel whose failure it reports.
 */

export const systemEventCauseSchema = z.object({
  kind: z.literal("delivery"),
  deliveryId: z.uuid(),
  channelId: z.uuid(),
  /** The event whose delivery failed. */
  eventId: z.uuid(),
});
export type SystemEventCause = z.infer<typeof systemEventCauseSchema>;

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
