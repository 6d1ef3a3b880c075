import { eventsIngested, isInngestConfigured, MAX_EVENT_IDS_PER_JOB_EVENT, type EventsIngestedJobEvent } from "./client";
import { getInlineRunner, type InlineRunner } from "./inline-runner";
import { JobRunnerUnavailableError, sendJobEvent } from "./send-event";
import { getLogger } from "@/server/observability/logger";

const log = getLogger("jobs");

/** Job events asking to fan out these events of one workspace, at most MAX_EVENT_IDS_PER_JOB_EVENT ids each. */
export function fanOutEvents(workspaceId: string, eventIds: readonly string[]): EventsIngestedJobEvent[] {
  const jobEvents: EventsIngestedJobEvent[] = [];
  for (let i = 0; i < eventIds.length; i += MAX_EVENT_IDS_PER_JOB_EVENT) {
    jobEvents.push({ name: eventsIngested.name, data: { workspaceId, eventIds: eventIds.slice(i, i + MAX_EVENT_IDS_PER_JOB_EVENT) } });
  }
  return jobEvents;
}

let warnedNoRunner = false;

/**
 * Runs the inline runner may have waiting to start before new fan-outs are no longer handed to
 * it: past that the runner is behind, and what it would hold in memory is left in the events
 * table instead (unmarked), for the fan-out sweeper to request once the runner has caught up.
 * Each fan-out run carries up to MAX_EVENT_IDS_PER_JOB_EVENT ids.
 */
export const MAX_INLINE_RUNNER_BACKLOG = 1_000;

/** Whether new fan-outs should wait for the sweeper: the inline runner has too many runs waiting. */
export function isJobRunnerBehind(runner: InlineRunner | undefined = getInlineRunner(), limit = MAX_INLINE_RUNNER_BACKLOG): boolean {
  if (isInngestConfigured() || !runner) return false;
  return runner.backlog() >= limit;
}

let warnedBehindAt = -Infinity;

/**
 * After a commit: sends `tocsin/events.ingested` for the new events. Never throws: if the send
 * fails, or the run is lost with its process, the events are never marked fanned out and the
 * sweeper sends them again (fan-out is idempotent, so a resend of work that was done costs
 * nothing). Returns whether the request was handed over.
 */
export async function requestFanOut(workspaceId: string, eventIds: readonly string[]): Promise<boolean> {
  if (eventIds.length === 0) return true;
  if (isJobRunnerBehind()) {
    // Once a minute at most: while the runner is behind this happens on every request.
    if (performance.now() - warnedBehindAt >= 60_000) {
      warnedBehindAt = performance.now();
      log.warn({ backlog: getInlineRunner()?.backlog() ?? null, limit: MAX_INLINE_RUNNER_BACKLOG }, "the job runner is behind: new events are left to the fan-out sweeper");
    }
    return false;
  }
  try {
    await sendJobEvent(fanOutEvents(workspaceId, eventIds));
    return true;
  } catch (error) {
    if (error instanceof JobRunnerUnavailableError) {
      // Scripts and tests run without a runner; say it once, not per request.
      if (!warnedNoRunner) log.warn(`${error.message}; new events are left for the fan-out sweeper`);
      warnedNoRunner = true;
    } else {
      log.error({ err: error, workspaceId, events: eventIds.length }, `fan-out request for ${eventIds.length} event(s) of workspace ${workspaceId} failed; the sweeper will resend`);
    }
    return false;
  }
}
