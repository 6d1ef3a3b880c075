import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";
import { users } from "./auth";
import { events } from "./ingest";
import { notificationBatches } from "./noise";
import { rules } from "./rules";
import { workspaces } from "./workspaces";

const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/**
 * Kinds of stored channel: where a rule's match is delivered besides the in-app inbox (which is
 * every member's own and needs no configuration). Every kind but email posts to a webhook URL.
 */
export const deliveryChannelKinds = ["email", "slack", "teams", "mattermost", "discord", "webhook"] as const;
export type DeliveryChannelKind = (typeof deliveryChannelKinds)[number];

/** The kinds that count toward the workspace's webhook-channel cap: all that post to a URL. */
export const webhookChannelKinds = ["slack", "teams", "mattermost", "discord", "webhook"] as const satisfies readonly DeliveryChannelKind[];

/** Non-secret settings, per kind (the secret ones are encrypted in `secrets`). */
export type ChannelSettings =
  | { kind: "email"; recipients: string[] }
  | { kind: "slack" | "teams" | "mattermost" | "discord" }
  | { kind: "webhook"; auth: "none" | "bearer" | "basic"; basicUsername: string | null };

/**
 * A destination for notifications. Personal (`owner_user_id` set: only its owner sees it and
 * only their personal rules use it) or workspace-shared (null owner: written by admins, usable
 * by shared rules and by everyone's personal rules). Secrets — webhook URLs, Authorization
 * credentials, signing secrets — are one AES-256-GCM envelope in `secrets`, bound to the row's id
 * and workspace, under the key named by `secrets_key_id`; `target` is their masked rendering.
 */
export const channels = pgTable(
  "channels",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Personal channels: whose. Null: shared by the workspace. */
    ownerUserId: uuid("owner_user_id").references(() => users.id, { onDelete: "cascade" }),
    createdById: uuid("created_by_id").references(() => users.id, { onDelete: "set null" }),
    kind: text("kind", { enum: deliveryChannelKinds }).notNull(),
    name: text("name").notNull(),
    settings: jsonb("settings").$type<ChannelSettings>().notNull(),
    /** Encrypted JSON of the kind's secrets (see server/channels/secret-box.ts). */
    secrets: text("secrets").notNull(),
    /** Which encryption key sealed `secrets` (a fingerprint of the key, never the key). */
    secretsKeyId: text("secrets_key_id").notNull(),
    /** Until when the previous signing secret still signs too (webhook kind; 24 h after a rotation). */
    previousSigningSecretExpiresAt: timestamp("previous_signing_secret_expires_at", { withTimezone: true }),
    /** The destination, masked (`https://hooks.slack.com/services/…2fQx`, or the email addresses). */
    target: text("target").notNull(),
    /** Retries after the first attempt: 3 by default (+10 s, +1 min, +10 min), up to 8 (about a day). */
    maxRetries: integer("max_retries").notNull().default(3),
    enabled: boolean("enabled").notNull().default(true),
    /** Why Tocsin switched it off (null when a person did, or when it is on). */
    disabledReason: text("disabled_reason"),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Deliveries that finally failed in a row; 5 disables the channel, a success resets it. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    lastDeliveredAt: timestamp("last_delivered_at", { withTimezone: true }),
    lastFailedAt: timestamp("last_failed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("channels_workspace_id_idx").on(t.workspaceId),
    index("channels_owner_user_id_idx").on(t.ownerUserId),
    index("channels_created_by_id_idx").on(t.createdById),
    // Names are unique among a member's own channels, and among the workspace's shared ones.
    uniqueIndex("channels_workspace_id_owner_name_key").on(
      t.workspaceId,
      sql`coalesce(${t.ownerUserId}, '00000000-0000-0000-0000-000000000000'::uuid)`,
      sql`lower(${t.name})`,
    ),
    check("channels_kind_check", sql`${t.kind} in (${sqlList(deliveryChannelKinds)})`),
    check("channels_name_check", sql`char_length(${t.name}) between 1 and 120`),
    check("channels_max_retries_check", sql`${t.maxRetries} between 0 and 8`),
    check("channels_consecutive_failures_check", sql`${t.consecutiveFailures} >= 0`),
  ],
);

/** The channels a rule delivers to (besides the in-app inbox, `rules.notify_in_app`). */
export const ruleChannels = pgTable(
  "rule_channels",
  {
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.channelId] }),
    index("rule_channels_channel_id_idx").on(t.channelId),
    index("rule_channels_workspace_id_idx").on(t.workspaceId),
  ],
);

export const deliveryStatuses = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * One delivery per event × rule × channel: the unique key makes the fan-out idempotent. Its
 * `message_id` is the `webhook-id` receivers see, the same on every retry and replay. Durable
 * truth for the delivery job: a restarted process finds pending deliveries here and resumes them.
 */
export const deliveries = pgTable(
  "deliveries",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    /** The rule that matched; null once that rule is deleted (the log stays). */
    ruleId: uuid("rule_id").references(() => rules.id, { onDelete: "set null" }),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    /** `msg_` and the id's hex digits: unique as the id is (derived from it, so no index of its own). */
    messageId: text("message_id").notNull(),
    status: text("status", { enum: deliveryStatuses }).notNull().default("pending"),
    /** Attempts made so far (replays included). */
    attempts: integer("attempts").notNull().default(0),
    /** Pending: when the next attempt is due. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    /** An attempt in flight holds the delivery until then, so two runners never attempt it at once. */
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    /** The job run holding the lease: the same run may take it again when retrying after a crash. */
    leaseOwner: text("lease_owner"),
    /** `attempts` when the current series began (0, or the count at the last replay): retries are counted from it. */
    seriesStartAttempts: integer("series_start_attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastErrorClass: text("last_error_class"),
    lastLatencyMs: integer("last_latency_ms"),
    /** Manual replays so far. */
    replays: integer("replays").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    failedAt: timestamp("failed_at", { withTimezone: true }),
    /** A summary delivery (digest, quiet hours, maintenance): the batch it sums up; `event_id` is the batch's first event. */
    batchId: uuid("batch_id").references((): AnyPgColumn => notificationBatches.id, { onDelete: "cascade" }),
  },
  (t) => [
    // Also the event's deliveries (its leading column) and what cascades from a deleted event.
    uniqueIndex("deliveries_event_id_rule_id_channel_id_key").on(t.eventId, t.ruleId, t.channelId),
    index("deliveries_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt.desc()),
    index("deliveries_channel_id_created_at_idx").on(t.channelId, t.createdAt.desc()),
    index("deliveries_rule_id_idx").on(t.ruleId),
    // The resume sweeper: pending deliveries by due time.
    index("deliveries_pending_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    // "Replay every failed delivery since …" per channel.
    index("deliveries_failed_idx").on(t.channelId, t.failedAt).where(sql`${t.status} = 'failed'`),
    // A batch sums up once per channel: releasing it twice sends nothing twice.
    uniqueIndex("deliveries_channel_id_batch_id_key").on(t.channelId, t.batchId).where(sql`${t.batchId} is not null`),
    check("deliveries_status_check", sql`${t.status} in (${sqlList(deliveryStatuses)})`),
  ],
);

export const attemptOutcomes = ["delivered", "retry", "failed"] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];

/**
 * Every attempt of a delivery: status code, latency and an error class in Tocsin's own words.
 * The receiver's response body is never stored: it is not ours to show back.
 */
export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deliveryId: uuid("delivery_id")
      .notNull()
      .references(() => deliveries.id, { onDelete: "cascade" }),
    /** 1 for the first attempt; counts on across replays. */
    number: integer("number").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    latencyMs: integer("latency_ms").notNull(),
    statusCode: integer("status_code"),
    outcome: text("outcome", { enum: attemptOutcomes }).notNull(),
    errorClass: text("error_class"),
    /** What went wrong, in Tocsin's words (never the receiver's body). */
    error: text("error"),
    /** Retry outcome: when the next attempt is due. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    requestBytes: integer("request_bytes").notNull().default(0),
  },
  (t) => [
    uniqueIndex("delivery_attempts_delivery_id_number_key").on(t.deliveryId, t.number),
    index("delivery_attempts_workspace_id_idx").on(t.workspaceId),
    check("delivery_attempts_outcome_check", sql`${t.outcome} in (${sqlList(attemptOutcomes)})`),
  ],
);
