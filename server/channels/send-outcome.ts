/**
 * How one send ended, as every channel kind reports it: the receiver answered (with a status), or
 * no answer could be had (an error class in Tocsin's words). What the receiver said in its body is
 * never kept or shown: only the status, the latency and, for 429/503, its Retry-After.
 * The delivery job decides from this whether the attempt delivered, retries or fails
 * (server/deliveries/classify-send-outcome.ts).
 */
export type SendOutcome = AnsweredSend | FailedSend;

export type AnsweredSend = {
  kind: "answered";
  /** HTTP status (email providers' API status for email; 202 for the local outbox). */
  status: number;
  latencyMs: number;
  /** Retry-After, in milliseconds from now, when the receiver sent one that parses. */
  retryAfterMs: number | null;
};

export type FailedSend = {
  kind: "failed";
  errorClass: SendErrorClass;
  /** A short sentence for the delivery log: never the receiver's body, never a secret. */
  message: string;
  latencyMs: number;
};

export const sendErrorClasses = [
  /** Not http(s), userinfo in the URL, no host, bad port: refused before any connection. */
  "invalid_url",
  /** The host is, or resolves to, an address Tocsin does not connect to (private, loopback, …). */
  "blocked_destination",
  /** The name did not resolve. */
  "dns_failure",
  "connection_refused",
  "connection_reset",
  /** 15 s passed before the answer was complete (connect, TLS, headers and body together). */
  "timeout",
  "tls_error",
  /** Any other transport failure. */
  "network_error",
  /** The email provider refused the message or could not be reached. */
  "email_provider_error",
] as const;
export type SendErrorClass = (typeof sendErrorClasses)[number];
