import { createHmac } from "node:crypto";

/*
 * Standard Webhooks signing (https://www.standardwebhooks.com): an HMAC-SHA256 of
 * `<webhook-id>.<webhook-timestamp>.<body>` keyed with the secret's bytes (the base64 after
 * `whsec_`), sent as `v1,<base64>`. Several signatures are space-separated, which is how a
 * receiver keeps verifying through a rotation: it knows one of the two secrets.
 */

export type WebhookSignatureHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

const secretPrefix = "whsec_";

function decodeSigningSecret(secret: string): Buffer {
  return Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, "base64");
}

/** The secrets that sign now: the current one, and the previous one until its overlap ends. */
export function listSigningSecrets(
  secrets: { signingSecret: string; previousSigningSecret: string | null },
  previousSigningSecretExpiresAt: Date | null,
  now: Date,
): string[] {
  const previousSigns = secrets.previousSigningSecret !== null && previousSigningSecretExpiresAt !== null && previousSigningSecretExpiresAt > now;
  return previousSigns ? [secrets.signingSecret, secrets.previousSigningSecret!] : [secrets.signingSecret];
}

/** The three Standard Webhooks headers for `body`, signed with every secret given. */
export function signWebhookPayload(input: { id: string; timestamp: Date; body: string; secrets: readonly string[] }): WebhookSignatureHeaders {
  if (input.secrets.length === 0) throw new Error("A webhook is signed with at least one secret");
  const timestamp = String(Math.floor(input.timestamp.getTime() / 1000));
  const signed = `${input.id}.${timestamp}.${input.body}`;
  const signatures = input.secrets.map((secret) => `v1,${createHmac("sha256", decodeSigningSecret(secret)).update(signed).digest("base64")}`);
  return { "webhook-id": input.id, "webhook-timestamp": timestamp, "webhook-signature": signatures.join(" ") };
}
