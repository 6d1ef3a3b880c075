import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { createPgliteHandle } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";

// Booting PGlite (initdb in WASM) and migrating costs seconds; loading a dump of an already
// migrated one costs a fraction of that. So it is done once per run, and every test file
// starts from a copy of this dump (server/db/test-database.ts). Not used against PostgreSQL.
export default async function setup() {
  if (process.env.DATABASE_URL) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), "tocsin-test-template-"));
  const file = path.join(dir, "migrated.tar");
  const handle = createPgliteHandle();
  if (handle.kind !== "pglite") throw new Error("expected PGlite");
  await migrateDatabase(handle);
  // Flushed to the data files, so that a copy starts without replaying the migrations' WAL.
  await handle.client.exec("checkpoint");
  const dump = await handle.client.dumpDataDir("none");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  await assertTemplateMigrated(file);
  process.env.TOCSIN_TEST_PGLITE_TEMPLATE = file;
  return () => rmSync(dir, { recursive: true, force: true });
}

/**
 * Test files do not migrate their copy again, so the dump must hold every migration in drizzle/:
 * a dump that silently failed to load would otherwise leave each file an empty database.
 */
async function assertTemplateMigrated(file: string) {
  const handle = createPgliteHandle(undefined, { loadDataDir: new Blob([readFileSync(file)]) });
  if (handle.kind !== "pglite") throw new Error("expected PGlite");
  try {
    const applied = await handle.client
      .query<{ hash: string }>("select hash from drizzle.__drizzle_migrations order by created_at")
      .then((result) => result.rows.map((row) => row.hash));
    const expected = readMigrationFiles({ migrationsFolder: path.resolve(process.cwd(), "drizzle") }).map((migration) => migration.hash);
    if (applied.join() !== expected.join()) {
      throw new Error(`The PGlite test template has ${applied.length} of the ${expected.length} migrations in drizzle/ applied`);
    }
  } finally {
    await handle.close();
  }
}
