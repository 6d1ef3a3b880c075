import { and, asc, count, desc, eq, gt, isNull, lt, lte } from "drizzle-orm";
import type { AuditActor } from "@/server/audit/audit-actor";
import { runAuditedTransaction, type AuditRecorder } from "@/server/audit/record-audit-entry";
import { snapshotMaintenanceWindow } from "@/server/audit/snapshot-objects";
import type { Db, DbOrTx } from "@/server/db/client";
import { intakeSources, notificationBatches, sourceMaintenanceWindows, users } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import {
  maxMaintenanceLeadDays,
  maxUpcomingMaintenanceWindows,
  type CreateMaintenanceWindowInput,
} from "./maintenance-window-schemas";

/*
 * A source's maintenance windows: while one is running, notifications about that source's events
 * are held (the fan-out, server/fan-out/) and summarised when it ends. Admins schedule, end early
 * and delete them; every member sees them. Windows of one source never overlap, so at any
 * instant a source has at most one running.
 */

type WindowRow = typeof sourceMaintenanceWindows.$inferSelect;
type SourceRef = { id: string; name: string };

const notFound = () => new DomainError("NOT_FOUND", "Maintenance window not found");
const sourceNotFound = () => new DomainError("NOT_FOUND", "Source not found");

/**
 * Schedules a window. A start already past means now (notifications already sent cannot be held);
 * `timeZone` is the workspace's, for the times named in error messages.
 */
export async function createMaintenanceWindow(
  db: Db,
  actor: AuditActor & { workspaceId: string; userId: string },
  input: CreateMaintenanceWindowInput,
  options: { now?: Date; timeZone?: string } = {},
) {
  const now = options.now ?? new Date();
  const timeZone = options.timeZone ?? "UTC";
  if (input.endsAt <= now) throw new DomainError("BAD_REQUEST", "This window would already be over: choose an end in the future", { field: "endsAt" });
  if (input.startsAt.getTime() > now.getTime() + maxMaintenanceLeadDays * 86_400_000) {
    throw new DomainError("BAD_REQUEST", `Schedule a window at most ${maxMaintenanceLeadDays} days ahead`, { field: "startsAt" });
  }
  const startsAt = input.startsAt < now ? now : input.startsAt;

  return runAuditedTransaction(db, async (tx, audit) => {
    // Locking the source serialises scheduling on it, so two admins cannot add overlapping windows.
    const source = await lockSource(tx, actor.workspaceId, input.sourceId);
    const [overlapping] = await tx
      .select()
      .from(sourceMaintenanceWindows)
      .where(
        and(
          eq(sourceMaintenanceWindows.workspaceId, actor.workspaceId),
          eq(sourceMaintenanceWindows.sourceId, source.id),
          lt(sourceMaintenanceWindows.startsAt, input.endsAt),
          gt(sourceMaintenanceWindows.endsAt, startsAt),
        ),
      )
      .orderBy(asc(sourceMaintenanceWindows.startsAt))
      .limit(1);
    if (overlapping) {
      throw new DomainError(
        "CONFLICT",
        `${source.name} already has a maintenance window from ${formatTime(overlapping.startsAt, timeZone)} to ${formatTime(overlapping.endsAt, timeZone)}; windows of a source cannot overlap`,
        { field: "startsAt" },
      );
    }
    const [upcoming] = await tx
      .select({ count: count() })
      .from(sourceMaintenanceWindows)
      .where(and(eq(sourceMaintenanceWindows.workspaceId, actor.workspaceId), eq(sourceMaintenanceWindows.sourceId, source.id), gt(sourceMaintenanceWindows.startsAt, now)));
    if ((upcoming?.count ?? 0) >= maxUpcomingMaintenanceWindows) {
      throw new DomainError("CONFLICT", `${source.name} already has ${maxUpcomingMaintenanceWindows} upcoming windows; delete some first`);
    }

    const [window] = await tx
      .insert(sourceMaintenanceWindows)
      .values({ workspaceId: actor.workspaceId, sourceId: source.id, startsAt, endsAt: input.endsAt, reason: input.reason, createdById: actor.userId })
      .returning();
    await auditWindow(audit, actor, { verb: "created", window: window!, source, before: null, after: window! });
    return window!;
  });
}

/** A window as the dialog lists it, with who scheduled it. */
export type MaintenanceWindowItem = WindowRow & { createdBy: { name: string | null; email: string } | null };

/** Past windows listed per source: the latest ones, enough to see the recent history. */
const pastWindowsListed = 20;

/** A source's windows: the running one, those to come (soonest first) and the latest past ones. */
export async function listMaintenanceWindows(db: Db, workspaceId: string, sourceId: string, now = new Date()) {
  await getSourceRef(db, workspaceId, sourceId);
  const columns = { window: sourceMaintenanceWindows, createdByName: users.name, createdByEmail: users.email };
  const ofSource = and(eq(sourceMaintenanceWindows.workspaceId, workspaceId), eq(sourceMaintenanceWindows.sourceId, sourceId));
  const toItem = (row: { window: WindowRow; createdByName: string | null; createdByEmail: string | null }): MaintenanceWindowItem => ({
    ...row.window,
    createdBy: row.createdByEmail === null ? null : { name: row.createdByName, email: row.createdByEmail },
  });
  const [open, past] = await Promise.all([
    db
      .select(columns)
      .from(sourceMaintenanceWindows)
      .leftJoin(users, eq(users.id, sourceMaintenanceWindows.createdById))
      .where(and(ofSource, gt(sourceMaintenanceWindows.endsAt, now)))
      .orderBy(asc(sourceMaintenanceWindows.startsAt)),
    db
      .select(columns)
      .from(sourceMaintenanceWindows)
      .leftJoin(users, eq(users.id, sourceMaintenanceWindows.createdById))
      .where(and(ofSource, lte(sourceMaintenanceWindows.endsAt, now)))
      .orderBy(desc(sourceMaintenanceWindows.endsAt), desc(sourceMaintenanceWindows.id))
      .limit(pastWindowsListed),
  ]);
  const items = open.map(toItem);
  return {
    current: items.find((w) => w.startsAt <= now) ?? null,
    upcoming: items.filter((w) => w.startsAt > now),
    past: past.map(toItem),
  };
}

/**
 * For the Sources page: per source with a window running or to come, the running one and the
 * next. Sources without either are absent.
 */
export async function summariseMaintenance(db: Db, workspaceId: string, now = new Date()) {
  const rows = await db
    .select({ id: sourceMaintenanceWindows.id, sourceId: sourceMaintenanceWindows.sourceId, startsAt: sourceMaintenanceWindows.startsAt, endsAt: sourceMaintenanceWindows.endsAt, reason: sourceMaintenanceWindows.reason })
    .from(sourceMaintenanceWindows)
    .where(and(eq(sourceMaintenanceWindows.workspaceId, workspaceId), gt(sourceMaintenanceWindows.endsAt, now)))
    .orderBy(asc(sourceMaintenanceWindows.startsAt));
  type Entry = (typeof rows)[number];
  const bySource = new Map<string, { sourceId: string; current: Entry | null; next: Entry | null }>();
  for (const row of rows) {
    const entry = bySource.get(row.sourceId) ?? { sourceId: row.sourceId, current: null, next: null };
    if (row.startsAt <= now) entry.current ??= row;
    else entry.next ??= row;
    bySource.set(row.sourceId, entry);
  }
  return [...bySource.values()];
}

/**
 * Ends a running window now: notifications from the source flow again, and those it held are
 * summarised at once (its open batches are due now instead of at the planned end).
 */
export async function endMaintenanceWindow(db: Db, workspaceId: string, windowId: string, actor: AuditActor, now = new Date()) {
  return runAuditedTransaction(db, async (tx, audit) => {
    const { window, source } = await lockWindow(tx, workspaceId, windowId);
    if (window.startsAt > now) throw new DomainError("BAD_REQUEST", "This window has not started yet: delete it instead");
    if (window.endsAt <= now) throw new DomainError("BAD_REQUEST", "This window is already over");
    // A window cannot end at its own start (the table says so): one started this very millisecond ends one later.
    const endsAt = now > window.startsAt ? now : new Date(window.startsAt.getTime() + 1);
    const [ended] = await tx
      .update(sourceMaintenanceWindows)
      .set({ endsAt })
      .where(and(eq(sourceMaintenanceWindows.workspaceId, workspaceId), eq(sourceMaintenanceWindows.id, window.id)))
      .returning();
    await tx
      .update(notificationBatches)
      .set({ releaseAt: endsAt })
      .where(
        and(
          eq(notificationBatches.workspaceId, workspaceId),
          eq(notificationBatches.maintenanceWindowId, window.id),
          isNull(notificationBatches.releasedAt),
          gt(notificationBatches.releaseAt, endsAt),
        ),
      );
    await auditWindow(audit, actor, { verb: "updated", window: ended!, source, before: window, after: ended! });
    return ended!;
  });
}

/** Deletes a window that has not started. Running and past ones stay: they held notifications. */
export async function deleteMaintenanceWindow(db: Db, workspaceId: string, windowId: string, actor: AuditActor, now = new Date()) {
  return runAuditedTransaction(db, async (tx, audit) => {
    const { window, source } = await lockWindow(tx, workspaceId, windowId);
    if (window.startsAt <= now) {
      throw new DomainError(
        "BAD_REQUEST",
        window.endsAt > now ? "This window is running: end it now instead" : "This window is over; past windows stay as a record",
      );
    }
    await tx.delete(sourceMaintenanceWindows).where(and(eq(sourceMaintenanceWindows.workspaceId, workspaceId), eq(sourceMaintenanceWindows.id, window.id)));
    await auditWindow(audit, actor, { verb: "deleted", window, source, before: window, after: null });
    return window;
  });
}


async function getSourceRef(db: DbOrTx, workspaceId: string, sourceId: string): Promise<SourceRef> {
  const [source] = await db
    .select({ id: intakeSources.id, name: intakeSources.name })
    .from(intakeSources)
    .where(and(eq(intakeSources.workspaceId, workspaceId), eq(intakeSources.id, sourceId)));
  if (!source) throw sourceNotFound();
  return source;
}

async function lockSource(tx: DbOrTx, workspaceId: string, sourceId: string): Promise<SourceRef> {
  const [source] = await tx
    .select({ id: intakeSources.id, name: intakeSources.name })
    .from(intakeSources)
    .where(and(eq(intakeSources.workspaceId, workspaceId), eq(intakeSources.id, sourceId)))
    .for("update");
  if (!source) throw sourceNotFound();
  return source;
}

async function lockWindow(tx: DbOrTx, workspaceId: string, windowId: string): Promise<{ window: WindowRow; source: SourceRef }> {
  const [row] = await tx
    .select({ window: sourceMaintenanceWindows, sourceName: intakeSources.name })
    .from(sourceMaintenanceWindows)
    .innerJoin(intakeSources, and(eq(intakeSources.id, sourceMaintenanceWindows.sourceId), eq(intakeSources.workspaceId, workspaceId)))
    .where(and(eq(sourceMaintenanceWindows.workspaceId, workspaceId), eq(sourceMaintenanceWindows.id, windowId)))
    .for("update", { of: sourceMaintenanceWindows });
  if (!row) throw notFound();
  return { window: row.window, source: { id: row.window.sourceId, name: row.sourceName } };
}

async function auditWindow(
  audit: AuditRecorder,
  actor: AuditActor,
  change: { verb: "created" | "updated" | "deleted"; window: WindowRow; source: SourceRef; before: WindowRow | null; after: WindowRow | null },
) {
  await audit({
    workspaceId: change.window.workspaceId,
    actor,
    objectType: "maintenance_window",
    objectId: change.window.id,
    objectLabel: `${change.source.name}, ${change.window.startsAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    verb: change.verb,
    before: change.before && snapshotMaintenanceWindow(change.before, change.source.name),
    after: change.after && snapshotMaintenanceWindow(change.after, change.source.name),
  });
}

/** "12 May 2025, 14:00 CEST" in the workspace's timezone. */
function formatTime(instant: Date, timeZone: string): string {
  const options: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
  try {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).format(instant);
  } catch {
    return new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(instant);
  }
}
