import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { eventsHref, parseEventSearchParams, rangeOptions, toSearchParams, type EventView } from "@/components/events/event-search-params";
import { EventFilterBar } from "@/components/events/event-filter-bar";
import { EventTable } from "@/components/events/event-table";
import { formatDateTime } from "@/components/events/format-time";
import { VolumeChart } from "@/components/events/volume-chart";
import { PageHeader } from "@/components/shell/app-shell";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";

export const metadata: Metadata = { title: "Events" };

const pageSize = 50;

function describeRange(view: EventView, timeZone: string): string {
  const preset = rangeOptions.find((option) => option.key === view.range);
  if (preset) return preset.label.toLowerCase();
  const at = (iso: string) => formatDateTime(new Date(iso), timeZone, { seconds: false });
  return view.to ? `${at(view.from)} – ${at(view.to)}` : `since ${at(view.from)}`;
}

export default async function EventsPage(props: { params: Promise<{ slug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { slug } = await props.params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const { workspace } = current;
  const timeZone = workspace.timezone;
  const multi = workspace.mode === "multi";
  const { view, filters, problems } = parseEventSearchParams(await props.searchParams, new Date());

  const caller = await getServerCaller();
  const [firstPage, volume, sources] = await Promise.all([
    caller.event.list({ workspaceSlug: slug, ...filters, limit: pageSize }),
    caller.event.volume({ workspaceSlug: slug, ...filters }).catch((error: unknown) => {
      // A range too long to chart still lists its events.
      if (error instanceof TRPCError && error.code === "BAD_REQUEST") return { error: error.message };
      throw error;
    }),
    caller.source.list({ workspaceSlug: slug }),
  ]);
  const rangeText = describeRange(view, timeZone);
  const query = toSearchParams(view).toString();
  const filtered = query !== "";

  const emptyMessage =
    sources.length === 0 && !filtered ? (
      <>
        No events yet. Create a <Link href={`/w/${slug}/sources`} className="font-medium text-zinc-900 underline">source</Link>, point a
        security tool at its ingest URL, and its events appear here.
      </>
    ) : (
      <>
        No events match these filters in the {rangeText.startsWith("last") ? rangeText : `range ${rangeText}`}.
        {view.range !== "30d" ? (
          <>
            {" "}
            <Link href={eventsHref(slug, { ...view, range: "30d", from: "", to: "" })} className="font-medium text-zinc-900 underline">
              Look at the last 30 days
            </Link>
            .
          </>
        ) : null}
      </>
    );

  return (
    <>
      <PageHeader
        title="Events"
        description={
          <>
            What your sources sent, newest first. Times are in {timeZone}
            {timeZone === "UTC" ? "" : " (the workspace’s timezone)"}.
          </>
        }
      />
      <div className="space-y-6">
        <Card>
          <CardBody>
            <EventFilterBar
              key={query}
              slug={slug}
              view={view}
              timeZone={timeZone}
              sources={sources.map(({ id, name, communityName }) => ({ id, name, communityName }))}
              communities={multi ? current.communities.map(({ id, name }) => ({ id, name })) : null}
            />
            {problems.length ? (
              <ul role="alert" className="mt-3 space-y-1 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
                {problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            ) : null}
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Volume by type"
            description={
              "error" in volume
                ? rangeText
                : `${volume.total.toLocaleString("en-US")} event${volume.total === 1 ? "" : "s"} · per ${volume.bucketSize} · ${rangeText}. Click a bar to zoom in, a type to show only it.`
            }
          />
          <CardBody>
            {"error" in volume ? <p className="text-sm text-zinc-600">{volume.error}</p> : <VolumeChart volume={volume} slug={slug} view={view} timeZone={timeZone} />}
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Event log" />
          <EventTable
            key={query}
            slug={slug}
            filters={filters}
            pageSize={pageSize}
            firstPage={firstPage}
            timeZone={timeZone}
            showCommunity={multi}
            backQuery={query}
            emptyMessage={emptyMessage}
          />
        </Card>
      </div>
    </>
  );
}
