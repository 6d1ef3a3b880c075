import type { IngestTarget } from "@/server/ingest/handle-ingest-request";

/**
 * The ingest target named by a request path — `/api/ingest/<sourceId>` or `/api/ingest/t/<token>`,
 * query string ignored — or null for every other path (those are Next's).
 */
export function ingestTargetOf(url: string | undefined): IngestTarget | null {
  if (!url?.startsWith("/api/ingest/")) return null;
  const path = url.split("?", 1)[0]!.slice("/api/ingest/".length);
  const segments = path.split("/");
  const decoded = segments.map(safeDecode);
  if (decoded.some((segment) => segment === null || segment === "")) return null;
  if (decoded.length === 2 && decoded[0] === "t") return { pathToken: decoded[1]! };
  if (decoded.length === 1 && decoded[0] !== "t") return { sourceId: decoded[0]! };
  return null;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
