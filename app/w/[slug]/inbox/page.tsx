import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { InboxFilterBar } from "@/components/inbox/inbox-filter-bar";
import { InboxList } from "@/components/inbox/inbox-list";
import { hasInboxFilters, inboxHref, inboxListInput, parseInboxSearchParams } from "@/components/inbox/inbox-search-params";
import { PageHeader } from "@/components/shell/app-shell";
import { Card, CardBody } from "@/components/ui/card";
import { getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";

export const metadata: Metadata = { title: "Inbox" };

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function InboxPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const view = parseInboxSearchParams(await searchParams);
  const multi = current.workspace.mode === "multi";
  const caller = await getServerCaller();
  const [rules, firstPage] = await Promise.all([caller.rule.list({ workspaceSlug: slug }), caller.inbox.list({ workspaceSlug: slug, ...inboxListInput(view) })]);

  const emptyMessage = hasInboxFilters(view) ? (
    <>
      Nothing here with these filters.{" "}
      <Link href={inboxHref(slug, { ...view, unread: false, severity: "", rule: "", community: "" })} className="font-medium text-zinc-900 underline">
        Clear them
      </Link>
      .
    </>
  ) : rules.length === 0 ? (
    <>
      Your inbox fills up when events match your rules.{" "}
      <Link href={`/w/${slug}/rules/new`} className="font-medium text-zinc-900 underline">
        Write a rule
      </Link>
      .
    </>
  ) : (
    "Nothing new. Events your rules match appear here, and in the bell."
  );

  return (
    <>
      <PageHeader
        title="Inbox"
        description={
          <>
            What your rules matched, newest first. Turn in-app notifications on or off in your{" "}
            <Link href={`/w/${slug}/preferences`} className="font-medium text-zinc-900 underline">
              preferences
            </Link>
            .
          </>
        }
      />
      <div className="space-y-6">
        <Card>
          <CardBody>
            <InboxFilterBar
              key={inboxHref(slug, view)}
              slug={slug}
              view={view}
              rules={rules.map(({ id, name }) => ({ id, name }))}
              communities={multi ? current.communities.map(({ id, name }) => ({ id, name })) : null}
            />
          </CardBody>
        </Card>
        <Card>
          <InboxList key={inboxHref(slug, view)} slug={slug} view={view} firstPage={firstPage} timeZone={current.workspace.timezone} showCommunity={multi} emptyMessage={emptyMessage} />
        </Card>
      </div>
    </>
  );
}
