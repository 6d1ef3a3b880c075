// Inputs of the inbox and of preferences. Dependency-free apart from zod, so the UI can reuse them.
import { z } from "zod";
import { severities } from "@/server/events/severities";

export const maxInboxPageSize = 100;
export const defaultInboxPageSize = 50;
/** The bell's dropdown. */
export const latestNotificationsCount = 10;
/** Ids per mark-read / archive call. */
export const maxNotificationIds = 500;

export const notificationIdSchema = z.uuid({ message: "Not a notification id" });

export const listNotificationsInput = z.object({
  /** true: unread only; false: read only; absent: both. */
  unread: z.boolean().optional(),
  /** false (default): the inbox; true: the archive. */
  archived: z.boolean().default(false),
  severities: z.array(z.enum(severities)).max(severities.length).optional(),
  ruleIds: z.array(z.uuid({ message: "Not a rule id" })).max(50, "At most 50 rules").optional(),
  communityIds: z.array(z.uuid({ message: "Not a community id" })).max(50, "At most 50 communities").optional(),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(maxInboxPageSize, `At most ${maxInboxPageSize} per page`).default(defaultInboxPageSize),
});
export type ListNotificationsInput = z.input<typeof listNotificationsInput>;

const notificationIds = z
  .array(notificationIdSchema)
  .min(1, "Choose at least one notification")
  .max(maxNotificationIds, `At most ${maxNotificationIds} at once`);

/** A summary entry's events (a digest, a maintenance window): at most this many are listed. */
export const maxSummaryEvents = 200;
export const summaryEventsInput = z.object({ notificationId: notificationIdSchema });

export const markNotificationsReadInput = z.object({ ids: notificationIds, read: z.boolean().default(true) });
export const archiveNotificationsInput = z.object({ ids: notificationIds, archived: z.boolean().default(true) });

/** Preferences: each channel kind on or off, for the caller in this workspace. */
export const preferenceKeys = ["inApp", "email", "slack", "teams", "mattermost", "discord", "webhook"] as const;
export type PreferenceKey = (typeof preferenceKeys)[number];
export type NotificationPreferenceValues = Record<PreferenceKey, boolean>;

export const updatePreferencesInput = z.object(
  Object.fromEntries(preferenceKeys.map((key) => [key, z.boolean().optional()])) as Record<PreferenceKey, z.ZodOptional<z.ZodBoolean>>,
);
export type UpdatePreferencesInput = z.infer<typeof updatePreferencesInput>;
