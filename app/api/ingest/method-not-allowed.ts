import { IngestError } from "@/server/ingest/ingest-error";

/** Ingest URLs take POST only; other methods get the same JSON error shape as every refusal. */
export function methodNotAllowed() {
  return new IngestError(405, "method_not_allowed", "Ingest URLs accept POST only", null, { allow: "POST" }).toResponse();
}
