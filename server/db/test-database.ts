import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import postgres from "postgres";
import { createPgliteHandle, createPostgresHandle, type DbHandle } from "./client";
import { migrateDatabase } from "./migrate";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a brand-new
 * database on the PostgreSQL server named by DATABASE_URL (dropped again by `close`).
 */
export async function createTestDatabase(): Promise<DbHandle> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    // test/global-setup.ts leaves a dump of a database it migrated and checked against drizzle/
    // in this run; without one (a run without the global setup), the file migrates its own.
    const template = process.env.TOCSIN_TEST_PGLITE_TEMPLATE;
    if (template) return createPgliteHandle(undefined, { loadDataDir: new Blob([readFileSync(template)]) });
    const handle = createPgliteHandle();
    await migrateDatabase(handle);
    return handle;
  }

  const name = `tocsin_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = createPostgresHandle(url.toString(), { max: 4 });
  try {
    await migrateDatabase(handle);
  } catch (error) {
    await handle.close();
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
    throw error;
  }
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
