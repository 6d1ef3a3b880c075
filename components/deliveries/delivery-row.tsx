"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useRefreshChannels } from "@/components/channels/use-refresh-channels";
import { formatDateTime } from "@/components/events/format-time";
import { SeverityBadge } from "@/components/events/severity-badge";
import { RelativeTime } from "@/components/sources/relative-time";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { DeliveryAttempts } from "./delivery-attempts";
import { DeliveryStatusBadge } from "./delivery-status-badge";
import type { DeliveryItem } from "./delivery-types";
import { countAttempts, describeResponse } from "./describe-delivery";

type Props = {
  workspaceSlug: string;
  timeZone: string;
  delivery: DeliveryItem;
  /** Whoever may change the channel replays its deliveries… */
  canReplay: boolean;
  /** …while it is switched on. */
  channelEnabled: boolean;
};

/** One delivery: the event, the rule, where it stands; opened, every attempt. */
export function DeliveryRow({ workspaceSlug, timeZone, delivery, canReplay, channelEnabled }: Props) {
  const trpc = useTRPC();
  const { refresh } = useRefreshChannels();
  const [open, setOpen] = useState(false);
  const replay = useMutation(trpc.delivery.replay.mutationOptions({ onSuccess: refresh }));
  const { event } = delivery;
  const attemptsId = `attempts-${delivery.id}`;

  return (
    <li className="py-3" data-testid="delivery-row" data-status={delivery.status}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <DeliveryStatusBadge status={delivery.status} />
            <Link href={`/w/${workspaceSlug}/events/${event.id}`} className="font-medium break-words text-zinc-900 hover:underline">
              {event.title}
            </Link>
            <SeverityBadge severity={event.severity} />
            <span className="font-mono text-xs text-zinc-500">{event.type}</span>
          </div>
          <p className="flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-zinc-600">
            <span>{delivery.rule ? `Rule: ${delivery.rule.name}` : "Rule: deleted, or not yours to see"}</span>
            <span data-testid="delivery-attempts">{countAttempts(delivery.attempts)}</span>
            <span data-testid="delivery-last-response">{describeResponse({ statusCode: delivery.lastStatusCode, errorClass: delivery.lastErrorClass, latencyMs: delivery.lastLatencyMs })}</span>
            {delivery.status === "pending" && delivery.nextAttemptAt ? (
              // Retries come seconds to hours apart: the exact time, not "in a moment".
              <span data-testid="delivery-next-attempt">
                {delivery.attempts === 0 ? "first attempt" : "next retry"} at{" "}
                <time dateTime={delivery.nextAttemptAt.toISOString()}>{formatDateTime(delivery.nextAttemptAt, timeZone)}</time>
              </span>
            ) : null}
            {delivery.replays > 0 ? <span>replayed {delivery.replays === 1 ? "once" : `${delivery.replays} times`}</span> : null}
            <span>
              created <RelativeTime date={delivery.createdAt} timeZone={timeZone} past />
            </span>
          </p>
        </div>
        <div className="flex shrink-0 items-center gap-1">
          <Button size="sm" variant="ghost" aria-expanded={open} aria-controls={attemptsId} onClick={() => setOpen(!open)}>
            {open ? "Hide attempts" : "Attempts"}
          </Button>
          {canReplay && delivery.status !== "pending" ? (
            <Button
              size="sm"
              variant="secondary"
              disabled={!channelEnabled || replay.isPending}
              title={channelEnabled ? "Send it again, with the same webhook-id, and the channel's retries" : "Switch the channel on to replay its deliveries"}
              onClick={() => replay.mutate({ workspaceSlug, deliveryId: delivery.id })}
            >
              Replay
            </Button>
          ) : null}
        </div>
      </div>
      <FormError message={replay.error?.message} />
      {open ? (
        <div id={attemptsId} className="mt-2 rounded-md border border-zinc-200 bg-zinc-50 p-2">
          <DeliveryAttempts workspaceSlug={workspaceSlug} deliveryId={delivery.id} timeZone={timeZone} />
        </div>
      ) : null}
    </li>
  );
}
