"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { hasRole, roleLabels, roles, type Role } from "@/server/members/roles";

type Member = { id: string; userId: string; email: string; name: string | null; role: Role; joinedAt: Date };

export function MemberList(props: { workspaceSlug: string; members: Member[]; currentUserId: string; actorRole: Role }) {
  const { workspaceSlug, members, currentUserId, actorRole } = props;
  const trpc = useTRPC();
  const router = useRouter();
  const [removing, setRemoving] = useState<Member | null>(null);
  const onSuccess = () => router.refresh();
  const changeRole = useMutation(trpc.member.changeRole.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSuccess: () => (setRemoving(null), router.refresh()) }));
  const leave = useMutation(trpc.member.leave.mutationOptions({ onSuccess: () => router.push("/") }));

  const ownerCount = members.filter((m) => m.role === "owner").length;
  const canLeave = (member: Member) => member.role !== "owner" || ownerCount > 1;
  // Mirrors the server's rule (server/members/members.ts) to hide controls that would be refused.
  const canManage = (member: Member) =>
    hasRole(actorRole, "admin") && member.userId !== currentUserId && (actorRole === "owner" || member.role !== "owner");

  return (
    <div className="space-y-3">
      <FormError message={changeRole.error?.message ?? leave.error?.message} />
      <table className="w-full text-left text-sm">
        <thead className="text-xs uppercase text-zinc-500">
          <tr>
            <th className="py-2 font-medium">Member</th>
            <th className="py-2 font-medium">Role</th>
            <th className="py-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {members.map((member) => (
            <tr key={member.id} data-testid="member-row">
              <td className="py-3">
                <span className="font-medium">{member.name ?? member.email}</span>
                {member.name ? <span className="block text-xs text-zinc-500">{member.email}</span> : null}
                {member.userId === currentUserId ? <Badge className="ml-2">you</Badge> : null}
              </td>
              <td className="py-3">
                {canManage(member) ? (
                  <Select
                    aria-label={`Role of ${member.email}`}
                    className="w-36"
                    value={member.role}
                    disabled={changeRole.isPending}
                    onChange={(e) => changeRole.mutate({ workspaceSlug, membershipId: member.id, role: e.target.value as Role })}
                  >
                    {roles
                      .filter((r) => r !== "owner" || actorRole === "owner")
                      .map((r) => (
                        <option key={r} value={r}>
                          {roleLabels[r]}
                        </option>
                      ))}
                  </Select>
                ) : (
                  <span data-testid="member-role">{roleLabels[member.role]}</span>
                )}
              </td>
              <td className="py-3 text-right">
                {member.userId === currentUserId ? (
                  canLeave(member) ? (
                    <Button size="sm" variant="ghost" disabled={leave.isPending} onClick={() => leave.mutate({ workspaceSlug })}>
                      Leave
                    </Button>
                  ) : (
                    <span className="text-xs text-zinc-500">Last owner</span>
                  )
                ) : canManage(member) ? (
                  <Button size="sm" variant="ghost" onClick={() => (remove.reset(), setRemoving(member))}>
                    Remove
                  </Button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Dialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title="Remove member"
        description={removing ? `${removing.email} loses access to this workspace at once.` : undefined}
      >
        <div className="space-y-4">
          <FormError message={remove.error?.message} />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setRemoving(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              disabled={remove.isPending}
              onClick={() => removing && remove.mutate({ workspaceSlug, membershipId: removing.id })}
            >
              Remove
            </Button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
