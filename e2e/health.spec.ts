import { expect, test } from "@playwright/test";

test("GET /api/health reports the database and the runtime mode", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", db: "ok", mode: process.env.DATABASE_URL ? "server" : "embedded" });
});
