import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Next's build guards; meaningless (and throwing) outside the React server bundle.
      "server-only": path.resolve(import.meta.dirname, "test/empty-module.ts"),
    },
  },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**", ".data/**"],
    environment: "node",
    globalSetup: ["test/global-setup.ts"],
    // Channel secrets in the suites are sealed with a fixed throwaway key (never a developer's .data/).
    env: { TOCSIN_ENCRYPTION_KEY: "dGVzdC1vbmx5LWtleS1mb3ItdG9jc2luLXRlc3RzISE=" },
    // Vitest's default (cores - 1) leaves one of a 2-core CI machine idle, while each test file's
    // worker spends its time in single-threaded work (PGlite's WASM, or waiting on PostgreSQL) and
    // the main process hardly any: two workers there take ~40 % off the run in both modes.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One JSON report per database mode, added up by scripts/summarise-test-results.mjs in CI.
    reporters: ["default", ["json", { outputFile: `.test-reports/vitest-${process.env.DATABASE_URL ? "server" : "embedded"}.json` }]],
  },
});
