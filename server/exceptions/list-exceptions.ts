import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { exceptionNotices, workspaces } from "@/server/db/schema";

/** The most recently seen exceptions, for the instance administrators' page. */
export async function listRecentExceptions(db: DbOrTx, limit = 50) {
  return db
    .select({
      fingerprint: exceptionNotices.fingerprint,
      exceptionClass: exceptionNotices.exceptionClass,
      message: exceptionNotices.message,
      traceback: exceptionNotices.traceback,
      origin: exceptionNotices.origin,
      workspaceName: workspaces.name,
      occurrences: exceptionNotices.occurrences,
      firstSeenAt: exceptionNotices.firstSeenAt,
      lastSeenAt: exceptionNotices.lastSeenAt,
      lastNotifiedAt: exceptionNotices.lastNotifiedAt,
      suppressedSinceNotice: exceptionNotices.suppressedSinceNotice,
    })
    .from(exceptionNotices)
    .leftJoin(workspaces, eq(workspaces.id, exceptionNotices.workspaceId))
    .orderBy(desc(exceptionNotices.lastSeenAt), desc(exceptionNotices.fingerprint))
    .limit(limit);
}
