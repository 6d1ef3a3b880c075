import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { DEFAULT_EXCEPTION_WINDOW_SECONDS } from "@/server/instance/instance-schemas";
import type { ExceptionDescription } from "./describe-exception";

/** One occurrence counted, and whether it is the one that sends the notice. */
export type RecordedException = {
  occurrences: number;
  firstSeenAt: Date;
  /** First occurrence of this fingerprint in the rate-limit window: send the notice. */
  notify: boolean;
  /** Occurrences left unsent since the previous notice (shown as "+N more" in this one). */
  suppressedBefore: number;
  /** Where notices go, read in the same statement. */
  targets: { emails: string[]; teamsUrlSealed: string | null; secretsKeyId: string | null };
};

type Row = {
  occurrences: number;
  first_seen_at: string | Date;
  notify: boolean;
  suppressed_before: number;
  exception_emails: string[] | null;
  exception_teams_url_sealed: string | null;
  secrets_key_id: string | null;
};

/**
 * Counts one occurrence and decides, in ONE statement, whether it sends a notice: the first
 * occurrence of a fingerprint in each rate-limit window does, the others are counted as suppressed.
 * Concurrent reports of one fingerprint queue on its row (`for update`, then the upsert), so each
 * sees the one before it: however many race, one notice per window. A notice is recognisable by
 * its reset suppressed count (a suppressed occurrence always leaves it ≥ 1); the count it had
 * before comes from the locked row read first in the same statement.
 */
export async function recordException(
  db: DbOrTx,
  exception: ExceptionDescription,
  where: { origin: string; workspaceId: string | null },
  now: Date,
): Promise<RecordedException> {
  const at = now.toISOString();
  const [row] = await executeRows<Row>(
    db,
    sql`with previous as (
          select suppressed_since_notice from exception_notices where fingerprint = ${exception.fingerprint} for update
        ),
        upserted as (
          insert into exception_notices as n
            (fingerprint, exception_class, message, traceback, origin, workspace_id, first_seen_at, last_seen_at, occurrences, last_notified_at, suppressed_since_notice)
          select ${exception.fingerprint}, ${exception.exceptionClass}, ${exception.message}, ${exception.traceback}, ${where.origin},
                 (select w.id from workspaces w where w.id = ${where.workspaceId}::uuid), ${at}::timestamptz, ${at}::timestamptz, 1, ${at}::timestamptz, 0
          -- Takes the row lock above before inserting or updating.
          where (select count(*) from previous) >= 0
          on conflict (fingerprint) do update set
            exception_class = excluded.exception_class,
            message = excluded.message,
            traceback = excluded.traceback,
            origin = excluded.origin,
            workspace_id = excluded.workspace_id,
            last_seen_at = greatest(n.last_seen_at, excluded.last_seen_at),
            occurrences = n.occurrences + 1,
            last_notified_at = case when n.last_notified_at is null or n.last_notified_at <= excluded.last_seen_at - make_interval(secs => coalesce(
                (select s.exception_rate_limit_seconds from instance_settings s where s.id = 1), ${DEFAULT_EXCEPTION_WINDOW_SECONDS}))
              then excluded.last_seen_at else n.last_notified_at end,
            suppressed_since_notice = case when n.last_notified_at is null or n.last_notified_at <= excluded.last_seen_at - make_interval(secs => coalesce(
                (select s.exception_rate_limit_seconds from instance_settings s where s.id = 1), ${DEFAULT_EXCEPTION_WINDOW_SECONDS}))
              then 0 else n.suppressed_since_notice + 1 end
          returning n.occurrences, n.first_seen_at, n.suppressed_since_notice
        )
        select u.occurrences, u.first_seen_at, u.suppressed_since_notice = 0 as notify,
               coalesce((select p.suppressed_since_notice from previous p), 0) as suppressed_before,
               s.exception_emails, s.exception_teams_url_sealed, s.secrets_key_id
        from upserted u left join instance_settings s on s.id = 1`,
  );
  if (!row) throw new Error("Recording the exception returned no row");
  return {
    occurrences: Number(row.occurrences),
    firstSeenAt: new Date(row.first_seen_at),
    notify: row.notify,
    suppressedBefore: row.notify ? Number(row.suppressed_before) : 0,
    targets: { emails: row.exception_emails ?? [], teamsUrlSealed: row.exception_teams_url_sealed, secretsKeyId: row.secrets_key_id },
  };
}
