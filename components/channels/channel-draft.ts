// The channel form's state ("draft") and what create and update send. Inputs stay strings here;
// secrets start empty on edit (the server never shows them back) and are sent only when typed.
import type { WebhookAuthKind } from "@/server/channels/channel-schemas";
import { DEFAULT_MAX_RETRIES } from "@/server/channels/channel-schemas";
import type { DeliveryChannelKind } from "@/server/db/schema/channels";
import type { ChannelItem } from "./channel-types";

export type ChannelDraft = {
  kind: DeliveryChannelKind;
  shared: boolean;
  name: string;
  url: string;
  /** Email: addresses, one per line or separated by commas. */
  recipients: string;
  auth: WebhookAuthKind;
  bearerToken: string;
  basicUsername: string;
  basicPassword: string;
  maxRetries: number;
};

export function newChannelDraft(kind: DeliveryChannelKind, ownEmail: string, shared = false): ChannelDraft {
  return {
    kind,
    shared,
    name: "",
    url: "",
    // A personal email channel mails its owner unless told otherwise; a shared one names its recipients.
    recipients: kind === "email" && !shared ? ownEmail : "",
    auth: "none",
    bearerToken: "",
    basicUsername: "",
    basicPassword: "",
    maxRetries: DEFAULT_MAX_RETRIES,
  };
}

/** A saved channel in the form: its settings, and blanks where its secrets are. */
export function draftFromChannel(channel: ChannelItem): ChannelDraft {
  const settings = channel.settings;
  return {
    kind: channel.kind,
    shared: channel.shared,
    name: channel.name,
    url: "",
    recipients: settings.kind === "email" ? settings.recipients.join("\n") : "",
    auth: settings.kind === "webhook" ? settings.auth : "none",
    bearerToken: "",
    basicUsername: settings.kind === "webhook" ? (settings.basicUsername ?? "") : "",
    basicPassword: "",
    maxRetries: channel.maxRetries,
  };
}

/** Addresses typed one per line, or separated by commas or semicolons; blanks dropped. */
export function splitRecipients(text: string): string[] {
  return text
    .split(/[\n,;]/)
    .map((address) => address.trim())
    .filter(Boolean);
}

const typed = (value: string) => (value.trim() === "" ? undefined : value);

/** The Authorization credentials the chosen authentication sends, each only when typed. */
function credentialsOf(draft: ChannelDraft) {
  return {
    auth: draft.auth,
    bearerToken: draft.auth === "bearer" ? typed(draft.bearerToken) : undefined,
    basicUsername: draft.auth === "basic" ? typed(draft.basicUsername) : undefined,
    basicPassword: draft.auth === "basic" ? typed(draft.basicPassword) : undefined,
  };
}

/** What `channel.create` takes (before its schema parses it); only the kind's own fields. */
export function toCreateValues(draft: ChannelDraft) {
  const base = { name: draft.name, shared: draft.shared, maxRetries: draft.maxRetries };
  if (draft.kind === "email") {
    const recipients = splitRecipients(draft.recipients);
    return { kind: draft.kind, ...base, recipients: recipients.length ? recipients : undefined };
  }
  if (draft.kind === "webhook") return { kind: draft.kind, ...base, url: draft.url, ...credentialsOf(draft) };
  return { kind: draft.kind, ...base, url: draft.url };
}

/** What `channel.update` takes: a blank URL, token or password keeps the stored one. */
export function toUpdateValues(draft: ChannelDraft, channelId: string) {
  const base = { channelId, name: draft.name, maxRetries: draft.maxRetries };
  if (draft.kind === "email") return { ...base, recipients: splitRecipients(draft.recipients) };
  const url = typed(draft.url)?.trim();
  if (draft.kind === "webhook") return { ...base, url, ...credentialsOf(draft) };
  return { ...base, url };
}
