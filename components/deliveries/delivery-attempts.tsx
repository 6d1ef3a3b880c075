"use client";

import { useQuery } from "@tanstack/react-query";
import { formatDateTime } from "@/components/events/format-time";
import { useTRPC } from "@/components/trpc/react";
import { AttemptOutcomeBadge } from "./delivery-status-badge";
import { POLL_INTERVAL_MS } from "./delivery-log-polling";

/** Every attempt of one delivery, oldest first; fetched when opened, following a pending delivery. */
export function DeliveryAttempts({ workspaceSlug, deliveryId, timeZone }: { workspaceSlug: string; deliveryId: string; timeZone: string }) {
  const trpc = useTRPC();
  const detail = useQuery(
    trpc.delivery.get.queryOptions({ workspaceSlug, deliveryId }, { refetchInterval: (query) => (query.state.data?.status === "pending" ? POLL_INTERVAL_MS : false) }),
  );
  if (detail.isPending) return <p className="text-sm text-zinc-500">Loading attempts…</p>;
  if (detail.isError) return <p className="text-sm text-red-700">{detail.error.message}</p>;
  const attempts = detail.data.attemptLog;
  if (attempts.length === 0) return <p className="text-sm text-zinc-500">No attempt yet: the first is due now.</p>;

  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" aria-label="Attempts">
        <thead className="text-zinc-500">
          <tr>
            {["#", `Started (${timeZone})`, "Status", "Latency", "Outcome", "Error class", "Error", "Next attempt"].map((heading) => (
              <th key={heading} scope="col" className="px-2 py-1 font-medium whitespace-nowrap">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 text-zinc-800">
          {attempts.map((attempt) => (
            <tr key={attempt.number} data-testid="delivery-attempt" data-outcome={attempt.outcome}>
              <td className="px-2 py-1.5 font-mono">{attempt.number}</td>
              <td className="px-2 py-1.5 whitespace-nowrap">
                <time dateTime={attempt.startedAt.toISOString()}>{formatDateTime(attempt.startedAt, timeZone)}</time>
              </td>
              <td className="px-2 py-1.5 font-mono" data-testid="attempt-status">
                {attempt.statusCode ?? "—"}
              </td>
              <td className="px-2 py-1.5 whitespace-nowrap">{attempt.latencyMs === null ? "—" : `${attempt.latencyMs.toLocaleString("en-US")} ms`}</td>
              <td className="px-2 py-1.5">
                <AttemptOutcomeBadge outcome={attempt.outcome} />
              </td>
              <td className="px-2 py-1.5 font-mono">{attempt.errorClass ?? "—"}</td>
              <td className="max-w-xs px-2 py-1.5 break-words">{attempt.error ?? "—"}</td>
              <td className="px-2 py-1.5 whitespace-nowrap">{attempt.nextAttemptAt ? <time dateTime={attempt.nextAttemptAt.toISOString()}>{formatDateTime(attempt.nextAttemptAt, timeZone)}</time> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
