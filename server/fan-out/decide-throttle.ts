import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { executeRows } from "@/server/db/execute-rows";
import { toArrayLiteral } from "@/server/db/sql-arrays";

/*
 * A rule's throttle: the same fingerprint notifies at most once per window. The first match of a
 * (rule, fingerprint) notifies and opens a window of `throttle_seconds` from its received time;
 * matches inside it are suppressed and counted on the row of the one that opened it; the next
 * match after it notifies again, carrying that count ("+7 similar suppressed").
 *
 * Every decision is stored per (rule, event) in rule_throttle_hits, so the fan-out running again
 * for the same events (a retry, a resend) finds them and decides the same way, counting nothing
 * twice. Decisions for one (rule, fingerprint) are taken under a transaction-scoped advisory lock,
 * so that two fan-outs racing on it (several instances) never both open a window.
 */

export type ThrottledMatch = { ruleId: string; eventId: string; fingerprint: string; receivedAt: Date; windowSeconds: number };
export type ThrottleDecision = { notified: boolean; suppressedBefore: number };

const key = (ruleId: string, eventId: string) => `${ruleId}:${eventId}`;

type HitRow = { rule_id: string; event_id: string; notified: boolean; suppressed_before: number };

async function loadDecisions(db: DbOrTx, workspaceId: string, matches: readonly ThrottledMatch[], into: Map<string, ThrottleDecision>) {
  const rows = await executeRows<HitRow>(
    db,
    sql`select h.rule_id, h.event_id, h.notified, h.suppressed_before
        from rule_throttle_hits h
        join unnest(${toArrayLiteral(matches.map((m) => m.ruleId))}::uuid[], ${toArrayLiteral(matches.map((m) => m.eventId))}::uuid[]) as m(rule_id, event_id)
          on h.rule_id = m.rule_id and h.event_id = m.event_id
        where h.workspace_id = ${workspaceId}`,
  );
  for (const row of rows) into.set(key(row.rule_id, row.event_id), { notified: row.notified, suppressedBefore: Number(row.suppressed_before) });
}

/**
 * Decides, for each (rule, event) match of a throttled rule, whether it notifies, and with how
 * many suppressed before it. Keyed by `${ruleId}:${eventId}`.
 */
export async function decideThrottle(db: Db, workspaceId: string, matches: readonly ThrottledMatch[]): Promise<Map<string, ThrottleDecision>> {
  const decisions = new Map<string, ThrottleDecision>();
  if (matches.length === 0) return decisions;
  await loadDecisions(db, workspaceId, matches, decisions);
  const undecided = matches.filter((m) => !decisions.has(key(m.ruleId, m.eventId)));
  if (undecided.length === 0) return decisions;

  const groups = new Map<string, ThrottledMatch[]>();
  for (const match of undecided) {
    // Rule ids are all 36 characters: the key is unambiguous whatever the fingerprint holds.
    const group = `${match.ruleId}:${match.fingerprint}`;
    groups.set(group, [...(groups.get(group) ?? []), match]);
  }
  // Locks in one order everywhere, so that two fan-outs never wait on each other in a cycle.
  for (const group of [...groups.keys()].sort()) {
    const members = groups.get(group)!.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || a.eventId.localeCompare(b.eventId));
    await db.transaction(async (tx) => decideGroup(tx, workspaceId, group, members, decisions));
  }
  return decisions;
}

type OpenWindow = { eventId: string; receivedAt: Date; suppressedAfter: number; added: number };

async function decideGroup(tx: DbOrTx, workspaceId: string, group: string, members: ThrottledMatch[], decisions: Map<string, ThrottleDecision>) {
  await executeRows(tx, sql`select pg_advisory_xact_lock(hashtextextended(${`tocsin.throttle:${group}`}, 0))`);
  // Another fan-out may have decided some of these while this one waited for the lock.
  await loadDecisions(tx, workspaceId, members, decisions);
  const pending = members.filter((m) => !decisions.has(key(m.ruleId, m.eventId)));
  if (pending.length === 0) return;
  const { ruleId, fingerprint, windowSeconds } = pending[0]!;
  const windowMs = windowSeconds * 1000;

  const [latest] = await executeRows<{ event_id: string; received_at: string | Date; suppressed_after: number }>(
    tx,
    sql`select event_id, received_at, suppressed_after from rule_throttle_hits
        where workspace_id = ${workspaceId} and rule_id = ${ruleId} and fingerprint = ${fingerprint} and notified
        order by received_at desc limit 1`,
  );
  let open: OpenWindow | null = latest
    ? { eventId: latest.event_id, receivedAt: new Date(latest.received_at), suppressedAfter: Number(latest.suppressed_after), added: 0 }
    : null;
  const touched: OpenWindow[] = [];
  const inserts: { eventId: string; receivedAt: Date; notified: boolean; suppressedBefore: number }[] = [];
  for (const match of pending) {
    // Within the window either side of its opener: a late arrival older than the opener counts too.
    if (open && Math.abs(match.receivedAt.getTime() - open.receivedAt.getTime()) < windowMs) {
      open.added++;
      inserts.push({ eventId: match.eventId, receivedAt: match.receivedAt, notified: false, suppressedBefore: 0 });
      decisions.set(key(match.ruleId, match.eventId), { notified: false, suppressedBefore: 0 });
      continue;
    }
    const suppressedBefore = open ? open.suppressedAfter + open.added : 0;
    if (open) touched.push(open);
    open = { eventId: match.eventId, receivedAt: match.receivedAt, suppressedAfter: 0, added: 0 };
    inserts.push({ eventId: match.eventId, receivedAt: match.receivedAt, notified: true, suppressedBefore });
    decisions.set(key(match.ruleId, match.eventId), { notified: true, suppressedBefore });
  }
  if (open) touched.push(open);

  await executeRows(
    tx,
    sql`insert into rule_throttle_hits (rule_id, event_id, workspace_id, fingerprint, received_at, notified, suppressed_before, suppressed_after)
        select ${ruleId}::uuid, i.event_id, ${workspaceId}::uuid, ${fingerprint}, i.received_at, i.notified, i.suppressed_before,
               coalesce(a.added, 0)
        from unnest(${toArrayLiteral(inserts.map((i) => i.eventId))}::uuid[], ${toArrayLiteral(inserts.map((i) => i.receivedAt.toISOString()))}::timestamptz[],
                    ${toArrayLiteral(inserts.map((i) => String(i.notified)))}::boolean[], ${toArrayLiteral(inserts.map((i) => i.suppressedBefore))}::int[])
             as i(event_id, received_at, notified, suppressed_before)
        left join unnest(${toArrayLiteral(touched.map((w) => w.eventId))}::uuid[], ${toArrayLiteral(touched.map((w) => w.added))}::int[]) as a(event_id, added)
          on a.event_id = i.event_id
        on conflict (rule_id, event_id) do nothing`,
  );
  // Windows opened earlier (by rows already stored) count what this run suppressed in them.
  const earlier = touched.filter((w) => w.added > 0 && !inserts.some((i) => i.eventId === w.eventId));
  for (const window of earlier) {
    await executeRows(
      tx,
      sql`update rule_throttle_hits set suppressed_after = suppressed_after + ${window.added}
          where workspace_id = ${workspaceId} and rule_id = ${ruleId} and event_id = ${window.eventId}`,
    );
  }
}
