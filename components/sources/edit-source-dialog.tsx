"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { getFieldErrors, getFormError, useTRPC, type FieldErrors } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { parseForm } from "@/components/ui/parse-form";
import { updateSourceInput } from "@/server/sources/source-schemas";
import { silenceChoiceOf, silenceSecondsOf, type SilenceChoice } from "./silence-state";
import { SourceLimitFields } from "./source-limit-fields";
import type { SourceItem, SourcesContext } from "./source-types";

type Props = Pick<SourcesContext, "workspaceSlug" | "formats"> & { source: SourceItem; onClose: () => void };

/** Name, silence threshold and rate limit; format and community are fixed once tools post to it. */
export function EditSourceDialog({ workspaceSlug, formats, source, onClose }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState({
    name: source.name,
    rateLimitPerSecond: String(source.rateLimitPerSecond),
  });
  const [silence, setSilence] = useState<SilenceChoice>(() => silenceChoiceOf(source.silenceAfterSeconds));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const update = useMutation(trpc.source.update.mutationOptions({ onSuccess: () => (onClose(), router.refresh()) }));
  const errors = { ...getFieldErrors(update.error), ...clientErrors };
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: event.target.value }));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const silenceAfter = silenceSecondsOf(silence);
    const parsed = parseForm(
      updateSourceInput,
      {
        sourceId: source.id,
        name: values.name,
        enabled: source.enabled,
        silenceAfterSeconds: silenceAfter.ok ? silenceAfter.seconds : null,
        rateLimitPerSecond: Number(values.rateLimitPerSecond),
      },
      setClientErrors,
    );
    if (!silenceAfter.ok) return setClientErrors((errors) => ({ ...errors, silenceAfterSeconds: [silenceAfter.error] }));
    if (parsed) update.mutate({ workspaceSlug, ...parsed });
  }

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Edit ${source.name}`}
      description={`Format: ${formats[source.format].label}. The format and community cannot change; create another source instead.`}
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormError message={getFormError(update.error)} />
        <Field id="edit-source-name" label="Name" errors={errors.name}>
          <Input id="edit-source-name" value={values.name} onChange={set("name")} autoFocus aria-invalid={errors.name ? true : undefined} />
        </Field>
        <SourceLimitFields
          idPrefix="edit-source"
          silence={silence}
          onSilenceChange={setSilence}
          rateLimitPerSecond={values.rateLimitPerSecond}
          onChange={set}
          errors={errors}
        />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={update.isPending}>
            Save
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
