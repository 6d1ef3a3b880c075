import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";
import { severities } from "@/server/events/severities";
import { users } from "./auth";
import { events } from "./ingest";
import { notificationBatches } from "./noise";
import { rules } from "./rules";
import { communities, workspaces } from "./workspaces";

const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/** Channel kinds a user can turn on or off for themselves (Preferences). */
export const channelKinds = ["in_app", "email", "slack", "teams", "mattermost", "discord", "webhook"] as const;
export type ChannelKind = (typeof channelKinds)[number];

/**
 * The in-app inbox: one entry per user × event × rule. The unique key makes the fan-out
 * idempotent: running it twice for the same events inserts nothing the second time.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    /** The rule that matched; null once that rule is deleted (the entry stays in the inbox). */
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "set null" }),
    communityId: uuid("community_id").references(() => communities.id, { onDelete: "cascade" }),
    /** The event's severity, copied so that filters and counts need no join. */
    severity: text("severity", { enum: severities }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    /** A summary entry (digest, maintenance): the batch it sums up; `event_id` is the batch's first event. */
    batchId: uuid("batch_id").references((): AnyPgColumn => notificationBatches.id, { onDelete: "cascade" }),
  },
  (t) => [
    uniqueIndex("notifications_user_id_event_id_rule_id_key").on(t.userId, t.eventId, t.ruleId),
    // The inbox page and the bell's dropdown: a user's entries in a workspace, newest first; the
    // archive likewise. Two partial indexes, so that each list reads its own entries in order.
    index("notifications_inbox_idx")
      .on(t.workspaceId, t.userId, t.createdAt.desc(), t.id.desc())
      .where(sql`${t.archivedAt} is null`),
    index("notifications_archive_idx")
      .on(t.workspaceId, t.userId, t.createdAt.desc(), t.id.desc())
      .where(sql`${t.archivedAt} is not null`),
    // The bell's count: unread, not archived.
    index("notifications_unread_idx")
      .on(t.workspaceId, t.userId)
      .where(sql`${t.readAt} is null and ${t.archivedAt} is null`),
    // Hygiene: auto-archive after N days scans the workspace's active entries by age.
    index("notifications_active_created_at_idx")
      .on(t.workspaceId, t.createdAt)
      .where(sql`${t.archivedAt} is null`),
    index("notifications_event_id_idx").on(t.eventId),
    index("notifications_rule_id_idx").on(t.ruleId),
    // A batch sums up once per member: releasing it twice creates nothing twice.
    uniqueIndex("notifications_user_id_batch_id_key").on(t.userId, t.batchId).where(sql`${t.batchId} is not null`),
    check("notifications_severity_check", sql`${t.severity} in (${sqlList(severities)})`),
  ],
);

/** A member's channel kinds on/off in one workspace. No row: everything on. */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    inApp: boolean("in_app").notNull().default(true),
    email: boolean("email").notNull().default(true),
    slack: boolean("slack").notNull().default(true),
    teams: boolean("teams").notNull().default(true),
    mattermost: boolean("mattermost").notNull().default(true),
    discord: boolean("discord").notNull().default(true),
    webhook: boolean("webhook").notNull().default(true),
    /**
     * Quiet hours: from `quiet_from_minute` to `quiet_to_minute` (minutes after midnight in
     * `quiet_timezone`; a period may run past midnight), starting on `quiet_weekdays` (0 = Sunday),
     * non-critical email and chat deliveries to the member's own channels wait, then go as one summary.
     */
    quietHoursEnabled: boolean("quiet_hours_enabled").notNull().default(false),
    quietFromMinute: smallint("quiet_from_minute").notNull().default(22 * 60),
    quietToMinute: smallint("quiet_to_minute").notNull().default(7 * 60),
    quietWeekdays: smallint("quiet_weekdays").array().notNull().default(sql`'{0,1,2,3,4,5,6}'::smallint[]`),
    quietTimezone: text("quiet_timezone").notNull().default("UTC"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index("notification_preferences_user_id_idx").on(t.userId),
    check("notification_preferences_quiet_minutes_check", sql`${t.quietFromMinute} between 0 and 1439 and ${t.quietToMinute} between 0 and 1439`),
    check("notification_preferences_quiet_weekdays_check", sql`${t.quietWeekdays} <@ '{0,1,2,3,4,5,6}'::smallint[]`),
  ],
);
