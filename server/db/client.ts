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
  const db = drizzlePostgres(withPreparedStatements(client), { schema }) as unknown as Db;
  return { kind: "postgres", db, client, url, close: () => client.end({ timeout: 5 }) };
}

/**
 * Drizzle runs every query unprepared unless it is given a name, and postgres-js then asks the
 * server to describe the statement's parameters first: two round trips per query, and no
 * pipelining on the connection. Preparing (postgres-js's own default) makes each statement text a
 * one-round-trip query after its first use on a connection. The statements prepared stay per
 * connection, and connections are recycled (postgres-js's max_lifetime), so they cannot pile up.
 */
function withPreparedStatements(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, parameters?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, parameters, { ...options, prepare: true });
      }
      if (property === "begin") {
        // Transactions hand drizzle a connection-bound client: it must prepare too.
        return (...args: unknown[]) => {
          const callback = args.pop() as (sql: postgres.Sql) => unknown;
          const begin = target.begin as (...beginArgs: unknown[]) => Promise<unknown>;
          return begin(...args, (sql: postgres.Sql) => callback(withPreparedStatements(sql)));
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/** `dataDir` undefined means an in-memory database (tests), optionally started from a dump. */
export function createPgliteHandle(dataDir?: string, options: { loadDataDir?: Blob } = {}): DbHandle {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  // One options object: `new PGlite(undefined, options)` takes its first argument for the
  // options and drops the second, so a dump to load would be silently ignored.
  const client = new PGlite({ dataDir, ...options });
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
