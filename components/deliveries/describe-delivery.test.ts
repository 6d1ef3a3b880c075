import { describe, expect, it } from "vitest";
import { hasPendingDelivery, pollWhilePending, POLL_INTERVAL_MS } from "./delivery-log-polling";
import { countAttempts, describeResponse } from "./describe-delivery";

describe("delivery log words", () => {
  it("describes what the receiver answered, or why there was no answer", () => {
    expect(describeResponse({ statusCode: 200, errorClass: null, latencyMs: 34 })).toBe("HTTP 200 · 34 ms");
    expect(describeResponse({ statusCode: 500, errorClass: "server_error", latencyMs: 1200 })).toBe("HTTP 500 (server_error) · 1,200 ms");
    expect(describeResponse({ statusCode: null, errorClass: "connection_refused", latencyMs: 3 })).toBe("connection_refused · 3 ms");
    expect(describeResponse({ statusCode: null, errorClass: null, latencyMs: null })).toBe("—");
    expect([countAttempts(1), countAttempts(2)]).toEqual(["1 attempt", "2 attempts"]);
  });

  it("polls while a shown delivery is pending, and not otherwise", () => {
    const page = (...statuses: ("pending" | "delivered" | "failed")[]) => ({ items: statuses.map((status) => ({ status })) });
    expect(pollWhilePending(undefined)).toBe(false);
    expect(pollWhilePending({ pages: [page("delivered", "failed")] })).toBe(false);
    expect(hasPendingDelivery({ pages: [page("delivered"), page("failed", "pending")] })).toBe(true);
    expect(pollWhilePending({ pages: [page("pending")] })).toBe(POLL_INTERVAL_MS);
  });
});
