"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import type { SourceItem } from "./source-types";

/** Ends every token of a source at once, grace periods included. */
export function RevokeTokensDialog({ workspaceSlug, source, onClose }: { workspaceSlug: string; source: SourceItem; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const revoke = useMutation(trpc.source.revokeTokens.mutationOptions({ onSuccess: () => (onClose(), router.refresh()) }));
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Revoke all tokens of ${source.name}`}
      description="Every token of this source stops working at once, including those still in a rotation grace period. The tool gets 403 until you issue a new token and give it to the tool."
    >
      <div className="space-y-4">
        <FormError message={revoke.error?.message} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" disabled={revoke.isPending} onClick={() => revoke.mutate({ workspaceSlug, sourceId: source.id })}>
            Revoke tokens
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
