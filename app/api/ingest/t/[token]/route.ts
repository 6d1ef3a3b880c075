import { getDb } from "@/server/db/client";
import { handleIngestRequest } from "@/server/ingest/handle-ingest-request";
import { methodNotAllowed } from "../../method-not-allowed";

export const dynamic = "force-dynamic";

// For tools that can only be given a URL: the token is the last path segment.
export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }) {
  return handleIngestRequest(getDb(), request, { pathToken: (await params).token }, { fanOut: "queued" });
}

export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };
