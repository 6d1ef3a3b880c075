import type { SendOutcome } from "@/server/channels/send-outcome";

/** What the delivery job makes of one send. */
export type SendVerdict =
  | { result: "delivered"; statusCode: number }
  | { result: "retry"; statusCode: number | null; errorClass: DeliveryErrorClass; error: string; retryAfterMs: number | null }
  | { result: "failed"; statusCode: number | null; errorClass: DeliveryErrorClass; error: string; gone: boolean };

/** Error classes of the delivery log: a transport failure's, or what an answer's status means. */
export type DeliveryErrorClass =
  | Extract<SendOutcome, { kind: "failed" }>["errorClass"]
  | "server_error"
  | "rate_limited"
  | "rejected"
  | "redirect"
  | "gone"
  | "channel_disabled";

/** Answers whose Retry-After is honoured. */
const RETRY_AFTER_STATUSES = new Set([429, 502, 503, 504]);
/** Transport failures worth another try: the receiver may be back later. */
const RETRYABLE_FAILURES = new Set(["timeout", "connection_refused", "connection_reset", "network_error", "dns_failure", "tls_error", "email_provider_error"]);

/**
 * 2xx delivers. 429 and 5xx retry (429/502/503/504 with their Retry-After). 410 fails and
 * disables the channel. Other 4xx and 3xx (redirects are never followed) fail without retry.
 * Timeouts and connection errors retry; a refused destination or URL does not.
 */
export function classifySendOutcome(outcome: SendOutcome): SendVerdict {
  if (outcome.kind === "failed") {
    const { errorClass, message } = outcome;
    return RETRYABLE_FAILURES.has(errorClass)
      ? { result: "retry", statusCode: null, errorClass, error: message, retryAfterMs: null }
      : { result: "failed", statusCode: null, errorClass, error: message, gone: false };
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) return { result: "delivered", statusCode: status };
  if (status === 410) return { result: "failed", statusCode: status, errorClass: "gone", error: "The receiver answered 410 Gone: it no longer exists", gone: true };
  if (status === 429 || status >= 500) {
    const retryAfterMs = RETRY_AFTER_STATUSES.has(status) ? outcome.retryAfterMs : null;
    const errorClass = status === 429 ? "rate_limited" : "server_error";
    const wait = retryAfterMs !== null ? ` (Retry-After ${Math.ceil(retryAfterMs / 1000)} s)` : "";
    return { result: "retry", statusCode: status, errorClass, error: `The receiver answered HTTP ${status}${wait}`, retryAfterMs };
  }
  if (status >= 300 && status < 400) {
    return { result: "failed", statusCode: status, errorClass: "redirect", error: `The receiver answered HTTP ${status}, a redirect; Tocsin does not follow redirects: save the final URL`, gone: false };
  }
  return { result: "failed", statusCode: status, errorClass: "rejected", error: `The receiver refused the notification with HTTP ${status}`, gone: false };
}
