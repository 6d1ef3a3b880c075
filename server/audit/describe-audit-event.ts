import type { AuditChange, AuditObjectType, AuditVerb } from "@/server/db/schema/audit";
import type { Severity } from "@/server/events/severities";
import { findCatalogEntry } from "@/server/rules/catalog";

/*
 * The event an audit entry raises: `audit.<object>.<verb>`, with the catalog's more telling verbs
 * where it has them (server/rules/catalog/audit.ts): a member joins, changes role and is removed;
 * an invitation is a membership in waiting, so it is `audit.member.invited`; a source's token is
 * rotated or revoked. Its severity is the catalog's default for the type.
 */

/** What the event calls the change, when it says more than the entry's verb (`rotated`, `revoked`). */
export type AuditAction = "rotated" | "revoked";

const catalogTypes: Partial<Record<AuditObjectType, Partial<Record<AuditVerb, string>>>> = {
  member: { created: "member.joined", updated: "member.role_changed", deleted: "member.removed" },
  invitation: { created: "member.invited", updated: "member.invited", deleted: "member.invitation_revoked" },
};

export function auditEventType(objectType: AuditObjectType, verb: AuditVerb, action?: AuditAction): string {
  if (action) return `audit.${objectType}.${action}`;
  return `audit.${catalogTypes[objectType]?.[verb] ?? `${objectType}.${verb}`}`;
}

export function auditEventSeverity(type: string): Severity {
  return findCatalogEntry(type)?.defaultSeverity ?? "info";
}

const nouns: Record<AuditObjectType, string> = {
  rule: "Rule",
  channel: "Channel",
  source: "Source",
  member: "Member",
  invitation: "Invitation",
  community: "Community",
  workspace: "Workspace",
  maintenance_window: "Maintenance window",
};

type Described = {
  type: string;
  objectType: AuditObjectType;
  objectLabel: string;
  verb: AuditVerb;
  actorLabel: string;
  /** The actor is the member the entry is about (someone leaving). */
  self: boolean;
  after: Record<string, unknown> | null;
  changes: AuditChange[];
};

/** The event's title and message, for people reading a notification. */
export function describeAuditEvent(entry: Described): { title: string; message: string } {
  const { objectLabel: label, actorLabel: actor, verb } = entry;
  const role = typeof entry.after?.role === "string" ? entry.after.role : null;
  const fields = [...new Set(entry.changes.map((change) => change.path.split(".")[0]!))];
  const changed = fields.length > 0 ? ` Changed: ${fields.slice(0, 8).join(", ")}${fields.length > 8 ? `, and ${fields.length - 8} more` : ""}.` : "";
  switch (entry.type) {
    case "audit.member.invited":
      return { title: `${actor} invited ${label}${role ? ` as ${role}` : ""}`, message: `${actor} ${verb === "created" ? "invited" : "invited again"} ${label}.` };
    case "audit.member.invitation_revoked":
      return { title: `Invitation of ${label} revoked`, message: `${actor} revoked the invitation sent to ${label}; its link no longer works.` };
    case "audit.member.joined":
      return { title: `${label} joined the workspace`, message: `${label} accepted an invitation${role ? ` as ${role}` : ""}.` };
    case "audit.member.role_changed":
      return { title: `${label} is now ${role ?? "another role"}`, message: `${actor} changed the role of ${label}.${changed}` };
    case "audit.member.removed":
      return entry.self
        ? { title: `${label} left the workspace`, message: `${label} left the workspace; their personal channels were deleted.` }
        : { title: `${label} removed from the workspace`, message: `${actor} removed ${label}; their personal channels were deleted.` };
    case "audit.source.rotated":
      return { title: `Token of "${label}" rotated`, message: `${actor} issued a new token for the source "${label}".` };
    case "audit.source.revoked":
      return { title: `Token of "${label}" revoked`, message: `${actor} revoked every token of the source "${label}"; it accepts no events until a new token is issued.` };
    case "audit.workspace.updated":
      return { title: "Workspace settings changed", message: `${actor} changed the settings of ${label}.${changed}` };
    default: {
      const noun = nouns[entry.objectType];
      return { title: `${noun} "${label}" ${verb}`, message: `${actor} ${verb} the ${noun.toLowerCase()} "${label}".${verb === "updated" ? changed : ""}` };
    }
  }
}
