import type { SQL } from "drizzle-orm";
import type { Db, DbOrTx } from "./client";

/** Rows of a raw query, whichever driver ran it (postgres-js returns an array, PGlite `{ rows }`). */
export async function queryRows<T>(db: Db | DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
