import type { SQL } from "drizzle-orm";
import type { DbOrTx } from "./client";

/**
 * Runs raw SQL and returns its rows whichever driver is underneath: postgres-js answers with an
 * array of rows, PGlite with `{ rows }`.
 */
export async function executeRows<Row>(db: DbOrTx, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}
