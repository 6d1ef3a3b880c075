"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { getFieldErrors, getFormError, useTRPC, type FieldErrors } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { parseForm } from "@/components/ui/parse-form";
import type { WorkspaceMode } from "@/server/db/schema/workspaces";
import { createWorkspaceInput, suggestSlug } from "@/server/workspaces/workspace-schemas";

const modeOptions: { value: WorkspaceMode; title: string; description: string }[] = [
  { value: "single", title: "Single", description: "One team watching one environment." },
  { value: "multi", title: "Multi", description: "Several communities, e.g. an MSSP's customers, managed from one place." },
];

export function CreateWorkspaceForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [mode, setMode] = useState<WorkspaceMode>("single");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const create = useMutation(trpc.workspace.create.mutationOptions({ onSuccess: (workspace) => router.push(`/w/${workspace.slug}`) }));

  const errors = { ...getFieldErrors(create.error), ...clientErrors };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = parseForm(createWorkspaceInput, { name, slug, mode }, setClientErrors);
    if (parsed) create.mutate(parsed);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-5" noValidate>
      <FormError message={getFormError(create.error)} />
      <Field id="name" label="Workspace name" errors={errors.name}>
        <Input
          id="name"
          value={name}
          aria-invalid={errors.name ? true : undefined}
          onChange={(e) => {
            setName(e.target.value);
            if (!slugEdited) setSlug(suggestSlug(e.target.value));
          }}
          placeholder="Acme Security"
          autoFocus
        />
      </Field>
      <Field id="slug" label="URL" hint={`Your workspace will live at /w/${slug || "…"}`} errors={errors.slug}>
        <Input
          id="slug"
          value={slug}
          aria-invalid={errors.slug ? true : undefined}
          onChange={(e) => {
            setSlug(e.target.value);
            setSlugEdited(true);
          }}
          placeholder="acme-security"
        />
      </Field>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-800">Mode</legend>
        {modeOptions.map((option) => (
          <label
            key={option.value}
            className="flex cursor-pointer gap-3 rounded-md border border-zinc-200 p-3 has-[:checked]:border-zinc-900 has-[:checked]:bg-zinc-50"
          >
            <input type="radio" name="mode" value={option.value} checked={mode === option.value} onChange={() => setMode(option.value)} className="mt-1" />
            <span>
              <span className="block text-sm font-medium">{option.title}</span>
              <span className="block text-xs text-zinc-500">{option.description}</span>
            </span>
          </label>
        ))}
        {errors.mode ? <p className="text-xs font-medium text-red-700">{errors.mode[0]}</p> : null}
      </fieldset>
      <Button type="submit" className="w-full" disabled={create.isPending}>
        {create.isPending ? "Creating…" : "Create workspace"}
      </Button>
    </form>
  );
}
