import { eventType, Inngest, Middleware } from "inngest";
import { z } from "zod";
import { getRuntimeMode } from "@/server/config/runtime";
import { runWithLogContext } from "@/server/observability/log-context";
import { getLogger } from "@/server/observability/logger";

/**
 * Under Inngest, every line logged while a function runs carries its function and run ids (the
 * inline runner does the same for the runs it executes).
 */
class JobLogContextMiddleware extends Middleware.BaseMiddleware {
  readonly id = "tocsin-job-log-context";
  override wrapFunctionHandler({ ctx, fn, next }: Middleware.WrapFunctionHandlerArgs): Promise<unknown> {
    return runWithLogContext({ functionId: fn.id(), runId: ctx.runId }, () => next());
  }
}

/** The Inngest app. Every job function is defined on it, whichever engine ends up running it. */
export const inngest = new Inngest({ id: "tocsin", logger: getLogger("jobs"), middleware: [JobLogContextMiddleware] });

/** The most event ids one job event carries; bigger sets are split into several job events. */
export const MAX_EVENT_IDS_PER_JOB_EVENT = 500;

/** Events of one workspace were committed: fan them out. */
export const eventsIngested = eventType("tocsin/events.ingested", {
  schema: z.object({
    workspaceId: z.uuid(),
    eventIds: z.array(z.uuid()).min(1).max(MAX_EVENT_IDS_PER_JOB_EVENT),
  }),
});

/**
 * A delivery (event × rule × channel) is due: attempt it, retrying on its schedule. `channelId`
 * is the concurrency key: one slow receiver holds up no other channel.
 */
export const deliveryRequested = eventType("tocsin/delivery.requested", {
  schema: z.object({ workspaceId: z.uuid(), deliveryId: z.uuid(), channelId: z.uuid() }),
});

/** The job events Tocsin sends, by name, with the data each carries. */
export type EventsIngestedJobEvent = { name: typeof eventsIngested.name; data: z.infer<typeof eventsIngested.schema> };
export type DeliveryRequestedJobEvent = { name: typeof deliveryRequested.name; data: z.infer<typeof deliveryRequested.schema> };
export type JobEvent = EventsIngestedJobEvent | DeliveryRequestedJobEvent;

/**
 * Whether an Inngest server (Cloud, self-hosted `inngest start`, or the dev server) runs the jobs:
 * only in server mode, and only when told where Inngest is. Otherwise the inline runner does.
 */
export function isInngestConfigured(): boolean {
  if (getRuntimeMode() !== "server") return false;
  return Boolean(process.env.INNGEST_EVENT_KEY || process.env.INNGEST_DEV || process.env.INNGEST_BASE_URL);
}

/** Where the inline runner keeps job events: this process's memory, or a queue shared through PostgreSQL. */
export type JobQueueMode = "memory" | "postgres";

/**
 * TOCSIN_JOB_QUEUE: `postgres` lets N instances without Inngest share the inline runner's work
 * (server/jobs/postgres-job-queue.ts); `memory` (the default) keeps each process's to itself.
 * Throws, for the start-up to report, on a value that cannot work here.
 */
export function jobQueueMode(): JobQueueMode {
  const setting = process.env.TOCSIN_JOB_QUEUE?.trim() || "memory";
  if (setting !== "memory" && setting !== "postgres") throw new Error(`TOCSIN_JOB_QUEUE must be "memory" or "postgres", not "${setting}"`);
  if (setting === "memory") return setting;
  if (getRuntimeMode() !== "server") {
    throw new Error("TOCSIN_JOB_QUEUE=postgres shares jobs between instances through PostgreSQL: it needs server mode (DATABASE_URL); embedded mode (PGlite) serves one process");
  }
  if (isInngestConfigured()) {
    throw new Error("TOCSIN_JOB_QUEUE=postgres is for running jobs without Inngest, but Inngest is configured (INNGEST_EVENT_KEY, INNGEST_DEV or INNGEST_BASE_URL): unset one or the other");
  }
  return setting;
}
