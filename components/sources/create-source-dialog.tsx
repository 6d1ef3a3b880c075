"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { getFieldErrors, getFormError, useTRPC, type FieldErrors } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { parseForm } from "@/components/ui/parse-form";
import type { SourceFormat } from "@/server/db/schema/ingest";
import { createSourceInput } from "@/server/sources/source-schemas";
import { silenceChoiceOf, silenceSecondsOf, type SilenceChoice } from "./silence-state";
import { SourceDialog } from "./source-dialog";
import type { CommunityOption, RevealedToken, SourcesContext } from "./source-types";
import { SourceLimitFields } from "./source-limit-fields";
import { TokenReveal } from "./token-reveal";

type Props = SourcesContext & {
  /** Every community in multi mode; the single hidden one in single mode (no choice shown). */
  communities: CommunityOption[];
  chooseCommunity: boolean;
  onClose: () => void;
};

/** The "New source" form; once created, the same dialog shows the token, once. */
export function CreateSourceDialog({ workspaceSlug, formats, communities, chooseCommunity, onClose }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const [values, setValues] = useState({
    name: "",
    format: "generic" as SourceFormat,
    communityId: communities[0]?.id ?? "",
    rateLimitPerSecond: "100",
  });
  const [silence, setSilence] = useState<SilenceChoice>(() => silenceChoiceOf(null));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [created, setCreated] = useState<(RevealedToken & { name: string; format: SourceFormat }) | null>(null);
  const create = useMutation(
    trpc.source.create.mutationOptions({
      onSuccess: ({ source, token, urls }) => {
        setCreated({ token, urls, name: source.name, format: source.format });
        router.refresh();
      },
    }),
  );
  const errors = { ...getFieldErrors(create.error), ...clientErrors };
  const set = (key: keyof typeof values) => (event: { target: { value: string } }) => setValues((v) => ({ ...v, [key]: event.target.value }));
  const format = formats[values.format];

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const silenceAfter = silenceSecondsOf(silence);
    const parsed = parseForm(
      createSourceInput,
      {
        communityId: values.communityId,
        name: values.name,
        format: values.format,
        silenceAfterSeconds: silenceAfter.ok ? silenceAfter.seconds : null,
        rateLimitPerSecond: Number(values.rateLimitPerSecond),
      },
      setClientErrors,
    );
    if (!silenceAfter.ok) return setClientErrors((errors) => ({ ...errors, silenceAfterSeconds: [silenceAfter.error] }));
    if (parsed) create.mutate({ workspaceSlug, ...parsed });
  }

  if (created) {
    return (
      <SourceDialog
        wide
        dismissable={false}
        onClose={onClose}
        title={`${created.name} is ready`}
        description={`Give ${formats[created.format].label} the URL and the token below. Nothing has arrived yet.`}
      >
        <TokenReveal revealed={created} format={formats[created.format]} onDone={onClose} />
      </SourceDialog>
    );
  }

  return (
    <SourceDialog wide onClose={onClose} title="New source" description="One source per tool and community. You get its ingest URL and token next.">
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormError message={getFormError(create.error)} />
        <Field id="source-name" label="Name" hint="Letters, digits, dashes, underscores and spaces, e.g. authentik production" errors={errors.name}>
          <Input id="source-name" value={values.name} onChange={set("name")} autoFocus aria-invalid={errors.name ? true : undefined} />
        </Field>
        <Field id="source-format" label="Format" hint={format.description} errors={errors.format}>
          <Select id="source-format" value={values.format} onChange={set("format")} aria-invalid={errors.format ? true : undefined}>
            {Object.values(formats).map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </Select>
        </Field>
        {chooseCommunity ? (
          <Field id="source-community" label="Community" errors={errors.communityId}>
            <Select id="source-community" value={values.communityId} onChange={set("communityId")} aria-invalid={errors.communityId ? true : undefined}>
              {communities.map((community) => (
                <option key={community.id} value={community.id}>
                  {community.name}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        <SourceLimitFields
          idPrefix="source"
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
          <Button type="submit" disabled={create.isPending}>
            Create source
          </Button>
        </div>
      </form>
    </SourceDialog>
  );
}
