import { and, desc, eq, gte, inArray, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { afterKeysetCursor, cursorTimestamp, decodeKeysetCursor, encodeKeysetCursor } from "@/server/db/keyset-cursor";
import { auditEntries } from "@/server/db/schema";
import { hasRole, type Role } from "@/server/members/roles";
import { listAuditEntriesInput, type ListAuditEntriesInput } from "./audit-schemas";

/** Who is reading, from the request's membership. */
export type AuditReader = { workspaceId: string; userId: string; role: Role };

/**
 * The entries `reader` may read: admins and owners the workspace's trail, except other members'
 * private entries (changes to their personal rules and channels); every member their own private
 * entries. Nobody ever reads another member's private entries, an owner included.
 */
function readableBy(reader: AuditReader): SQL {
  const own = eq(auditEntries.privateToUserId, reader.userId);
  return and(eq(auditEntries.workspaceId, reader.workspaceId), hasRole(reader.role, "admin") ? or(isNull(auditEntries.privateToUserId), own) : own)!;
}

/** A page of the audit trail, newest first (ties broken by id); `nextCursor` is null on the last page. */
export async function listAuditEntries(db: Db, reader: AuditReader, rawInput: ListAuditEntriesInput = {}) {
  const input = listAuditEntriesInput.parse(rawInput);
  const cursor = input.cursor ? decodeKeysetCursor(input.cursor, "the audit log") : null;
  const conditions: SQL[] = [readableBy(reader)];
  if (input.objectTypes?.length) conditions.push(inArray(auditEntries.objectType, input.objectTypes));
  if (input.objectId) conditions.push(eq(auditEntries.objectId, input.objectId));
  if (input.actor) conditions.push(input.actor === "tocsin" ? isNull(auditEntries.actorEmail) : eq(auditEntries.actorUserId, input.actor));
  if (input.from) conditions.push(gte(auditEntries.createdAt, input.from));
  if (input.to) conditions.push(lt(auditEntries.createdAt, input.to));
  if (cursor) conditions.push(afterKeysetCursor(auditEntries.createdAt, auditEntries.id, cursor));

  const rows = await db
    .select({
      id: auditEntries.id,
      createdAt: auditEntries.createdAt,
      actorUserId: auditEntries.actorUserId,
      actorEmail: auditEntries.actorEmail,
      actorIp: auditEntries.actorIp,
      objectType: auditEntries.objectType,
      objectId: auditEntries.objectId,
      objectLabel: auditEntries.objectLabel,
      verb: auditEntries.verb,
      changes: auditEntries.changes,
      private: auditEntries.privateToUserId,
      eventId: auditEntries.eventId,
      cursorAt: cursorTimestamp(auditEntries.createdAt),
    })
    .from(auditEntries)
    .where(and(...conditions))
    .orderBy(desc(auditEntries.createdAt), desc(auditEntries.id))
    .limit(input.limit + 1);

  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ cursorAt: _cursorAt, private: privateTo, ...item }) => ({ ...item, private: privateTo !== null })),
    nextCursor: rows.length > input.limit && last ? encodeKeysetCursor({ at: last.cursorAt, id: last.id }) : null,
  };
}

export type AuditEntryView = Awaited<ReturnType<typeof listAuditEntries>>["items"][number];
