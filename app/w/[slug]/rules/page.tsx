import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { RulesView } from "@/components/rules/rules-view";
import { PageHeader } from "@/components/shell/app-shell";
import { getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";
import { hasRole } from "@/server/members/roles";

export const metadata: Metadata = { title: "Rules" };

export default async function RulesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const caller = await getServerCaller();
  const [rules, channels] = await Promise.all([caller.rule.list({ workspaceSlug: slug }), caller.channel.list({ workspaceSlug: slug })]);
  return (
    <>
      <PageHeader title="Rules" description="Which events notify you, and how. Each new event is checked against every enabled rule." />
      <RulesView
        workspaceSlug={slug}
        rules={rules}
        isAdmin={hasRole(current.role, "admin")}
        communities={current.workspace.mode === "multi" ? current.communities.map(({ id, name }) => ({ id, name })) : null}
        channels={channels.map(({ id, kind, name, enabled }) => ({ id, kind, name, enabled }))}
      />
    </>
  );
}
