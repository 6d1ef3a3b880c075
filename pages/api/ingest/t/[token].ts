import type { NextApiRequest, NextApiResponse } from "next";
import { getDb } from "@/server/db/client";
import { handleIngestNodeRequest } from "@/server/ingest/handle-ingest-node-request";

// For tools that can only be given a URL: the token is the last path segment. A Pages API route
// for the reason given in ../[sourceId].ts.
export const config = { api: { bodyParser: false, responseLimit: false, externalResolver: true } };

export default function ingestByToken(request: NextApiRequest, response: NextApiResponse) {
  return handleIngestNodeRequest(getDb(), request, response, { pathToken: String(request.query.token) }, { fanOut: "queued" });
}
