import { IngestError } from "./ingest-error";

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request body of at most `limit` bytes (after gzip decompression), stopping as soon as
 * it is exceeded: neither a lying Content-Length nor a chunked body makes it read more than that.
 */
export async function readBody(request: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const tooLarge = () => new IngestError(413, "body_too_large", `The body is larger than ${limit} bytes (after decompression); send smaller batches`, { limitBytes: limit });
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();

  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    throw new IngestError(415, "unsupported_encoding", `Content-Encoding "${encoding}" is not supported; send identity or gzip`);
  }
  if (!request.body) return new Uint8Array();

  let stream: ReadableStream<Uint8Array> = request.body;
  if (encoding !== "identity") stream = stream.pipeThrough(new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);

  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw tooLarge();
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof IngestError) throw error;
    throw new IngestError(400, "malformed_body", `The body could not be read${encoding !== "identity" ? " as gzip" : ""}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
