"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useRefreshChannels } from "@/components/channels/use-refresh-channels";
import { fromDateTimeLocal, toDateTimeLocal } from "@/components/events/format-time";
import { getFieldErrors, getFormError, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

type Props = { workspaceSlug: string; timeZone: string; channelId: string; channelEnabled: boolean };

const DAY_MS = 24 * 60 * 60_000;
const countDeliveries = (n: number) => (n === 1 ? "1 delivery" : `${n.toLocaleString("en-US")} deliveries`);

/** Sends again every delivery of the channel that failed since a chosen time (24 h ago unless changed). */
export function ReplayFailedForm({ workspaceSlug, timeZone, channelId, channelEnabled }: Props) {
  const trpc = useTRPC();
  const { refresh } = useRefreshChannels();
  const [since, setSince] = useState(() => toDateTimeLocal(new Date(Date.now() - DAY_MS), timeZone));
  const [clientError, setClientError] = useState<string | null>(null);
  const replay = useMutation(trpc.delivery.replayFailed.mutationOptions({ onSuccess: refresh }));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const at = fromDateTimeLocal(since, timeZone);
    setClientError(at ? null : "Choose a date and time");
    if (at) replay.mutate({ workspaceSlug, channelId, since: at });
  }

  const result = replay.data;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-2" aria-label="Replay failed deliveries">
      <div className="flex flex-wrap items-end gap-2">
        <Field id="replay-since" label={`Failed since (${timeZone})`} errors={clientError ? [clientError] : getFieldErrors(replay.error).since}>
          <Input id="replay-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} className="w-auto" />
        </Field>
        <Button type="submit" variant="secondary" disabled={!channelEnabled || replay.isPending}>
          {replay.isPending ? "Queuing…" : "Replay failed"}
        </Button>
      </div>
      {channelEnabled ? null : <p className="text-xs text-zinc-500">Switch the channel on to replay its deliveries.</p>}
      <FormError message={getFormError(replay.error)} />
      {result ? (
        <p role="status" className="text-sm text-zinc-700" data-testid="replay-failed-result">
          {result.replayed === 0
            ? "No delivery failed since then."
            : `${countDeliveries(result.replayed)} queued again.${result.more ? " More failed since then: replay again for the rest." : ""}`}
        </p>
      ) : null}
    </form>
  );
}
