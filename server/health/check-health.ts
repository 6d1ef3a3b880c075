import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { getRuntimeMode, type RuntimeMode } from "@/server/config/runtime";

export type Health =
  | { status: "ok"; db: "ok"; mode: RuntimeMode }
  | { status: "error"; db: "unreachable"; mode: RuntimeMode; error: string };

const DB_TIMEOUT_MS = 3000;

/** Health of the parts Tocsin cannot work without; a hung database counts as unreachable. */
export async function checkHealth(db: Db): Promise<Health> {
  const mode = getRuntimeMode();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${DB_TIMEOUT_MS} ms`)), DB_TIMEOUT_MS);
      }),
    ]);
    return { status: "ok", db: "ok", mode };
  } catch (error) {
    return { status: "error", db: "unreachable", mode, error: `database: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    clearTimeout(timer);
  }
}
