import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workspaces } from "./schema";
import { createTestDatabase } from "./test-database";
import type { DbHandle } from "./client";
import { migrateDatabase } from "./migrate";

describe("database", () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(() => handle.close());

  it("runs the driver named by DATABASE_URL", () => {
    expect(handle.kind).toBe(process.env.DATABASE_URL ? "postgres" : "pglite");
  });

  it("has every migration applied, and applying again is a no-op", async () => {
    await migrateDatabase(handle);
    const rows = await handle.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
    expect((list[0] as { n: number }).n).toBeGreaterThan(0);
    expect(await handle.db.select().from(workspaces)).toEqual([]);
  });

  it("enforces the schema's checks in the database, not only in zod", async () => {
    await expect(
      handle.db.insert(workspaces).values({ slug: "bad-mode", name: "x", mode: "triple" as "single" }),
    ).rejects.toThrow();
    await expect(handle.db.insert(workspaces).values({ slug: "bad-retention", name: "x", retentionDays: 0 })).rejects.toThrow();
  });
});
