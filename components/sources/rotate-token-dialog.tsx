"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { getFieldErrors, getFormError, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { RelativeTime } from "./relative-time";
import { SourceDialog } from "./source-dialog";
import type { RevealedToken, SourceItem, SourcesContext } from "./source-types";
import { formatAbsolute } from "./time-format";
import { TokenReveal } from "./token-reveal";

/** How long the previous token keeps working (at most 7 days, as the server allows). */
const graceChoices = [
  { minutes: 0, label: "Stops working now" },
  { minutes: 15, label: "15 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 1440, label: "1 day" },
  { minutes: 10080, label: "7 days" },
];

type Props = SourcesContext & { source: SourceItem; onClose: () => void };

/** Issues a new token; the previous ones keep working for the chosen grace period, then stop. */
export function RotateTokenDialog({ workspaceSlug, timeZone, formats, source, onClose }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const hasToken = source.activeTokens.length > 0;
  const [graceMinutes, setGraceMinutes] = useState(hasToken ? 60 : 0);
  const [rotated, setRotated] = useState<(RevealedToken & { previousTokensExpireAt: Date | null; graceMinutes: number }) | null>(null);
  const rotate = useMutation(
    trpc.source.rotateToken.mutationOptions({
      onSuccess: (result, input) => {
        setRotated({ ...result, graceMinutes: input.graceMinutes });
        router.refresh();
      },
    }),
  );
  const format = formats[source.format];

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    rotate.mutate({ workspaceSlug, sourceId: source.id, graceMinutes });
  }

  if (rotated) {
    const expiry = rotated.previousTokensExpireAt;
    return (
      <SourceDialog wide dismissable={false} onClose={onClose} title={`New token for ${source.name}`} description={`Replace the token in ${format.label} with this one.`}>
        <TokenReveal
          revealed={rotated}
          format={format}
          onDone={onClose}
          notice={
            <p className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm text-zinc-700" data-testid="previous-token-expiry">
              {expiry === null ? (
                "No earlier token was active."
              ) : rotated.graceMinutes === 0 ? (
                "The previous token stopped working now."
              ) : (
                <>
                  The previous token keeps working until <span className="font-medium">{formatAbsolute(expiry, timeZone)}</span> (
                  <RelativeTime date={expiry} timeZone={timeZone} />
                  ), then stops: update the tool before then.
                </>
              )}
            </p>
          }
        />
      </SourceDialog>
    );
  }

  return (
    <SourceDialog
      onClose={onClose}
      title={hasToken ? `Rotate the token of ${source.name}` : `Issue a token for ${source.name}`}
      description={
        hasToken
          ? "A new token is issued and shown once. The current one can keep working for a while, so the tool can be switched over without losing events."
          : "The source has no working token. A new one is issued and shown once."
      }
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormError message={getFormError(rotate.error)} />
        {hasToken ? (
          <Field id="rotate-grace" label="The current token" errors={getFieldErrors(rotate.error).graceMinutes}>
            <Select id="rotate-grace" value={graceMinutes} onChange={(event) => setGraceMinutes(Number(event.target.value))}>
              {graceChoices.map((choice) => (
                <option key={choice.minutes} value={choice.minutes}>
                  {choice.minutes === 0 ? choice.label : `Keeps working for ${choice.label}`}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={rotate.isPending}>
            {hasToken ? "Rotate token" : "Issue token"}
          </Button>
        </div>
      </form>
    </SourceDialog>
  );
}
