import { resolveAuthSecret } from "@/server/auth/secret";
import { resolveEncryptionKeys } from "@/server/channels/secret-box";
import { getRuntimeMode } from "@/server/config/runtime";
import { getDbHandle } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { startInboxRealtime } from "@/server/inbox/realtime";
import { isInngestConfigured, jobQueueMode } from "@/server/jobs/client";
import { jobFunctions } from "@/server/jobs/functions";
import { startInlineRunner } from "@/server/jobs/inline-runner";
import { PostgresJobQueue } from "@/server/jobs/postgres-job-queue";
import { getLogger } from "@/server/observability/logger";

const log = getLogger("server");

// Shared through globalThis: the production server (server/http/start-server.ts) and Next's
// instrumentation hook load separate copies of this module, and both ask for the start.
const globalForStart = globalThis as unknown as { tocsinStart?: Promise<void> };

/** Runs once per server process, before the first request (see instrumentation.ts). */
export function startTocsin(): Promise<void> {
  globalForStart.tocsinStart ??= start();
  return globalForStart.tocsinStart;
}

async function start(): Promise<void> {
  let jobs = "on Inngest";
  try {
    const queue = jobQueueMode();
    resolveAuthSecret();
    resolveEncryptionKeys();
    await migrateDatabase(getDbHandle());
    // Without an Inngest server, the job functions run in this process — sharing events and cron
    // ticks with the other instances through PostgreSQL when TOCSIN_JOB_QUEUE=postgres.
    if (!isInngestConfigured()) {
      startInlineRunner({ functions: jobFunctions, sharedQueue: queue === "postgres" ? new PostgresJobQueue(getDbHandle()) : undefined });
      jobs = queue === "postgres" ? "in-process (inline runner, queue shared through PostgreSQL)" : "in-process (inline runner)";
    }
    // The bell's live count: this process LISTENs once and feeds its SSE streams.
    await startInboxRealtime(getDbHandle()).ready;
  } catch (error) {
    // A server that cannot migrate or has no secret must not serve half-working pages.
    log.fatal({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  log.info({ mode: getRuntimeMode(), jobs: isInngestConfigured() ? "inngest" : `inline-${jobQueueMode()}` }, `ready in ${getRuntimeMode()} mode; jobs run ${jobs}`);
}
