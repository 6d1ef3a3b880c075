import { resolveAuthSecret } from "@/server/auth/secret";
import { getRuntimeMode } from "@/server/config/runtime";
import { getDbHandle } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";

/** Runs once per server process, before the first request (see instrumentation.ts). */
export async function startTocsin(): Promise<void> {
  try {
    resolveAuthSecret();
    await migrateDatabase(getDbHandle());
  } catch (error) {
    // A server that cannot migrate or has no secret must not serve half-working pages.
    console.error(`[tocsin] cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  console.log(`[tocsin] ready in ${getRuntimeMode()} mode`);
}
