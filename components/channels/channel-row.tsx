"use client";

import Link from "next/link";
import { ChannelActions } from "./channel-actions";
import { ChannelEnabledSwitch } from "./channel-enabled-switch";
import { ChannelKindBadge } from "./channel-kind-badge";
import { ChannelDetails, ChannelStateBadge, ChannelStateNotice } from "./channel-summary";
import type { ChannelItem, ChannelsContext } from "./channel-types";

type Props = ChannelsContext & { channel: ChannelItem; isAdmin: boolean; ownEmail: string };

export const channelLogHref = (workspaceSlug: string, channelId: string) => `/w/${workspaceSlug}/channels/${channelId}`;

/** One channel: kind, name, state, target, last results, and its actions for whoever may change it. */
export function ChannelRow({ channel, isAdmin, ownEmail, ...context }: Props) {
  const logHref = channelLogHref(context.workspaceSlug, channel.id);
  return (
    <li className="py-4 first:pt-0 last:pb-0" data-testid="channel-row">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex min-w-0 flex-wrap items-center gap-2">
          <ChannelKindBadge kind={channel.kind} />
          <h3 className="font-medium text-zinc-900" data-testid="channel-name">
            <Link href={logHref} className="hover:underline">
              {channel.name}
            </Link>
          </h3>
          <ChannelStateBadge channel={channel} />
        </div>
        {channel.canEdit ? <ChannelEnabledSwitch workspaceSlug={context.workspaceSlug} channel={channel} /> : <span className="text-xs text-zinc-500">Set up by an admin</span>}
      </div>
      <ChannelStateNotice channel={channel} />
      <ChannelDetails channel={channel} timeZone={context.timeZone} />
      <div className="mt-2 -ml-3 flex flex-wrap items-center gap-1">
        <Link href={logHref} className="inline-flex h-8 items-center rounded-md px-3 text-sm font-medium text-zinc-700 hover:bg-zinc-100">
          Delivery log
        </Link>
        {channel.canEdit ? <ChannelActions {...context} channel={channel} isAdmin={isAdmin} ownEmail={ownEmail} /> : null}
      </div>
    </li>
  );
}
