"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { SourceDialog } from "@/components/sources/source-dialog";
import { describeResponse } from "@/components/deliveries/describe-delivery";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { cn } from "@/lib/utils";
import type { ChannelItem } from "./channel-types";
import { PayloadPreview } from "./payload-preview";

type Props = { workspaceSlug: string; channel: ChannelItem; onClose: () => void };

/**
 * A sample event rendered exactly as this channel receives it, its size against the kind's
 * limit, then — on "Send" — what the receiver answered: status and latency (never its body).
 * A test is not a delivery: it is not logged and does not count toward switching the channel off.
 */
export function SendTestDialog({ workspaceSlug, channel, onClose }: Props) {
  const trpc = useTRPC();
  const ref = { workspaceSlug, channelId: channel.id };
  const preview = useQuery(trpc.channel.previewTest.queryOptions(ref, { staleTime: Infinity, gcTime: 0 }));
  const send = useMutation(trpc.channel.sendTest.mutationOptions());
  const rendered = send.data?.rendered ?? preview.data;
  const result = send.data?.result;

  return (
    <SourceDialog
      wide
      onClose={onClose}
      title={`Send a test to ${channel.name}`}
      description="A sample event, marked as a test, rendered exactly as this channel receives it. Nothing is logged as a delivery."
    >
      <div className="space-y-4">
        <FormError message={preview.error?.message ?? send.error?.message} />
        {rendered ? <PayloadPreview rendered={rendered} /> : preview.isPending ? <p className="text-sm text-zinc-500">Rendering…</p> : null}

        {result ? (
          <div
            role="status"
            data-testid="send-test-result"
            data-outcome={result.outcome}
            className={cn(
              "rounded-md border px-3 py-2 text-sm",
              result.outcome === "delivered" ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-red-200 bg-red-50 text-red-900",
            )}
          >
            <p className="font-semibold">
              {result.outcome === "delivered" ? "Delivered" : `Not delivered (${result.outcome === "retry" ? "a delivery would be retried" : "a delivery would fail"})`}
              : {describeResponse(result)}
            </p>
            {result.error ? <p className="mt-0.5">{result.error}</p> : null}
          </div>
        ) : null}

        <div className="flex justify-end gap-2 border-t border-zinc-100 pt-4">
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
          <Button disabled={!rendered || send.isPending} onClick={() => send.mutate(ref)}>
            {send.isPending ? "Sending…" : result ? "Send again" : "Send test"}
          </Button>
        </div>
      </div>
    </SourceDialog>
  );
}
