// `npm run bench:inbox`: 1,000,000 inbox entries over 10,000 users in one workspace; the bell's
// query (unread count + latest ten) and the inbox's first page (50 entries with their events)
// for random users, against the baseline of a primary-key lookup of one entry, in the same run
// and on the same data. PostgreSQL by default (DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test: a fresh database tocsin_bench_inbox_<pid>, dropped
// at the end); `--pglite` for embedded PGlite (in memory).
//
// Options: --json  --users=10000  --per-user=100  --samples=2000
// Target: unread count + first page p99 <= 2x the primary-key lookup's p99.
import { performance } from "node:perf_hooks";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { createPgliteHandle, createPostgresHandle, type DbHandle } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { queryRows } from "@/server/db/query-rows";
import { notifications } from "@/server/db/schema";
import { countUnread, listLatestNotifications, listNotifications } from "@/server/inbox/notifications";
import { flag, numberOption } from "./cli-options";

const config = {
  users: numberOption("users", 10_000, 1_000_000),
  perUser: numberOption("per-user", 100, 10_000),
  samples: numberOption("samples", 2_000, 1_000_000),
};
const asJson = flag("json");
const database: "postgres" | "pglite" = flag("pglite") ? "pglite" : "postgres";
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const log = (line: string) => console.error(`bench: ${line}`);

type Stats = { samples: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number };

function stats(durations: number[]): Stats {
  const sorted = [...durations].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { samples: sorted.length, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: sorted.at(-1)! };
}

async function measure(samples: number, run: (i: number) => Promise<unknown>): Promise<Stats> {
  for (let i = 0; i < Math.min(200, samples); i++) await run(i); // warm-up
  const durations: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await run(i);
    durations.push(performance.now() - started);
  }
  return stats(durations);
}

/** Users, one workspace, `perUser` events, and `users × perUser` entries (a third of them read), all by SQL. */
async function seed(handle: DbHandle) {
  const db = handle.db;
  await migrateDatabase(handle);
  log(`seeding ${config.users} users × ${config.perUser} entries`);
  const [workspace] = await queryRows<{ id: string }>(db, sql`insert into workspaces (id, slug, name) values (gen_random_uuid(), 'bench-inbox', 'Bench inbox') returning id`);
  const workspaceId = workspace!.id;
  await db.execute(sql`insert into communities (id, workspace_id, name) values (gen_random_uuid(), ${workspaceId}, 'Default')`);
  await db.execute(sql`
    insert into users (id, email)
    select gen_random_uuid(), 'user' || g || '@bench.test' from generate_series(1, ${config.users}) g`);
  await db.execute(sql`
    insert into memberships (id, workspace_id, user_id, role)
    select gen_random_uuid(), ${workspaceId}, id, 'viewer' from users`);
  await db.execute(sql`
    insert into events (id, workspace_id, community_id, type, severity, title, occurred_at, received_at, origin)
    select gen_random_uuid(), ${workspaceId}, (select id from communities limit 1), 'alert.created',
           (array['info','low','medium','high','critical'])[1 + g % 5], 'Event ' || g,
           now() - make_interval(mins => g), now() - make_interval(mins => g), 'ingest'
    from generate_series(1, ${config.perUser}) g`);
  // Entries in chunks of users, so that PGlite's memory stays bounded.
  const chunk = 1_000;
  for (let first = 0; first < config.users; first += chunk) {
    await db.execute(sql`
      with u as (select id from users order by email offset ${first} limit ${chunk}),
           e as (select id, severity, received_at, row_number() over (order by received_at) as n from events where workspace_id = ${workspaceId})
      insert into notifications (id, workspace_id, user_id, event_id, community_id, severity, created_at, read_at)
      select gen_random_uuid(), ${workspaceId}, u.id, e.id, null, e.severity, e.received_at,
             case when e.n % 3 = 0 then e.received_at end
      from u cross join e`);
  }
  await db.execute(sql`analyze`);
  const userIds = (await queryRows<{ id: string }>(db, sql`select id from users order by random() limit ${Math.min(config.users, 5_000)}`)).map((r) => r.id);
  const entryIds = (await queryRows<{ id: string }>(db, sql`select id from notifications tablesample system (1) limit 5000`)).map((r) => r.id);
  const [{ total }] = (await queryRows<{ total: number }>(db, sql`select count(*)::int as total from notifications`)) as [{ total: number }];
  return { workspaceId, userIds, entryIds, total };
}

async function main() {
  let handle: DbHandle;
  let dropDatabase = async () => {};
  if (database === "pglite") {
    handle = createPgliteHandle();
  } else {
    const name = `tocsin_bench_inbox_${process.pid}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    handle = createPostgresHandle(url.toString(), { max: 4 });
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    };
  }
  try {
    const seedStarted = performance.now();
    const { workspaceId, userIds, entryIds, total } = await seed(handle);
    log(`seeded ${total} entries in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; measuring ${config.samples} samples each`);
    const db = handle.db;
    const owner = (i: number) => ({ workspaceId, userId: userIds[i % userIds.length]! });

    // Prepared like the inbox's own hot statements, so both sides skip parsing and planning.
    const byId = db.select().from(notifications).where(eq(notifications.id, sql.placeholder("id"))).prepare("bench_notification_by_id");
    const baseline = await measure(config.samples, (i) => byId.execute({ id: entryIds[i % entryIds.length]! }));
    const pageOnly = await measure(config.samples, (i) => listNotifications(db, owner(i)));
    const unread = await measure(config.samples, (i) => countUnread(db, owner(i)));
    const bell = await measure(config.samples, (i) => listLatestNotifications(db, owner(i)));
    const firstPage = await measure(config.samples, (i) => Promise.all([countUnread(db, owner(i)), listNotifications(db, owner(i))]));

    const ratio = firstPage.p99Ms / baseline.p99Ms;
    const report = {
      database,
      config: { ...config, entries: total },
      baseline: { label: "primary-key lookup of one entry", ...baseline },
      unreadCount: unread,
      firstPageAlone: pageOnly,
      bell: { label: "unread count + latest 10", ...bell },
      firstPage: { label: "unread count + first page (50, with events)", ...firstPage },
      target: { text: "unread count + first page p99 <= 2x primary-key lookup p99", value: ratio, pass: ratio <= 2 },
      medianRatio: firstPage.p50Ms / baseline.p50Ms,
    };
    if (asJson) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      const f = (n: number) => n.toFixed(3).padStart(10);
      const row = (label: string, s: Stats) => `${label.padEnd(48)}${f(s.p50Ms)}${f(s.p90Ms)}${f(s.p99Ms)}${f(s.maxMs)}`;
      console.log(`\n== ${database === "postgres" ? "PostgreSQL" : "PGlite (embedded)"}: ${total.toLocaleString("en")} entries over ${config.users.toLocaleString("en")} users, ${config.samples} sequential samples ==`);
      console.log(`${"".padEnd(48)}${"p50 ms".padStart(10)}${"p90 ms".padStart(10)}${"p99 ms".padStart(10)}${"max ms".padStart(10)}`);
      console.log(row("baseline: primary-key lookup", baseline));
      console.log(row("unread count", unread));
      console.log(row("first page of 50 alone", pageOnly));
      console.log(row("bell: unread count + latest 10", bell));
      console.log(row("inbox: unread count + first page of 50", firstPage));
      console.log(`target: ${report.target.text}: ${ratio.toFixed(2)}x -> ${report.target.pass ? "PASS" : "FAIL"}`);
      console.log(`(for the record, at the median: ${(firstPage.p50Ms / baseline.p50Ms).toFixed(2)}x; p99 on a shared machine is mostly scheduling noise)`);
    }
  } finally {
    await handle.close();
    await dropDatabase();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
