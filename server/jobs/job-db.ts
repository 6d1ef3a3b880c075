import { getDb, type Db } from "@/server/db/client";

let testDb: Db | undefined;

/** The database job functions work on: the process's, unless a test has set its own. */
export function jobDb(): Db {
  return testDb ?? getDb();
}

/** Tests: run job functions against this database (undefined: the process's again). */
export function setJobDbForTests(db: Db | undefined): void {
  testDb = db;
}
