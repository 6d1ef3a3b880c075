"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { Switch } from "@/components/ui/switch";
import type { ChannelItem } from "./channel-types";
import { useRefreshChannels } from "./use-refresh-channels";

/**
 * Switches a channel on or off. Switching on one that Tocsin switched off asks first: it resets
 * the failure count, and what failed meanwhile is not resent by itself.
 */
export function ChannelEnabledSwitch({ workspaceSlug, channel }: { workspaceSlug: string; channel: ChannelItem }) {
  const trpc = useTRPC();
  const { refresh, refreshing } = useRefreshChannels();
  const [confirming, setConfirming] = useState(false);
  const setEnabled = useMutation(
    trpc.channel.setEnabled.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        refresh();
      },
    }),
  );
  // Until the refreshed channel arrives, show the state just asked for.
  const enabled = (setEnabled.isPending || refreshing) && setEnabled.variables ? setEnabled.variables.enabled : channel.enabled;
  const change = (on: boolean) => setEnabled.mutate({ workspaceSlug, channelId: channel.id, enabled: on });

  return (
    <div className="flex flex-col items-end gap-1">
      <label className="flex items-center gap-2 text-sm text-zinc-700">
        {enabled ? "On" : "Off"}
        <Switch
          checked={enabled}
          aria-label={`${channel.name} switched on`}
          disabled={setEnabled.isPending || refreshing}
          onClick={() => (channel.enabled ? change(false) : channel.disabledReason ? setConfirming(true) : change(true))}
        />
      </label>
      {confirming ? null : <FormError message={setEnabled.error?.message} />}
      {confirming ? (
        <Dialog open onOpenChange={(open) => !open && setConfirming(false)} title={`Switch ${channel.name} back on?`} description={<>Tocsin switched it off: {channel.disabledReason}</>}>
          <div className="space-y-4 text-sm text-zinc-700">
            <p>
              Switching it on resets its failure count: five failed deliveries in a row switch it off again. New matches are delivered from now on;
              deliveries that failed meanwhile are not resent by themselves — replay them from its delivery log once the receiver works.
            </p>
            <FormError message={setEnabled.error?.message} />
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setConfirming(false)}>
                Keep it off
              </Button>
              <Button disabled={setEnabled.isPending} onClick={() => change(true)}>
                Switch on
              </Button>
            </div>
          </div>
        </Dialog>
      ) : null}
    </div>
  );
}
