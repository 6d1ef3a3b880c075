import { eq } from "drizzle-orm";
import { z } from "zod";
import type { SafeHttpOptions } from "@/server/channels/safe-http";
import type { Db } from "@/server/db/client";
import { instanceSettings, workspaces } from "@/server/db/schema";
import { insertSystemEvents } from "@/server/events/system-events";
import { openExceptionTeamsUrl } from "@/server/instance/instance-settings";
import { jobNow } from "@/server/jobs/job-clock";
import { requestFanOut } from "@/server/jobs/request-fan-out";
import { describeException, type ExceptionDescription } from "./describe-exception";
import { recordException } from "./record-exception";
import { sendExceptionNotice, type NoticeOutcome } from "./send-exception-notice";
import { getLogger, scrubSecrets } from "@/server/observability/logger";

const log = getLogger("exceptions");

/** Where an exception happened: "trpc rule.create", "POST /api/ingest", "job tocsin-fan-out-events". */
export type ExceptionWhere = { origin: string; workspaceId?: string | null };

export type ReportOptions = {
  /** When it happened: the job layer's clock unless given. */
  now?: Date;
  /** Reporting waits at most this long (5 s by default), then lets the caller go on. */
  deadlineMs?: number;
  safeHttp?: SafeHttpOptions;
};

export type ExceptionReport = {
  exception: ExceptionDescription;
  notified: boolean;
  occurrences: number;
  eventId: string | null;
  outcome: NoticeOutcome | null;
};

export const DEFAULT_REPORT_DEADLINE_MS = 5_000;

const uuid = z.uuid();

/**
 * Reports an unhandled error: logs it, counts it in `exception_notices`, and — for the first
 * occurrence of its fingerprint in the rate-limit window — raises a `system.exception` event in the
 * workspace it happened for (if any) and sends the notice to the instance's exception recipients
 * and Teams webhook. Awaited before the failing request answers, so it is bounded in time
 * (`deadlineMs`; what is still running then finishes in the background) and never throws:
 * reporting a failure must not become one. Returns null when it could not finish in time or failed.
 */
export async function reportException(db: Db, error: unknown, where: ExceptionWhere, options: ReportOptions = {}): Promise<ExceptionReport | null> {
  let exception: ExceptionDescription;
  try {
    exception = describeException(error);
  } catch {
    exception = { exceptionClass: "Error", message: "An error that could not be described", traceback: "Error: an error that could not be described", fingerprint: "undescribable" };
  }
  log.error({ origin: where.origin, workspaceId: where.workspaceId ?? null, exceptionClass: exception.exceptionClass, fingerprint: exception.fingerprint, traceback: scrubSecrets(exception.traceback) }, `${where.origin}: ${exception.message}`);

  const deadlineMs = options.deadlineMs ?? DEFAULT_REPORT_DEADLINE_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), deadlineMs);
  });
  const work = recordAndNotify(db, exception, where, {
    ...options,
    // The webhook gets what is left of the deadline, less a margin for the bookkeeping before it.
    safeHttp: { ...options.safeHttp, timeoutMs: Math.min(options.safeHttp?.timeoutMs ?? deadlineMs, Math.max(100, deadlineMs - 250)) },
  }).catch((failure: unknown) => {
    log.error({ err: failure, origin: where.origin }, `could not report the exception from ${where.origin}`);
    return null;
  });
  try {
    const result = await Promise.race([work, timedOut]);
    if (result === "timeout") {
      log.error({ origin: where.origin, deadlineMs }, `reporting the exception from ${where.origin} took longer than ${deadlineMs} ms; it goes on in the background`);
      return null;
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}

async function recordAndNotify(db: Db, exception: ExceptionDescription, where: ExceptionWhere, options: ReportOptions): Promise<ExceptionReport> {
  const now = options.now ?? jobNow();
  const workspaceId = where.workspaceId && uuid.safeParse(where.workspaceId).success ? where.workspaceId : null;
  const recorded = await recordException(db, exception, { origin: where.origin, workspaceId }, now);
  if (!recorded.notify) return { exception, notified: false, occurrences: recorded.occurrences, eventId: null, outcome: null };

  const [workspace] = workspaceId ? await db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.id, workspaceId)) : [];
  const [settings] = await db.select({ windowSeconds: instanceSettings.exceptionRateLimitSeconds }).from(instanceSettings).where(eq(instanceSettings.id, 1));

  let eventId: string | null = null;
  if (workspace) {
    // Raised with the notice (once per fingerprint and window), so an exception in the fan-out of
    // this very event can set off at most one more per window, never a loop.
    const [inserted] = await insertSystemEvents(
      db,
      [
        {
          workspaceId: workspace.id,
          communityId: null,
          type: "system.exception",
          severity: "high",
          title: `${exception.exceptionClass} in ${where.origin}`,
          message: exception.traceback,
          data: {
            exceptionClass: exception.exceptionClass,
            exceptionMessage: exception.message,
            origin: where.origin,
            fingerprint: exception.fingerprint,
            occurrences: recorded.occurrences,
            suppressedSinceLastNotice: recorded.suppressedBefore,
          },
          fingerprint: `system.exception:${exception.fingerprint}`,
          cause: null,
        },
      ],
      now,
    );
    eventId = inserted!;
    await requestFanOut(workspace.id, [eventId]);
  }

  const teamsUrl = openExceptionTeamsUrl(recorded.targets.teamsUrlSealed, recorded.targets.secretsKeyId);
  const outcome = await sendExceptionNotice(
    db,
    {
      exception,
      origin: where.origin,
      workspace: workspace ?? null,
      occurrences: recorded.occurrences,
      firstSeenAt: recorded.firstSeenAt,
      suppressedBefore: recorded.suppressedBefore,
      windowSeconds: settings?.windowSeconds ?? null,
      at: now,
    },
    { emails: recorded.targets.emails, teamsUrl },
    { safeHttp: options.safeHttp },
  );
  for (const failed of outcome.emails.filter((email) => !email.ok)) log.error({ to: failed.to }, `the notice to ${failed.to} failed: ${failed.error}`);
  if (outcome.teams && !outcome.teams.ok) log.error(`the notice to the Teams webhook failed: ${outcome.teams.error ?? `HTTP ${outcome.teams.status}`}`);
  return { exception, notified: true, occurrences: recorded.occurrences, eventId, outcome };
}
