"use client";

import type { ReactNode } from "react";
import { RelativeTime } from "@/components/sources/relative-time";
import { Badge } from "@/components/ui/badge";
import { describeRetrySchedule } from "@/server/deliveries/retry-schedule";
import { cn } from "@/lib/utils";
import { describeChannelState, type ChannelState } from "./channel-state";
import type { ChannelItem } from "./channel-types";

const toneClasses: Record<ChannelState["tone"], string> = {
  on: "border-emerald-200 bg-emerald-50 text-emerald-800",
  failing: "border-amber-300 bg-amber-50 text-amber-800",
  off: "border-zinc-300 bg-zinc-100 text-zinc-700",
  disabled: "border-red-300 bg-red-50 text-red-800",
};

export function ChannelStateBadge({ channel }: { channel: ChannelItem }) {
  const state = describeChannelState(channel);
  return (
    <Badge className={toneClasses[state.tone]} data-testid="channel-state">
      {state.label}
    </Badge>
  );
}

/** Why the channel is off or failing, in full: switched off by Tocsin stands out. */
export function ChannelStateNotice({ channel }: { channel: ChannelItem }) {
  const state = describeChannelState(channel);
  if (!state.detail) return null;
  return (
    <p
      className={cn("mt-2 rounded-md border px-3 py-2 text-sm", state.tone === "disabled" ? "border-red-200 bg-red-50 text-red-900" : "border-zinc-200 bg-zinc-50 text-zinc-700")}
      data-testid="channel-state-detail"
    >
      {state.tone === "disabled" ? <span className="font-semibold">Switched off by Tocsin: </span> : null}
      {state.detail}
    </p>
  );
}

/** Where it delivers, when it last worked and failed, and how it retries. */
export function ChannelDetails({ channel, timeZone }: { channel: ChannelItem; timeZone: string }) {
  const never = <span className="text-zinc-500">Never</span>;
  return (
    <dl className="mt-3 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
      <Detail term={channel.kind === "email" ? "Recipients" : "Target"}>
        <code className="font-mono text-xs break-all text-zinc-700" data-testid="channel-target">
          {channel.target}
        </code>
      </Detail>
      <Detail term="Last delivered">{channel.lastDeliveredAt ? <RelativeTime date={channel.lastDeliveredAt} timeZone={timeZone} past /> : never}</Detail>
      <Detail term="Last failed">{channel.lastFailedAt ? <RelativeTime date={channel.lastFailedAt} timeZone={timeZone} past /> : never}</Detail>
      {channel.previousSigningSecretExpiresAt ? (
        <Detail term="Signing secret">
          Rotated: the previous one stops signing <RelativeTime date={channel.previousSigningSecretExpiresAt} timeZone={timeZone} />
        </Detail>
      ) : null}
      <Detail term="Retries">
        <span title={describeRetrySchedule(channel.maxRetries)}>
          {channel.maxRetries === 0 ? "None" : `${channel.maxRetries}: ${describeRetrySchedule(channel.maxRetries)}`}
        </span>
      </Detail>
    </dl>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{term}</dt>
      <dd className="mt-0.5 text-zinc-800">{children}</dd>
    </div>
  );
}
