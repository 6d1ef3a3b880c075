/*
 * Secrets never reach the audit trail: not in its snapshots, not in its diffs, not in the events
 * it raises (which rules may stream to third parties). A value is secret when its key, or the key
 * of an object holding it, names a secret: channel URLs and credentials, signing secrets, source
 * and invitation tokens, webhook URLs. Such a value is replaced by MASKED_VALUE, or stays null
 * when there is none, so the trail still tells "set", "changed" and "removed" apart. A channel's
 * `target` is already masked (server/channels/mask-target.ts) and is kept as it is.
 */

/** What the trail shows in place of a secret. */
export const MASKED_VALUE = "••••••";

const secretKey = /secret|password|passphrase|token|authorization|bearer|credential|api_?key|webhook_?url|^url$|cookie/i;

/** Whether a key of a snapshot names a secret (`url`, `bearerToken`, `signingSecret`, `tokenHash`, …). */
export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}

/** Whether a dotted path goes through a secret key (`secrets.url`, `settings.webhookUrl`). */
export function isSecretPath(path: string): boolean {
  return path.split(".").some(isSecretKey);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A copy of `value` with every secret masked; `secret`: the whole value is one. */
export function maskSecrets(value: unknown, secret = false): unknown {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, secret));
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskSecrets(item, secret || isSecretKey(key))]));
  }
  if (!secret || value === null || value === undefined) return value ?? null;
  return MASKED_VALUE;
}

/** `maskSecrets` for a snapshot (null stays null). */
export function maskSnapshot(snapshot: Record<string, unknown> | null): Record<string, unknown> | null {
  return snapshot === null ? null : (maskSecrets(snapshot) as Record<string, unknown>);
}
