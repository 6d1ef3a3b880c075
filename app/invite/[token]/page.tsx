import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { AcceptInvitationButton } from "@/components/invitations/accept-invitation-button";
import { getCurrentUser } from "@/server/api/server-caller";
import { getDb } from "@/server/db/client";
import { findInvitationByToken } from "@/server/members/invitations";
import { roleLabels } from "@/server/members/roles";
import { findWorkspaceMembership } from "@/server/workspaces/find-workspace-membership";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`);

  const invitation = token.length <= 200 ? await findInvitationByToken(getDb(), token) : null;
  // A used link only opens the workspace for someone who is (still) a member of it.
  const isMember = invitation?.acceptedAt ? (await findWorkspaceMembership(getDb(), user.id, invitation.workspaceSlug)) !== null : false;
  const message = (() => {
    if (!invitation) return "This invitation link is not valid. Ask the person who invited you for a new one.";
    if (invitation.email !== user.email.toLowerCase()) return `This invitation was sent to ${invitation.email}, but you are signed in as ${user.email}. Sign out and sign in with the invited address.`;
    if (invitation.revokedAt) return "This invitation was revoked.";
    if (invitation.acceptedAt) return isMember ? null : "This invitation was already used. Ask for a new one.";
    if (invitation.expiresAt <= new Date()) return "This invitation has expired. Ask for a new one.";
    return null;
  })();

  return (
    <AuthCard title={invitation ? `Join ${invitation.workspaceName}` : "Invitation"}>
      {message ? (
        <p className="text-sm text-zinc-700">{message}</p>
      ) : invitation?.acceptedAt ? (
        <p className="text-sm text-zinc-700">
          You already joined.{" "}
          <Link className="font-medium underline" href={`/w/${invitation.workspaceSlug}`}>
            Open {invitation.workspaceName}
          </Link>
        </p>
      ) : (
        <div className="space-y-4">
          <p className="text-sm text-zinc-700">
            You are invited to <strong>{invitation!.workspaceName}</strong> as <strong>{roleLabels[invitation!.role]}</strong>.
          </p>
          <AcceptInvitationButton token={token} />
        </div>
      )}
    </AuthCard>
  );
}
