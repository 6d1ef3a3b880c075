"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";

export function AcceptInvitationButton({ token }: { token: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const accept = useMutation(trpc.invitation.acceptByToken.mutationOptions({ onSuccess: (workspace) => router.push(`/w/${workspace.slug}`) }));
  return (
    <div className="space-y-3">
      <FormError message={accept.error?.message} />
      <Button className="w-full" disabled={accept.isPending || accept.isSuccess} onClick={() => accept.mutate({ token })}>
        {accept.isPending ? "Joining…" : "Accept invitation"}
      </Button>
    </div>
  );
}
