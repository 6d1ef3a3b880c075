import { IngestError } from "./ingest-error";

export const MAX_EVENTS_PER_REQUEST = 1000;

export type BodyKind = "json" | "ndjson";

const ndjsonTypes = new Set(["application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"]);

/** JSON (including `+json` types such as CloudEvents') or NDJSON; anything else is a 415. */
export function bodyKindOf(contentType: string | null): BodyKind {
  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType === "application/json" || /^application\/[\w.-]+\+json$/.test(mediaType)) return "json";
  if (ndjsonTypes.has(mediaType)) return "ndjson";
  throw new IngestError(415, "unsupported_content_type", `Content-Type "${mediaType || "(none)"}" is not supported; send application/json or application/x-ndjson`, {
    supported: ["application/json", "application/*+json", "application/x-ndjson"],
  });
}

/**
 * The events of a body: a JSON array's elements, NDJSON's lines, or a single JSON value. A
 * request carries 1 to 1000 events and is refused whole when any of it is malformed.
 */
export function parseItems(body: Uint8Array, kind: BodyKind, options: { allowTrailingCommas?: boolean } = {}): { items: unknown[]; batch: boolean } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new IngestError(400, "malformed_body", "The body is not valid UTF-8");
  }
  const { items, batch } = kind === "json" ? parseJson(text, options.allowTrailingCommas ?? false) : { items: parseNdjson(text), batch: true };
  if (items.length === 0) throw new IngestError(400, "empty_batch", "The body holds no event");
  if (items.length > MAX_EVENTS_PER_REQUEST) {
    throw new IngestError(413, "too_many_events", `A request carries at most ${MAX_EVENTS_PER_REQUEST} events; this one has ${items.length}`, {
      limit: MAX_EVENTS_PER_REQUEST,
      received: items.length,
    });
  }
  return { items, batch };
}

function parseJson(text: string, allowTrailingCommas: boolean): { items: unknown[]; batch: boolean } {
  if (text.trim() === "") throw new IngestError(400, "empty_body", "The body is empty");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    try {
      if (!allowTrailingCommas) throw error;
      value = JSON.parse(withoutTrailingCommas(text));
    } catch {
      throw new IngestError(400, "malformed_json", `The body is not valid JSON: ${(error as Error).message}`);
    }
  }
  return Array.isArray(value) ? { items: value, batch: true } : { items: [value], batch: false };
}

function parseNdjson(text: string): unknown[] {
  const items: unknown[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    try {
      items.push(JSON.parse(line));
    } catch (error) {
      throw new IngestError(400, "malformed_json", `Line ${i + 1} is not valid JSON: ${(error as Error).message}`, { line: i + 1 });
    }
    if (items.length > MAX_EVENTS_PER_REQUEST) break;
  }
  return items;
}

/**
 * Drops commas that directly precede `}` or `]` outside strings. Some tools' chat templates
 * (SecObserve's Teams notices, for one) leave such a comma, which chat services tolerate.
 */
export function withoutTrailingCommas(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ",") {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j++;
      if (text[j] === "}" || text[j] === "]") continue;
    }
    out += c;
  }
  return out;
}
