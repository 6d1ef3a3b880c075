// `npm run db:migrate`: applies drizzle/ to the database the app would use (DATABASE_URL,
// or the embedded PGlite under .data/). The app also does this by itself at start.
import { createDbHandleFromEnv } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { getRuntimeMode } from "@/server/config/runtime";

const handle = createDbHandleFromEnv();
try {
  await migrateDatabase(handle);
  console.log(`migrations applied (${getRuntimeMode()} mode)`);
} finally {
  await handle.close();
}
