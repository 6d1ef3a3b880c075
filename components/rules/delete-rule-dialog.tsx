"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import type { RuleItem } from "./rule-types";

/** Asks before deleting; the inbox entries the rule created stay. */
export function DeleteRuleDialog({ workspaceSlug, rule, onClose }: { workspaceSlug: string; rule: RuleItem; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const remove = useMutation(trpc.rule.delete.mutationOptions({ onSuccess: () => (onClose(), router.refresh()) }));
  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={`Delete “${rule.name}”?`}
      description={
        rule.kind === "shared"
          ? "Its recipients stop being notified at once. Notifications it already sent stay in their inboxes. This cannot be undone."
          : "You stop being notified at once. Notifications it already sent stay in your inbox. This cannot be undone."
      }
    >
      <div className="space-y-4">
        <FormError message={remove.error?.message} />
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button variant="danger" disabled={remove.isPending} onClick={() => remove.mutate({ workspaceSlug, ruleId: rule.id })}>
            Delete rule
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
