import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { EventDeliveries } from "@/components/deliveries/event-deliveries";
import { emptyView, eventsHref, parseEventSearchParams, type EventView } from "@/components/events/event-search-params";
import { formatDateTime } from "@/components/events/format-time";
import { JsonView } from "@/components/events/json-view";
import { SeverityBadge } from "@/components/events/severity-badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { getServerCaller, getWorkspaceForPage } from "@/server/api/server-caller";

export const metadata: Metadata = { title: "Event" };

const originLabels = { ingest: "Ingested from a source", system: "Raised by Tocsin", audit: "Audit trail" } as const;

type Props = {
  params: Promise<{ slug: string; eventId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function EventPage({ params, searchParams }: Props) {
  const { slug, eventId } = await params;
  const current = await getWorkspaceForPage(slug);
  if (!current) notFound();
  const caller = await getServerCaller();
  const event = await caller.event.get({ workspaceSlug: slug, eventId }).catch((error: unknown) => {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
    throw error;
  });
  if (!event) notFound();
  const deliveries = await caller.delivery.list({ workspaceSlug: slug, eventId: event.id });

  const timeZone = current.workspace.timezone;
  const multi = current.workspace.mode === "multi";
  // The list this event was opened from, rebuilt from known filters only (never a free URL).
  const back = [(await searchParams).back ?? ""].flat()[0] ?? "";
  const backView: EventView = back ? parseEventSearchParams(new URLSearchParams(back), new Date()).view : emptyView;
  const listHref = eventsHref(slug, backView);
  const filterLink = (change: Partial<EventView>, label: ReactNode, title: string) => (
    <Link href={eventsHref(slug, { ...change, range: "30d" })} className="text-zinc-900 underline decoration-zinc-300 underline-offset-2 hover:decoration-zinc-900" title={title}>
      {label}
    </Link>
  );
  const time = (date: Date) => (
    <>
      <time dateTime={date.toISOString()}>{formatDateTime(date, timeZone)}</time>
      <span className="ml-2 font-mono text-xs text-zinc-500">{date.toISOString()}</span>
    </>
  );
  const none = <span className="text-zinc-400">—</span>;

  const fields: [string, ReactNode][] = [
    ["Type", filterLink({ types: [event.type] }, <span className="font-mono">{event.type}</span>, "Events of this type in the last 30 days")],
    ["Severity", <SeverityBadge key="severity" severity={event.severity} />],
    [`Received (${timeZone})`, time(event.receivedAt)],
    [`Occurred (${timeZone})`, time(event.occurredAt)],
    [
      "Source",
      event.sourceId && event.sourceName ? (
        <>
          {filterLink({ source: event.sourceId }, event.sourceName, "Events of this source in the last 30 days")}
          {event.sourceFormat ? <span className="ml-2 text-xs text-zinc-500">{event.sourceFormat} format</span> : null}
        </>
      ) : event.sourceId ? (
        "A deleted source"
      ) : (
        none
      ),
    ],
    ...(multi
      ? ([
          [
            "Community",
            event.communityId && event.communityName
              ? filterLink({ community: event.communityId }, event.communityName, "Events of this community in the last 30 days")
              : none,
          ],
        ] as [string, ReactNode][])
      : []),
    ["Origin", originLabels[event.origin]],
    ["Actor", event.actor ?? none],
    ["Client IP", event.clientIp ? <span className="font-mono">{event.clientIp}</span> : none],
    ["External ID", event.externalId ? <span className="font-mono break-all">{event.externalId}</span> : none],
    ["Fingerprint", event.fingerprint ? <span className="font-mono break-all">{event.fingerprint}</span> : none],
    ["Event ID", <span key="id" className="font-mono break-all">{event.id}</span>],
    ["Sent to rules", event.fannedOutAt ? time(event.fannedOutAt) : "Not yet"],
  ];

  return (
    <>
      <div className="mb-6">
        <Link href={listHref} className="text-sm font-medium text-zinc-600 hover:text-zinc-900">
          ← Back to events
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight break-words">{event.title}</h1>
        <p className="mt-2 flex flex-wrap items-center gap-2 text-sm text-zinc-600">
          <SeverityBadge severity={event.severity} />
          <span className="font-mono">{event.type}</span>
          <span aria-hidden>·</span>
          <span>{formatDateTime(event.receivedAt, timeZone)}</span>
          {event.sourceName ? (
            <>
              <span aria-hidden>·</span>
              <span>{event.sourceName}</span>
            </>
          ) : null}
        </p>
      </div>

      <div className="space-y-6">
        <Card>
          <CardHeader title="Details" />
          <CardBody>
            <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[11rem_1fr]" data-testid="event-fields">
              {fields.map(([label, value]) => (
                <div key={label} className="contents">
                  <dt className="font-medium text-zinc-500">{label}</dt>
                  <dd className="min-w-0 text-zinc-900">{value}</dd>
                </div>
              ))}
            </dl>
          </CardBody>
        </Card>

        {event.message ? (
          <Card>
            <CardHeader title="Message" />
            <CardBody>
              <p className="text-sm whitespace-pre-wrap break-words text-zinc-800" data-testid="event-message">
                {event.message}
              </p>
            </CardBody>
          </Card>
        ) : null}

        <Card>
          <CardHeader title="Deliveries" description="Where rules sent this event besides the inbox, and how it went." />
          <CardBody>
            <EventDeliveries workspaceSlug={slug} page={deliveries} />
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Data" description="What the adapter extracted for rules and notifications." />
          <CardBody>
            <JsonView value={event.data} label="Event data" empty="No extra data." />
          </CardBody>
        </Card>

        <Card>
          <CardHeader title="Raw payload" description="What the source sent, kept as JSON (PostgreSQL may reorder an object’s keys)." />
          <CardBody>
            <JsonView value={event.raw} label="Raw payload" empty="No payload stored (Tocsin raised this event itself)." />
          </CardBody>
        </Card>

        <Link href={listHref} className="inline-block text-sm font-medium text-zinc-600 hover:text-zinc-900">
          ← Back to events
        </Link>
      </div>
    </>
  );
}
