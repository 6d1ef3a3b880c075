"use client";

import Link from "next/link";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { deliveryChannelKinds, type DeliveryChannelKind } from "@/server/db/schema/channels";
import { ChannelFormDialog } from "./channel-form-dialog";
import { ChannelKindBadge } from "./channel-kind-badge";
import { channelKindInfo } from "./channel-kinds";
import { ChannelRow } from "./channel-row";
import type { ChannelItem, ChannelsContext } from "./channel-types";

type Props = ChannelsContext & {
  channels: ChannelItem[];
  isAdmin: boolean;
  ownEmail: string;
};

const countChannels = (n: number) => (n === 1 ? "1 channel" : `${n} channels`);

/** Your personal channels, then the workspace's shared ones. */
export function ChannelsView({ channels, isAdmin, ownEmail, ...context }: Props) {
  // undefined: closed; null: open with no kind chosen yet.
  const [creating, setCreating] = useState<DeliveryChannelKind | null | undefined>(undefined);
  const personal = channels.filter((channel) => !channel.shared);
  const shared = channels.filter((channel) => channel.shared);
  const rowProps = { ...context, isAdmin, ownEmail };

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-600">
          {channels.length === 0 ? "No channels yet." : `${countChannels(personal.length)} of your own, ${shared.length} shared.`} Rules choose their channels in
          the editor’s Notify section.
        </p>
        <Button onClick={() => setCreating(null)}>New channel</Button>
      </div>

      <ChannelGroup title="Your channels" description="Only you see them; your personal rules deliver to them." testId="personal-channels">
        {personal.length === 0 ? (
          <EmptyChannels onChoose={setCreating} workspaceSlug={context.workspaceSlug} />
        ) : (
          <ul className="divide-y divide-zinc-100">
            {personal.map((channel) => (
              <ChannelRow key={channel.id} channel={channel} {...rowProps} />
            ))}
          </ul>
        )}
      </ChannelGroup>

      <ChannelGroup
        title="Shared channels"
        description={
          isAdmin
            ? "The workspace’s: every member sees them (the target masked) and may use them in rules. Admins set them up."
            : "The workspace’s: you may use them in your rules. Admins set them up."
        }
        testId="shared-channels"
      >
        {shared.length === 0 ? (
          <p className="text-sm text-zinc-500">
            {isAdmin ? "None yet. Choose “Shared” when creating a channel to give the whole workspace a team channel or a SOAR endpoint." : "None yet."}
          </p>
        ) : (
          <ul className="divide-y divide-zinc-100">
            {shared.map((channel) => (
              <ChannelRow key={channel.id} channel={channel} {...rowProps} />
            ))}
          </ul>
        )}
      </ChannelGroup>

      {creating !== undefined ? (
        <ChannelFormDialog
          workspaceSlug={context.workspaceSlug}
          channel={null}
          initialKind={creating ?? undefined}
          isAdmin={isAdmin}
          ownEmail={ownEmail}
          onClose={() => setCreating(undefined)}
        />
      ) : null}
    </div>
  );
}

/** What a channel is, and one way in per kind. */
function EmptyChannels({ onChoose, workspaceSlug }: { onChoose: (kind: DeliveryChannelKind) => void; workspaceSlug: string }) {
  return (
    <div className="space-y-3 text-sm text-zinc-600">
      <p>
        A channel is somewhere Tocsin delivers what your rules match, besides the{" "}
        <Link href={`/w/${workspaceSlug}/inbox`} className="font-medium text-zinc-900 underline">
          inbox
        </Link>
        : an email address, a chat channel, or your own endpoint. Deliveries are retried when the receiver fails, and every attempt is logged.
      </p>
      <ul className="grid gap-2 sm:grid-cols-2">
        {deliveryChannelKinds.map((kind) => (
          <li key={kind}>
            <button
              type="button"
              onClick={() => onChoose(kind)}
              className="w-full rounded-md border border-zinc-200 p-2.5 text-left hover:border-zinc-400 focus-visible:outline-2 focus-visible:outline-zinc-900"
              aria-label={`New ${channelKindInfo[kind].label} channel`}
            >
              <ChannelKindBadge kind={kind} />
              <span className="mt-0.5 block text-xs text-zinc-500">{channelKindInfo[kind].setupHint}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function ChannelGroup({ title, description, testId, children }: { title: string; description: string; testId: string; children: ReactNode }) {
  return (
    <Card data-testid={testId}>
      <CardHeader title={title} description={description} />
      <CardBody>{children}</CardBody>
    </Card>
  );
}
