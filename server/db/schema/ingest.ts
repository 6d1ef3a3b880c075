import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";
import { severities, type Severity } from "@/server/events/severities";
import { users } from "./auth";
import { communities, workspaces } from "./workspaces";

export const sourceFormats = ["generic", "cloudevents", "authentik", "datatheorem", "slack", "teams"] as const;
export type SourceFormat = (typeof sourceFormats)[number];

export { severities, type Severity };

export const eventOrigins = ["ingest", "system", "audit"] as const;
export type EventOrigin = (typeof eventOrigins)[number];

const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/** Where a security tool posts: one per tool and community, reached by its public ingest URL. */
export const intakeSources = pgTable(
  "intake_sources",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    communityId: uuid("community_id")
      .notNull()
      .references(() => communities.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    format: text("format", { enum: sourceFormats }).notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** Raise `intake.silent` when nothing arrived for this long; null = never. */
    silenceAfterSeconds: integer("silence_after_seconds"),
    rateLimitPerSecond: integer("rate_limit_per_second").notNull().default(100),
    lastEventAt: timestamp("last_event_at", { withTimezone: true }),
    /** Set by the silence watcher when the source went quiet past `silenceAfterSeconds`; null while receiving. */
    silentSince: timestamp("silent_since", { withTimezone: true }),
    /**
     * `last_event_at` when the source went silent: the watcher sees it resume once `last_event_at`
     * moves past this, whatever the clocks of the ingest path and the job layer say.
     */
    silentLastEventAt: timestamp("silent_last_event_at", { withTimezone: true }),
    createdById: uuid("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("intake_sources_workspace_id_idx").on(t.workspaceId),
    index("intake_sources_community_id_idx").on(t.communityId),
    uniqueIndex("intake_sources_community_id_name_key").on(t.communityId, sql`lower(${t.name})`),
    check("intake_sources_format_check", sql`${t.format} in (${sqlList(sourceFormats)})`),
    check("intake_sources_silence_after_check", sql`${t.silenceAfterSeconds} is null or ${t.silenceAfterSeconds} between 60 and 2592000`),
    check("intake_sources_rate_limit_check", sql`${t.rateLimitPerSecond} between 1 and 100000`),
  ],
);

/**
 * A source's tokens. Only hashes are kept. Rotating adds a token and gives the previous ones an
 * expiry (the grace period); revoking ends them at once.
 */
export const intakeSourceTokens = pgTable(
  "intake_source_tokens",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    sourceId: uuid("source_id")
      .notNull()
      .references(() => intakeSources.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    /** The first characters, so people can tell tokens apart without the secret. */
    displayPrefix: text("display_prefix").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("intake_source_tokens_token_hash_key").on(t.tokenHash),
    index("intake_source_tokens_workspace_id_idx").on(t.workspaceId),
    index("intake_source_tokens_source_id_idx").on(t.sourceId),
  ],
);

export const events = pgTable(
  "events",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    communityId: uuid("community_id").references(() => communities.id, { onDelete: "cascade" }),
    sourceId: uuid("source_id").references(() => intakeSources.id, { onDelete: "set null" }),
    type: text("type").notNull(),
    severity: text("severity", { enum: severities }).notNull(),
    title: text("title").notNull(),
    message: text("message"),
    actor: text("actor"),
    clientIp: text("client_ip"),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
    externalId: text("external_id"),
    fingerprint: text("fingerprint"),
    origin: text("origin", { enum: eventOrigins }).notNull(),
    data: jsonb("data").$type<Record<string, unknown>>(),
    raw: jsonb("raw"),
    /**
     * Set by the fan-out once this event's inbox entries and deliveries are written (or it matched
     * nothing). A sweeper re-sends events left without it, so a fan-out lost with a process (the
     * inline runner keeps runs in memory) is done again.
     */
    fannedOutAt: timestamp("fanned_out_at", { withTimezone: true }),
    /** When the sweeper last re-sent this event's fan-out: a lease, so it is re-sent at most every few minutes. */
    fanOutResentAt: timestamp("fan_out_resent_at", { withTimezone: true }),
  },
  (t) => [
    index("events_workspace_id_received_at_idx").on(t.workspaceId, t.receivedAt.desc()),
    index("events_workspace_id_type_idx").on(t.workspaceId, t.type),
    index("events_community_id_received_at_idx").on(t.communityId, t.receivedAt.desc()),
    index("events_source_id_received_at_idx").on(t.sourceId, t.receivedAt.desc()),
    // A tool's retry of the same event is a duplicate, not a second event.
    uniqueIndex("events_source_id_external_id_key").on(t.sourceId, t.externalId).where(sql`${t.externalId} is not null`),
    index("events_unfanned_idx").on(t.receivedAt).where(sql`${t.fannedOutAt} is null`),
    check("events_severity_check", sql`${t.severity} in (${sqlList(severities)})`),
    check("events_origin_check", sql`${t.origin} in (${sqlList(eventOrigins)})`),
  ],
);

/**
 * A planned maintenance of a source's tool: notifications about its events that arrive between
 * `starts_at` and `ends_at` are held (in-app and every channel), then summarised when it ends.
 */
export const sourceMaintenanceWindows = pgTable(
  "source_maintenance_windows",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    sourceId: uuid("source_id")
      .notNull()
      .references(() => intakeSources.id, { onDelete: "cascade" }),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    reason: text("reason").notNull().default(""),
    createdById: uuid("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("source_maintenance_windows_workspace_id_idx").on(t.workspaceId),
    index("source_maintenance_windows_source_id_ends_at_idx").on(t.sourceId, t.endsAt),
    check("source_maintenance_windows_period_check", sql`${t.endsAt} > ${t.startsAt}`),
    check("source_maintenance_windows_reason_check", sql`char_length(${t.reason}) <= 500`),
  ],
);

/** Stripe-style Idempotency-Key: the first response to a key is replayed for 24 h. */
export const ingestIdempotencyKeys = pgTable(
  "ingest_idempotency_keys",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    sourceId: uuid("source_id")
      .notNull()
      .references(() => intakeSources.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    responseStatus: integer("response_status").notNull(),
    responseBody: jsonb("response_body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.sourceId, t.key] }),
    index("ingest_idempotency_keys_workspace_id_idx").on(t.workspaceId),
    index("ingest_idempotency_keys_created_at_idx").on(t.createdAt),
  ],
);
