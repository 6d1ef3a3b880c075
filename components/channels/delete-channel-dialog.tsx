"use client";

import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import type { ChannelItem } from "./channel-types";
import { useRefreshChannels } from "./use-refresh-channels";

type Props = { workspaceSlug: string; channel: ChannelItem; onClose: () => void; onDeleted?: () => void };

export function DeleteChannelDialog({ workspaceSlug, channel, onClose, onDeleted }: Props) {
  const trpc = useTRPC();
  const { refresh } = useRefreshChannels();
  const remove = useMutation(
    trpc.channel.delete.mutationOptions({
      onSuccess: () => {
        onClose();
        if (onDeleted) onDeleted();
        else refresh();
      },
    }),
  );
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Delete ${channel.name}`}
      description={`Rules that deliver to it stop using it; one that delivered only there notifies nobody until you edit it. Its delivery log goes with it, and deliveries still waiting are dropped.${channel.kind === "webhook" ? " Its signing secret stops working." : ""} This cannot be undone.`}
    >
      <div className="space-y-4">
        <FormError message={remove.error?.message} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ workspaceSlug, channelId: channel.id })}>
            Delete channel
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
