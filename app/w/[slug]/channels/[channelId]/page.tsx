import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ChannelLogView } from "@/components/channels/channel-log-view";
import { PageHeader } from "@/components/shell/app-shell";
import { getCurrentUser, getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";
import { hasRole } from "@/server/members/roles";

export const metadata: Metadata = { title: "Channel" };

export default async function ChannelPage({ params }: { params: Promise<{ slug: string; channelId: string }> }) {
  const { slug, channelId } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const caller = await getServerCaller();
  const channel = await caller.channel.get({ workspaceSlug: slug, channelId }).catch((error: unknown) => {
    // Another member's personal channel reads like one that does not exist.
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
    throw error;
  });
  if (!channel) notFound();
  const [firstPage, user] = await Promise.all([caller.delivery.list({ workspaceSlug: slug, channelId: channel.id }), getCurrentUser()]);
  return (
    <>
      <Link href={`/w/${slug}/channels`} className="mb-2 inline-block text-sm font-medium text-zinc-600 hover:text-zinc-900">
        ← Channels
      </Link>
      <PageHeader title={channel.name} description="Its state, then every delivery and attempt." />
      <ChannelLogView
        workspaceSlug={slug}
        timeZone={current.workspace.timezone}
        channel={channel}
        firstPage={firstPage}
        isAdmin={hasRole(current.role, "admin")}
        ownEmail={user?.email ?? ""}
      />
    </>
  );
}
