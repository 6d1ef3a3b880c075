import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";
import { users } from "./auth";
import { channels } from "./channels";
import { events, intakeSources, sourceMaintenanceWindows } from "./ingest";
import { rules } from "./rules";
import { workspaces } from "./workspaces";

const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/**
 * A rule's throttle decisions: one row per (rule, event) the fan-out weighed, so that running it
 * again for the same event decides the same way and counts nothing twice. The latest notified row
 * of a (rule, fingerprint) is its open window; every match suppressed inside it is counted on that
 * row (`suppressed_after`), and the next notified row carries that count (`suppressed_before`):
 * "+7 similar suppressed".
 */
export const ruleThrottleHits = pgTable(
  "rule_throttle_hits",
  {
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    fingerprint: text("fingerprint").notNull(),
    /** The event's received time: windows are measured on it. */
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull(),
    notified: boolean("notified").notNull(),
    /** Notified rows: matches suppressed in the window before this one opened. */
    suppressedBefore: integer("suppressed_before").notNull().default(0),
    /** Notified rows: matches suppressed in the window this one opened (so far). */
    suppressedAfter: integer("suppressed_after").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.eventId] }),
    index("rule_throttle_hits_open_window_idx").on(t.ruleId, t.fingerprint, t.receivedAt.desc()).where(sql`${t.notified}`),
    index("rule_throttle_hits_workspace_id_idx").on(t.workspaceId),
    index("rule_throttle_hits_event_id_idx").on(t.eventId),
  ],
);

/** Why notifications are held and later sent as one summary. */
export const batchReasons = ["digest", "quiet_hours", "maintenance"] as const;
export type BatchReason = (typeof batchReasons)[number];

/**
 * Notifications held together until `release_at`, then sent as one summary per member (in-app)
 * and per channel: a rule's digest window (`rule_id`), a member's quiet hours on one of their
 * channels (`channel_id`), a source's maintenance window (`maintenance_window_id`). At most one
 * batch per reason and key is open (not yet released) at a time.
 */
export const notificationBatches = pgTable(
  "notification_batches",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: batchReasons }).notNull(),
    /** The rule, channel or maintenance window id, by reason: what the open-batch key is on. */
    keyId: uuid("key_id").notNull(),
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id").references(() => channels.id, { onDelete: "cascade" }),
    /** Quiet hours: the member whose quiet hours hold it. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    maintenanceWindowId: uuid("maintenance_window_id").references(() => sourceMaintenanceWindows.id, { onDelete: "cascade" }),
    sourceId: uuid("source_id").references(() => intakeSources.id, { onDelete: "cascade" }),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull(),
    releaseAt: timestamp("release_at", { withTimezone: true }).notNull(),
    releasedAt: timestamp("released_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("notification_batches_open_key").on(t.reason, t.keyId).where(sql`${t.releasedAt} is null`),
    index("notification_batches_due_idx").on(t.releaseAt).where(sql`${t.releasedAt} is null`),
    index("notification_batches_workspace_id_idx").on(t.workspaceId),
    index("notification_batches_rule_id_idx").on(t.ruleId),
    index("notification_batches_channel_id_idx").on(t.channelId),
    index("notification_batches_user_id_idx").on(t.userId),
    index("notification_batches_maintenance_window_id_idx").on(t.maintenanceWindowId),
    index("notification_batches_source_id_idx").on(t.sourceId),
    check("notification_batches_reason_check", sql`${t.reason} in (${sqlList(batchReasons)})`),
  ],
);

/**
 * One held notification: an inbox entry (`user_id`) or a delivery (`channel_id`) the fan-out
 * would have written for (event, rule), kept in a batch until it is summarised. Unique per
 * (event, rule, target) whatever the batch, so a second fan-out of the same event holds nothing twice.
 */
export const heldNotifications = pgTable(
  "held_notifications",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    batchId: uuid("batch_id")
      .notNull()
      .references(() => notificationBatches.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "set null" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id").references(() => channels.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("held_notifications_target_key").on(
      t.eventId,
      sql`coalesce(${t.ruleId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      sql`coalesce(${t.userId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      sql`coalesce(${t.channelId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
    ),
    index("held_notifications_batch_id_idx").on(t.batchId),
    index("held_notifications_workspace_id_idx").on(t.workspaceId),
    index("held_notifications_rule_id_idx").on(t.ruleId),
    index("held_notifications_user_id_idx").on(t.userId),
    index("held_notifications_channel_id_idx").on(t.channelId),
    check("held_notifications_target_check", sql`(${t.userId} is null) <> (${t.channelId} is null)`),
  ],
);
