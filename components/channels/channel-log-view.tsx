"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { DeliveryLog } from "@/components/deliveries/delivery-log";
import type { DeliveryPage } from "@/components/deliveries/delivery-types";
import { ReplayFailedForm } from "@/components/deliveries/replay-failed-form";
import { useTRPC } from "@/components/trpc/react";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ChannelActions } from "./channel-actions";
import { ChannelEnabledSwitch } from "./channel-enabled-switch";
import { ChannelKindBadge } from "./channel-kind-badge";
import { ChannelDetails, ChannelStateBadge, ChannelStateNotice } from "./channel-summary";
import type { ChannelItem, ChannelsContext } from "./channel-types";

type Props = ChannelsContext & {
  channel: ChannelItem;
  firstPage: DeliveryPage;
  isAdmin: boolean;
  ownEmail: string;
};

/** One channel's page: its state and actions on top, then its delivery log. */
export function ChannelLogView({ channel: initial, firstPage, isAdmin, ownEmail, ...context }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const channelQuery = trpc.channel.get.queryOptions({ workspaceSlug: context.workspaceSlug, channelId: initial.id }, { initialData: initial });
  const channel = useQuery(channelQuery).data ?? initial;
  const listHref = `/w/${context.workspaceSlug}/channels`;

  return (
    <div className="space-y-6">
      <Card data-testid="channel-summary">
        <CardBody>
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="flex flex-wrap items-center gap-2">
              <ChannelKindBadge kind={channel.kind} />
              <span className="text-sm text-zinc-500">{channel.shared ? "Shared by the workspace" : "Personal"}</span>
              <ChannelStateBadge channel={channel} />
            </div>
            {channel.canEdit ? <ChannelEnabledSwitch workspaceSlug={context.workspaceSlug} channel={channel} /> : null}
          </div>
          <ChannelStateNotice channel={channel} />
          <ChannelDetails channel={channel} timeZone={context.timeZone} />
          {channel.canEdit ? (
            <div className="mt-2 -ml-3">
              <ChannelActions {...context} channel={channel} isAdmin={isAdmin} ownEmail={ownEmail} onDeleted={() => router.push(listHref)} />
            </div>
          ) : null}
        </CardBody>
      </Card>

      {channel.canEdit ? (
        <Card>
          <CardHeader title="Replay failed deliveries" description="Each is sent again under the webhook-id it had, so receivers can tell a replay from a new notification, and retried on the channel's schedule." />
          <CardBody>
            <ReplayFailedForm workspaceSlug={context.workspaceSlug} timeZone={context.timeZone} channelId={channel.id} channelEnabled={channel.enabled} />
          </CardBody>
        </Card>
      ) : null}

      <Card>
        <CardHeader title="Deliveries" description="Newest first. One per event, rule and channel; each attempt is logged with its status, latency and error class." />
        <DeliveryLog
          workspaceSlug={context.workspaceSlug}
          timeZone={context.timeZone}
          channel={channel}
          firstPage={firstPage}
          onRefetched={() => void queryClient.invalidateQueries({ queryKey: channelQuery.queryKey })}
        />
      </Card>
    </div>
  );
}
