"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { getFieldErrors, getFormError, useTRPC, type FieldErrors } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { parseForm } from "@/components/ui/parse-form";
import { inviteMemberInput } from "@/server/members/member-schemas";
import { roleLabels, roles, type Role } from "@/server/members/roles";

export function InviteMemberForm({ workspaceSlug, actorRole }: { workspaceSlug: string; actorRole: Role }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("analyst");
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [sentTo, setSentTo] = useState<string | null>(null);
  const invite = useMutation(
    trpc.member.invite.mutationOptions({
      onSuccess: (invitation) => {
        setSentTo(invitation.email);
        setEmail("");
        router.refresh();
      },
    }),
  );
  const errors = { ...getFieldErrors(invite.error), ...clientErrors };
  // Only an owner can hand out ownership.
  const grantable = roles.filter((r) => r !== "owner" || actorRole === "owner");

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSentTo(null);
    const parsed = parseForm(inviteMemberInput, { email, role }, setClientErrors);
    if (parsed) invite.mutate({ workspaceSlug, ...parsed });
  }

  return (
    <form onSubmit={onSubmit} className="space-y-3" noValidate>
      <FormError message={getFormError(invite.error)} />
      <div className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-start">
        <Field id="invite-email" label="Email" errors={errors.email}>
          <Input
            id="invite-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="colleague@example.com"
            aria-invalid={errors.email ? true : undefined}
          />
        </Field>
        <Field id="invite-role" label="Role" errors={errors.role}>
          <Select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {grantable.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" className="sm:mt-6" disabled={invite.isPending}>
          {invite.isPending ? "Sending…" : "Send invitation"}
        </Button>
      </div>
      {sentTo ? (
        <p role="status" className="text-sm text-emerald-700">
          Invitation sent to {sentTo}.
        </p>
      ) : null}
    </form>
  );
}
