"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/react";
import { Badge } from "@/components/ui/badge";
import { formatAbsolute } from "./time-format";
import { formatWindowTime } from "./maintenance-time";
import { useNow } from "./relative-time";

/**
 * "In maintenance until 14:00" while a window runs, "Maintenance from Tue 13 May, 14:00" when
 * one is scheduled. Every row reads the same query (one request for the page), refreshed each
 * minute so a window that starts or ends shows without a reload.
 */
export function MaintenanceBadge({ workspaceSlug, sourceId, timeZone }: { workspaceSlug: string; sourceId: string; timeZone: string }) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.maintenanceWindow.summary.queryOptions({ workspaceSlug }, { refetchInterval: 60_000 }));
  const tick = useNow();
  const entry = summary.data?.find((s) => s.sourceId === sourceId);
  if (!entry || tick === null) return null;
  const now = new Date(tick);
  const current = entry.current && entry.current.startsAt <= now && now < entry.current.endsAt ? entry.current : null;
  if (current) {
    return (
      <Badge
        className="border-amber-200 bg-amber-50 text-amber-800"
        title={`Notifications about its events are held until ${formatAbsolute(current.endsAt, timeZone)}${current.reason ? `: ${current.reason}` : ""}`}
        data-testid="source-maintenance-badge"
        data-state="running"
      >
        In maintenance until {formatWindowTime(current.endsAt, timeZone, now)}
      </Badge>
    );
  }
  const next = entry.next && now < entry.next.endsAt ? entry.next : null;
  if (!next) return null;
  return (
    <Badge title={next.reason || undefined} data-testid="source-maintenance-badge" data-state="scheduled">
      Maintenance from {formatWindowTime(next.startsAt, timeZone, now)}
    </Badge>
  );
}
