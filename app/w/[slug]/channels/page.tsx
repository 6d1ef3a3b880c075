import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ChannelsView } from "@/components/channels/channels-view";
import { PageHeader } from "@/components/shell/app-shell";
import { getCurrentUser, getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";
import { hasRole } from "@/server/members/roles";

export const metadata: Metadata = { title: "Channels" };

export default async function ChannelsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const [channels, user] = await Promise.all([(await getServerCaller()).channel.list({ workspaceSlug: slug }), getCurrentUser()]);
  return (
    <>
      <PageHeader
        title="Channels"
        description="Where rules deliver their matches besides the inbox: email, Slack, Microsoft Teams, Mattermost, Discord and signed webhooks."
      />
      <ChannelsView
        workspaceSlug={slug}
        timeZone={current.workspace.timezone}
        channels={channels}
        isAdmin={hasRole(current.role, "admin")}
        ownEmail={user?.email ?? ""}
      />
    </>
  );
}
