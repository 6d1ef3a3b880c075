import { sql } from "drizzle-orm";
import { check, integer, pgTable, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth";
import { workspaces } from "./workspaces";

/**
 * Settings of the whole Tocsin instance (one row, id 1), edited by its administrators
 * (`TOCSIN_ADMIN_EMAILS`): where exception notices go and how often. Not a tenant table.
 */
export const instanceSettings = pgTable(
  "instance_settings",
  {
    id: smallint("id").primaryKey().default(1),
    /** Sender of every email Tocsin sends; null: the `EMAIL_FROM` variable or the built-in default. */
    emailFrom: text("email_from"),
    exceptionEmails: text("exception_emails").array().notNull().default(sql`'{}'::text[]`),
    /** The exception notices' Teams webhook URL, sealed like channel secrets (AES-256-GCM). */
    exceptionTeamsUrlSealed: text("exception_teams_url_sealed"),
    /** Masked rendering of that URL, for the settings page. */
    exceptionTeamsUrlMasked: text("exception_teams_url_masked"),
    secretsKeyId: text("secrets_key_id"),
    /** The same exception (by fingerprint) is sent at most once per this many seconds. */
    exceptionRateLimitSeconds: integer("exception_rate_limit_seconds").notNull().default(3600),
    updatedById: uuid("updated_by_id").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("instance_settings_singleton_check", sql`${t.id} = 1`),
    check("instance_settings_exception_rate_limit_check", sql`${t.exceptionRateLimitSeconds} between 60 and 604800`),
  ],
);

/**
 * Unhandled exceptions, one row per fingerprint (class, message shape and top frames): how often
 * and when last seen, and when a notice last went out, so the same one is sent at most once per
 * window however often it happens. Not a tenant table: the operators' view of the instance.
 */
export const exceptionNotices = pgTable("exception_notices", {
  fingerprint: text("fingerprint").primaryKey(),
  exceptionClass: text("exception_class").notNull(),
  message: text("message").notNull(),
  traceback: text("traceback").notNull(),
  /** Where it happened: "trpc rule.create", "POST /api/ingest", "job fan-out-events". */
  origin: text("origin").notNull(),
  /** The workspace the failing request or job was working for, when there was one. */
  workspaceId: uuid("workspace_id").references(() => workspaces.id, { onDelete: "set null" }),
  firstSeenAt: timestamp("first_seen_at", { withTimezone: true }).notNull(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
  occurrences: integer("occurrences").notNull().default(1),
  lastNotifiedAt: timestamp("last_notified_at", { withTimezone: true }),
  /** Occurrences since the last notice went out (shown in the next one). */
  suppressedSinceNotice: integer("suppressed_since_notice").notNull().default(0),
});
