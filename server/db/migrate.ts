import path from "node:path";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { DbHandle } from "./client";

const migrationsFolder = path.resolve(process.cwd(), "drizzle");
// Any constant will do: it only has to be the same for every Tocsin instance.
const MIGRATION_LOCK_KEY = 7_402_311_913;

/**
 * Applies the generated migrations in drizzle/. On PostgreSQL several instances may start
 * together, so the run is serialised with an advisory lock held on one dedicated connection.
 */
export async function migrateDatabase(handle: DbHandle): Promise<void> {
  if (handle.kind === "pglite") {
    await migratePglite(handle.db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  const connection = postgres(handle.url, { max: 1, onnotice: () => {} });
  try {
    const db = drizzlePostgres(connection);
    await db.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      await migratePostgres(db, { migrationsFolder });
    } finally {
      await db.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  } finally {
    await connection.end({ timeout: 5 });
  }
}
