"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { getFieldErrors, getFormError, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

export function DeleteWorkspace({ workspaceSlug }: { workspaceSlug: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [confirmSlug, setConfirmSlug] = useState("");
  const remove = useMutation(trpc.workspace.delete.mutationOptions({ onSuccess: () => router.push("/") }));
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Delete workspace
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title="Delete workspace" description="Every community, member and setting of this workspace is deleted. This cannot be undone.">
        <form
          className="space-y-4"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            remove.mutate({ workspaceSlug, confirmSlug });
          }}
        >
          <FormError message={getFormError(remove.error)} />
          <Field id="confirm-slug" label={`Type "${workspaceSlug}" to confirm`} errors={getFieldErrors(remove.error).confirmSlug}>
            <Input id="confirm-slug" value={confirmSlug} onChange={(e) => setConfirmSlug(e.target.value)} autoFocus />
          </Field>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={remove.isPending || confirmSlug.trim() !== workspaceSlug}>
              Delete
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
