import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/shell/app-shell";
import type { FormatOption } from "@/components/sources/source-types";
import { SourcesView } from "@/components/sources/sources-view";
import { getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";
import type { SourceFormat } from "@/server/db/schema/ingest";
import { ingestFormats } from "@/server/ingest/formats";
import { hasRole } from "@/server/members/roles";

export const metadata: Metadata = { title: "Sources" };

// What the page shows of each format; the adapters stay on the server.
const formats = Object.fromEntries(
  Object.values(ingestFormats).map(({ id, label, description, setupHint }) => [id, { id, label, description, setupHint }]),
) as Record<SourceFormat, FormatOption>;

export default async function SourcesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const sources = await (await getServerCaller()).source.list({ workspaceSlug: slug });
  return (
    <>
      <PageHeader
        title="Sources"
        description="Where security tools send their events. Each source has its own ingest URL and token, and reads one format."
      />
      <SourcesView
        workspaceSlug={slug}
        timeZone={current.workspace.timezone}
        formats={formats}
        mode={current.workspace.mode}
        canManage={hasRole(current.role, "admin")}
        communities={current.communities.map(({ id, name }) => ({ id, name }))}
        sources={sources}
      />
    </>
  );
}
