import type { NextApiRequest, NextApiResponse } from "next";
import { getDb } from "@/server/db/client";
import { handleIngestNodeRequest } from "@/server/ingest/handle-ingest-node-request";

// The ingest URL is a Pages API route, not an App Router route handler: it gets Node's request and
// response as they are, which bench/ingest.ts shows is several times cheaper per request. The body
// is read (and size-limited) by the handler itself, so Next's parser is off.
export const config = { api: { bodyParser: false, responseLimit: false, externalResolver: true } };

export default function ingest(request: NextApiRequest, response: NextApiResponse) {
  return handleIngestNodeRequest(getDb(), request, response, { sourceId: String(request.query.sourceId) }, { fanOut: "queued" });
}
