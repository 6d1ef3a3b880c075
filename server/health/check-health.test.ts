import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresHandle, type DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { checkHealth } from "./check-health";

describe("checkHealth", () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(() => handle.close());

  it("reports ok with the runtime mode when the database answers", async () => {
    expect(await checkHealth(handle.db)).toEqual({
      status: "ok",
      db: "ok",
      mode: process.env.DATABASE_URL ? "server" : "embedded",
    });
  });

  it("names the database as the failing part when it is unreachable", async () => {
    // Nothing listens on port 1: the connection is refused at once.
    const unreachable = createPostgresHandle("postgres://postgres@127.0.0.1:1/none", { max: 1 });
    try {
      const health = await checkHealth(unreachable.db);
      expect(health.status).toBe("error");
      expect(health.db).toBe("unreachable");
      expect(health).toHaveProperty("error", expect.stringMatching(/^database: /));
    } finally {
      await unreachable.close();
    }
  });
});
