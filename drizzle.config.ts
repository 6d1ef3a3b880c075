import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` uses this file: migrations are generated SQL in drizzle/,
// applied at start (server/db/migrate.ts), never pushed.
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/db/schema/index.ts",
  out: "./drizzle",
  strict: true,
  verbose: true,
});
