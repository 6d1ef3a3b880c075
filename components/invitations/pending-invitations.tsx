"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import type { Role } from "@/server/members/roles";

type PendingInvitation = { id: string; workspaceName: string; role: Role };

export function PendingInvitations({ invitations }: { invitations: PendingInvitation[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(
    trpc.invitation.accept.mutationOptions({ onSuccess: (workspace) => router.push(`/w/${workspace.slug}`) }),
  );
  if (invitations.length === 0) return null;
  return (
    <section className="space-y-2">
      <h2 className="text-sm font-semibold text-zinc-700">Invitations</h2>
      <FormError message={accept.error?.message} />
      <ul className="space-y-2">
        {invitations.map((invitation) => (
          <li key={invitation.id} className="flex items-center justify-between gap-3 rounded-md border border-amber-200 bg-amber-50 px-4 py-3">
            <span className="text-sm">
              Join <strong>{invitation.workspaceName}</strong> as {invitation.role}
            </span>
            <Button size="sm" disabled={accept.isPending} onClick={() => accept.mutate({ invitationId: invitation.id })}>
              Accept
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}
