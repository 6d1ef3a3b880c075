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
  // An answer sent before the body was read to its end closes the connection (lingering, below),
  // unless there is no body, or nothing was read and a bounded length is announced (a 429, a 413
  // by Content-Length): Node then discards that much at less cost than the client's reconnection.
  const closing = !request.complete && hasBody(request) && !isSmallAndUntouched(request);
  if (closing) {
    headers.connection = "close";
    closeLingering(request);
  }
  response.writeHead(answer.status, headers);
  response.end(text);
}

/** Announced bodies Node may discard after a refusal, keeping the connection for the client's next request. */
export const DISCARDABLE_BODY_BYTES = 4 * MAX_BODY_BYTES;
/** How long a closing connection stays open for the client to read its answer, at most. */
export const LINGER_MS = 2_000;

/** No Content-Length (or 0) and no Transfer-Encoding: a GET, say, is complete with its headers. */
function hasBody(request: IncomingMessage): boolean {
  const length = request.headers["content-length"];
  return request.headers["transfer-encoding"] !== undefined || (length !== undefined && Number(length) !== 0);
}

function isSmallAndUntouched(request: IncomingMessage): boolean {
  const declared = Number(request.headers["content-length"]);
  return !request.readableDidRead && request.headers["content-length"] !== undefined && Number.isFinite(declared) && declared <= DISCARDABLE_BODY_BYTES;
}

/**
 * Closes the connection after the answer without resetting it. Node destroys a `Connection: close`
 * socket once the answer is flushed; with the body still arriving, the kernel then sends a reset,
 * which can discard the answer before the client reads it (a `write EPIPE` instead of the 413).
 * As RFC 9112 §9.6 advises: half-close, discard what still comes (up to DISCARDABLE_BODY_BYTES),
 * and close when the client does, or after LINGER_MS.
 */
function closeLingering(request: IncomingMessage): void {
  const socket = request.socket;
  // Node's http server calls destroySoon() on this socket once the answer is flushed.
  socket.destroySoon = () => {
    let discarded = 0;
    const close = () => {
      clearTimeout(timer);
      socket.destroy();
    };
    const timer = setTimeout(close, LINGER_MS).unref();
    // A 'data' listener also takes the socket back from Node's parser, which would otherwise stop
    // reading once the unread request body fills its buffer.
    socket.on("data", (chunk: Buffer) => {
      discarded += chunk.byteLength;
      if (discarded <= DISCARDABLE_BODY_BYTES) return;
      // Enough discarded: the rest waits in the kernel's buffers until the timer closes.
      request.pause();
      socket.pause();
    });
    socket.once("end", close);
    socket.once("close", () => clearTimeout(timer));
    request.resume();
    socket.resume();
    socket.end();
  };
}

function headerOf(request: IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}
