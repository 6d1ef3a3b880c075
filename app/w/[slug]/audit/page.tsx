import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuditLogView } from "@/components/audit/audit-log-view";
import { PageHeader } from "@/components/shell/app-shell";
import { Card } from "@/components/ui/card";
import { getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";
import { hasRole } from "@/server/members/roles";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const caller = await getServerCaller();
  const [firstPage, members] = await Promise.all([caller.audit.list({ workspaceSlug: slug }), caller.member.list({ workspaceSlug: slug })]);
  const isAdmin = hasRole(current.role, "admin");
  return (
    <>
      <PageHeader
        title="Audit"
        description={
          isAdmin
            ? "Who changed what in this workspace, from where, and each field before and after. Secrets are never recorded. Changes to members' personal rules and channels are theirs alone."
            : "The changes to your personal rules and channels. The workspace's audit log is for admins and owners."
        }
      />
      <Card>
        <AuditLogView
          workspaceSlug={slug}
          timeZone={current.workspace.timezone}
          members={isAdmin ? members.map((m) => ({ userId: m.userId, email: m.email })) : []}
          firstPage={firstPage}
        />
      </Card>
    </>
  );
}
