import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";
import { users } from "./auth";

export const workspaceModes = ["single", "multi"] as const;
export type WorkspaceMode = (typeof workspaceModes)[number];

export const roles = ["owner", "admin", "analyst", "viewer"] as const;
export type Role = (typeof roles)[number];

export const workspaces = pgTable(
  "workspaces",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    mode: text("mode", { enum: workspaceModes }).notNull().default("single"),
    retentionDays: integer("retention_days").notNull().default(365),
    webhookChannelCap: integer("webhook_channel_cap").notNull().default(10),
    timezone: text("timezone").notNull().default("UTC"),
    /** Inbox hygiene: at most this many entries per member stay in the inbox (oldest read archived first). */
    inboxCap: integer("inbox_cap").notNull().default(10_000),
    /** Inbox hygiene: entries older than this are archived. */
    inboxAutoArchiveDays: integer("inbox_auto_archive_days").notNull().default(90),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("workspaces_slug_key").on(t.slug),
    check("workspaces_mode_check", sql`${t.mode} in ('single', 'multi')`),
    check("workspaces_retention_days_check", sql`${t.retentionDays} between 1 and 3650`),
    check("workspaces_webhook_channel_cap_check", sql`${t.webhookChannelCap} between 0 and 1000`),
    check("workspaces_inbox_cap_check", sql`${t.inboxCap} between 100 and 1000000`),
    check("workspaces_inbox_auto_archive_days_check", sql`${t.inboxAutoArchiveDays} between 1 and 3650`),
  ],
);

export const communities = pgTable(
  "communities",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("communities_workspace_id_idx").on(t.workspaceId),
    // Names are unique per workspace regardless of case: "Acme" and "acme" would confuse a rule editor.
    uniqueIndex("communities_workspace_id_name_key").on(t.workspaceId, sql`lower(${t.name})`),
  ],
);

export const memberships = pgTable(
  "memberships",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: roles }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("memberships_workspace_id_user_id_key").on(t.workspaceId, t.userId),
    index("memberships_user_id_idx").on(t.userId),
    check("memberships_role_check", sql`${t.role} in ('owner', 'admin', 'analyst', 'viewer')`),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: roles }).notNull(),
    // Only a hash is kept: the token itself travels once, in the invitation email.
    tokenHash: text("token_hash").notNull(),
    invitedById: uuid("invited_by_id").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedById: uuid("accepted_by_id").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("invitations_workspace_id_idx").on(t.workspaceId),
    index("invitations_email_idx").on(t.email),
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    // At most one open invitation per address and workspace; re-inviting refreshes it.
    uniqueIndex("invitations_open_workspace_id_email_key")
      .on(t.workspaceId, t.email)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
    check("invitations_role_check", sql`${t.role} in ('owner', 'admin', 'analyst', 'viewer')`),
  ],
);
