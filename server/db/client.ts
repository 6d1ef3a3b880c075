import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { getDataDir } from "@/server/config/runtime";
import { lockDataDir } from "./data-dir-lock";
import * as schema from "./schema";

/** The one database type the app codes against: PGlite and postgres-js both satisfy it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle is usable wherever a Db is expected. */
export type DbOrTx = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];

export type DbHandle =
  | { kind: "pglite"; db: Db; client: PGlite; close: () => Promise<void> }
  | { kind: "postgres"; db: Db; client: postgres.Sql; url: string; close: () => Promise<void> };

export function createPostgresHandle(url: string, options: { max?: number } = {}): DbHandle {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Keep the app's timestamps unambiguous whatever the server's default is.
    connection: { TimeZone: "UTC" },
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return { kind: "postgres", db, client, url, close: () => client.end({ timeout: 5 }) };
}

/** `dataDir` undefined means an in-memory database (tests), optionally started from a dump. */
export function createPgliteHandle(dataDir?: string, options: { loadDataDir?: Blob } = {}): DbHandle {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  const client = new PGlite(dataDir, options);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    client,
    close: async () => {
      await client.close();
      unlock();
    },
  };
}

export function createDbHandleFromEnv(): DbHandle {
  const url = process.env.DATABASE_URL;
  return url ? createPostgresHandle(url) : createPgliteHandle(path.join(getDataDir(), "pglite"));
}

// One handle per process. Kept on globalThis so that Next's dev-mode module reloads do not
// open a second PGlite on the same files (PGlite allows one opener per data directory).
const globalForDb = globalThis as unknown as { tocsinDb?: DbHandle };

export function getDbHandle(): DbHandle {
  globalForDb.tocsinDb ??= createDbHandleFromEnv();
  return globalForDb.tocsinDb;
}

/** The process's handle if it has been opened, without opening it. */
export function peekDbHandle(): DbHandle | undefined {
  return globalForDb.tocsinDb;
}

export function getDb(): Db {
  return getDbHandle().db;
}
