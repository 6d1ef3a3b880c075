"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { SourceDialog } from "@/components/sources/source-dialog";
import { getFieldErrors, getFormError, useTRPC, type FieldErrors } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { parseForm } from "@/components/ui/parse-form";
import { createChannelInput, updateChannelInput } from "@/server/channels/channel-schemas";
import type { DeliveryChannelKind } from "@/server/db/schema/channels";
import { draftFromChannel, newChannelDraft, toCreateValues, toUpdateValues, type ChannelDraft } from "./channel-draft";
import { AudienceField, KindPicker, NameField, RecipientsField, RetriesField, UrlField, WebhookAuthFields } from "./channel-fields";
import { channelKindInfo } from "./channel-kinds";
import type { ChannelItem, ChannelsContext } from "./channel-types";
import { SigningSecretReveal } from "./signing-secret-reveal";
import { useRefreshChannels } from "./use-refresh-channels";

type Props = Pick<ChannelsContext, "workspaceSlug"> & {
  /** Null for a new channel. */
  channel: ChannelItem | null;
  /** A new channel: the kind already chosen (from the empty page's list of kinds). */
  initialKind?: DeliveryChannelKind;
  /** Admins choose personal or shared for a new channel; everyone else creates personal ones. */
  isAdmin: boolean;
  /** A new personal email channel mails this address unless changed. */
  ownEmail: string;
  /** A new channel starts as shared (admins; the rule editor of a shared rule). */
  shareByDefault?: boolean;
  /** After a save, with the saved channel (the rule editor ticks a new one). */
  onSaved?: (channel: ChannelItem) => void;
  onClose: () => void;
};

type Saved = { name: string; warnings: string[]; signingSecret: string | null };

/** New channel (kind first) and edit channel; afterwards its warnings and, for a new webhook, its signing secret. */
export function ChannelFormDialog({ workspaceSlug, channel, initialKind, isAdmin, ownEmail, shareByDefault = false, onSaved, onClose }: Props) {
  const trpc = useTRPC();
  const { refresh } = useRefreshChannels();
  const [draft, setDraft] = useState<ChannelDraft | null>(() =>
    channel ? draftFromChannel(channel) : initialKind ? newChannelDraft(initialKind, ownEmail, shareByDefault) : null,
  );
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<Saved | null>(null);
  const afterSave = (saved: ChannelItem, warnings: Record<string, string[]>, signingSecret: string | null = null) => {
    refresh();
    onSaved?.(saved);
    const messages = Object.values(warnings).flat();
    if (messages.length === 0 && signingSecret === null) onClose();
    else setSaved({ name: saved.name, warnings: messages, signingSecret });
  };
  const create = useMutation(trpc.channel.create.mutationOptions({ onSuccess: (r) => afterSave(r.channel, r.warnings, r.signingSecret) }));
  const update = useMutation(trpc.channel.update.mutationOptions({ onSuccess: (r) => afterSave(r.channel, r.warnings) }));
  const active = channel ? update : create;
  const errors = { ...getFieldErrors(active.error), ...clientErrors };
  const change = (values: Partial<ChannelDraft>) => setDraft((current) => (current ? { ...current, ...values } : current));

  function chooseKind(kind: DeliveryChannelKind) {
    // Name, audience and retries carry over; the kind's own fields start afresh.
    setDraft((current) => {
      const shared = current?.shared ?? shareByDefault;
      return { ...newChannelDraft(kind, ownEmail, shared), ...(current ? { name: current.name, maxRetries: current.maxRetries } : {}) };
    });
    setClientErrors({});
    create.reset();
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    // Opened from the rule editor, this form sits inside the rule's form in React's tree (the
    // dialog is only portalled in the DOM): its submit must not reach the rule's.
    event.stopPropagation();
    if (!draft) return;
    if (channel) {
      const parsed = parseForm(updateChannelInput, toUpdateValues(draft, channel.id), setClientErrors);
      if (parsed) update.mutate({ workspaceSlug, ...parsed });
    } else {
      const parsed = parseForm(createChannelInput, toCreateValues(draft), setClientErrors);
      if (parsed) create.mutate({ workspaceSlug, ...parsed });
    }
  }

  if (saved) {
    return (
      <SourceDialog
        wide
        dismissable={saved.signingSecret === null}
        onClose={onClose}
        title={channel ? `${saved.name} saved` : `${saved.name} is ready`}
        description={saved.signingSecret ? "Give your receiver the signing secret below." : undefined}
      >
        <div className="space-y-4">
          {saved.warnings.length ? (
            <div role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="channel-warnings">
              <p className="font-semibold">Saved, but check this:</p>
              <ul className="mt-1 list-disc space-y-0.5 pl-5">
                {saved.warnings.map((warning) => (
                  <li key={warning}>{warning}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {saved.signingSecret ? (
            <SigningSecretReveal secret={saved.signingSecret} onDone={onClose} />
          ) : (
            <div className="flex justify-end">
              <Button onClick={onClose}>Done</Button>
            </div>
          )}
        </div>
      </SourceDialog>
    );
  }

  const props = draft ? { draft, update: change, errors, editing: channel !== null } : null;
  const storedAuth = channel?.settings.kind === "webhook" ? channel.settings.auth : null;
  return (
    <SourceDialog
      wide
      onClose={onClose}
      title={channel ? `Edit ${channel.name}` : "New channel"}
      description={
        channel
          ? `${channelKindInfo[channel.kind].label}, ${channel.shared ? "shared by the workspace" : "personal"}. The kind and who uses it stay as they are.`
          : "Where rules deliver their matches besides the inbox. Choose a kind first."
      }
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label={channel ? "Edit channel" : "New channel"}>
        <FormError message={getFormError(active.error)} />
        {channel ? null : <KindPicker kind={draft?.kind ?? null} onChange={chooseKind} />}
        {props ? (
          <>
            {!channel && isAdmin ? <AudienceField shared={props.draft.shared} onChange={(shared) => change({ shared })} /> : null}
            <NameField {...props} />
            {props.draft.kind === "email" ? <RecipientsField {...props} /> : <UrlField {...props} />}
            {props.draft.kind === "webhook" ? <WebhookAuthFields {...props} storedAuth={storedAuth} /> : null}
            <RetriesField {...props} />
          </>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={!draft || active.isPending}>
            {active.isPending ? "Saving…" : channel ? "Save channel" : "Create channel"}
          </Button>
        </div>
      </form>
    </SourceDialog>
  );
}
