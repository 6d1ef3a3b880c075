// `npm run bench:pipeline`: 10,000 rules over 100 workspaces; events posted through the ingest
// handler at 200/s for 60 s (open loop, spread over the workspaces' sources), each matching 10
// rules; the fan-out runs in the inline runner of this process, as in embedded mode. Measured:
// the latency from each event's received time to its inbox rows (p50/p99; targets 50 ms and
// 500 ms), with the ingest answer's own latency as the baseline in the same run; then the
// fan-out's batched insert against single-row inserts of the same rows (target: 10× faster).
// PostgreSQL by default (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test: a fresh
// database tocsin_bench_pipeline_<pid>, dropped at the end); `--pglite` for embedded PGlite.
//
// Options: --json  --rate=200 (events/s)  --duration=60 (s)  --workspaces=100  --rules=10000
import { performance } from "node:perf_hooks";
import { eq, inArray, sql } from "drizzle-orm";
import postgres from "postgres";
import { createPgliteHandle, createPostgresHandle, type DbHandle } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { queryRows } from "@/server/db/query-rows";
import { communities, memberships, notifications, rules, ruleTriggers, users } from "@/server/db/schema";
import { handleIngestRequest } from "@/server/ingest/handle-ingest-request";
import { insertNotificationsAndSignal, NOTIFICATION_INSERT_BATCH } from "@/server/inbox/insert-notifications";
import { fanOutIngestedEvents } from "@/server/jobs/functions/fan-out-events";
import { getInlineRunner, startInlineRunner, stopInlineRunner } from "@/server/jobs/inline-runner";
import { setJobDbForTests } from "@/server/jobs/job-db";
import type { RuleConditions } from "@/server/rules/rule-definition";
import { typePatternPrefix } from "@/server/rules/type-pattern";
import { createSource } from "@/server/sources/sources";
import { createWorkspace } from "@/server/workspaces/create-workspace";
import { flag, numberOption } from "./cli-options";

const config = {
  rate: numberOption("rate", 200, 10_000),
  durationS: numberOption("duration", 60, 600),
  workspaces: Math.floor(numberOption("workspaces", 100, 10_000)),
  rules: Math.floor(numberOption("rules", 10_000, 1_000_000)),
};
const MATCHES_PER_EVENT = 10;
const asJson = flag("json");
const database: "postgres" | "pglite" = flag("pglite") ? "pglite" : "postgres";
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const log = (line: string) => console.error(`bench: ${line}`);

type Stats = { count: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number };
function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { count: sorted.length, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: sorted.at(-1) ?? NaN };
}

type BenchWorkspace = { workspaceId: string; sourceId: string; token: string; types: string[] };

/**
 * Per workspace: 10 members, one source, and rules/workspaces rules spread over event types so
 * that each type is matched by exactly 10 rules (exact triggers and wildcards, with conditions
 * that hold for the events posted), each rule a different member's.
 */
async function seed(handle: DbHandle): Promise<BenchWorkspace[]> {
  const db = handle.db;
  await migrateDatabase(handle);
  const rulesPerWorkspace = Math.max(MATCHES_PER_EVENT, Math.floor(config.rules / config.workspaces));
  const typesPerWorkspace = Math.max(1, Math.floor(rulesPerWorkspace / MATCHES_PER_EVENT));
  const seeded: BenchWorkspace[] = [];
  for (let w = 0; w < config.workspaces; w++) {
    const [owner] = await db.insert(users).values({ email: `owner-${w}@pipeline.bench` }).returning();
    const workspace = await createWorkspace(db, owner!.id, { name: `Pipeline ${w}`, slug: `pipeline-${w}`, mode: "single" });
    const [community] = await db.select().from(communities).where(eq(communities.workspaceId, workspace.id));
    const { source, token } = await createSource(
      db,
      { workspaceId: workspace.id, userId: owner!.id },
      { communityId: community!.id, name: "Bench", format: "generic", silenceAfterSeconds: null, rateLimitPerSecond: 100_000 },
    );
    const members = await db
      .insert(users)
      .values(Array.from({ length: MATCHES_PER_EVENT }, (_, m) => ({ email: `member-${w}-${m}@pipeline.bench` })))
      .returning({ id: users.id });
    await db.insert(memberships).values(members.map((m) => ({ workspaceId: workspace.id, userId: m.id, role: "analyst" as const })));

    const types = Array.from({ length: typesPerWorkspace }, (_, t) => `vendor${t % 7}.alert_${t}.raised`);
    const rows = types.flatMap((type, t) =>
      members.map((member, m) => {
        // Ten ways to listen to the same type; every one holds for the events posted.
        const triggers = [type, `vendor${t % 7}.alert_${t}.*`, `vendor${t % 7}.alert_${t}.rai*`][m % 3]!;
        const conditions: RuleConditions = {
          minSeverity: m % 2 === 0 ? "medium" : null,
          sourceIds: m === 4 ? [source.id] : [],
          products: [],
          fields: m % 3 === 1 ? [{ field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true }] : [],
          cel: m === 9 ? 'event.title.contains("pipeline")' : null,
        };
        return {
          workspaceId: workspace.id,
          communityId: community!.id,
          kind: "personal" as const,
          ownerUserId: member.id,
          createdById: member.id,
          name: `Rule ${t}-${m}`,
          scope: "workspace" as const,
          triggers: [triggers],
          conditions,
        };
      }),
    );
    for (let i = 0; i < rows.length; i += 1000) {
      const inserted = await db.insert(rules).values(rows.slice(i, i + 1000)).returning({ id: rules.id, triggers: rules.triggers });
      await db
        .insert(ruleTriggers)
        .values(inserted.map((r) => ({ workspaceId: workspace.id, ruleId: r.id, pattern: r.triggers[0]!, literalPrefix: typePatternPrefix(r.triggers[0]!) })));
    }
    seeded.push({ workspaceId: workspace.id, sourceId: source.id, token, types });
    if ((w + 1) % 20 === 0) log(`seeded ${w + 1}/${config.workspaces} workspaces`);
  }
  await db.execute(sql`analyze`);
  return seeded;
}

async function post(handle: DbHandle, target: BenchWorkspace, n: number): Promise<{ ms: number; id: string | null }> {
  const body = JSON.stringify({
    type: target.types[n % target.types.length],
    severity: "high",
    title: `pipeline event ${n}`,
    externalId: `p-${n}`,
    clientIp: "203.0.113.7",
    actor: "alice@example.test",
  });
  const started = performance.now();
  const request = new Request(`http://localhost/api/ingest/${target.sourceId}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${target.token}` },
    body,
  });
  const response = await handleIngestRequest(handle.db, request, { sourceId: target.sourceId });
  const ms = performance.now() - started;
  if (response.status !== 202) return { ms, id: null };
  const { ids } = (await response.json()) as { ids: string[] };
  return { ms, id: ids[0] ?? null };
}

/** The fan-out's batched insert against one INSERT per row, for the same rows, on one workspace's events. */
async function insertRates(handle: DbHandle, target: BenchWorkspace) {
  const db = handle.db;
  const members = await db.select({ userId: memberships.userId }).from(memberships).where(eq(memberships.workspaceId, target.workspaceId));
  const [rule] = await db.select({ id: rules.id }).from(rules).where(eq(rules.workspaceId, target.workspaceId)).limit(1);
  const eventIds = (
    await queryRows<{ id: string }>(
      db,
      sql`insert into events (id, workspace_id, type, severity, title, occurred_at, origin)
          select gen_random_uuid(), ${target.workspaceId}, 'bench.insert', 'info', 'insert ' || g, now(), 'system'
          from generate_series(1, 2000) g returning id`,
    )
  ).map((r) => r.id);
  const rowsFor = (ids: string[]) =>
    ids.flatMap((eventId) => members.map((m) => ({ workspaceId: target.workspaceId, userId: m.userId, eventId, ruleId: rule!.id, communityId: null, severity: "info" as const })));
  const batchedRows = rowsFor(eventIds.slice(0, 1000));
  const singleRows = rowsFor(eventIds.slice(1000, 1200));

  let started = performance.now();
  for (let i = 0; i < batchedRows.length; i += NOTIFICATION_INSERT_BATCH) {
    await insertNotificationsAndSignal(db, target.workspaceId, batchedRows.slice(i, i + NOTIFICATION_INSERT_BATCH));
  }
  const batchedPerSecond = batchedRows.length / ((performance.now() - started) / 1000);

  started = performance.now();
  for (const row of singleRows) {
    await db.insert(notifications).values(row).onConflictDoNothing({ target: [notifications.userId, notifications.eventId, notifications.ruleId] });
  }
  const singlePerSecond = singleRows.length / ((performance.now() - started) / 1000);
  await db.delete(notifications).where(inArray(notifications.eventId, eventIds));
  return { batchedRows: batchedRows.length, batchedPerSecond, singleRows: singleRows.length, singlePerSecond, ratio: batchedPerSecond / singlePerSecond };
}

async function main() {
  let handle: DbHandle;
  let dropDatabase = async () => {};
  if (database === "pglite") {
    handle = createPgliteHandle();
  } else {
    const name = `tocsin_bench_pipeline_${process.pid}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    handle = createPostgresHandle(url.toString(), { max: 10 });
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    };
  }
  try {
    log(`seeding ${config.rules} rules over ${config.workspaces} workspaces`);
    const seedStarted = performance.now();
    const targets = await seed(handle);
    log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; posting ${config.rate} events/s for ${config.durationS} s`);

    setJobDbForTests(handle.db);
    if (!flag("no-fan-out")) startInlineRunner({ functions: [fanOutIngestedEvents] });
    const runner = getInlineRunner();

    const total = Math.round(config.rate * config.durationS);
    const intervalMs = 1000 / config.rate;
    const ingestMs: number[] = [];
    const ids: string[] = [];
    let failed = 0;
    const inFlight = new Set<Promise<void>>();
    const eluStart = performance.eventLoopUtilization();
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    for (let n = 0; n < total; n++) {
      const due = started + n * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const sending = post(handle, targets[n % targets.length]!, n).then(
        (result) => {
          ingestMs.push(result.ms);
          if (result.id) ids.push(result.id);
          else failed++;
        },
        () => void failed++,
      );
      const tracked = sending.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
    const sentSeconds = (performance.now() - started) / 1000;
    log(`posted ${ids.length} events in ${sentSeconds.toFixed(1)} s (${failed} failed); waiting for the fan-out`);
    await runner?.quiet();
    await stopInlineRunner();
    const busySeconds = (performance.now() - started) / 1000;
    const eventLoop = performance.eventLoopUtilization(eluStart).utilization;
    const cpu = process.cpuUsage(cpuStart);
    log(`until the fan-out was done: ${busySeconds.toFixed(1)} s, event loop ${(eventLoop * 100).toFixed(0)} % busy, process CPU ${((cpu.user + cpu.system) / 1e6 / busySeconds * 100).toFixed(0)} %`);

    const latencies = await queryRows<{ ms: number; rows: number }>(
      handle.db,
      sql`select extract(epoch from (max(n.created_at) - e.received_at)) * 1000 as ms, count(n.id)::int as rows
          from events e left join notifications n on n.event_id = e.id
          where e.id in (select unnest(${`{${ids.join(",")}}`}::uuid[]))
          group by e.id, e.received_at`,
    );
    const complete = latencies.filter((l) => l.rows === MATCHES_PER_EVENT);
    if (complete.length < latencies.length) {
      const histogram: Record<number, number> = {};
      for (const l of latencies) histogram[l.rows] = (histogram[l.rows] ?? 0) + 1;
      log(`inbox rows per event (rows: events): ${JSON.stringify(histogram)}`);
    }
    const pipeline = stats(complete.map((l) => Number(l.ms)));
    const ingest = stats(ingestMs);
    const inserts = await insertRates(handle, targets[0]!);

    const report = {
      database,
      config: { ...config, matchesPerEvent: MATCHES_PER_EVENT },
      posted: ids.length,
      failed,
      achievedRate: ids.length / sentSeconds,
      eventsWithAllInboxRows: complete.length,
      baseline: { label: "ingest answer (commit of the event)", ...ingest },
      pipeline: { label: "received → inbox rows", ...pipeline },
      inserts,
      targets: {
        p50: { text: "received → inbox row p50 <= 50 ms", value: pipeline.p50Ms, pass: pipeline.p50Ms <= 50 },
        p99: { text: "received → inbox row p99 <= 500 ms", value: pipeline.p99Ms, pass: pipeline.p99Ms <= 500 },
        inserts: { text: "batched inserts >= 10x single-row inserts", value: inserts.ratio, pass: inserts.ratio >= 10 },
        complete: { text: "every event got its 10 inbox rows", value: complete.length, pass: complete.length === ids.length && failed === 0 },
      },
    };
    if (asJson) {
      console.log(JSON.stringify(report, null, 2));
      return;
    }
    const f = (n: number, d = 1) => n.toFixed(d).padStart(10);
    const row = (label: string, s: Stats) => `${label.padEnd(40)}${f(s.p50Ms)}${f(s.p90Ms)}${f(s.p99Ms)}${f(s.maxMs)}${String(s.count).padStart(10)}`;
    console.log(
      `\n== ${database === "postgres" ? "PostgreSQL" : "PGlite (embedded)"}: ${config.rules.toLocaleString("en")} rules over ${config.workspaces} workspaces, ${config.rate} events/s for ${config.durationS} s (achieved ${report.achievedRate.toFixed(0)}/s), ${MATCHES_PER_EVENT} matches each ==`,
    );
    console.log(`${"".padEnd(40)}${"p50 ms".padStart(10)}${"p90 ms".padStart(10)}${"p99 ms".padStart(10)}${"max ms".padStart(10)}${"events".padStart(10)}`);
    console.log(row("baseline: ingest answer (event committed)", ingest));
    console.log(row("received -> inbox rows (fan-out)", pipeline));
    console.log(
      `inserts: batched ${inserts.batchedPerSecond.toFixed(0)} rows/s (${inserts.batchedRows} rows), single-row ${inserts.singlePerSecond.toFixed(0)} rows/s (${inserts.singleRows} rows): ${inserts.ratio.toFixed(1)}x`,
    );
    for (const target of Object.values(report.targets)) console.log(`target: ${target.text}: ${typeof target.value === "number" ? target.value.toFixed(1) : target.value} -> ${target.pass ? "PASS" : "FAIL"}`);
  } finally {
    setJobDbForTests(undefined);
    await handle.close();
    await dropDatabase();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
