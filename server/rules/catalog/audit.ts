import type { CatalogEntry, CatalogExample, CatalogSeverity } from "./types";

// Every audit entry is also an event (origin `audit`), typed `audit.<entity>.<change>` so one
// trigger such as `audit.*` streams all of it and `audit.member.*` just the membership changes.
// The example actor and IP are the same for all: they are whoever made the change. `data` is what
// server/audit/record-audit-entry.ts writes: the entry's object, verb, actor, IP and field-level
// `changes` (secrets masked as "••••••"); `before`/`after` hold the object's fields (for an
// update, only those that changed). Changes Tocsin made by itself have a null actor.
type AuditExample = Pick<CatalogExample, "title" | "message"> & {
  entity: string;
  verb: "created" | "updated" | "deleted";
  objectLabel: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  extra?: Record<string, unknown>;
};

const exampleActor = { userId: "0197a1c2-5b7e-7c41-9d2f-3e8a6b1c4d5e", email: "alice@example.com" };
const exampleIp = "198.51.100.23";

/** The field-level changes between the example's before and after (flat fields only, as in the examples). */
function changesOf(before: Record<string, unknown> = {}, after: Record<string, unknown> = {}) {
  const paths = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return paths
    .filter((path) => JSON.stringify(before[path] ?? null) !== JSON.stringify(after[path] ?? null))
    .map((path) => ({ path, before: before[path] ?? null, after: after[path] ?? null }));
}

function audit(type: string, label: string, description: string, defaultSeverity: CatalogSeverity, example: AuditExample): CatalogEntry {
  const { entity, verb, objectLabel, before, after, extra } = example;
  return {
    type: `audit.${type}`,
    family: "tocsin",
    label,
    description,
    defaultSeverity,
    example: {
      title: example.title,
      message: example.message,
      severity: defaultSeverity,
      actor: exampleActor.email,
      clientIp: exampleIp,
      data: {
        ...extra,
        entity,
        objectId: "0197a1c2-6f10-7a2b-8c3d-4e5f60718293",
        objectLabel,
        verb,
        actor: exampleActor,
        ip: exampleIp,
        auditEntryId: "0197a1c2-6f10-7a2b-8c3d-4e5f60718294",
        changes: changesOf(before, after),
        before: before ?? null,
        after: after ?? null,
      },
    },
  };
}

export const auditEntries: CatalogEntry[] = [
  audit("member.invited", "Member invited", "An admin invited someone to join the workspace with a given role.", "low", {
    title: "alice@example.com invited bob@example.com as analyst",
    message: "alice@example.com invited bob@example.com.",
    entity: "invitation",
    verb: "created",
    objectLabel: "bob@example.com",
    after: { email: "bob@example.com", role: "analyst", expiresAt: "2026-01-12T09:30:00.000Z" },
  }),
  audit("member.invitation_revoked", "Invitation revoked", "An admin revoked an open invitation, so its link no longer works.", "low", {
    title: "Invitation of bob@example.com revoked",
    message: "alice@example.com revoked the invitation sent to bob@example.com; its link no longer works.",
    entity: "invitation",
    verb: "deleted",
    objectLabel: "bob@example.com",
    before: { email: "bob@example.com", role: "analyst", expiresAt: "2026-01-12T09:30:00.000Z" },
  }),
  audit("member.joined", "Member joined", "Someone accepted an invitation and became a member of the workspace.", "info", {
    title: "bob@example.com joined the workspace",
    message: "bob@example.com accepted an invitation as analyst.",
    entity: "member",
    verb: "created",
    objectLabel: "bob@example.com",
    after: { userId: "0197a1c2-7a00-7b00-8c00-9d0000000001", email: "bob@example.com", role: "analyst" },
    extra: { invitationId: "0197a1c2-7a00-7b00-8c00-9d0000000002" },
  }),
  audit("member.role_changed", "Member role changed", "A member's role went up or down, changing what they may see and do.", "medium", {
    title: "bob@example.com is now admin",
    message: "alice@example.com changed the role of bob@example.com. Changed: role.",
    entity: "member",
    verb: "updated",
    objectLabel: "bob@example.com",
    before: { role: "analyst" },
    after: { role: "admin" },
  }),
  audit("member.removed", "Member removed", "A member lost access to the workspace, removed by an admin or leaving.", "medium", {
    title: "carol@example.com removed from the workspace",
    message: "alice@example.com removed carol@example.com; their personal channels were deleted.",
    entity: "member",
    verb: "deleted",
    objectLabel: "carol@example.com",
    before: { userId: "0197a1c2-7a00-7b00-8c00-9d0000000003", email: "carol@example.com", role: "viewer" },
    extra: { personalChannelsDeleted: 1 },
  }),
  audit("rule.created", "Rule created", "A shared notification rule was added.", "info", {
    title: "Rule \"Critical Data Theorem violations\" created",
    message: "alice@example.com created the rule \"Critical Data Theorem violations\".",
    entity: "rule",
    verb: "created",
    objectLabel: "Critical Data Theorem violations",
    after: { name: "Critical Data Theorem violations", kind: "shared", triggers: ["datatheorem.policy_violation.opened"], enabled: true },
  }),
  audit("rule.updated", "Rule updated", "A shared notification rule's triggers, conditions, channels or status changed.", "info", {
    title: "Rule \"Failed logins\" updated",
    message: "alice@example.com updated the rule \"Failed logins\". Changed: triggers.",
    entity: "rule",
    verb: "updated",
    objectLabel: "Failed logins",
    before: { triggers: ["authentik.login_failed"] },
    after: { triggers: ["authentik.login_*"] },
  }),
  audit("rule.deleted", "Rule deleted", "A shared notification rule was removed and will no longer notify anyone.", "low", {
    title: "Rule \"Old connector errors\" deleted",
    message: "alice@example.com deleted the rule \"Old connector errors\".",
    entity: "rule",
    verb: "deleted",
    objectLabel: "Old connector errors",
    before: { name: "Old connector errors", kind: "shared", triggers: ["connector.error"], enabled: true },
  }),
  audit("channel.created", "Channel created", "A shared notification channel, such as a Slack webhook or an email address, was added.", "info", {
    title: "Channel \"#secops\" created",
    message: "alice@example.com created the channel \"#secops\".",
    entity: "channel",
    verb: "created",
    objectLabel: "#secops",
    after: { name: "#secops", kind: "slack", shared: true, target: "https://hooks.slack.com/…Qx7a", enabled: true, secrets: { url: "••••••" } },
  }),
  audit("channel.updated", "Channel updated", "A shared notification channel's settings or secrets changed, or it was switched off or on.", "info", {
    title: "Channel \"SOAR intake\" updated",
    message: "alice@example.com updated the channel \"SOAR intake\". Changed: enabled, disabledReason.",
    entity: "channel",
    verb: "updated",
    objectLabel: "SOAR intake",
    before: { enabled: false, disabledReason: "5 deliveries in a row failed; the last: HTTP 503" },
    after: { enabled: true, disabledReason: null },
  }),
  audit("channel.deleted", "Channel deleted", "A shared notification channel was removed; rules using it no longer send there.", "low", {
    title: "Channel \"On-call\" deleted",
    message: "alice@example.com deleted the channel \"On-call\".",
    entity: "channel",
    verb: "deleted",
    objectLabel: "On-call",
    before: { name: "On-call", kind: "email", shared: true, target: "oncall@example.com", enabled: true, secrets: null },
    extra: { rulesAffected: 2 },
  }),
  audit("source.created", "Source created", "An intake source was created, giving a tool a new URL and token to post events.", "low", {
    title: "Source \"authentik production\" created",
    message: "alice@example.com created the source \"authentik production\".",
    entity: "source",
    verb: "created",
    objectLabel: "authentik production",
    after: { name: "authentik production", format: "authentik", community: "Acme HQ", enabled: true, silenceAfterSeconds: null },
  }),
  audit("source.updated", "Source updated", "An intake source was renamed, enabled or disabled, or its silence threshold changed.", "info", {
    title: "Source \"authentik production\" updated",
    message: "alice@example.com updated the source \"authentik production\". Changed: silenceAfterSeconds.",
    entity: "source",
    verb: "updated",
    objectLabel: "authentik production",
    before: { silenceAfterSeconds: null },
    after: { silenceAfterSeconds: 7200 },
  }),
  audit("source.rotated", "Source token rotated", "An intake source got a new token; the previous one keeps working for a grace period.", "medium", {
    title: "Token of \"authentik production\" rotated",
    message: "alice@example.com issued a new token for the source \"authentik production\".",
    entity: "source",
    verb: "updated",
    objectLabel: "authentik production",
    before: { ingestKeys: [{ prefix: "tcn_a1b2c3", expiresAt: null }] },
    after: { ingestKeys: [{ prefix: "tcn_a1b2c3", expiresAt: "2026-01-06T09:30:00.000Z" }, { prefix: "tcn_d4e5f6", expiresAt: null }] },
    extra: { gracePeriodSeconds: 86400, previousTokensExpireAt: "2026-01-06T09:30:00.000Z" },
  }),
  audit("source.revoked", "Source token revoked", "An intake source's tokens were revoked, so the tool using them can no longer post.", "medium", {
    title: "Token of \"Data Theorem\" revoked",
    message: "alice@example.com revoked every token of the source \"Data Theorem\"; it accepts no events until a new token is issued.",
    entity: "source",
    verb: "updated",
    objectLabel: "Data Theorem",
    before: { ingestKeys: [{ prefix: "tcn_a1b2c3", expiresAt: null }] },
    after: { ingestKeys: [] },
    extra: { tokensRevoked: 1 },
  }),
  audit("source.deleted", "Source deleted", "An intake source was removed along with its ingest URL.", "medium", {
    title: "Source \"Legacy SIEM\" deleted",
    message: "alice@example.com deleted the source \"Legacy SIEM\".",
    entity: "source",
    verb: "deleted",
    objectLabel: "Legacy SIEM",
    before: { name: "Legacy SIEM", format: "generic", community: "Acme HQ", enabled: true },
  }),
  audit("maintenance_window.created", "Maintenance window scheduled", "A maintenance window was planned for a source, holding its notifications while it lasts.", "low", {
    title: "Maintenance window \"authentik production, 2026-01-10 22:00 UTC\" created",
    message: "alice@example.com created the maintenance window \"authentik production, 2026-01-10 22:00 UTC\".",
    entity: "maintenance_window",
    verb: "created",
    objectLabel: "authentik production, 2026-01-10 22:00 UTC",
    after: { source: "authentik production", startsAt: "2026-01-10T22:00:00.000Z", endsAt: "2026-01-11T02:00:00.000Z", reason: "Upgrade to 2025.10" },
  }),
  audit("maintenance_window.updated", "Maintenance window changed", "A source's maintenance window was moved, extended or given another reason.", "low", {
    title: "Maintenance window \"authentik production, 2026-01-10 22:00 UTC\" updated",
    message: "alice@example.com updated the maintenance window \"authentik production, 2026-01-10 22:00 UTC\". Changed: endsAt.",
    entity: "maintenance_window",
    verb: "updated",
    objectLabel: "authentik production, 2026-01-10 22:00 UTC",
    before: { endsAt: "2026-01-11T02:00:00.000Z" },
    after: { endsAt: "2026-01-11T04:00:00.000Z" },
  }),
  audit("maintenance_window.deleted", "Maintenance window cancelled", "A source's maintenance window was removed, so its notifications are no longer held.", "low", {
    title: "Maintenance window \"authentik production, 2026-01-10 22:00 UTC\" deleted",
    message: "alice@example.com deleted the maintenance window \"authentik production, 2026-01-10 22:00 UTC\".",
    entity: "maintenance_window",
    verb: "deleted",
    objectLabel: "authentik production, 2026-01-10 22:00 UTC",
    before: { source: "authentik production", startsAt: "2026-01-10T22:00:00.000Z", endsAt: "2026-01-11T02:00:00.000Z", reason: "Upgrade to 2025.10" },
  }),
  audit("community.created", "Community created", "A community, such as a new customer of a managed service, was added to the workspace.", "low", {
    title: "Community \"Globex\" created",
    message: "alice@example.com created the community \"Globex\".",
    entity: "community",
    verb: "created",
    objectLabel: "Globex",
    after: { name: "Globex" },
  }),
  audit("community.updated", "Community updated", "A community was renamed.", "info", {
    title: "Community \"Globex Corp\" updated",
    message: "alice@example.com updated the community \"Globex Corp\". Changed: name.",
    entity: "community",
    verb: "updated",
    objectLabel: "Globex Corp",
    before: { name: "Globex" },
    after: { name: "Globex Corp" },
  }),
  audit("community.deleted", "Community deleted", "A community was removed together with its sources and events.", "high", {
    title: "Community \"Initech\" deleted",
    message: "alice@example.com deleted the community \"Initech\".",
    entity: "community",
    verb: "deleted",
    objectLabel: "Initech",
    before: { name: "Initech" },
    extra: { sourcesDeleted: 3 },
  }),
  audit("workspace.updated", "Workspace settings changed", "A workspace-wide setting changed, such as retention, timezone or the webhook channel cap.", "medium", {
    title: "Workspace settings changed",
    message: "alice@example.com changed the settings of Acme SOC. Changed: retentionDays.",
    entity: "workspace",
    verb: "updated",
    objectLabel: "Acme SOC",
    before: { retentionDays: 365 },
    after: { retentionDays: 90 },
  }),
];
