import type { Db } from "@/server/db/client";
import { reportException } from "@/server/exceptions/report-exception";
import { fanOutRequestQueue } from "@/server/jobs/fan-out-request-queue";
import { requestFanOut } from "@/server/jobs/request-fan-out";
import { getLogger } from "@/server/observability/logger";
import { recordIngest } from "@/server/observability/metrics";
import { authenticateSource } from "@/server/sources/authenticate-source";
import type { Adapter, IngestIssue } from "./adapter-result";
import { fillPreviousSecurityGates } from "./fill-previous-gates";
import { getFormat } from "./formats";
import { getIngestAdmission, turnOf, type Admitted, type IngestAdmission, type Refused } from "./ingest-admission";
import { IngestError } from "./ingest-error";
import type { NormalisedEvent } from "./normalised-event";
import { bodyKindOf, parseItems } from "./parse-items";
import { RateLimiter } from "./rate-limiter";
import { readBody, refuseDeclaredOversize, type BodySource } from "./read-body";
import { hashRequest, storeEvents } from "./store-events";

/** How the caller named its source: by id in the URL (token in a header), or by token in the URL. */
export type IngestTarget = { sourceId: string } | { pathToken: string };

const MAX_REPORTED_ISSUES = 50;
const globalForLimiter = globalThis as unknown as { tocsinIngestLimiter?: RateLimiter };
const limiter = (globalForLimiter.tocsinIngestLimiter ??= new RateLimiter());
const log = getLogger("ingest");

/** What the ingest endpoint answers, whatever HTTP server carries it: a status, headers and a JSON body. */
export type IngestAnswer = { status: number; headers: Record<string, string>; body: unknown };

export type IngestOptions = {
  /** "queued": coalesce the fan-out request with other requests' (the production server); "now": request it before answering. */
  fanOut?: "now" | "queued";
  /** The ceiling on requests in progress; the process's own by default. */
  admission?: IngestAdmission;
};

/**
 * POST /api/ingest/…: authenticate, limit, read, parse by the source's format, validate and
 * commit — answering 202 only once the events are stored, and a JSON error otherwise.
 */
export async function answerIngestRequest(
  db: Db,
  request: BodySource,
  target: IngestTarget,
  options: IngestOptions = {},
): Promise<IngestAnswer> {
  // The workspace the request is for, once its source is known: an exception is reported there.
  let workspaceId: string | null = null;
  // For the metrics: the source's format once known, and when the request began.
  let sourceFormat = "unknown";
  const startedAt = performance.now();
  let release: (() => void) | null = null;
  try {
    // Before anything costs a query or a byte read: an announced oversize body, then overload.
    refuseDeclaredOversize(request);
    // Usually a slot at once; under load a short wait in line, during which the body is read (up to
    // its limit): one too large is refused when it crosses the limit, not when its turn comes.
    const entry = (options.admission ?? getIngestAdmission()).enter();
    if (entry.admitted === false) throw entry.refusal;
    let bodyReadWhileWaiting: Promise<Uint8Array> | null = null;
    let admission: Admitted | Refused;
    if (entry.admitted === "waiting") {
      bodyReadWhileWaiting = readBody(request);
      admission = await turnOf(entry, bodyReadWhileWaiting);
    } else admission = entry;
    if (!admission.admitted) throw admission.refusal;
    release = admission.release;

    const token = "pathToken" in target ? target.pathToken : tokenFromAuthorization(request.header("authorization"));
    const auth = await authenticateSource(db, { token, sourceId: "sourceId" in target ? target.sourceId : undefined });
    if (!auth.ok) throw new IngestError(auth.status, auth.code, auth.message, null, auth.status === 401 ? authChallenge : {});
    const source = auth.source;
    workspaceId = source.workspaceId;
    sourceFormat = source.format;

    const limit = limiter.take(source.id, source.rateLimitPerSecond);
    if (!limit.allowed) {
      throw new IngestError(429, "rate_limited", `This source accepts ${source.rateLimitPerSecond} requests per second; retry after ${limit.retryAfterSeconds} s`, null, {
        "retry-after": String(limit.retryAfterSeconds),
      });
    }

    const contentType = request.header("content-type");
    const kind = bodyKindOf(contentType);
    const idempotencyKey = readIdempotencyKey(request.header("idempotency-key"));
    const body = await (bodyReadWhileWaiting ?? readBody(request));
    const receivedAt = new Date();
    const format = getFormat(source.format);
    // Chat-webhook formats get the leniency the chat services themselves show.
    const { items, batch } = parseItems(body, kind, { allowTrailingCommas: source.format === "slack" || source.format === "teams" });
    if (batch && !format.acceptsBatch) {
      throw new IngestError(400, "batch_not_supported", `A ${format.label} source takes one message per request, not a JSON array or NDJSON`);
    }
    const events = await fillPreviousSecurityGates(db, source.id, normaliseAll(format.adapter, items, receivedAt));

    const stored = await storeEvents(
      db,
      source,
      events,
      idempotencyKey ? { key: idempotencyKey, requestHash: hashRequest(contentType ?? "", body) } : null,
      receivedAt,
    );
    // Committed: ask for fan-out — coalesced with other requests' when queued (the sweeper covers
    // a crash before that). A failure is logged and left to the sweeper; the answer stays 202.
    if (options.fanOut === "queued") fanOutRequestQueue.add(source.workspaceId, stored.acceptedIds);
    else await requestFanOut(source.workspaceId, stored.acceptedIds);
    // A replay repeats an earlier answer: its events were counted then.
    recordIngest(sourceFormat, stored.replayed ? { accepted: 0, duplicates: 0 } : stored.body, elapsedSeconds(startedAt));
    log.debug({ sourceId: source.id, format: sourceFormat, status: stored.status, accepted: stored.body.accepted, duplicates: stored.body.duplicates, replayed: stored.replayed }, "events ingested");
    return { status: stored.status, headers: stored.replayed ? { "idempotent-replayed": "true" } : {}, body: stored.body };
  } catch (error) {
    if (error instanceof IngestError) {
      recordIngest(sourceFormat, { refused: error.code }, elapsedSeconds(startedAt));
      log.debug({ format: sourceFormat, status: error.status, code: error.code }, "ingest request refused");
      return error.toAnswer();
    }
    // Logged, counted and its notice sent before the 500 goes out (bounded in time, never throws).
    await reportException(db, error, { origin: "POST /api/ingest", workspaceId });
    recordIngest(sourceFormat, { refused: "internal_error" }, elapsedSeconds(startedAt));
    return new IngestError(500, "internal_error", "The events could not be stored; nothing from this request was kept. Retry later.").toAnswer();
  } finally {
    release?.();
  }
}

function elapsedSeconds(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}

/** The same for a fetch-style Request (tests, and any Web-standard server). */
export async function handleIngestRequest(db: Db, request: Request, target: IngestTarget, options: IngestOptions = {}): Promise<Response> {
  // Node's ReadableStream is async-iterable; the DOM typings do not say so.
  const body = request.body as unknown as AsyncIterable<Uint8Array> | null;
  const answer = await answerIngestRequest(db, { header: (name) => request.headers.get(name), body }, target, options);
  return Response.json(answer.body, { status: answer.status, headers: answer.headers });
}

/** Every item must normalise: one bad item refuses the whole request, naming each failing index. */
function normaliseAll(adapter: Adapter, items: unknown[], receivedAt: Date): NormalisedEvent[] {
  const events: NormalisedEvent[] = [];
  const issues: (IngestIssue & { index: number })[] = [];
  items.forEach((item, index) => {
    const result = adapter(item, { receivedAt });
    if (result.ok) events.push(result.event);
    else issues.push(...result.issues.map((issue) => ({ index, ...issue })));
  });
  if (issues.length > 0) {
    const first = issues[0]!;
    const where = items.length > 1 ? `event ${first.index}` : "the event";
    throw new IngestError(400, "invalid_event", `${where}: ${first.path ? `${first.path}: ` : ""}${first.message}`, {
      issues: issues.slice(0, MAX_REPORTED_ISSUES),
      ...(issues.length > MAX_REPORTED_ISSUES ? { moreIssues: issues.length - MAX_REPORTED_ISSUES } : {}),
    });
  }
  return events;
}

/** `Bearer <token>`, or `Basic` with the token as password (any user name) for tools that only do basic auth. */
const authChallenge = { "www-authenticate": 'Bearer realm="tocsin-ingest", Basic realm="tocsin-ingest"' };

function tokenFromAuthorization(header: string | null): string {
  if (!header) throw new IngestError(401, "missing_credentials", "Send the source token as `Authorization: Bearer <token>`, or use the source's token URL", null, authChallenge);
  const [scheme, value = ""] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() === "bearer" && value) return value;
  if (scheme?.toLowerCase() === "basic" && value) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0 && colon < decoded.length - 1) return decoded.slice(colon + 1);
  }
  throw new IngestError(401, "malformed_credentials", "The Authorization header must be `Bearer <token>` or `Basic` with the token as password", null, authChallenge);
}

function readIdempotencyKey(header: string | null): string | null {
  if (header === null) return null;
  const key = header.trim();
  if (key.length === 0 || key.length > 255 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new IngestError(400, "invalid_idempotency_key", "An Idempotency-Key is 1 to 255 printable ASCII characters without spaces");
  }
  return key;
}
