import type { BatchReason, EventOrigin, Severity, WorkspaceMode } from "@/server/db/schema";

/** Held notifications sent as one (a rule's digest, the end of quiet hours or of a maintenance window). */
export type NotificationSummary = {
  reason: BatchReason;
  /** Matches held, all of them (`events` lists the first ones). */
  count: number;
  /** ISO 8601: the span the held events arrived in. */
  from: string;
  to: string;
  events: { id: string; type: string; severity: Severity; title: string; receivedAt: string; link: string }[];
};

/**
 * What every channel renders: one matched event, the rule that matched it, where it happened and
 * links back into Tocsin. Built once per delivery attempt (server/deliveries/) or for a channel's
 * send test from a catalog example; renderers never read the database.
 */
export type NotificationMessage = {
  /** `msg_<delivery id>`: the `webhook-id` receivers see, the same on every retry and replay. */
  messageId: string;
  event: {
    id: string;
    type: string;
    /** The catalog's label for the type ("Login failed"), when the type is known. */
    typeLabel: string | null;
    severity: Severity;
    title: string;
    message: string | null;
    actor: string | null;
    clientIp: string | null;
    /** ISO 8601, UTC. */
    occurredAt: string;
    receivedAt: string;
    externalId: string | null;
    fingerprint: string | null;
    origin: EventOrigin;
    /** The intake source's name; null for Tocsin's own events. */
    sourceName: string | null;
    /** The normalised payload the source format extracted. */
    data: Record<string, unknown> | null;
  };
  /** Null for a channel's send test. */
  rule: { id: string; name: string } | null;
  workspace: { id: string; slug: string; name: string; mode: WorkspaceMode };
  /** Null for workspace-level events (Tocsin's own). Single-mode workspaces have one, never shown. */
  community: { id: string; name: string } | null;
  links: {
    /** The event's page in Tocsin: every truncated text points here. */
    event: string;
    inbox: string;
    rule: string | null;
  };
  /** A channel's send test: renderers say so visibly. */
  test: boolean;
  /** Matches of the same rule and fingerprint the rule's throttle held back since it last notified ("+7 similar suppressed"). */
  suppressed: number;
  /**
   * Several held notifications sent as one: `event` then describes the summary (its title says
   * what was held, its message lists them) and this lists the events themselves.
   */
  summary: NotificationSummary | null;
};

/** An HTTP channel's request body, as it will be sent, with its size against the kind's limit. */
export type RenderedHttpPayload = {
  kind: "http";
  contentType: "application/json";
  body: string;
  /** UTF-8 bytes of `body`. */
  bytes: number;
  /** The receiver's size limit in bytes, when it has one (Teams: 28 KB). */
  limitBytes: number | null;
  /** The kind's limits in words, for the send-test dialog ("3,000 characters a section, 50 blocks"). */
  limits: string;
  /** Whether anything was cut to fit (each cut ends with a marker and the event's link). */
  truncated: boolean;
};

/** An email, as it will be sent. */
export type RenderedEmail = {
  kind: "email";
  subject: string;
  html: string;
  text: string;
  bytes: number;
  limitBytes: number | null;
  limits: string;
  truncated: boolean;
};

export type RenderedPayload = RenderedHttpPayload | RenderedEmail;
