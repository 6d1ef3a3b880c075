import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { CommunityManager } from "@/components/communities/community-manager";
import { PageHeader } from "@/components/shell/app-shell";
import { Card, CardBody } from "@/components/ui/card";
import { getWorkspaceForPage } from "@/server/api/server-caller";
import { hasRole } from "@/server/members/roles";

export const metadata: Metadata = { title: "Communities" };

export default async function CommunitiesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  // Single-mode workspaces have one hidden community: there is nothing to manage here.
  if (!current || current.workspace.mode !== "multi") notFound();
  return (
    <>
      <PageHeader title="Communities" description="Each community is one customer or environment, with its own sources and events." />
      <Card>
        <CardBody>
          <CommunityManager workspaceSlug={slug} communities={current.communities} canManage={hasRole(current.role, "admin")} />
        </CardBody>
      </Card>
    </>
  );
}
