import type { ChannelSecrets } from "@/server/channels/channel-kind";
import type { channels, communities, intakeSources, invitations, sourceMaintenanceWindows, workspaces } from "@/server/db/schema";
import type { Snapshot } from "./diff-snapshots";

/*
 * What the trail keeps of each kind of object: the fields a person changes, not bookkeeping
 * (ids, timestamps of its own, failure counters). Secrets may be passed in — the diff needs to see
 * that a URL or a token changed — and are masked before anything is written (mask-secrets.ts).
 */

type RuleLike = {
  name: string;
  description: string | null;
  kind: string;
  communityName: string;
  enabled: boolean;
  scope: string;
  communityIds: string[];
  triggers: string[];
  conditions: unknown;
  notifyInApp: boolean;
  channelIds: string[];
  recipientRoles: string[];
  recipientUserIds: string[];
  notifyEventUser: boolean;
  throttleSeconds: number | null;
  digestSeconds: number | null;
};

export function snapshotRule(rule: RuleLike): Snapshot {
  return {
    name: rule.name,
    description: rule.description,
    kind: rule.kind,
    community: rule.communityName,
    enabled: rule.enabled,
    scope: rule.scope,
    scopeCommunityIds: rule.communityIds,
    triggers: rule.triggers,
    conditions: rule.conditions,
    notifyInApp: rule.notifyInApp,
    channelIds: rule.channelIds,
    recipientRoles: rule.recipientRoles,
    recipientUserIds: rule.recipientUserIds,
    notifyEventUser: rule.notifyEventUser,
    throttleSeconds: rule.throttleSeconds,
    digestSeconds: rule.digestSeconds,
  };
}

type ChannelRow = typeof channels.$inferSelect;

/** A channel, with its secrets (opened) so that a changed URL or credential shows as changed, masked. */
export function snapshotChannel(row: ChannelRow, secrets: ChannelSecrets | null): Snapshot {
  const secretFields = secrets && secrets.kind !== "email" ? secrets : null;
  return {
    name: row.name,
    kind: row.kind,
    shared: row.ownerUserId === null,
    target: row.target,
    settings: row.settings,
    maxRetries: row.maxRetries,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    secrets: secretFields
      ? {
          url: secretFields.url,
          ...("signingSecret" in secretFields
            ? { bearerToken: secretFields.bearerToken, basicPassword: secretFields.basicPassword, signingSecret: secretFields.signingSecret }
            : {}),
        }
      : null,
  };
}

type SourceRow = typeof intakeSources.$inferSelect;

/** A source; `ingestKeys`: the display prefixes of its active tokens (never the tokens). */
export function snapshotSource(row: SourceRow, context: { communityName: string; ingestKeys?: { prefix: string; expiresAt: Date | null }[] }): Snapshot {
  return {
    name: row.name,
    format: row.format,
    community: context.communityName,
    enabled: row.enabled,
    silenceAfterSeconds: row.silenceAfterSeconds,
    rateLimitPerSecond: row.rateLimitPerSecond,
    ...(context.ingestKeys ? { ingestKeys: context.ingestKeys } : {}),
  };
}

export function snapshotMember(member: { userId: string; email: string; role: string }): Snapshot {
  return { userId: member.userId, email: member.email, role: member.role };
}

export function snapshotInvitation(invitation: Pick<typeof invitations.$inferSelect, "email" | "role" | "expiresAt">): Snapshot {
  return { email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt };
}

export function snapshotCommunity(community: Pick<typeof communities.$inferSelect, "name">): Snapshot {
  return { name: community.name };
}

export function snapshotWorkspace(
  workspace: Pick<typeof workspaces.$inferSelect, "name" | "mode" | "timezone" | "retentionDays" | "webhookChannelCap" | "inboxCap" | "inboxAutoArchiveDays">,
): Snapshot {
  return {
    name: workspace.name,
    mode: workspace.mode,
    timezone: workspace.timezone,
    retentionDays: workspace.retentionDays,
    webhookChannelCap: workspace.webhookChannelCap,
    inboxCap: workspace.inboxCap,
    inboxAutoArchiveDays: workspace.inboxAutoArchiveDays,
  };
}

/** A source's maintenance window; `sourceName` for people reading the trail. */
export function snapshotMaintenanceWindow(
  window: Pick<typeof sourceMaintenanceWindows.$inferSelect, "sourceId" | "startsAt" | "endsAt" | "reason">,
  sourceName: string,
): Snapshot {
  return { source: sourceName, sourceId: window.sourceId, startsAt: window.startsAt, endsAt: window.endsAt, reason: window.reason };
}
