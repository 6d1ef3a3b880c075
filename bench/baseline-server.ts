// The baseline: a bare node:http server doing the ingest route's essential work for the same
// request — Bearer token (checksum, then the SHA-256 looked up in intake_source_tokens joined
// with intake_sources), body read with a 1 MiB cap, JSON.parse, the generic adapter's
// validation, and one INSERT … ON CONFLICT DO NOTHING into events — answering 202 JSON.
// Talks to PostgreSQL with the `postgres` driver (BENCH_BASELINE_DATABASE_URL) or to PGlite
// directly (BENCH_BASELINE_PGLITE_DIR). Run as its own process by bench/ingest.ts.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { uuidv7 } from "uuidv7";
import { normaliseGeneric } from "@/server/ingest/adapters/generic";
import type { NormalisedEvent } from "@/server/ingest/normalised-event";
import { hashSourceToken, isWellFormedSourceToken } from "@/server/sources/source-token";

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_EVENTS = 1000;

type Query = (text: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

function openDatabase(): { query: Query; close: () => Promise<void> } {
  const url = process.env.BENCH_BASELINE_DATABASE_URL;
  if (url) {
    // The same pool size as the app's createPostgresHandle.
    const sql = postgres(url, { max: 10, onnotice: () => {}, connection: { TimeZone: "UTC" } });
    return {
      query: async (text, params) => [...(await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }))],
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const dir = process.env.BENCH_BASELINE_PGLITE_DIR;
  if (!dir) throw new Error("Set BENCH_BASELINE_DATABASE_URL or BENCH_BASELINE_PGLITE_DIR");
  const db = new PGlite(dir);
  return { query: async (text, params) => (await db.query<Record<string, unknown>>(text, params)).rows, close: () => db.close() };
}

const database = openDatabase();

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

const authQuery = `select s.id, s.workspace_id, s.community_id, s.enabled, t.revoked_at, t.expires_at
  from intake_source_tokens t join intake_sources s on s.id = t.source_id
  where t.token_hash = $1 limit 1`;

type Source = { id: string; workspace_id: string; community_id: string };

async function authenticate(request: IncomingMessage, sourceId: string): Promise<Source> {
  const header = request.headers.authorization ?? "";
  const [scheme, token = ""] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() !== "bearer" || !token) throw new HttpError(401, "missing_credentials", "Send Authorization: Bearer <token>");
  if (!isWellFormedSourceToken(token)) throw new HttpError(401, "malformed_token", "Not a Tocsin source token");
  const [row] = await database.query(authQuery, [hashSourceToken(token)]);
  if (!row || row.id !== sourceId) throw new HttpError(403, "invalid_token", "This token does not open this source");
  const expiresAt = row.expires_at === null ? null : new Date(row.expires_at as string | Date);
  if (row.revoked_at !== null || (expiresAt && expiresAt <= new Date())) throw new HttpError(403, "revoked_token", "Revoked or expired token");
  if (!row.enabled) throw new HttpError(403, "source_disabled", "This source is disabled");
  return row as unknown as Source;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw new HttpError(413, "body_too_large", "Body over 1 MiB");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "body_too_large", "Body over 1 MiB");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

const columns = [
  "id",
  "workspace_id",
  "community_id",
  "source_id",
  "type",
  "severity",
  "title",
  "message",
  "actor",
  "client_ip",
  "occurred_at",
  "received_at",
  "external_id",
  "fingerprint",
  "origin",
  "data",
  "raw",
] as const;
const casts: Partial<Record<(typeof columns)[number], string>> = {
  id: "uuid",
  workspace_id: "uuid",
  community_id: "uuid",
  source_id: "uuid",
  occurred_at: "timestamptz",
  received_at: "timestamptz",
  data: "jsonb",
  raw: "jsonb",
};

async function insertEvents(source: Source, events: NormalisedEvent[], receivedAt: Date) {
  const params: unknown[] = [];
  const tuples = events.map((event) => {
    const values: Record<(typeof columns)[number], unknown> = {
      id: uuidv7(),
      workspace_id: source.workspace_id,
      community_id: source.community_id,
      source_id: source.id,
      type: event.type,
      severity: event.severity,
      title: event.title,
      message: event.message,
      actor: event.actor,
      client_ip: event.clientIp,
      occurred_at: event.occurredAt.toISOString(),
      received_at: receivedAt.toISOString(),
      external_id: event.externalId,
      fingerprint: event.fingerprint,
      origin: "ingest",
      data: event.data === null ? null : JSON.stringify(event.data),
      raw: JSON.stringify(event.raw),
    };
    return `(${columns
      .map((column) => {
        params.push(values[column]);
        const cast = casts[column];
        return cast ? `$${params.length}::${cast}` : `$${params.length}`;
      })
      .join(", ")})`;
  });
  const text = `insert into events (${columns.join(", ")}) values ${tuples.join(", ")}
    on conflict (source_id, external_id) where external_id is not null do nothing
    returning id, external_id`;
  const inserted = await database.query(text, params);
  return { accepted: inserted.length, duplicates: events.length - inserted.length, ids: inserted.map((row) => String(row.id)) };
}

async function handle(request: IncomingMessage, response: ServerResponse) {
  try {
    const match = /^\/api\/ingest\/([0-9a-f-]{36})$/.exec(request.url ?? "");
    if (!match) throw new HttpError(404, "not_found", "No such URL");
    if (request.method !== "POST") throw new HttpError(405, "method_not_allowed", "POST only");
    const source = await authenticate(request, match[1]!);
    const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (contentType !== "application/json") throw new HttpError(415, "unsupported_content_type", "Send application/json");
    const body = await readBody(request);
    const receivedAt = new Date();
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch (error) {
      throw new HttpError(400, "malformed_json", `The body is not valid JSON: ${(error as Error).message}`);
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    if (items.length === 0 || items.length > MAX_EVENTS) throw new HttpError(400, "bad_batch", "1 to 1000 events per request");
    const events: NormalisedEvent[] = [];
    for (const [index, item] of items.entries()) {
      const result = normaliseGeneric(item, { receivedAt });
      if (!result.ok) throw new HttpError(400, "invalid_event", `event ${index}: ${result.issues[0]?.message}`, { issues: result.issues });
      events.push(result.event);
    }
    send(response, 202, await insertEvents(source, events, receivedAt));
  } catch (error) {
    if (error instanceof HttpError) send(response, error.status, { error: { code: error.code, message: error.message, details: error.details } });
    else {
      console.error("[baseline] request failed:", error);
      send(response, 500, { error: { code: "internal_error", message: String(error), details: null } });
    }
  }
}

function send(response: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

const server = createServer((request, response) => void handle(request, response));
server.keepAliveTimeout = 65_000;
const port = Number(process.env.PORT);
server.listen(port, "127.0.0.1", () => console.log(`baseline listening on 127.0.0.1:${port}`));

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  void database.close().finally(() => process.exit(0));
};
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
