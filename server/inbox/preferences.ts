import { and, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { notificationPreferences } from "@/server/db/schema";
import { preferenceKeys, type NotificationPreferenceValues, type UpdatePreferencesInput } from "./inbox-schemas";
import type { InboxOwner } from "./notifications";

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

function valuesOf(row: typeof notificationPreferences.$inferSelect | undefined): NotificationPreferenceValues {
  if (!row) return { ...defaultPreferences };
  return Object.fromEntries(preferenceKeys.map((key) => [key, row[key]])) as NotificationPreferenceValues;
}

/** The caller's channel kinds on/off in this workspace. */
export async function getPreferences(db: Db, owner: InboxOwner): Promise<NotificationPreferenceValues> {
  const [row] = await db
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.workspaceId, owner.workspaceId), eq(notificationPreferences.userId, owner.userId)));
  return valuesOf(row);
}

/** Changes the kinds named in `input`; the others keep their value. Returns them all. */
export async function updatePreferences(db: Db, owner: InboxOwner, input: UpdatePreferencesInput): Promise<NotificationPreferenceValues> {
  const changes = Object.fromEntries(preferenceKeys.filter((key) => input[key] !== undefined).map((key) => [key, input[key]!]));
  const [row] = await db
    .insert(notificationPreferences)
    .values({ workspaceId: owner.workspaceId, userId: owner.userId, ...changes })
    .onConflictDoUpdate({
      target: [notificationPreferences.workspaceId, notificationPreferences.userId],
      set: { ...changes, updatedAt: new Date() },
    })
    .returning();
  return valuesOf(row);
}
