// Inputs of the audit log. Dependency-free apart from zod, so the Audit page can check the
// filters of its URL with the same rules as the server.
import { z } from "zod";
import { auditObjectTypes, type AuditObjectType } from "@/server/db/schema/audit";

export const auditPageSize = 50;
export const maxAuditPageSize = 100;

export const auditObjectTypeLabels: Record<AuditObjectType, string> = {
  rule: "Rules",
  channel: "Channels",
  source: "Sources",
  maintenance_window: "Maintenance windows",
  member: "Members",
  invitation: "Invitations",
  community: "Communities",
  workspace: "Workspace settings",
};

/** One object of each type, for a sentence ("changed the rule …"). */
export const auditObjectTypeNames: Record<AuditObjectType, string> = {
  rule: "rule",
  channel: "channel",
  source: "source",
  maintenance_window: "maintenance window",
  member: "member",
  invitation: "invitation",
  community: "community",
  workspace: "workspace settings",
};

/** The actor filter: a member's user id, or `tocsin` for the changes Tocsin made by itself. */
export const auditActorFilterSchema = z.union([z.literal("tocsin"), z.uuid({ message: "Not a user id" })]);

export const listAuditEntriesInput = z
  .object({
    objectTypes: z.array(z.enum(auditObjectTypes, { message: `Choose one of: ${auditObjectTypes.join(", ")}` })).max(auditObjectTypes.length).optional(),
    /** One object's history. */
    objectId: z.string().trim().min(1).max(100).optional(),
    actor: auditActorFilterSchema.optional(),
    /** At or after (inclusive). */
    from: z.date({ message: "Not a date" }).optional(),
    /** Before (exclusive). */
    to: z.date({ message: "Not a date" }).optional(),
    /** Opaque: the `nextCursor` of the previous page. */
    cursor: z.string().max(200).nullish(),
    limit: z.number().int().min(1).max(maxAuditPageSize, `At most ${maxAuditPageSize} entries per page`).default(auditPageSize),
  })
  .refine((value) => !value.from || !value.to || value.from < value.to, { message: "The start of the range must be before its end", path: ["to"] });
export type ListAuditEntriesInput = z.input<typeof listAuditEntriesInput>;
