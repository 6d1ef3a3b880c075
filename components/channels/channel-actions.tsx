"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ChannelFormDialog } from "./channel-form-dialog";
import type { ChannelItem, ChannelsContext } from "./channel-types";
import { DeleteChannelDialog } from "./delete-channel-dialog";
import { SendTestDialog } from "./send-test-dialog";
import { SigningSecretDialog } from "./signing-secret-dialog";

type Props = ChannelsContext & {
  channel: ChannelItem;
  isAdmin: boolean;
  ownEmail: string;
  /** Where to go once the channel is deleted (the log page leaves for the list); the list refreshes otherwise. */
  onDeleted?: () => void;
};

/** Send test, Edit, Signing secret (webhooks) and Delete, for whoever may change the channel. */
export function ChannelActions({ channel, isAdmin, ownEmail, onDeleted, ...context }: Props) {
  const [dialog, setDialog] = useState<null | "test" | "edit" | "secret" | "delete">(null);
  const close = () => setDialog(null);
  const { workspaceSlug } = context;

  return (
    <div className="flex flex-wrap items-center gap-1">
      <Button size="sm" variant="ghost" onClick={() => setDialog("test")}>
        Send test
      </Button>
      <Button size="sm" variant="ghost" onClick={() => setDialog("edit")}>
        Edit
      </Button>
      {channel.kind === "webhook" ? (
        <Button size="sm" variant="ghost" onClick={() => setDialog("secret")}>
          Signing secret
        </Button>
      ) : null}
      <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDialog("delete")}>
        Delete
      </Button>

      {dialog === "test" ? <SendTestDialog workspaceSlug={workspaceSlug} channel={channel} onClose={close} /> : null}
      {dialog === "edit" ? <ChannelFormDialog workspaceSlug={workspaceSlug} channel={channel} isAdmin={isAdmin} ownEmail={ownEmail} onClose={close} /> : null}
      {dialog === "secret" ? <SigningSecretDialog {...context} channel={channel} onClose={close} /> : null}
      {dialog === "delete" ? <DeleteChannelDialog workspaceSlug={workspaceSlug} channel={channel} onClose={close} onDeleted={onDeleted} /> : null}
    </div>
  );
}
