/*
 * A channel's destination as people see it (stored in clear in `channels.target`). For URLs the
 * path and query are the secret — a Slack or Discord URL's path is its credential — so only the
 * scheme, the host and at most four characters of the end are shown, and never more than an
 * eighth of the path: enough to tell two channels to the same service apart, far too little to
 * rebuild the URL. Email addresses are not secrets and are shown as they are.
 */

const MAX_SUFFIX = 4;

/** `https://hooks.slack.com/…Qx7a` for a URL already checked to be http(s). */
export function maskUrl(url: string): string {
  const parsed = new URL(url);
  const secretPart = `${parsed.pathname}${parsed.search}`;
  const origin = `${parsed.protocol}//${parsed.host}`;
  if (secretPart === "/" || secretPart === "") return `${origin}/`;
  const shown = Math.min(MAX_SUFFIX, Math.floor(secretPart.length / 8));
  return `${origin}/…${shown > 0 ? secretPart.slice(-shown) : ""}`;
}

export function maskEmailRecipients(recipients: readonly string[]): string {
  return recipients.join(", ");
}
