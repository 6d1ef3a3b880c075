import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { describeSecurityGateChange } from "./chat/recognise-secobserve";
import type { NormalisedEvent } from "./normalised-event";

export const SECURITY_GATE_CHANGED = "secobserve.security_gate.changed";

/**
 * SecObserve says only what a product's security gate changed *to*. The gate it changed from is
 * the one its previous change (from the same source) set, so that is looked up here — one small
 * query per gate change, none for any other event — and put in `data.previousGate` and the title.
 * Changes earlier in the same request count too. Unknown (the product's first change seen)
 * stays null.
 */
export async function fillPreviousSecurityGates(db: DbOrTx, sourceId: string, events: NormalisedEvent[]): Promise<NormalisedEvent[]> {
  if (!events.some((event) => event.type === SECURITY_GATE_CHANGED)) return events;
  const lastInRequest = new Map<string, string>();
  const filled: NormalisedEvent[] = [];
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    const product = typeof data.product === "string" ? data.product : null;
    const newGate = typeof data.newGate === "string" ? data.newGate : null;
    if (event.type !== SECURITY_GATE_CHANGED || !product || !newGate || typeof data.previousGate === "string") {
      filled.push(event);
      continue;
    }
    const previousGate = lastInRequest.get(product) ?? (await findLastGate(db, sourceId, product));
    lastInRequest.set(product, newGate);
    filled.push({ ...event, title: describeSecurityGateChange(product, previousGate, newGate), data: { ...data, previousGate } });
  }
  return filled;
}

async function findLastGate(db: DbOrTx, sourceId: string, product: string): Promise<string | null> {
  const [row] = await executeRows<{ gate: string | null }>(
    db,
    sql`select coalesce(data->>'newGate', data->>'securityGate') as gate from events
        where source_id = ${sourceId} and type = ${SECURITY_GATE_CHANGED} and data->>'product' = ${product}
        order by received_at desc, id desc limit 1`,
  );
  return row?.gate ?? null;
}
