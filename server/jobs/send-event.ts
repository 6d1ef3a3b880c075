import { inngest, isInngestConfigured, type JobEvent } from "./client";
import { getInlineRunner } from "./inline-runner";

/** This process has no inline runner (a script, a test): the event cannot be handled here. */
export class JobRunnerUnavailableError extends Error {
  constructor() {
    super("No job runner in this process: Inngest is not configured and the inline runner is not started");
    this.name = "JobRunnerUnavailableError";
  }
}

/**
 * Sends job events: to Inngest when it is configured (server mode with INNGEST_EVENT_KEY,
 * INNGEST_DEV or INNGEST_BASE_URL), otherwise to this process's inline runner — which, with
 * TOCSIN_JOB_QUEUE=postgres, commits them to the queue shared by every instance before this
 * resolves. Either way the functions run later, never inside the caller. Throws if the events
 * could not be handed over.
 */
export async function sendJobEvent(events: JobEvent | readonly JobEvent[]): Promise<{ ids: string[] }> {
  const list = Array.isArray(events) ? [...events] : [events as JobEvent];
  if (list.length === 0) return { ids: [] };
  if (isInngestConfigured()) return inngest.send(list);
  const runner = getInlineRunner();
  if (!runner) throw new JobRunnerUnavailableError();
  return { ids: await runner.handOver(list) };
}
