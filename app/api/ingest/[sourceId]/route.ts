import { getDb } from "@/server/db/client";
import { handleIngestRequest } from "@/server/ingest/handle-ingest-request";
import { methodNotAllowed } from "../method-not-allowed";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ sourceId: string }> }) {
  return handleIngestRequest(getDb(), request, { sourceId: (await params).sourceId }, { fanOut: "queued" });
}

export { methodNotAllowed as GET, methodNotAllowed as PUT, methodNotAllowed as PATCH, methodNotAllowed as DELETE };
