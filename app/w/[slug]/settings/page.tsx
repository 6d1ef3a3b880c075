import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/shell/app-shell";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DeleteWorkspace } from "@/components/workspaces/delete-workspace";
import { WorkspaceSettingsForm } from "@/components/workspaces/workspace-settings-form";
import { getWorkspaceForPage } from "@/server/api/server-caller";
import { hasRole } from "@/server/members/roles";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const { workspace, role } = current;
  return (
    <>
      <PageHeader title="Settings" description={`Workspace /w/${workspace.slug}`} />
      <div className="space-y-6">
        <Card>
          <CardHeader title="General" />
          <CardBody>
            <WorkspaceSettingsForm
              workspaceSlug={slug}
              canEdit={hasRole(role, "admin")}
              initial={{
                name: workspace.name,
                timezone: workspace.timezone,
                retentionDays: workspace.retentionDays,
                webhookChannelCap: workspace.webhookChannelCap,
                inboxCap: workspace.inboxCap,
                inboxAutoArchiveDays: workspace.inboxAutoArchiveDays,
                mode: workspace.mode,
              }}
            />
          </CardBody>
        </Card>
        {role === "owner" ? (
          <Card className="border-red-200">
            <CardHeader title="Danger zone" description="Deleting the workspace removes all of its data for every member." />
            <CardBody>
              <DeleteWorkspace workspaceSlug={slug} />
            </CardBody>
          </Card>
        ) : null}
      </div>
    </>
  );
}
