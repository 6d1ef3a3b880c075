import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/shell/app-shell";
import { InvitationList } from "@/components/members/invitation-list";
import { InviteMemberForm } from "@/components/members/invite-member-form";
import { MemberList } from "@/components/members/member-list";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getCurrentUser, getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";
import { hasRole, roleDescriptions, roleLabels, roles } from "@/server/members/roles";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  const user = await getCurrentUser();
  if (!current || !user) notFound();
  const caller = await getServerCaller();
  const isAdmin = hasRole(current.role, "admin");
  const [members, invitations] = await Promise.all([
    caller.member.list({ workspaceSlug: slug }),
    isAdmin ? caller.member.invitations({ workspaceSlug: slug }) : Promise.resolve([]),
  ]);

  return (
    <>
      <PageHeader title="Members" description={`People with access to ${current.workspace.name}. You are ${roleLabels[current.role].toLowerCase()}.`} />
      <div className="space-y-6">
        {isAdmin ? (
          <Card>
            <CardHeader title="Invite a member" description="They receive an email link and join once they sign in with that address." />
            <CardBody>
              <InviteMemberForm workspaceSlug={slug} actorRole={current.role} />
            </CardBody>
          </Card>
        ) : null}
        <Card>
          <CardHeader title={`Members (${members.length})`} />
          <CardBody>
            <MemberList workspaceSlug={slug} members={members} currentUserId={user.id} actorRole={current.role} />
          </CardBody>
        </Card>
        {isAdmin ? (
          <Card>
            <CardHeader title="Open invitations" />
            <CardBody>
              <InvitationList workspaceSlug={slug} invitations={invitations} />
            </CardBody>
          </Card>
        ) : null}
        <Card>
          <CardHeader title="Roles" />
          <CardBody>
            <dl className="grid gap-2 text-sm sm:grid-cols-[8rem_1fr]">
              {roles.map((role) => (
                <div key={role} className="contents">
                  <dt className="font-medium">{roleLabels[role]}</dt>
                  <dd className="text-zinc-600">{roleDescriptions[role]}</dd>
                </div>
              ))}
            </dl>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
