// A delivery's and an attempt's results in words, for the log, the event page and the send test.
import type { DeliveryStatus } from "@/server/db/schema/channels";

export const deliveryStatusLabels: Record<DeliveryStatus, string> = { pending: "Pending", delivered: "Delivered", failed: "Failed" };

/** An attempt's outcome: the delivery job's word for it. */
export const attemptOutcomeLabels = { delivered: "Delivered", retry: "Retry", failed: "Failed" } as const;
export type AttemptOutcome = keyof typeof attemptOutcomeLabels;

type Response = { statusCode: number | null; errorClass: string | null; latencyMs: number | null };

/** "HTTP 200 · 34 ms", "HTTP 500 (server_error) · 12 ms", "connection_refused · 3 ms", or "—" before any attempt. */
export function describeResponse({ statusCode, errorClass, latencyMs }: Response): string {
  const what = statusCode !== null ? `HTTP ${statusCode}${errorClass ? ` (${errorClass})` : ""}` : errorClass;
  const parts = [what, latencyMs !== null ? `${latencyMs.toLocaleString("en-US")} ms` : null].filter(Boolean);
  return parts.length ? parts.join(" · ") : "—";
}

export const countAttempts = (n: number) => (n === 1 ? "1 attempt" : `${n} attempts`);
