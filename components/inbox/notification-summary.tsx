import { SeverityBadge } from "@/components/events/severity-badge";
import { RelativeTime } from "@/components/sources/relative-time";
import { cn } from "@/lib/utils";
import type { NotificationItem } from "./notification-types";

/** One inbox entry as a line of text: severity, title, rule, community, and when. */
type Props = { item: NotificationItem; timeZone: string; showCommunity: boolean; compact?: boolean };

export function NotificationSummary({ item, timeZone, showCommunity, compact = false }: Props) {
  const unread = !item.readAt;
  return (
    <div className="min-w-0">
      <div className="flex items-start gap-2">
        <span role="img" aria-label={unread ? "Unread" : "Read"} className={cn("mt-1.5 size-2 shrink-0 rounded-full", unread ? "bg-sky-600" : "bg-transparent")} />
        <div className="min-w-0 flex-1">
          <p className={cn("text-sm break-words text-zinc-900", unread ? "font-semibold" : "font-normal", compact && "line-clamp-2")} data-testid="notification-title">
            {item.event.title}
          </p>
          <p className="mt-0.5 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-500">
            <SeverityBadge severity={item.severity} />
            {compact ? null : (
              <>
                <code className="font-mono text-zinc-600">{item.event.type}</code>
                <span aria-hidden>·</span>
              </>
            )}
            <span title="Rule">{item.ruleName ?? <span className="italic">a deleted rule</span>}</span>
            {showCommunity && item.communityName ? (
              <>
                <span aria-hidden>·</span>
                <span title="Community">{item.communityName}</span>
              </>
            ) : null}
            <span aria-hidden>·</span>
            <RelativeTime date={item.createdAt} timeZone={timeZone} past />
          </p>
        </div>
      </div>
    </div>
  );
}
