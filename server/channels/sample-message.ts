import { DomainError } from "@/server/errors";
import { catalogFamilyLabels, findCatalogEntry, type CatalogEntry } from "@/server/rules/catalog";
import type { EventOrigin } from "@/server/db/schema";
import type { NotificationMessage } from "./notification-message";

/** What a send test shows unless another type is chosen: the failed login everyone recognises. */
export const defaultSampleEventType = "authentik.login_failed";

/** The id the sample event carries: it is never stored, and reads as a placeholder. */
export const sampleEventId = "00000000-0000-7000-8000-000000000000";

export type SampleMessageInput = {
  workspace: NotificationMessage["workspace"];
  /** The community the test is sent from; null for a workspace-level one. */
  community: NotificationMessage["community"];
  /** Tocsin's public URL (no trailing slash), for the links. */
  appUrl: string;
  messageId: string;
  now: Date;
  /** A catalog type whose example is sent. */
  type?: string;
};

function pickOrigin(entry: CatalogEntry): EventOrigin {
  if (entry.type.startsWith("audit.")) return "audit";
  return entry.family === "tocsin" ? "system" : "ingest";
}

/**
 * A channel's send test: the catalog's example of `type` dressed as a notification, marked as a
 * test so every kind says so. The event does not exist, so its link opens the workspace's events.
 */
export function buildSampleMessage(input: SampleMessageInput): NotificationMessage {
  const type = input.type ?? defaultSampleEventType;
  const entry = findCatalogEntry(type);
  if (!entry) throw new DomainError("BAD_REQUEST", `"${type}" is not an event type Tocsin knows`, { field: "type" });
  const { example } = entry;
  const origin = pickOrigin(entry);
  const at = input.now.toISOString();
  const workspaceUrl = `${input.appUrl}/w/${encodeURIComponent(input.workspace.slug)}`;
  return {
    messageId: input.messageId,
    event: {
      id: sampleEventId,
      type: entry.type,
      typeLabel: entry.label,
      severity: example.severity,
      title: example.title,
      message: example.message,
      actor: example.actor,
      clientIp: example.clientIp,
      occurredAt: at,
      receivedAt: at,
      externalId: null,
      fingerprint: null,
      origin,
      sourceName: origin === "ingest" ? `${catalogFamilyLabels[entry.family]} (sample)` : null,
      data: example.data,
    },
    rule: null,
    workspace: input.workspace,
    community: origin === "ingest" ? input.community : null,
    links: { event: `${workspaceUrl}/events`, inbox: `${workspaceUrl}/inbox`, rule: null },
    test: true,
    suppressed: 0,
    summary: null,
  };
}
