import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";
import type { RuleConditions } from "@/server/rules/rule-definition";
import { users } from "./auth";
import { communities, roles, workspaces, type Role } from "./workspaces";

export const ruleKinds = ["personal", "shared"] as const;
export type RuleKind = (typeof ruleKinds)[number];

/** Where a rule listens: the community it was created in, every community, or a chosen set (multi mode). */
export const ruleScopes = ["community", "workspace", "communities"] as const;
export type RuleScope = (typeof ruleScopes)[number];

const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

/**
 * A notification rule. Personal rules belong to `owner_user_id` (and only they ever see them);
 * shared rules are the workspace's, written by admins, with recipients chosen by user and role.
 */
export const rules = pgTable(
  "rules",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The community the rule was created in; scope `community` listens to it alone. */
    communityId: uuid("community_id")
      .notNull()
      .references(() => communities.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: ruleKinds }).notNull(),
    /** Personal rules only: whose rule it is. A user's personal rules go with the user. */
    ownerUserId: uuid("owner_user_id").references(() => users.id, { onDelete: "cascade" }),
    /** Who wrote it (for shared rules, the admin; kept for the record when they leave). */
    createdById: uuid("created_by_id").references(() => users.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    enabled: boolean("enabled").notNull().default(true),
    scope: text("scope", { enum: ruleScopes }).notNull().default("community"),
    /** Trigger patterns as written; also exploded into rule_triggers for candidate selection. */
    triggers: text("triggers").array().notNull(),
    conditions: jsonb("conditions").$type<RuleConditions>().notNull(),
    notifyInApp: boolean("notify_in_app").notNull().default(true),
    /** Shared rules: members with these roles receive it (as well as rule_recipients). */
    recipientRoles: text("recipient_roles").array().$type<Role[]>().notNull().default(sql`'{}'::text[]`),
    /** Shared rules: also notify the member whose email is the event's actor. */
    notifyEventUser: boolean("notify_event_user").notNull().default(false),
    /** The same fingerprint notifies at most once per this many seconds; null = no throttle. */
    throttleSeconds: integer("throttle_seconds"),
    /** Matches are gathered for this many seconds and sent as one summary; null = one by one. */
    digestSeconds: integer("digest_seconds"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("rules_workspace_id_idx").on(t.workspaceId),
    index("rules_community_id_idx").on(t.communityId),
    index("rules_owner_user_id_idx").on(t.ownerUserId),
    index("rules_created_by_id_idx").on(t.createdById),
    check("rules_kind_check", sql`${t.kind} in (${sqlList(ruleKinds)})`),
    check("rules_scope_check", sql`${t.scope} in (${sqlList(ruleScopes)})`),
    // A personal rule has an owner; a shared one has none (its recipients say who hears of it).
    check("rules_owner_check", sql`(${t.kind} = 'personal') = (${t.ownerUserId} is not null)`),
    check("rules_recipient_roles_check", sql`${t.recipientRoles} <@ array[${sqlList(roles)}]::text[]`),
    check("rules_triggers_check", sql`cardinality(${t.triggers}) between 1 and 50`),
    check("rules_throttle_seconds_check", sql`${t.throttleSeconds} is null or ${t.throttleSeconds} between 60 and 604800`),
    check("rules_digest_seconds_check", sql`${t.digestSeconds} is null or ${t.digestSeconds} between 60 and 86400`),
    check("rules_name_check", sql`char_length(${t.name}) between 1 and 120`),
  ],
);

/** Scope `communities`: the chosen set. */
export const ruleCommunities = pgTable(
  "rule_communities",
  {
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    communityId: uuid("community_id")
      .notNull()
      .references(() => communities.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.communityId] }),
    index("rule_communities_community_id_idx").on(t.communityId),
    index("rule_communities_workspace_id_idx").on(t.workspaceId),
  ],
);

/**
 * One row per trigger pattern of a rule, with its literal prefix (everything before the first
 * `*`). The fan-out asks for `literal_prefix = any(<every prefix of the event's type>)` on the
 * (workspace_id, literal_prefix) index, so it reads only the rules that can match the type.
 */
export const ruleTriggers = pgTable(
  "rule_triggers",
  {
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    pattern: text("pattern").notNull(),
    literalPrefix: text("literal_prefix").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.pattern] }),
    index("rule_triggers_workspace_id_literal_prefix_idx").on(t.workspaceId, t.literalPrefix, t.ruleId),
  ],
);

/** Shared rules: members chosen by name. */
export const ruleRecipients = pgTable(
  "rule_recipients",
  {
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.ruleId, t.userId] }),
    index("rule_recipients_user_id_idx").on(t.userId),
    index("rule_recipients_workspace_id_idx").on(t.workspaceId),
  ],
);

/**
 * A counter per workspace, bumped by a statement trigger on `rules` (see the migration) whenever
 * any of its rules is created, changed or deleted — cascades included. The fan-out caches its
 * candidate rules per workspace and event type, and reads this one row per job to know whether
 * the cache still holds.
 */
export const ruleVersions = pgTable("rule_versions", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  version: bigint("version", { mode: "number" }).notNull().default(0),
});
