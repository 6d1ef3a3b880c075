import { resolveAuthSecret } from "@/server/auth/secret";
import { getRuntimeMode } from "@/server/config/runtime";
import { getDbHandle } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";

/** Runs once per server process, before the first request (see instrumentation.ts). */
export async function startTocsin(): Promise<void> {
  resolveAuthSecret();
  await migrateDatabase(getDbHandle());
  console.log(`[tocsin] ready in ${getRuntimeMode()} mode`);
}
