import { and, eq, isNull, sql } from "drizzle-orm";
import { toUuidArray } from "@/server/db/sql-arrays";
import type { Db } from "@/server/db/client";
import { events } from "@/server/db/schema";
import { eventsIngested, isInngestConfigured, MAX_EVENT_IDS_PER_JOB_EVENT, type EventsIngestedJobEvent } from "./client";
import { getInlineRunner } from "./inline-runner";
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

/** Sets the "fan-out requested" marker, so the sweeper leaves these events alone. */
export async function markFanOutRequested(db: Db, workspaceId: string, eventIds: readonly string[]): Promise<number> {
  if (eventIds.length === 0) return 0;
  const marked = await db
    .update(events)
    .set({ fannedOutAt: sql`now()` })
    // One array parameter, not one per id: the same prepared statement for any number of ids.
    .where(and(eq(events.workspaceId, workspaceId), sql`${events.id} = any(${toUuidArray(eventIds)})`, isNull(events.fannedOutAt)))
    .returning({ id: events.id });
  return marked.length;
}

let warnedNoRunner = false;

/**
 * Runs the inline runner may have waiting to start before new fan-outs are no longer handed to
 * it: past that the runner is behind, and what it would hold in memory is left in the events
 * table instead (unmarked), for the fan-out sweeper to request once the runner has caught up.
 * Each fan-out run carries up to MAX_EVENT_IDS_PER_JOB_EVENT ids.
 */
export const MAX_INLINE_RUNNER_BACKLOG = 1_000;

/**
 * Runs waiting to start in this process's inline runner, or null when there is none or it does
 * not tell. Read defensively: the runner's `backlog()` when it has one, else the length of its
 * ready queue.
 */
export function inlineRunnerBacklog(runner: unknown = getInlineRunner()): number | null {
  if (!runner || typeof runner !== "object") return null;
  const { backlog, ready } = runner as { backlog?: unknown; ready?: unknown };
  if (typeof backlog === "function") {
    const value: unknown = backlog.call(runner);
    return typeof value === "number" ? value : null;
  }
  return Array.isArray(ready) ? ready.length : null;
}

/** Whether new fan-outs should wait for the sweeper: the inline runner has too many runs waiting. */
export function isJobRunnerBehind(runner: unknown = getInlineRunner(), limit = MAX_INLINE_RUNNER_BACKLOG): boolean {
  if (isInngestConfigured()) return false;
  const backlog = inlineRunnerBacklog(runner);
  return backlog !== null && backlog >= limit;
}

let warnedBehindAt = -Infinity;

/**
 * After a commit: sends `tocsin/events.ingested` for the new events, then marks them. Never
 * throws: if either part fails the events stay unmarked and the sweeper sends them again (fan-out
 * is idempotent, so a resend after a send that did go through costs nothing). Returns whether the
 * request went through.
 */
export async function requestFanOut(db: Db, workspaceId: string, eventIds: readonly string[]): Promise<boolean> {
  if (eventIds.length === 0) return true;
  if (isJobRunnerBehind()) {
    // Once a minute at most: while the runner is behind this happens on every request.
    if (performance.now() - warnedBehindAt >= 60_000) {
      warnedBehindAt = performance.now();
      log.warn({ backlog: inlineRunnerBacklog(), limit: MAX_INLINE_RUNNER_BACKLOG }, "the job runner is behind: new events are left to the fan-out sweeper");
    }
    return false;
  }
  try {
    await sendJobEvent(fanOutEvents(workspaceId, eventIds));
    await markFanOutRequested(db, workspaceId, eventIds);
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
