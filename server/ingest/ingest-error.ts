/** A refusal of the ingest endpoint: an HTTP status and the JSON body `{ error: { code, message, details } }`. */
export class IngestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "IngestError";
  }

  toAnswer() {
    return { status: this.status, headers: this.headers, body: { error: { code: this.code, message: this.message, details: this.details } } };
  }
}
