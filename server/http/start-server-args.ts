// How `npm start` runs the production server, for what starts it without npm (the benchmarks, the
// fault suite, the end-to-end tests): the same node arguments as package.json's "start" script.

/**
 * The old generation's ceiling in MiB. Node otherwise grows its heap lazily up to a limit set by
 * the machine's memory (about 4 GiB here), so under sustained load the process looks as if it
 * leaked: measured under twice the sustained ingest rate, the heap live after a full collection
 * stayed under 200 MiB, and with this ceiling the RSS stayed flat for a minute.
 */
export const DEFAULT_MAX_HEAP_MB = 768;

export function startServerNodeArgs(scriptPath = "server/http/start-server.ts"): string[] {
  return [`--max-old-space-size=${process.env.TOCSIN_MAX_HEAP_MB || DEFAULT_MAX_HEAP_MB}`, "--import", "tsx", scriptPath];
}
