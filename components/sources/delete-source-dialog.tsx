"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { getFieldErrors, getFormError, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { SourceItem } from "./source-types";

export function DeleteSourceDialog({ workspaceSlug, source, onClose }: { workspaceSlug: string; source: SourceItem; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirmName, setConfirmName] = useState("");
  const remove = useMutation(trpc.source.delete.mutationOptions({ onSuccess: () => (onClose(), router.refresh()) }));
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Delete ${source.name}`}
      description="Its URL and tokens stop working at once. Events it already delivered stay in the event log. This cannot be undone."
    >
      <form
        className="space-y-4"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          remove.mutate({ workspaceSlug, sourceId: source.id, confirmName });
        }}
      >
        <FormError message={getFormError(remove.error)} />
        <Field id="confirm-source-name" label={`Type "${source.name}" to confirm`} errors={getFieldErrors(remove.error).confirmName}>
          <Input id="confirm-source-name" value={confirmName} onChange={(e) => setConfirmName(e.target.value)} autoFocus autoComplete="off" />
        </Field>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={remove.isPending || confirmName.trim() !== source.name}>
            Delete source
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
