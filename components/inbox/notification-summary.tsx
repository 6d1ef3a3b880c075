import { SeverityBadge } from "@/components/events/severity-badge";
import { RelativeTime } from "@/components/sources/relative-time";
import { cn } from "@/lib/utils";
import { describeSummaryTitle } from "@/server/channels/summary-message";
import type { NotificationItem } from "./notification-types";

/** A summary entry says what it sums up; any other entry shows its event's title. */
function titleOf(item: NotificationItem): string {
  if (!item.batchReason) return item.event.title;
  return describeSummaryTitle({ reason: item.batchReason, count: item.batchCount ?? 0, ruleName: item.ruleName, sourceName: item.batchSourceName });
}

/** One inbox entry as a line of text: severity, title, rule, community, when, and what its rule's throttle held back. */
type Props = { item: NotificationItem; timeZone: string; showCommunity: boolean; compact?: boolean };

export function NotificationSummary({ item, timeZone, showCommunity, compact = false }: Props) {
  const unread = !item.readAt;
  return (
    <div className="min-w-0">
      <div className="flex items-start gap-2">
        <span role="img" aria-label={unread ? "Unread" : "Read"} className={cn("mt-1.5 size-2 shrink-0 rounded-full", unread ? "bg-sky-600" : "bg-transparent")} />
        <div className="min-w-0 flex-1">
          <p className={cn("text-sm break-words text-zinc-900", unread ? "font-semibold" : "font-normal", compact && "line-clamp-2")} data-testid="notification-title">
            {titleOf(item)}
          </p>
          <p className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-500">
            <SeverityBadge severity={item.severity} />
            {compact ? null : (
              <>
                <code className="font-mono text-zinc-600">{item.event.type}</code>
                <span aria-hidden>·</span>
              </>
            )}
            {item.ruleId || !item.batchReason ? <span title="Rule">{item.ruleName ?? <span className="italic">a deleted rule</span>}</span> : <span>several rules</span>}
            {showCommunity && item.communityName ? (
              <>
                <span aria-hidden>·</span>
                <span title="Community">{item.communityName}</span>
              </>
            ) : null}
            <span aria-hidden>·</span>
            <RelativeTime date={item.createdAt} timeZone={timeZone} past />
            {item.suppressedBefore > 0 ? (
              <span className="rounded bg-amber-50 px-1.5 py-0.5 font-medium text-amber-800" data-testid="suppressed-before" title="The rule's throttle held these back before this one">
                +{item.suppressedBefore} similar suppressed
              </span>
            ) : null}
            {item.suppressedAfter > 0 ? (
              <span className="rounded bg-zinc-100 px-1.5 py-0.5 font-medium text-zinc-700" data-testid="suppressed-after" title="The rule's throttle has held these back since this one">
                +{item.suppressedAfter} similar since
              </span>
            ) : null}
          </p>
        </div>
      </div>
    </div>
  );
}
