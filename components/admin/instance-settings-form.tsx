"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { getFieldErrors, getFormError, useTRPC, type FieldErrors } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { parseForm } from "@/components/ui/parse-form";
import { updateInstanceSettingsInput } from "@/server/instance/instance-schemas";

type Props = {
  initial: { emailFrom: string | null; defaultEmailFrom: string; exceptionEmails: string[]; exceptionTeamsUrlMasked: string | null; exceptionRateLimitSeconds: number };
};

const windowPresets = [
  { seconds: 60, label: "1 minute" },
  { seconds: 15 * 60, label: "15 minutes" },
  { seconds: 60 * 60, label: "1 hour" },
  { seconds: 6 * 60 * 60, label: "6 hours" },
  { seconds: 24 * 60 * 60, label: "1 day" },
  { seconds: 7 * 24 * 60 * 60, label: "7 days" },
];

/** Whole minutes in the form; seconds on the wire. */
const toMinutes = (seconds: number) => String(Math.round(seconds / 60));

export function InstanceSettingsForm({ initial }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState({
    emailFrom: initial.emailFrom ?? "",
    exceptionEmails: initial.exceptionEmails.join(", "),
    windowMinutes: toMinutes(initial.exceptionRateLimitSeconds),
  });
  // The stored webhook is never sent back: the field only ever holds a new one.
  const [teamsUrl, setTeamsUrl] = useState("");
  const [removeTeams, setRemoveTeams] = useState(false);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<string[] | null>(null);
  const update = useMutation(
    trpc.instance.updateSettings.mutationOptions({
      onSuccess: (result) => {
        setSaved(result.warnings.exceptionTeamsUrl ?? []);
        setTeamsUrl("");
        setRemoveTeams(false);
        router.refresh();
      },
    }),
  );
  const errors = { ...getFieldErrors(update.error), ...clientErrors };
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => {
    setSaved(null);
    setValues((v) => ({ ...v, [key]: event.target.value }));
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const minutes = values.windowMinutes.trim() === "" ? Number.NaN : Number(values.windowMinutes);
    const parsed = parseForm(
      updateInstanceSettingsInput,
      {
        emailFrom: values.emailFrom,
        exceptionEmails: values.exceptionEmails.split(","),
        exceptionTeamsUrl: removeTeams ? null : teamsUrl.trim() === "" ? undefined : teamsUrl,
        exceptionRateLimitSeconds: minutes * 60,
      },
      setClientErrors,
    );
    if (parsed) update.mutate(parsed);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate aria-label="Instance settings">
      <FormError message={getFormError(update.error)} />
      <Field id="instance-email-from" label="Sender address" hint={`Every email Tocsin sends comes from it. Empty: ${initial.defaultEmailFrom}`} errors={errors.emailFrom}>
        <Input
          id="instance-email-from"
          value={values.emailFrom}
          placeholder={initial.defaultEmailFrom}
          onChange={set("emailFrom")}
          aria-invalid={errors.emailFrom ? true : undefined}
        />
      </Field>
      <Field id="instance-exception-emails" label="Exception e-mail recipients" hint="Comma-separated addresses told of Tocsin's own errors" errors={errors.exceptionEmails}>
        <Input
          id="instance-exception-emails"
          value={values.exceptionEmails}
          placeholder="ops@example.com, oncall@example.com"
          onChange={set("exceptionEmails")}
          aria-invalid={errors.exceptionEmails ? true : undefined}
        />
      </Field>
      <Field
        id="instance-exception-teams"
        label="Exception Teams webhook"
        hint={initial.exceptionTeamsUrlMasked ? `Set: ${initial.exceptionTeamsUrlMasked}. Paste a new URL to replace it.` : "A Teams Workflows webhook URL (optional)"}
        errors={errors.exceptionTeamsUrl}
      >
        <Input
          id="instance-exception-teams"
          type="url"
          autoComplete="off"
          value={teamsUrl}
          disabled={removeTeams}
          placeholder={initial.exceptionTeamsUrlMasked ?? "https://…"}
          onChange={(event) => (setSaved(null), setTeamsUrl(event.target.value))}
          aria-invalid={errors.exceptionTeamsUrl ? true : undefined}
        />
      </Field>
      {initial.exceptionTeamsUrlMasked ? (
        <label className="flex items-center gap-2 text-sm text-zinc-700">
          <input type="checkbox" checked={removeTeams} onChange={(event) => (setSaved(null), setRemoveTeams(event.target.checked))} />
          Remove the Teams webhook
        </label>
      ) : null}
      <Field
        id="instance-exception-window"
        label="Send the same exception at most once per (minutes)"
        hint="1 minute to 7 days; the ones in between are counted and mentioned in the next notice"
        errors={errors.exceptionRateLimitSeconds}
      >
        <div className="flex gap-2">
          <Input
            id="instance-exception-window"
            type="number"
            min={1}
            max={10080}
            value={values.windowMinutes}
            onChange={set("windowMinutes")}
            aria-invalid={errors.exceptionRateLimitSeconds ? true : undefined}
          />
          <Select aria-label="Window presets" value="" onChange={(event) => event.target.value && set("windowMinutes")({ target: { value: toMinutes(Number(event.target.value)) } })}>
            <option value="">Presets…</option>
            {windowPresets.map((preset) => (
              <option key={preset.seconds} value={preset.seconds}>
                {preset.label}
              </option>
            ))}
          </Select>
        </div>
      </Field>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={update.isPending}>
          Save settings
        </Button>
        {saved ? (
          <span role="status" className="text-sm text-emerald-700">
            Saved{saved.length ? ` — ${saved.join("; ")}` : ""}
          </span>
        ) : null}
      </div>
    </form>
  );
}
