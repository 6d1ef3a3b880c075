import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { notificationPreferences } from "@/server/db/schema";
import { toUuidArray } from "@/server/db/sql-arrays";
import { timezoneSchema } from "@/server/workspaces/workspace-schemas";
import { preferenceKeys, type NotificationPreferenceValues, type UpdatePreferencesInput } from "./inbox-schemas";
import type { InboxOwner } from "./notifications";
import { defaultQuietHours, type QuietHours } from "./quiet-hours";

/** Everything on: what a member who never opened Preferences gets. */
export const defaultPreferences: NotificationPreferenceValues = Object.freeze({
  inApp: true,
  email: true,
  slack: true,
  teams: true,
  mattermost: true,
  discord: true,
  webhook: true,
});

/**
 * Quiet hours as the Preferences page shows them. `timezoneChosen` is false while the member has
 * never turned them on nor picked a zone: the page then offers the browser's zone, and the
 * `timezone` given is the workspace's, not the column's default (UTC).
 */
export type QuietHoursSettings = QuietHours & { timezoneChosen: boolean };

export type NotificationPreferences = NotificationPreferenceValues & { quietHours: QuietHoursSettings };

type PreferenceRow = typeof notificationPreferences.$inferSelect;

// The column's default, which a member who never chose a zone still has.
const unchosenTimezone = "UTC";

function valuesOf(row: PreferenceRow | undefined, workspaceTimezone: string): NotificationPreferences {
  const channels = row ? (Object.fromEntries(preferenceKeys.map((key) => [key, row[key]])) as NotificationPreferenceValues) : { ...defaultPreferences };
  const timezoneChosen = Boolean(row && (row.quietHoursEnabled || row.quietTimezone !== unchosenTimezone));
  const quietHours: QuietHoursSettings = row
    ? {
        enabled: row.quietHoursEnabled,
        fromMinute: row.quietFromMinute,
        toMinute: row.quietToMinute,
        weekdays: [...row.quietWeekdays].sort((a, b) => a - b),
        timezone: timezoneChosen ? row.quietTimezone : workspaceTimezone,
        timezoneChosen,
      }
    : { ...defaultQuietHours(workspaceTimezone), timezoneChosen };
  return { ...channels, quietHours };
}

const ownRow = (owner: InboxOwner) => and(eq(notificationPreferences.workspaceId, owner.workspaceId), eq(notificationPreferences.userId, owner.userId));

/** The caller's channel kinds on/off and quiet hours in this workspace. */
export async function getPreferences(db: Db, owner: InboxOwner, workspaceTimezone = unchosenTimezone): Promise<NotificationPreferences> {
  const [row] = await db.select().from(notificationPreferences).where(ownRow(owner));
  return valuesOf(row, workspaceTimezone);
}

/** Changes the kinds named in `input`; the others keep their value. Returns them all. */
export async function updatePreferences(db: Db, owner: InboxOwner, input: UpdatePreferencesInput, workspaceTimezone = unchosenTimezone): Promise<NotificationPreferences> {
  const changes = Object.fromEntries(preferenceKeys.filter((key) => input[key] !== undefined).map((key) => [key, input[key]!]));
  return upsertPreferences(db, owner, changes, workspaceTimezone);
}

/** Replaces the caller's quiet hours (already validated by quietHoursSchema). Returns every preference. */
export async function updateQuietHours(db: Db, owner: InboxOwner, quiet: QuietHours, workspaceTimezone = unchosenTimezone): Promise<NotificationPreferences> {
  return upsertPreferences(
    db,
    owner,
    {
      quietHoursEnabled: quiet.enabled,
      quietFromMinute: quiet.fromMinute,
      quietToMinute: quiet.toMinute,
      quietWeekdays: quiet.weekdays,
      quietTimezone: quiet.timezone,
    },
    workspaceTimezone,
  );
}

async function upsertPreferences(db: Db, owner: InboxOwner, changes: Partial<PreferenceRow>, workspaceTimezone: string) {
  const [row] = await db
    .insert(notificationPreferences)
    .values({ workspaceId: owner.workspaceId, userId: owner.userId, ...changes })
    .onConflictDoUpdate({
      target: [notificationPreferences.workspaceId, notificationPreferences.userId],
      set: { ...changes, updatedAt: new Date() },
    })
    .returning();
  return valuesOf(row, workspaceTimezone);
}

/**
 * For the fan-out: the quiet hours of these members of the workspace, for those who have them on
 * (and at least one day chosen); anyone else is absent from the map. One query whatever the count.
 * A zone the runtime no longer knows (its time zone data changed) is read as UTC rather than
 * failing every fan-out that reaches this member.
 */
export async function loadQuietHours(db: Db, workspaceId: string, userIds: readonly string[]): Promise<Map<string, QuietHours>> {
  const found = new Map<string, QuietHours>();
  if (userIds.length === 0) return found;
  const rows = await db
    .select({
      userId: notificationPreferences.userId,
      fromMinute: notificationPreferences.quietFromMinute,
      toMinute: notificationPreferences.quietToMinute,
      weekdays: notificationPreferences.quietWeekdays,
      timezone: notificationPreferences.quietTimezone,
    })
    .from(notificationPreferences)
    .where(
      and(
        eq(notificationPreferences.workspaceId, workspaceId),
        sql`${notificationPreferences.userId} = any(${toUuidArray([...new Set(userIds)])})`,
        eq(notificationPreferences.quietHoursEnabled, true),
        sql`cardinality(${notificationPreferences.quietWeekdays}) > 0`,
      ),
    );
  // Members share few zones; check each once.
  const zones = new Map<string, string>();
  const usableZone = (zone: string) => {
    if (!zones.has(zone)) {
      const parsed = timezoneSchema.safeParse(zone);
      zones.set(zone, parsed.success ? parsed.data : "UTC");
    }
    return zones.get(zone)!;
  };
  for (const row of rows) {
    found.set(row.userId, {
      enabled: true,
      fromMinute: row.fromMinute,
      toMinute: row.toMinute,
      weekdays: [...row.weekdays].sort((a, b) => a - b),
      timezone: usableZone(row.timezone),
    });
  }
  return found;
}
