import { sql } from "drizzle-orm";
import { getMailFrom } from "@/server/config/runtime";
import type { DbOrTx } from "@/server/db/client";
import { instanceSettings } from "@/server/db/schema";

/**
 * The sender of every email Tocsin sends, decided here only: the instance administrators' choice
 * (instance settings), else EMAIL_FROM, else the built-in default. Read at each send — one
 * primary-key lookup — so a change made on one instance applies on all of them at once.
 */
export async function readMailFrom(db: DbOrTx): Promise<string> {
  const [row] = await db.select({ emailFrom: instanceSettings.emailFrom }).from(instanceSettings).where(sql`${instanceSettings.id} = 1`);
  return row?.emailFrom || getMailFrom();
}
