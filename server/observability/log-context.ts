import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/** What every log line written while handling one request or one job run carries. */
export type LogContext = { requestId?: string; functionId?: string; runId?: string };

// On globalThis: the production server and Next's bundles load separate copies of this module,
// and a request entered in one is logged from the other.
const globalForContext = globalThis as unknown as { tocsinLogContext?: AsyncLocalStorage<LogContext> };
const storage = (globalForContext.tocsinLogContext ??= new AsyncLocalStorage<LogContext>());

export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** Ids a proxy or client may hand us: short, printable, nothing a log line could be forged with. */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:@\-]{1,128}$/;

/** The caller's `X-Request-Id` when it is sane, otherwise a new one. */
export function resolveRequestId(incoming: string | string[] | null | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && ACCEPTED_REQUEST_ID.test(value) ? value : randomUUID();
}

export const REQUEST_ID_HEADER = "x-request-id";

type NodeRequestLike = { headers: Record<string, string | string[] | undefined> };
type NodeResponseLike = { setHeader(name: string, value: string): unknown; headersSent: boolean };

/**
 * Runs `fn` with the request's id in the log context, echoing it in the response — unless an
 * outer layer (the production server) already did, whose id is kept.
 */
export function withNodeRequestId<T>(request: NodeRequestLike, response: NodeResponseLike, fn: () => T): T {
  if (currentLogContext()?.requestId) return fn();
  const requestId = resolveRequestId(request.headers[REQUEST_ID_HEADER]);
  if (!response.headersSent) response.setHeader(REQUEST_ID_HEADER, requestId);
  return runWithLogContext({ requestId }, fn);
}

/** The same for a fetch-style handler: the id goes on the Response it returns. */
export async function withFetchRequestId(request: Request, fn: () => Promise<Response>): Promise<Response> {
  const outer = currentLogContext()?.requestId;
  // The production server set the header on Node's response already.
  if (outer) return fn();
  const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
  const response = await runWithLogContext({ requestId }, fn);
  try {
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  } catch {
    // Immutable headers (a Response.redirect, a fetched response): copy it.
    const headers = new Headers(response.headers);
    headers.set(REQUEST_ID_HEADER, requestId);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}
