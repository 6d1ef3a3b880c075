import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "@/server/db/client";
import { withNodeRequestId } from "@/server/observability/log-context";
import { answerIngestRequest, type IngestAnswer, type IngestOptions, type IngestTarget } from "./handle-ingest-request";
import { IngestError } from "./ingest-error";
import { MAX_BODY_BYTES } from "./read-body";

/**
 * The ingest endpoint on Node's own request and response: the body is read straight off the
 * socket and the answer written in one go, with none of the Web-stream conversions a fetch-style
 * route handler pays for on every request (see bench/ingest.ts for what that costs). The request
 * id (the caller's X-Request-Id, or a new one) is echoed and carried by every log line written
 * for the request.
 */
export function handleIngestNodeRequest(
  db: Db,
  request: IncomingMessage,
  response: ServerResponse,
  target: IngestTarget,
  options: IngestOptions = {},
): Promise<void> {
  return withNodeRequestId(request, response, () => answerOnNode(db, request, response, target, options));
}

async function answerOnNode(
  db: Db,
  request: IncomingMessage,
  response: ServerResponse,
  target: IngestTarget,
  options: IngestOptions,
): Promise<void> {
  const answer: IngestAnswer =
    request.method === "POST"
      ? await answerIngestRequest(
          db,
          // Stopping early (413) must not destroy the socket: the refusal still has to be sent.
          { header: (name) => headerOf(request, name), body: request.iterator({ destroyOnReturn: false }) },
          target,
          options,
        )
      : new IngestError(405, "method_not_allowed", "Ingest URLs accept POST only", null, { allow: "POST" }).toAnswer();
  const text = JSON.stringify(answer.body);
  const headers: Record<string, string | number> = { ...answer.headers, "content-type": "application/json", "content-length": Buffer.byteLength(text) };
  // A refusal sent before the body was read to its end: close the connection rather than read on —
  // unless nothing was read and a bounded length is announced (a 429, a 413 by Content-Length):
  // Node then discards that much at less cost than the client's reconnection, and the client gets
  // its answer rather than a reset for bytes still in flight to a closed socket.
  if (!request.complete && !isSmallAndUntouched(request)) headers.connection = "close";
  response.writeHead(answer.status, headers);
  response.end(text);
}

/** Announced bodies Node may discard after a refusal, keeping the connection for the client's next request. */
export const DISCARDABLE_BODY_BYTES = 4 * MAX_BODY_BYTES;

function isSmallAndUntouched(request: IncomingMessage): boolean {
  const declared = Number(request.headers["content-length"]);
  return !request.readableDidRead && request.headers["content-length"] !== undefined && Number.isFinite(declared) && declared <= DISCARDABLE_BODY_BYTES;
}

function headerOf(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}
