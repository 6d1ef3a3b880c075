"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { getFieldErrors, getFormError, useTRPC, type FieldErrors } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { parseForm } from "@/components/ui/parse-form";
import type { WorkspaceMode } from "@/server/db/schema/workspaces";
import { workspaceSettingsInput, type WorkspaceSettingsInput } from "@/server/workspaces/workspace-schemas";

type Props = { workspaceSlug: string; initial: Required<WorkspaceSettingsInput>; canEdit: boolean };

// Numbers are edited as text, so a cleared field stays empty instead of jumping to 0.
const numericKeys = ["retentionDays", "webhookChannelCap", "inboxCap", "inboxAutoArchiveDays"] as const;

export function WorkspaceSettingsForm({ workspaceSlug, initial, canEdit }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState({
    ...initial,
    ...(Object.fromEntries(numericKeys.map((key) => [key, String(initial[key])])) as Record<(typeof numericKeys)[number], string>),
  });
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const update = useMutation(trpc.workspace.updateSettings.mutationOptions({ onSuccess: () => (setSaved(true), router.refresh()) }));
  const errors = { ...getFieldErrors(update.error), ...clientErrors };
  const set = (key: keyof typeof values) => (e: { target: { value: string } }) => {
    setSaved(false);
    setValues((v) => ({ ...v, [key]: e.target.value }));
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseForm(
      workspaceSettingsInput,
      { ...values, ...Object.fromEntries(numericKeys.map((key) => [key, values[key].trim() === "" ? Number.NaN : Number(values[key])])) },
      setClientErrors,
    );
    if (parsed) update.mutate({ workspaceSlug, ...parsed });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={getFormError(update.error)} />
      <fieldset disabled={!canEdit} className="grid gap-4 sm:grid-cols-2">
        <Field id="settings-name" label="Name" errors={errors.name}>
          <Input id="settings-name" value={values.name} onChange={set("name")} aria-invalid={errors.name ? true : undefined} />
        </Field>
        <Field id="settings-timezone" label="Timezone" hint="IANA name, used for schedules and digests" errors={errors.timezone}>
          <Input id="settings-timezone" value={values.timezone} onChange={set("timezone")} aria-invalid={errors.timezone ? true : undefined} />
        </Field>
        <Field id="settings-retention" label="Keep events for (days)" errors={errors.retentionDays}>
          <Input id="settings-retention" type="number" min={1} max={3650} value={values.retentionDays} onChange={set("retentionDays")} />
        </Field>
        <Field id="settings-webhook-cap" label="Webhook channels allowed" errors={errors.webhookChannelCap}>
          <Input id="settings-webhook-cap" type="number" min={0} max={1000} value={values.webhookChannelCap} onChange={set("webhookChannelCap")} />
        </Field>
        <Field id="settings-mode" label="Mode" hint="Multi mode manages several communities" errors={errors.mode}>
          <Select id="settings-mode" value={values.mode} onChange={(e) => set("mode")({ target: { value: e.target.value as WorkspaceMode } })}>
            <option value="single">Single</option>
            <option value="multi">Multi</option>
          </Select>
        </Field>
        <h3 className="pt-2 text-sm font-semibold text-zinc-900 sm:col-span-2">Inbox</h3>
        <Field id="settings-inbox-cap" label="Entries kept per member" hint="Beyond it, the oldest are archived, read ones first" errors={errors.inboxCap}>
          <Input id="settings-inbox-cap" type="number" min={100} max={1000000} value={values.inboxCap} onChange={set("inboxCap")} aria-invalid={errors.inboxCap ? true : undefined} />
        </Field>
        <Field id="settings-inbox-auto-archive" label="Archive entries after (days)" errors={errors.inboxAutoArchiveDays}>
          <Input
            id="settings-inbox-auto-archive"
            type="number"
            min={1}
            max={3650}
            value={values.inboxAutoArchiveDays}
            onChange={set("inboxAutoArchiveDays")}
            aria-invalid={errors.inboxAutoArchiveDays ? true : undefined}
          />
        </Field>
      </fieldset>
      {canEdit ? (
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={update.isPending}>
            Save settings
          </Button>
          {saved ? (
            <span role="status" className="text-sm text-emerald-700">
              Saved
            </span>
          ) : null}
        </div>
      ) : (
        <p className="text-sm text-zinc-500">Only admins can change these settings.</p>
      )}
    </form>
  );
}
