"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/components/trpc/react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { roleLabels, type Role } from "@/server/members/roles";

type Invitation = { id: string; email: string; role: Role; expiresAt: Date; expired: boolean; invitedBy: string | null };

export function InvitationList({ workspaceSlug, invitations }: { workspaceSlug: string; invitations: Invitation[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const revoke = useMutation(trpc.member.revokeInvitation.mutationOptions({ onSuccess: () => router.refresh() }));
  if (invitations.length === 0) return <p className="text-sm text-zinc-500">No open invitations.</p>;
  return (
    <div className="space-y-2">
      <FormError message={revoke.error?.message} />
      <ul className="divide-y divide-zinc-100">
        {invitations.map((invitation) => {
          const { expired } = invitation;
          return (
            <li key={invitation.id} className="flex items-center justify-between gap-3 py-2" data-testid="invitation-row">
              <div className="text-sm">
                <span className="font-medium">{invitation.email}</span> · {roleLabels[invitation.role]}
                <span className="block text-xs text-zinc-500">
                  {expired ? <Badge className="mr-1 border-red-200 bg-red-50 text-red-700">expired</Badge> : null}
                  {expired ? "Expired" : "Expires"} {invitation.expiresAt.toISOString().slice(0, 10)}
                  {invitation.invitedBy ? ` · invited by ${invitation.invitedBy}` : ""}
                </span>
              </div>
              <Button size="sm" variant="ghost" disabled={revoke.isPending} onClick={() => revoke.mutate({ workspaceSlug, invitationId: invitation.id })}>
                Revoke
              </Button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
