import { eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { intakeSources, intakeSourceTokens } from "@/server/db/schema";
import { sourceAuthCache } from "./source-auth-cache";
import { hashSourceToken, isWellFormedSourceToken } from "./source-token";

export type AuthenticatedSource = typeof intakeSources.$inferSelect;

export type SourceAuthFailure = {
  status: 401 | 403;
  code: "malformed_token" | "invalid_token" | "revoked_token" | "source_disabled";
  message: string;
};

/**
 * Who may post: the source a token belongs to. With `sourceId` (the /api/ingest/<sourceId> URL)
 * the token must be that source's. Every failure says what is wrong without revealing whether
 * a source exists.
 */
export async function authenticateSource(
  db: Db,
  credentials: { token: string; sourceId?: string },
): Promise<{ ok: true; source: AuthenticatedSource } | ({ ok: false } & SourceAuthFailure)> {
  if (!isWellFormedSourceToken(credentials.token)) {
    return { ok: false, status: 401, code: "malformed_token", message: "The credentials are not a Tocsin source token (tcn_…); check for a copy-paste error" };
  }
  const tokenHash = hashSourceToken(credentials.token);
  let row = sourceAuthCache.get(tokenHash);
  if (!row) {
    [row = null] = await db
      .select({ source: intakeSources, revokedAt: intakeSourceTokens.revokedAt, expiresAt: intakeSourceTokens.expiresAt })
      .from(intakeSourceTokens)
      .innerJoin(intakeSources, eq(intakeSources.id, intakeSourceTokens.sourceId))
      .where(eq(intakeSourceTokens.tokenHash, tokenHash))
      .limit(1);
    if (row) sourceAuthCache.set(tokenHash, row);
  }
  if (!row || (credentials.sourceId && row.source.id !== credentials.sourceId)) {
    return { ok: false, status: 403, code: "invalid_token", message: "This token does not open this source" };
  }
  if (row.revokedAt || (row.expiresAt && row.expiresAt <= new Date())) {
    return { ok: false, status: 403, code: "revoked_token", message: "This token was revoked or has expired after a rotation; use the source's current token" };
  }
  if (!row.source.enabled) {
    return { ok: false, status: 403, code: "source_disabled", message: "This source is disabled; an admin can enable it in Sources" };
  }
  return { ok: true, source: row.source };
}
