import { describe, expect, it } from "vitest";
import type { SendOutcome } from "@/server/channels/send-outcome";
import { classifySendOutcome } from "./classify-send-outcome";

const answered = (status: number, retryAfterMs: number | null = null): SendOutcome => ({ kind: "answered", status, latencyMs: 12, retryAfterMs });
const failed = (errorClass: Extract<SendOutcome, { kind: "failed" }>["errorClass"]): SendOutcome => ({ kind: "failed", errorClass, message: `${errorClass} at hooks.example`, latencyMs: 12 });

describe("classifySendOutcome", () => {
  it.each([
    [answered(200), { result: "delivered", statusCode: 200 }],
    [answered(204), { result: "delivered", statusCode: 204 }],
    [answered(202), { result: "delivered", statusCode: 202 }],
    [answered(410), { result: "failed", statusCode: 410, errorClass: "gone", gone: true }],
    [answered(429, 7_000), { result: "retry", statusCode: 429, errorClass: "rate_limited", retryAfterMs: 7_000 }],
    [answered(503, 30_000), { result: "retry", statusCode: 503, errorClass: "server_error", retryAfterMs: 30_000 }],
    [answered(502, 1_000), { result: "retry", statusCode: 502, retryAfterMs: 1_000 }],
    [answered(504, 2_000), { result: "retry", statusCode: 504, retryAfterMs: 2_000 }],
    // Retry-After is honoured for 429/502/503/504 only.
    [answered(500, 9_000), { result: "retry", statusCode: 500, errorClass: "server_error", retryAfterMs: null }],
    [answered(501), { result: "retry", statusCode: 501 }],
    [answered(400), { result: "failed", statusCode: 400, errorClass: "rejected", gone: false }],
    [answered(401), { result: "failed", statusCode: 401, errorClass: "rejected" }],
    [answered(404), { result: "failed", statusCode: 404, errorClass: "rejected" }],
    [answered(408), { result: "failed", statusCode: 408, errorClass: "rejected" }],
    [answered(301), { result: "failed", statusCode: 301, errorClass: "redirect" }],
    [answered(302), { result: "failed", statusCode: 302, errorClass: "redirect" }],
    [answered(307), { result: "failed", statusCode: 307, errorClass: "redirect" }],
    [failed("timeout"), { result: "retry", statusCode: null, errorClass: "timeout" }],
    [failed("connection_refused"), { result: "retry", errorClass: "connection_refused" }],
    [failed("connection_reset"), { result: "retry", errorClass: "connection_reset" }],
    [failed("dns_failure"), { result: "retry", errorClass: "dns_failure" }],
    [failed("network_error"), { result: "retry", errorClass: "network_error" }],
    [failed("tls_error"), { result: "retry", errorClass: "tls_error" }],
    [failed("email_provider_error"), { result: "retry", errorClass: "email_provider_error" }],
    [failed("blocked_destination"), { result: "failed", errorClass: "blocked_destination", gone: false }],
    [failed("invalid_url"), { result: "failed", errorClass: "invalid_url", gone: false }],
  ] as const)("%o → %o", (outcome, expected) => {
    expect(classifySendOutcome(outcome)).toMatchObject(expected);
  });

  it("explains each failure in words, without the receiver's body", () => {
    expect(classifySendOutcome(answered(503, 30_000))).toMatchObject({ error: "The receiver answered HTTP 503 (Retry-After 30 s)" });
    expect(classifySendOutcome(answered(302))).toMatchObject({ error: expect.stringContaining("does not follow redirects") });
    expect(classifySendOutcome(failed("timeout"))).toMatchObject({ error: "timeout at hooks.example" });
  });
});
