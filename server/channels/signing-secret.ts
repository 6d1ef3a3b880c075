import { randomBytes } from "node:crypto";

/** How long a rotated-out signing secret keeps signing beside the new one. */
export const SIGNING_SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes (192 bits). */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}
