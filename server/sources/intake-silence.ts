import { and, eq, gt, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { intakeSources, workspaces } from "@/server/db/schema";
import { insertSystemEvents, type SystemEventInput } from "@/server/events/system-events";
import { formatSilenceDuration } from "./silence-thresholds";

/*
 * Intake silence: a source with a threshold (`silence_after_seconds`) that sends nothing for that
 * long goes "silent", once, and raises `intake.silent`; when events come back it raises
 * `intake.resumed`, once. The watcher (server/jobs/functions/watch-intake-silence.ts) calls these
 * every minute, on every app instance that runs jobs, so each transition is one UPDATE whose
 * WHERE holds only before it: of two watchers racing, PostgreSQL re-checks the WHERE of the
 * second against the row the first wrote, finds it no longer holds, and skips the row. The
 * event is written in the same transaction, so a flip without its event (or the reverse) is
 * never committed.
 *
 * Decisions:
 * - "Nothing received" counts from the last event, or from the source's creation if it never
 *   received one (a tool that was never set up is exactly what the watch should catch).
 * - Disabled sources and sources without a threshold are not watched; disabling a silent
 *   source or turning its watch off ends its silent period without an event (updateSource).
 * - Changing the threshold of a silent source leaves the silent period as it is: it ends when
 *   events come back, so one silent period never raises two `intake.silent`.
 * - Silent since is the job layer's "now" (jobNow) when the watcher saw it; resuming is
 *   decided by `last_event_at` alone (it moved past the value stored at the flip), never by
 *   comparing the ingest path's clock with the job layer's.
 */

export type SilenceTransition = { workspaceId: string; sourceId: string; eventId: string };

const silentFingerprint = (sourceId: string) => `intake.silent:${sourceId}`;
const resumedFingerprint = (sourceId: string) => `intake.resumed:${sourceId}`;

/**
 * Moves every enabled, watched source that has received nothing for its threshold (by `now`)
 * to silent, and writes one `intake.silent` for each; returns what it moved. Across workspaces:
 * this is the instance's watcher, and each event goes to its source's workspace and community.
 */
export async function detectSilentSources(db: Db, now: Date): Promise<SilenceTransition[]> {
  return db.transaction(async (tx) => {
    const moved = await tx
      .update(intakeSources)
      .set({ silentSince: now, silentLastEventAt: sql`${intakeSources.lastEventAt}` })
      .from(workspaces)
      .where(
        and(
          eq(workspaces.id, intakeSources.workspaceId),
          eq(intakeSources.enabled, true),
          isNotNull(intakeSources.silenceAfterSeconds),
          isNull(intakeSources.silentSince),
          lte(
            sql`coalesce(${intakeSources.lastEventAt}, ${intakeSources.createdAt})`,
            sql`${now.toISOString()}::timestamptz - make_interval(secs => ${intakeSources.silenceAfterSeconds})`,
          ),
        ),
      )
      .returning({
        id: intakeSources.id,
        workspaceId: intakeSources.workspaceId,
        communityId: intakeSources.communityId,
        name: intakeSources.name,
        silenceAfterSeconds: intakeSources.silenceAfterSeconds,
        lastEventAt: intakeSources.lastEventAt,
        createdAt: intakeSources.createdAt,
        timezone: workspaces.timezone,
      });
    if (moved.length === 0) return [];
    const eventIds = await insertSystemEvents(
      tx,
      moved.map((source) => silentEvent({ ...source, silenceAfterSeconds: source.silenceAfterSeconds!, silentSince: now })),
      now,
    );
    return moved.map((source, i) => ({ workspaceId: source.workspaceId, sourceId: source.id, eventId: eventIds[i]! }));
  });
}

/**
 * Ends the silent period of every silent source whose `last_event_at` moved past the value it had
 * when it went silent (or that received its first event), and writes one `intake.resumed` for each.
 */
export async function detectResumedSources(db: Db, now: Date): Promise<SilenceTransition[]> {
  return db.transaction(async (tx) => {
    // The silent period's start, read before the update clears it; the update's own WHERE
    // (still silent since that very moment) is what a racing watcher fails.
    const silent = tx
      .select({ id: intakeSources.id, silentSince: intakeSources.silentSince, timezone: workspaces.timezone })
      .from(intakeSources)
      .innerJoin(workspaces, eq(workspaces.id, intakeSources.workspaceId))
      .where(
        and(
          isNotNull(intakeSources.silentSince),
          isNotNull(intakeSources.lastEventAt),
          or(isNull(intakeSources.silentLastEventAt), gt(intakeSources.lastEventAt, intakeSources.silentLastEventAt)),
        ),
      )
      .as("silent");
    const resumed = await tx
      .update(intakeSources)
      .set({ silentSince: null, silentLastEventAt: null })
      .from(silent)
      .where(
        and(
          eq(intakeSources.id, silent.id),
          eq(intakeSources.silentSince, silent.silentSince),
          isNotNull(intakeSources.lastEventAt),
          or(isNull(intakeSources.silentLastEventAt), gt(intakeSources.lastEventAt, intakeSources.silentLastEventAt)),
        ),
      )
      .returning({
        id: intakeSources.id,
        workspaceId: intakeSources.workspaceId,
        communityId: intakeSources.communityId,
        name: intakeSources.name,
        silenceAfterSeconds: intakeSources.silenceAfterSeconds,
        lastEventAt: intakeSources.lastEventAt,
        silentSince: silent.silentSince,
        timezone: silent.timezone,
      });
    if (resumed.length === 0) return [];
    const eventIds = await insertSystemEvents(tx, resumed.map(resumedEvent), now);
    return resumed.map((source, i) => ({ workspaceId: source.workspaceId, sourceId: source.id, eventId: eventIds[i]! }));
  });
}

type SourceFacts = {
  id: string;
  workspaceId: string;
  communityId: string;
  name: string;
  silenceAfterSeconds: number | null;
  lastEventAt: Date | null;
  silentSince: Date | null;
  timezone: string;
};

function silentEvent(source: SourceFacts & { silenceAfterSeconds: number; silentSince: Date; createdAt: Date }): SystemEventInput {
  const threshold = formatSilenceDuration(source.silenceAfterSeconds);
  const message = source.lastEventAt
    ? `The last event arrived on ${formatTime(source.lastEventAt, source.timezone)}; this source is expected to send something at least every ${threshold}.`
    : `Nothing has arrived since the source was created on ${formatTime(source.createdAt, source.timezone)}; it is expected to send something at least every ${threshold}.`;
  return {
    workspaceId: source.workspaceId,
    communityId: source.communityId,
    type: "intake.silent",
    severity: "medium",
    title: `No events from "${source.name}" for ${threshold}`,
    message,
    data: silenceData(source),
    fingerprint: silentFingerprint(source.id),
    cause: null,
  };
}

function resumedEvent(source: SourceFacts): SystemEventInput {
  const silentFor = source.silentSince ? ` after being silent since ${formatTime(source.silentSince, source.timezone)}` : "";
  return {
    workspaceId: source.workspaceId,
    communityId: source.communityId,
    type: "intake.resumed",
    severity: "info",
    title: `Events from "${source.name}" are arriving again`,
    message: `An event arrived ${source.lastEventAt ? `on ${formatTime(source.lastEventAt, source.timezone)}` : "just now"}${silentFor}.`,
    data: silenceData(source),
    fingerprint: resumedFingerprint(source.id),
    cause: null,
  };
}

function silenceData(source: SourceFacts) {
  return {
    sourceId: source.id,
    sourceName: source.name,
    silenceAfterSeconds: source.silenceAfterSeconds,
    lastEventAt: source.lastEventAt?.toISOString() ?? null,
    silentSince: source.silentSince?.toISOString() ?? null,
  };
}

/** "4 Mar 2026 at 08:15 UTC", in the workspace's timezone. */
function formatTime(date: Date, timeZone: string): string {
  const format = (zone: string) => {
    const parts = new Intl.DateTimeFormat("en-GB", {
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: zone,
      timeZoneName: "short",
    }).formatToParts(date);
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
    return `${part("day")} ${part("month")} ${part("year")} at ${part("hour")}:${part("minute")} ${part("timeZoneName")}`;
  };
  try {
    return format(timeZone);
  } catch {
    return format("UTC");
  }
}
