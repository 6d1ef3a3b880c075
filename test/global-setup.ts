import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
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
  await migrateDatabase(handle);
  if (handle.kind !== "pglite") throw new Error("expected PGlite");
  const dump = await handle.client.dumpDataDir("none");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  process.env.TOCSIN_TEST_PGLITE_TEMPLATE = file;
  return () => rmSync(dir, { recursive: true, force: true });
}
