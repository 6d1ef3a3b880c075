import { and, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { communities, events, intakeSources } from "@/server/db/schema";
import { DomainError } from "@/server/errors";
import { eventIdSchema } from "./event-schemas";

/**
 * One event of the workspace with every normalised field, its payloads and the names of its
 * source and community. Another workspace's event is NOT_FOUND, exactly like a missing one.
 */
export async function getEvent(db: Db, workspaceId: string, eventId: string) {
  const notFound = () => new DomainError("NOT_FOUND", "Event not found");
  if (!eventIdSchema.safeParse(eventId).success) throw notFound();
  const [row] = await db
    .select({
      event: events,
      sourceName: intakeSources.name,
      sourceFormat: intakeSources.format,
      communityName: communities.name,
    })
    .from(events)
    .leftJoin(intakeSources, and(eq(intakeSources.id, events.sourceId), eq(intakeSources.workspaceId, workspaceId)))
    .leftJoin(communities, and(eq(communities.id, events.communityId), eq(communities.workspaceId, workspaceId)))
    .where(and(eq(events.workspaceId, workspaceId), eq(events.id, eventId)));
  if (!row) throw notFound();
  return { ...row.event, sourceName: row.sourceName, sourceFormat: row.sourceFormat, communityName: row.communityName };
}

export type EventDetail = Awaited<ReturnType<typeof getEvent>>;
