import { createHash, timingSafeEqual } from "node:crypto";
import type { Db } from "@/server/db/client";
import { renderMetrics } from "./metrics";

/** Shortest TOCSIN_METRICS_TOKEN accepted: a scrape token is a password, not a switch. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

function errorResponse(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { code, message, details: null } }, { status, headers: { "cache-control": "no-store", ...headers } });
}

function sameSecret(given: string, expected: string): boolean {
  // Hashed first: equal lengths for timingSafeEqual, and no early exit on the length.
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest());
}

/**
 * GET /api/metrics: off (404, saying how to turn it on) unless TOCSIN_METRICS_TOKEN is set; then
 * `Authorization: Bearer <token>` is required — 401 without credentials, 403 with wrong ones.
 */
export async function answerMetricsRequest(db: Db, request: Request, token = process.env.TOCSIN_METRICS_TOKEN): Promise<Response> {
  if (!token) return errorResponse(404, "metrics_disabled", "Metrics are off: set TOCSIN_METRICS_TOKEN on the server, then scrape with `Authorization: Bearer <token>`");
  if (token.length < MIN_METRICS_TOKEN_LENGTH) {
    return errorResponse(503, "metrics_misconfigured", `TOCSIN_METRICS_TOKEN is too short: use at least ${MIN_METRICS_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`);
  }
  const challenge = { "www-authenticate": 'Bearer realm="tocsin-metrics"' };
  const header = request.headers.get("authorization")?.trim();
  if (!header) return errorResponse(401, "missing_credentials", "Send the metrics token as `Authorization: Bearer <token>`", challenge);
  const [scheme, given = ""] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() !== "bearer" || !given) return errorResponse(401, "malformed_credentials", "The Authorization header must be `Bearer <token>`", challenge);
  if (!sameSecret(given, token)) return errorResponse(403, "invalid_token", "This token does not open the metrics");
  const { contentType, body } = await renderMetrics(db);
  return new Response(body, { status: 200, headers: { "content-type": contentType, "cache-control": "no-store" } });
}
