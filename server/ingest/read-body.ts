import { pipeline, Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { IngestError } from "./ingest-error";

export const MAX_BODY_BYTES = 1024 * 1024;

/** A request body as the ingest endpoint reads it: headers by name, and the raw bytes as they arrive. */
export type BodySource = { header: (name: string) => string | null; body: AsyncIterable<Uint8Array> | null };

/**
 * Reads a request body of at most `limit` bytes (after gzip decompression), stopping as soon as
 * it is exceeded: neither a lying Content-Length nor a chunked body makes it read more than that.
 */
export async function readBody(request: BodySource, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  refuseDeclaredOversize(request, limit);

  const encoding = (request.header("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    throw new IngestError(415, "unsupported_encoding", `Content-Encoding "${encoding}" is not supported; send identity or gzip`);
  }
  if (!request.body) return new Uint8Array();

  // A gzip body is inflated as it streams in, so the limit stops a decompression bomb early.
  const gunzip = encoding === "identity" ? null : createGunzip();
  const source: AsyncIterable<Uint8Array> = gunzip ? pipeline(Readable.from(request.body, { objectMode: false }), gunzip, () => {}) : request.body;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > limit) throw bodyTooLarge(limit);
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof IngestError) throw error;
    throw new IngestError(400, "malformed_body", `The body could not be read${gunzip ? " as gzip" : ""}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    gunzip?.destroy();
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

function bodyTooLarge(limit: number): IngestError {
  return new IngestError(413, "body_too_large", `The body is larger than ${limit} bytes (after decompression); send smaller batches`, { limitBytes: limit });
}

/** A Content-Length over the limit is refused on sight, before anything else is done for the request. */
export function refuseDeclaredOversize(request: Pick<BodySource, "header">, limit = MAX_BODY_BYTES): void {
  const declared = Number(request.header("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw bodyTooLarge(limit);
}
