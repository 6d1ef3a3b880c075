import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { uuidv7 } from "uuidv7";
import { users } from "./auth";
import { workspaces } from "./workspaces";

const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));

export const auditObjectTypes = ["rule", "channel", "source", "member", "invitation", "community", "workspace", "maintenance_window"] as const;
export type AuditObjectType = (typeof auditObjectTypes)[number];

export const auditVerbs = ["created", "updated", "deleted"] as const;
export type AuditVerb = (typeof auditVerbs)[number];

/** One change the diff of an audit entry lists: a field's path and its values before and after (secrets masked). */
export type AuditChange = { path: string; before: unknown; after: unknown };

/**
 * Who changed what in the workspace: actor, their IP, when, and the object before and after
 * (secrets masked before they are written here). Each entry is also an event (`audit.<type>.<verb>`,
 * origin `audit`), `event_id`, so rules can stream the trail. A change to someone's personal
 * rule or channel is theirs alone (`private_to_user_id`): not even an admin reads it here.
 */
export const auditEntries = pgTable(
  "audit_entries",
  {
    id: uuid("id").primaryKey().$defaultFn(() => uuidv7()),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    actorUserId: uuid("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    /** Kept as written at the time: the trail outlives the account. Null for Tocsin's own changes. */
    actorEmail: text("actor_email"),
    actorIp: text("actor_ip"),
    objectType: text("object_type", { enum: auditObjectTypes }).notNull(),
    objectId: text("object_id").notNull(),
    /** The object's name at the time, for people reading the trail. */
    objectLabel: text("object_label").notNull(),
    verb: text("verb", { enum: auditVerbs }).notNull(),
    before: jsonb("before").$type<Record<string, unknown> | null>(),
    after: jsonb("after").$type<Record<string, unknown> | null>(),
    changes: jsonb("changes").$type<AuditChange[]>().notNull(),
    privateToUserId: uuid("private_to_user_id").references(() => users.id, { onDelete: "cascade" }),
    /** The `audit.*` event raised for this entry (no FK: events are purged by retention, the trail is not). */
    eventId: uuid("event_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_entries_workspace_id_created_at_idx").on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index("audit_entries_workspace_id_object_idx").on(t.workspaceId, t.objectType, t.objectId),
    index("audit_entries_actor_user_id_idx").on(t.actorUserId),
    index("audit_entries_private_to_user_id_idx").on(t.privateToUserId),
    check("audit_entries_object_type_check", sql`${t.objectType} in (${sqlList(auditObjectTypes)})`),
    check("audit_entries_verb_check", sql`${t.verb} in (${sqlList(auditVerbs)})`),
  ],
);
