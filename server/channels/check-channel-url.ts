import type { DeliveryChannelKind } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import { findBlockedRange } from "./blocked-addresses";
import { checkDestination, type SafeHttpOptions } from "./safe-http";

/** Advice about what was saved, by field (the same shape as a rule's warnings). */
export type ChannelWarnings = Record<string, string[]>;

const LEGACY_TEAMS_WARNING =
  'Office 365 connectors are retired by Microsoft; create a Workflows webhook ("Post to a channel when a webhook request is received") and paste its URL';

/** Incoming-webhook URLs of Office 365 connectors, which Microsoft is retiring. */
function isLegacyTeamsConnector(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (host.endsWith(".webhook.office.com") || host === "webhook.office.com") return url.pathname.startsWith("/webhookb2/");
  return (host === "outlook.office.com" || host === "outlook.office365.com") && url.pathname.startsWith("/webhook/");
}

const isSlackWebhook = (url: URL) => ["hooks.slack.com", "hooks.slack-gov.com"].includes(url.hostname.toLowerCase());

const isDiscordWebhook = (url: URL) =>
  ["discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"].includes(url.hostname.toLowerCase()) && url.pathname.startsWith("/api/webhooks/");

/** An address in a refused range: one that passed the destination check only because TOCSIN_ALLOWED_PRIVATE_CIDRS opens it. */
const isOpenedPrivateAddress = (address: string) => findBlockedRange(address, []) !== null;

/** What is worth telling about a destination Tocsin accepts. */
export function describeUrlWarnings(kind: DeliveryChannelKind, url: URL, addresses: readonly string[]): string[] {
  const warnings: string[] = [];
  if (kind === "teams" && isLegacyTeamsConnector(url)) warnings.push(LEGACY_TEAMS_WARNING);
  if (kind === "slack" && !isSlackWebhook(url)) {
    warnings.push("This is not a Slack incoming-webhook address (https://hooks.slack.com/…); Tocsin will post Slack messages to it anyway");
  }
  if (kind === "discord" && !isDiscordWebhook(url)) {
    warnings.push("This is not a Discord webhook address (https://discord.com/api/webhooks/…); Tocsin will post Discord messages to it anyway");
  }
  // Inside an intranet range opened by TOCSIN_ALLOWED_PRIVATE_CIDRS plain http is a choice; elsewhere it is a leak.
  if (url.protocol === "http:" && !(addresses.length > 0 && addresses.every(isOpenedPrivateAddress))) {
    warnings.push("This URL is plain http: the secret URL and every notification travel unencrypted; use https");
  }
  return warnings;
}

/**
 * The check made when a channel's URL is saved: refused destinations (not http(s), userinfo,
 * private or loopback addresses, names that do not resolve…) are a BAD_REQUEST on `url` with the
 * check's message, which names at most the host — the rest of the URL is the secret.
 */
export async function checkChannelUrl(kind: DeliveryChannelKind, url: string, options?: SafeHttpOptions): Promise<{ warnings: ChannelWarnings }> {
  const checked = await checkDestination(url, options);
  if (!checked.ok) throw new DomainError("BAD_REQUEST", checked.message, { field: "url" });
  const warnings = describeUrlWarnings(kind, checked.url, checked.addresses);
  return { warnings: warnings.length ? { url: warnings } : {} };
}
