"use client";

import type { FieldErrors } from "@/components/trpc/react";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { MAX_EMAIL_RECIPIENTS, MAX_RETRIES, webhookAuthKinds, type WebhookAuthKind } from "@/server/channels/channel-schemas";
import { deliveryChannelKinds, type DeliveryChannelKind } from "@/server/db/schema/channels";
import { describeRetrySchedule } from "@/server/deliveries/retry-schedule";
import { cn } from "@/lib/utils";
import type { ChannelDraft } from "./channel-draft";
import { ChannelKindBadge } from "./channel-kind-badge";
import { channelKindInfo } from "./channel-kinds";

type FieldProps = {
  draft: ChannelDraft;
  update: (change: Partial<ChannelDraft>) => void;
  errors: FieldErrors;
  /** Editing a saved channel: secrets left blank are kept. */
  editing: boolean;
};

const invalid = (errors: string[] | undefined) => (errors?.length ? true : undefined);

/** The six kinds, each with where its URL comes from; the first thing a new channel asks. */
export function KindPicker({ kind, onChange }: { kind: DeliveryChannelKind | null; onChange: (kind: DeliveryChannelKind) => void }) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-zinc-800">Kind</legend>
      <div className="mt-1.5 grid gap-2 sm:grid-cols-2">
        {deliveryChannelKinds.map((option) => (
          <label
            key={option}
            className={cn(
              "flex cursor-pointer gap-2 rounded-md border p-2.5 text-sm",
              kind === option ? "border-zinc-900 bg-zinc-50 ring-1 ring-zinc-900" : "border-zinc-200 hover:border-zinc-400",
            )}
          >
            <input
              type="radio"
              name="channel-kind"
              value={option}
              checked={kind === option}
              onChange={() => onChange(option)}
              aria-describedby={`kind-hint-${option}`}
              className="mt-0.5 size-4 accent-zinc-900"
              aria-label={channelKindInfo[option].label}
            />
            <span className="min-w-0">
              <ChannelKindBadge kind={option} />
              <span id={`kind-hint-${option}`} className="mt-0.5 block text-xs text-zinc-500">
                {channelKindInfo[option].setupHint}
              </span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Admins only, on create: the caller's own channel, or the workspace's. */
export function AudienceField({ shared, onChange }: { shared: boolean; onChange: (shared: boolean) => void }) {
  const options = [
    { shared: false, label: "Personal", hint: "Only you see it; your personal rules use it." },
    { shared: true, label: "Shared", hint: "The workspace's: every member sees it (masked) and may use it in their rules; admins change it." },
  ];
  return (
    <fieldset>
      <legend className="text-sm font-medium text-zinc-800">Who uses it</legend>
      <div className="mt-1 space-y-1">
        {options.map((option) => (
          <label key={option.label} className="flex items-start gap-2 text-sm">
            <input type="radio" name="channel-audience" className="mt-0.5 size-4 accent-zinc-900" checked={shared === option.shared} onChange={() => onChange(option.shared)} />
            <span>
              <span className="font-medium text-zinc-900">{option.label}</span>
              <span className="block text-xs text-zinc-500">{option.hint}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function NameField({ draft, update, errors }: FieldProps) {
  const placeholder = { email: "SOC mailbox", slack: "Slack #secops", teams: "Teams SOC channel", mattermost: "Mattermost ~security", discord: "Discord #alerts", webhook: "SOAR intake" }[draft.kind];
  return (
    <Field id="channel-name" label="Name" hint="How rules and the delivery log name it." errors={errors.name}>
      <Input id="channel-name" value={draft.name} placeholder={placeholder} onChange={(e) => update({ name: e.target.value })} aria-invalid={invalid(errors.name)} />
    </Field>
  );
}

type SecretProps = Omit<FieldProps, "editing"> & { id: string; name: "url" | "bearerToken" | "basicPassword"; keep: boolean; placeholder?: string };

/**
 * A secret typed like a password: it is never shown back. When one is stored (`keep`), blank keeps
 * it. "new-password" keeps browsers from filling in a saved login.
 */
function SecretInput({ id, name, keep, placeholder, draft, update, errors }: SecretProps) {
  return (
    <Input
      id={id}
      type="password"
      autoComplete="new-password"
      spellCheck={false}
      placeholder={keep ? "Leave empty to keep" : placeholder}
      value={draft[name]}
      onChange={(e) => update({ [name]: e.target.value })}
      aria-invalid={invalid(errors[name])}
    />
  );
}

/** The webhook URL: a secret, typed like a password; on edit, blank keeps the stored one. */
export function UrlField({ draft, update, errors, editing }: FieldProps) {
  const label = draft.kind === "webhook" ? "Endpoint URL" : "Webhook URL";
  return (
    <Field
      id="channel-url"
      label={label}
      hint={editing ? "Leave empty to keep the current URL. It is never shown again: it is the channel's secret." : channelKindInfo[draft.kind].setupHint}
      errors={errors.url}
    >
      <SecretInput
        id="channel-url"
        name="url"
        keep={editing}
        placeholder={draft.kind === "webhook" ? "https://soar.example.com/hooks/tocsin" : "https://…"}
        draft={draft}
        update={update}
        errors={errors}
      />
    </Field>
  );
}

export function RecipientsField({ draft, update, errors }: FieldProps) {
  return (
    <Field
      id="channel-recipients"
      label="Recipients"
      hint={`One address per line, or separated by commas; at most ${MAX_EMAIL_RECIPIENTS}.${draft.shared ? "" : " Left empty, it mails you."}`}
      errors={errors.recipients}
    >
      <textarea
        id="channel-recipients"
        rows={3}
        value={draft.recipients}
        onChange={(e) => update({ recipients: e.target.value })}
        aria-invalid={invalid(errors.recipients)}
        className="block w-full rounded-md border border-zinc-300 px-3 py-2 text-sm shadow-sm focus:border-zinc-900 focus:ring-1 focus:ring-zinc-900 focus:outline-none aria-invalid:border-red-600"
      />
    </Field>
  );
}

const authLabels: Record<WebhookAuthKind, string> = { none: "None (the signature alone)", bearer: "Bearer token", basic: "User name and password (basic)" };

/** A custom webhook's Authorization header, besides the Standard Webhooks signature every request carries. */
export function WebhookAuthFields({ draft, update, errors, storedAuth }: FieldProps & { storedAuth: WebhookAuthKind | null }) {
  // A credential already stored for this kind of authentication may be left as it is.
  const keeps = storedAuth !== null && storedAuth === draft.auth;
  const keepHint = keeps ? "Leave empty to keep the current one." : undefined;
  return (
    <div className="space-y-3">
      <Field id="channel-auth" label="Authorization header" hint="Sent with every request, besides the signature." errors={errors.auth}>
        <Select id="channel-auth" value={draft.auth} onChange={(e) => update({ auth: e.target.value as WebhookAuthKind })}>
          {webhookAuthKinds.map((auth) => (
            <option key={auth} value={auth}>
              {authLabels[auth]}
            </option>
          ))}
        </Select>
      </Field>
      {draft.auth === "bearer" ? (
        <Field id="channel-bearer-token" label="Token" hint={keepHint} errors={errors.bearerToken}>
          <SecretInput id="channel-bearer-token" name="bearerToken" keep={keeps} draft={draft} update={update} errors={errors} />
        </Field>
      ) : null}
      {draft.auth === "basic" ? (
        <div className="grid gap-3 sm:grid-cols-2">
          <Field id="channel-basic-username" label="User name" errors={errors.basicUsername}>
            <Input
              id="channel-basic-username"
              autoComplete="off"
              value={draft.basicUsername}
              onChange={(e) => update({ basicUsername: e.target.value })}
              aria-invalid={invalid(errors.basicUsername)}
            />
          </Field>
          <Field id="channel-basic-password" label="Password" hint={keepHint} errors={errors.basicPassword}>
            <SecretInput id="channel-basic-password" name="basicPassword" keep={keeps} draft={draft} update={update} errors={errors} />
          </Field>
        </div>
      ) : null}
    </div>
  );
}

const retryChoices = Array.from({ length: MAX_RETRIES + 1 }, (_, n) => n);

export function RetriesField({ draft, update, errors }: FieldProps) {
  return (
    <Field id="channel-retries" label="Retries" hint={`After a failed attempt: ${describeRetrySchedule(draft.maxRetries)}, each give or take 20 %.`} errors={errors.maxRetries}>
      <Select id="channel-retries" value={draft.maxRetries} onChange={(e) => update({ maxRetries: Number(e.target.value) })}>
        {retryChoices.map((n) => (
          <option key={n} value={n}>
            {n === 0 ? "None" : `${n} (${describeRetrySchedule(n)})`}
          </option>
        ))}
      </Select>
    </Field>
  );
}
