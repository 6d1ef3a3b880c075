import Link from "next/link";
import { ChannelKindBadge } from "@/components/channels/channel-kind-badge";
import { DeliveryStatusBadge } from "./delivery-status-badge";
import type { DeliveryPage } from "./delivery-types";
import { countAttempts, describeResponse } from "./describe-delivery";

/** Where an event was delivered: one row per rule and channel, each linking to that channel's log. */
export function EventDeliveries({ workspaceSlug, page }: { workspaceSlug: string; page: DeliveryPage }) {
  if (page.items.length === 0) {
    return <p className="text-sm text-zinc-500">No channel delivery: no rule sent this event to a channel you can see.</p>;
  }
  return (
    <div className="space-y-2">
      <ul className="divide-y divide-zinc-100" aria-label="Deliveries of this event">
        {page.items.map((delivery) => (
          <li key={delivery.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 py-2 text-sm" data-testid="event-delivery" data-status={delivery.status}>
            <div className="flex min-w-0 flex-wrap items-center gap-2">
              <ChannelKindBadge kind={delivery.channel.kind} compact />
              <Link href={`/w/${workspaceSlug}/channels/${delivery.channel.id}`} className="font-medium text-zinc-900 hover:underline">
                {delivery.channel.name}
              </Link>
              <span className="text-xs text-zinc-500">{delivery.rule ? `via ${delivery.rule.name}` : "via a rule you cannot see, or a deleted one"}</span>
            </div>
            <div className="flex flex-wrap items-center gap-3 text-xs text-zinc-600">
              <DeliveryStatusBadge status={delivery.status} />
              <span>{countAttempts(delivery.attempts)}</span>
              {delivery.status === "delivered" ? null : (
                <span>{describeResponse({ statusCode: delivery.lastStatusCode, errorClass: delivery.lastErrorClass, latencyMs: delivery.lastLatencyMs })}</span>
              )}
            </div>
          </li>
        ))}
      </ul>
      {page.nextCursor ? <p className="text-xs text-zinc-500">Showing the latest {page.items.length}; each channel&apos;s log has the rest.</p> : null}
    </div>
  );
}
