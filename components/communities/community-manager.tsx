"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { getFieldErrors, getFormError, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { communityNameSchema } from "@/server/communities/community-schemas";

type Community = { id: string; name: string; createdAt: Date };

export function CommunityManager({ workspaceSlug, communities, canManage }: { workspaceSlug: string; communities: Community[]; canManage: boolean }) {
  const [renaming, setRenaming] = useState<Community | null>(null);
  const [deleting, setDeleting] = useState<Community | null>(null);
  return (
    <div className="space-y-4">
      {canManage ? <CreateCommunityForm workspaceSlug={workspaceSlug} /> : null}
      {communities.length === 0 ? (
        <p className="text-sm text-zinc-500">No communities yet. Add one per customer or environment you watch.</p>
      ) : (
        <ul className="divide-y divide-zinc-100">
          {communities.map((community) => (
            <li key={community.id} className="flex items-center justify-between gap-3 py-3" data-testid="community-row">
              <span className="font-medium">{community.name}</span>
              {canManage ? (
                <span className="flex gap-1">
                  <Button size="sm" variant="ghost" onClick={() => setRenaming(community)}>
                    Rename
                  </Button>
                  <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(community)}>
                    Delete
                  </Button>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {renaming ? <RenameDialog workspaceSlug={workspaceSlug} community={renaming} onClose={() => setRenaming(null)} /> : null}
      {deleting ? <DeleteDialog workspaceSlug={workspaceSlug} community={deleting} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}

function useNameField(initial: string) {
  const [name, setName] = useState(initial);
  const [clientError, setClientError] = useState<string | null>(null);
  const validate = () => {
    const parsed = communityNameSchema.safeParse(name);
    setClientError(parsed.success ? null : (parsed.error.issues[0]?.message ?? "Invalid name"));
    return parsed.success ? parsed.data : null;
  };
  return { name, setName, clientError, validate };
}

function CreateCommunityForm({ workspaceSlug }: { workspaceSlug: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const field = useNameField("");
  const create = useMutation(trpc.community.create.mutationOptions({ onSuccess: () => (field.setName(""), router.refresh()) }));
  const nameErrors = field.clientError ? [field.clientError] : getFieldErrors(create.error).name;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const name = field.validate();
    if (name) create.mutate({ workspaceSlug, name });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-2" noValidate>
      <FormError message={getFormError(create.error)} />
      <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-start">
        <Field id="community-name" label="New community" errors={nameErrors}>
          <Input
            id="community-name"
            value={field.name}
            onChange={(e) => field.setName(e.target.value)}
            placeholder="Customer name"
            aria-invalid={nameErrors ? true : undefined}
          />
        </Field>
        <Button type="submit" className="sm:mt-6" disabled={create.isPending}>
          Add community
        </Button>
      </div>
    </form>
  );
}

function RenameDialog({ workspaceSlug, community, onClose }: { workspaceSlug: string; community: Community; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const field = useNameField(community.name);
  const rename = useMutation(trpc.community.rename.mutationOptions({ onSuccess: () => (onClose(), router.refresh()) }));
  const nameErrors = field.clientError ? [field.clientError] : getFieldErrors(rename.error).name;
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title={`Rename ${community.name}`}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const name = field.validate();
          if (name) rename.mutate({ workspaceSlug, communityId: community.id, name });
        }}
      >
        <FormError message={getFormError(rename.error)} />
        <Field id="rename-community" label="Name" errors={nameErrors}>
          <Input id="rename-community" value={field.name} onChange={(e) => field.setName(e.target.value)} autoFocus />
        </Field>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={rename.isPending}>
            Save
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog({ workspaceSlug, community, onClose }: { workspaceSlug: string; community: Community; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirmName, setConfirmName] = useState("");
  const remove = useMutation(trpc.community.delete.mutationOptions({ onSuccess: () => (onClose(), router.refresh()) }));
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Delete ${community.name}`}
      description="Everything in this community is deleted with it. This cannot be undone."
    >
      <form
        className="space-y-4"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          remove.mutate({ workspaceSlug, communityId: community.id, confirmName });
        }}
      >
        <FormError message={getFormError(remove.error)} />
        <Field id="confirm-community-name" label={`Type "${community.name}" to confirm`} errors={getFieldErrors(remove.error).confirmName}>
          <Input id="confirm-community-name" value={confirmName} onChange={(e) => setConfirmName(e.target.value)} autoFocus />
        </Field>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={remove.isPending || confirmName.trim() !== community.name}>
            Delete community
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
