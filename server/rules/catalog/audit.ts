import type { CatalogEntry, CatalogExample, CatalogSeverity } from "./types";

// Every audit entry is also an event (origin `audit`), typed `audit.<entity>.<change>` so one
// trigger such as `audit.*` streams all of it and `audit.member.*` just the membership changes.
// The example actor and IP are the same for all: they are whoever made the change.
type AuditExample = Pick<CatalogExample, "title" | "message" | "data">;

function audit(type: string, label: string, description: string, defaultSeverity: CatalogSeverity, example: AuditExample): CatalogEntry {
  return {
    type: `audit.${type}`,
    family: "tocsin",
    label,
    description,
    defaultSeverity,
    example: { ...example, severity: defaultSeverity, actor: "alice@example.com", clientIp: "198.51.100.23" },
  };
}

export const auditEntries: CatalogEntry[] = [
  audit("member.invited", "Member invited", "An admin invited someone to join the workspace with a given role.", "low", {
    title: "alice@example.com invited bob@example.com as analyst",
    message: "The invitation is valid for 7 days.",
    data: { entity: "invitation", after: { email: "bob@example.com", role: "analyst" } },
  }),
  audit("member.joined", "Member joined", "Someone accepted an invitation and became a member of the workspace.", "info", {
    title: "bob@example.com joined the workspace",
    message: "bob@example.com accepted the invitation sent by alice@example.com.",
    data: { entity: "member", after: { email: "bob@example.com", role: "analyst" } },
  }),
  audit("member.role_changed", "Member role changed", "A member's role went up or down, changing what they may see and do.", "medium", {
    title: "bob@example.com is now admin",
    message: "alice@example.com changed the role of bob@example.com from analyst to admin.",
    data: { entity: "member", before: { role: "analyst" }, after: { role: "admin" } },
  }),
  audit("member.removed", "Member removed", "A member lost access to the workspace.", "medium", {
    title: "carol@example.com removed from the workspace",
    message: "alice@example.com removed carol@example.com; her personal rules and channels stop notifying.",
    data: { entity: "member", before: { email: "carol@example.com", role: "viewer" } },
  }),
  audit("rule.created", "Rule created", "A notification rule was added.", "info", {
    title: "Rule \"Critical Data Theorem violations\" created",
    message: "Triggers on datatheorem.policy_violation.opened with severity at least critical, notifying in the app.",
    data: { entity: "rule", after: { name: "Critical Data Theorem violations", triggers: ["datatheorem.policy_violation.opened"], minSeverity: "critical" } },
  }),
  audit("rule.updated", "Rule updated", "A notification rule's triggers, conditions, channels or status changed.", "info", {
    title: "Rule \"Failed logins\" updated",
    message: "The trigger changed from authentik.login_failed to authentik.login_*.",
    data: { entity: "rule", before: { triggers: ["authentik.login_failed"] }, after: { triggers: ["authentik.login_*"] } },
  }),
  audit("rule.deleted", "Rule deleted", "A notification rule was removed and will no longer notify anyone.", "low", {
    title: "Rule \"Old connector errors\" deleted",
    message: "alice@example.com deleted the rule \"Old connector errors\".",
    data: { entity: "rule", before: { name: "Old connector errors", triggers: ["connector.error"] } },
  }),
  audit("channel.created", "Channel created", "A notification channel, such as a Slack webhook or an email address, was added.", "info", {
    title: "Slack channel \"#secops\" created",
    message: "Shared with the whole workspace.",
    data: { entity: "channel", after: { name: "#secops", kind: "slack", shared: true } },
  }),
  audit("channel.updated", "Channel updated", "A notification channel's settings changed, or it was re-enabled.", "info", {
    title: "Webhook \"SOAR intake\" re-enabled",
    message: "alice@example.com re-enabled the channel after it had been disabled for repeated failures.",
    data: { entity: "channel", before: { enabled: false }, after: { enabled: true } },
  }),
  audit("channel.deleted", "Channel deleted", "A notification channel was removed; rules using it no longer send there.", "low", {
    title: "Email channel \"On-call\" deleted",
    message: "2 rules used this channel.",
    data: { entity: "channel", before: { name: "On-call", kind: "email" }, rulesAffected: 2 },
  }),
  audit("source.created", "Source created", "An intake source was created, giving a tool a new URL and token to post events.", "low", {
    title: "Source \"authentik production\" created",
    message: "Format authentik, in the Acme HQ community.",
    data: { entity: "source", after: { name: "authentik production", format: "authentik", community: "Acme HQ" } },
  }),
  audit("source.updated", "Source updated", "An intake source was renamed, enabled or disabled, or its silence threshold changed.", "info", {
    title: "Source \"authentik production\" updated",
    message: "The silence threshold changed from none to 2 hours.",
    data: { entity: "source", before: { silenceAfterSeconds: null }, after: { silenceAfterSeconds: 7200 } },
  }),
  audit("source.rotated", "Source token rotated", "An intake source got a new token; the previous one keeps working for a grace period.", "medium", {
    title: "Token of \"authentik production\" rotated",
    message: "The previous token stops working in 24 hours.",
    data: { entity: "source", gracePeriodSeconds: 86400 },
  }),
  audit("source.revoked", "Source token revoked", "An intake source's token was revoked, so the tool using it can no longer post.", "medium", {
    title: "Token of \"Data Theorem\" revoked",
    message: "Requests with this token are now rejected with 403.",
    data: { entity: "source", reason: "token pasted in a public ticket" },
  }),
  audit("source.deleted", "Source deleted", "An intake source was removed along with its ingest URL.", "medium", {
    title: "Source \"Legacy SIEM\" deleted",
    message: "Its URL no longer accepts events; events already received are kept until retention removes them.",
    data: { entity: "source", before: { name: "Legacy SIEM", format: "generic" } },
  }),
  audit("community.created", "Community created", "A community, such as a new customer of a managed service, was added to the workspace.", "low", {
    title: "Community \"Globex\" created",
    message: "alice@example.com added the community \"Globex\".",
    data: { entity: "community", after: { name: "Globex" } },
  }),
  audit("community.updated", "Community updated", "A community was renamed or its settings changed.", "info", {
    title: "Community \"Globex\" renamed to \"Globex Corp\"",
    message: "alice@example.com renamed the community.",
    data: { entity: "community", before: { name: "Globex" }, after: { name: "Globex Corp" } },
  }),
  audit("community.deleted", "Community deleted", "A community was removed together with its sources and events.", "high", {
    title: "Community \"Initech\" deleted",
    message: "Its 3 sources and their events were deleted.",
    data: { entity: "community", before: { name: "Initech" }, sourcesDeleted: 3 },
  }),
  audit("workspace.updated", "Workspace settings changed", "A workspace-wide setting changed, such as retention, timezone or the webhook channel cap.", "medium", {
    title: "Retention shortened to 90 days",
    message: "alice@example.com changed event retention from 365 to 90 days; older events will be purged tonight.",
    data: { entity: "workspace", before: { retentionDays: 365 }, after: { retentionDays: 90 } },
  }),
];
