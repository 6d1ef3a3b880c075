"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { RelativeTime } from "@/components/sources/relative-time";
import { SourceDialog } from "@/components/sources/source-dialog";
import { formatAbsolute } from "@/components/sources/time-format";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import type { ChannelItem, ChannelsContext, SigningSecrets } from "./channel-types";
import { CopyField } from "@/components/ui/copy-field";
import { useRefreshChannels } from "./use-refresh-channels";

type Props = ChannelsContext & { channel: ChannelItem; onClose: () => void };

/**
 * A webhook's signing secret: revealed on request (a mutation, so no cache keeps it), rotated
 * after a confirmation. For 24 h after a rotation both secrets sign, so receivers switch over
 * without rejecting a request.
 */
export function SigningSecretDialog({ workspaceSlug, timeZone, channel, onClose }: Props) {
  const trpc = useTRPC();
  const { refresh } = useRefreshChannels();
  const [secrets, setSecrets] = useState<SigningSecrets | null>(null);
  const [confirmingRotation, setConfirmingRotation] = useState(false);
  const reveal = useMutation(trpc.channel.revealSigningSecret.mutationOptions({ onSuccess: setSecrets }));
  const rotate = useMutation(
    trpc.channel.rotateSigningSecret.mutationOptions({
      onSuccess: (rotated) => {
        setSecrets(rotated);
        setConfirmingRotation(false);
        refresh();
      },
    }),
  );
  const ref = { workspaceSlug, channelId: channel.id };
  const overlapEnds = secrets?.previousSigningSecretExpiresAt ?? channel.previousSigningSecretExpiresAt;

  return (
    <SourceDialog
      wide
      onClose={onClose}
      title={`Signing secret of ${channel.name}`}
      description="Receivers verify each request's webhook-signature header with this secret (Standard Webhooks)."
    >
      <div className="space-y-4">
        <FormError message={reveal.error?.message ?? rotate.error?.message} />
        {secrets ? (
          <div className="space-y-3" data-testid="signing-secrets">
            <CopyField id="current-signing-secret" label="Signing secret" value={secrets.signingSecret} />
            {secrets.previousSigningSecret && secrets.previousSigningSecretExpiresAt ? (
              <CopyField
                id="previous-signing-secret"
                label="Previous signing secret"
                value={secrets.previousSigningSecret}
                hint={`Also signs every request until ${formatAbsolute(secrets.previousSigningSecretExpiresAt, timeZone)}, then stops.`}
              />
            ) : null}
          </div>
        ) : (
          <Button variant="secondary" disabled={reveal.isPending} onClick={() => reveal.mutate(ref)}>
            {reveal.isPending ? "Revealing…" : "Reveal the secret"}
          </Button>
        )}

        {overlapEnds && !secrets?.previousSigningSecret ? (
          <p className="text-sm text-zinc-700" data-testid="signing-overlap">
            A rotation is under way: the previous secret also signs until {formatAbsolute(overlapEnds, timeZone)} (<RelativeTime date={overlapEnds} timeZone={timeZone} />
            ).
          </p>
        ) : null}

        <section className="space-y-2 border-t border-zinc-100 pt-4">
          <h3 className="text-sm font-semibold text-zinc-900">Rotate</h3>
          {confirmingRotation ? (
            <div className="space-y-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              <p>
                Tocsin makes a new secret at once. For the next 24 hours every request carries two signatures, one with each secret, so your receiver
                keeps accepting requests while you give it the new one. After that, only the new secret signs.
                {overlapEnds ? " The previous secret of the rotation under way stops signing now." : ""}
              </p>
              <div className="flex justify-end gap-2">
                <Button size="sm" variant="secondary" onClick={() => setConfirmingRotation(false)}>
                  Keep the current secret
                </Button>
                <Button size="sm" variant="danger" disabled={rotate.isPending} onClick={() => rotate.mutate(ref)}>
                  {rotate.isPending ? "Rotating…" : "Rotate now"}
                </Button>
              </div>
            </div>
          ) : (
            <div className="flex flex-wrap items-center justify-between gap-3">
              <p className="text-sm text-zinc-600">A new secret; the current one keeps signing beside it for 24 hours.</p>
              <Button size="sm" variant="secondary" onClick={() => setConfirmingRotation(true)}>
                Rotate secret…
              </Button>
            </div>
          )}
        </section>

        <div className="flex justify-end border-t border-zinc-100 pt-4">
          <Button onClick={onClose}>Close</Button>
        </div>
      </div>
    </SourceDialog>
  );
}
