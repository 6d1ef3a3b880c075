// `npm run bench:rules`: per event, candidate selection + evaluation, as the fan-out does it, in
// one workspace holding 1,000, 10,000 and 100,000 rules (--sizes=…): with the fan-out's cache
// (one read of the workspace's rule version, then candidates from memory), and without it (the
// prefix-index query every time). Baseline, same run, same rules and events: the naive way —
// read every enabled rule of the workspace and test each.
// PostgreSQL by default (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test: a fresh
// database tocsin_bench_rules_<pid>, dropped at the end); `--pglite` for embedded PGlite.
//
// Rules are spread like real ones: ~10 listen to each event type (exact triggers), a few more
// to the whole tool (`tool7.*`) or a family of its types (`tool7.event_1*`), with conditions
// (minimum severity, field matchers, CIDR blocks, CEL) so that an event matches about ten.
// Options: --json  --sizes=1000,10000,100000  --samples=2000  --baseline-samples=200
// Target: selection + evaluation p99 < 1 ms at 10,000 rules.
import { performance } from "node:perf_hooks";
import { and, eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { createPgliteHandle, createPostgresHandle, type DbHandle } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { queryRows } from "@/server/db/query-rows";
import { rules, ruleTriggers } from "@/server/db/schema";
import type { MatchableEvent, RuleConditions } from "@/server/rules/rule-definition";
import { storedRuleMatches } from "@/server/rules/rule-evaluation";
import { CandidateRuleCache, ruleCoversCommunity, selectCandidateRules, type CandidateRule } from "@/server/rules/select-candidate-rules";
import { typePatternPrefix } from "@/server/rules/type-pattern";
import { flag, stringOption } from "./cli-options";

const sizes = (stringOption("sizes") ?? "1000,10000,100000").split(",").map(Number);
if (sizes.some((n) => !Number.isInteger(n) || n < 100 || n > 1_000_000)) throw new Error("--sizes: whole numbers between 100 and 1000000");
const samples = Number(stringOption("samples") ?? 2000);
const baselineSamples = Number(stringOption("baseline-samples") ?? 200);
const asJson = flag("json");
const database: "postgres" | "pglite" = flag("pglite") ? "pglite" : "postgres";
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/test";
const log = (line: string) => console.error(`bench: ${line}`);

type Result = { rules: number; cached: Stats; inJob: Stats; indexed: Stats; scan: Stats };
type Stats = { p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number; candidates: number; matches: number };

// A deterministic pseudo-random sequence, so every run benchmarks the same rules and events.
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

const TYPES_PER_TOOL = 20;
const severities = ["info", "low", "medium", "high", "critical"] as const;
const typeOf = (tool: number, event: number) => `tool${tool}.event_${String(event).padStart(2, "0")}`;

function makeConditions(): RuleConditions {
  const roll = random();
  const base: RuleConditions = { minSeverity: random() < 0.5 ? null : pick(severities.slice(1, 4)), sourceIds: [], products: [], fields: [], cel: null };
  if (roll < 0.3) base.fields.push({ field: "title", operator: "contains", value: pick(["vpn", "login", "scan", "backup"]), negate: false });
  else if (roll < 0.45) base.fields.push({ field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8", "192.168.0.0/16"], negate: true });
  else if (roll < 0.55) base.fields.push({ field: "actor", operator: "oneOf", values: ["alice@example.test", "bob@example.test", "carol@example.test"], negate: false });
  else if (roll < 0.6) base.cel = `event.severityRank >= 2 && event.title.contains("${pick(["vpn", "login"])}")`;
  return base;
}

function makeTriggers(tools: number): string[] {
  const tool = Math.floor(random() * tools);
  const roll = random();
  if (roll < 0.85) return [typeOf(tool, Math.floor(random() * TYPES_PER_TOOL))];
  if (roll < 0.93) return [`tool${tool}.event_${Math.floor(random() * 2)}*`];
  return [`tool${tool}.*`];
}

async function seedRules(handle: DbHandle, count: number) {
  const db = handle.db;
  const [workspace] = await queryRows<{ id: string }>(db, sql`insert into workspaces (id, slug, name) values (gen_random_uuid(), ${`bench-rules-${count}`}, 'Bench rules') returning id`);
  const [community] = await queryRows<{ id: string }>(db, sql`insert into communities (id, workspace_id, name) values (gen_random_uuid(), ${workspace!.id}, 'Default') returning id`);
  const [user] = await queryRows<{ id: string }>(db, sql`insert into users (id, email) values (gen_random_uuid(), ${`bench-rules-${count}@bench.test`}) returning id`);
  const tools = Math.max(1, Math.round(count / 10 / TYPES_PER_TOOL)); // ~10 exact rules per type
  for (let first = 0; first < count; first += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - first) }, () => ({
      workspaceId: workspace!.id,
      communityId: community!.id,
      kind: "personal" as const,
      ownerUserId: user!.id,
      createdById: user!.id,
      name: "Bench rule",
      scope: "workspace" as const,
      triggers: makeTriggers(tools),
      conditions: makeConditions(),
    }));
    const inserted = await db.insert(rules).values(batch).returning({ id: rules.id, triggers: rules.triggers });
    await db.insert(ruleTriggers).values(
      inserted.flatMap((rule) => rule.triggers.map((pattern) => ({ workspaceId: workspace!.id, ruleId: rule.id, pattern, literalPrefix: typePatternPrefix(pattern) }))),
    );
  }
  await db.execute(sql`analyze`);
  const events: MatchableEvent[] = Array.from({ length: 500 }, (_, i) => ({
    id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`,
    communityId: community!.id,
    sourceId: null,
    type: typeOf(Math.floor(random() * tools), Math.floor(random() * TYPES_PER_TOOL)),
    severity: pick(severities),
    title: `${pick(["VPN", "Login", "Port scan", "Backup"])} ${pick(["failed", "from a new country", "detected"])} on host-${i}`,
    message: null,
    actor: pick(["alice@example.test", "dave@example.test", "bob@example.test"]),
    clientIp: pick(["10.1.2.3", "203.0.113.9", "192.168.1.20", "198.51.100.7"]),
    occurredAt: new Date(),
    receivedAt: new Date(),
    externalId: null,
    fingerprint: null,
    origin: "ingest",
    data: {},
    raw: {},
  }));
  return { workspaceId: workspace!.id, events };
}

function evaluate(candidates: CandidateRule[], event: MatchableEvent): number {
  let matched = 0;
  for (const rule of candidates) if (ruleCoversCommunity(rule, event.communityId) && storedRuleMatches(rule, event)) matched++;
  return matched;
}

async function measure(count: number, events: MatchableEvent[], run: (event: MatchableEvent) => Promise<{ candidates: number; matches: number }>): Promise<Stats> {
  // Warm-up: every event once, so that caches (compiled rules, candidates) are in their steady state.
  for (let i = 0; i < Math.min(events.length, count); i++) await run(events[i]!);
  const durations: number[] = [];
  let candidates = 0;
  let matches = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const result = await run(events[i % events.length]!);
    durations.push(performance.now() - started);
    candidates += result.candidates;
    matches += result.matches;
  }
  durations.sort((a, b) => a - b);
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]!;
  return { p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: durations.at(-1)!, candidates: candidates / count, matches: matches / count };
}

async function main() {
  let handle: DbHandle;
  let dropDatabase = async () => {};
  if (database === "pglite") {
    handle = createPgliteHandle();
  } else {
    const name = `tocsin_bench_rules_${process.pid}`;
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
  const results: Result[] = [];
  try {
    await migrateDatabase(handle);
    const db = handle.db;
    for (const size of sizes) {
      log(`seeding ${size} rules`);
      const { workspaceId, events } = await seedRules(handle, size);
      log(`measuring ${samples} events (indexed) and ${baselineSamples} (full scan)`);
      const cache = new CandidateRuleCache();
      const cached = await measure(samples, events, async (event) => {
        const candidates = (await cache.candidatesByType(db, workspaceId, [event.type])).get(event.type)!;
        return { candidates: candidates.length, matches: evaluate(candidates, event) };
      });
      // Inside a job the version is read once for all its events: per event, what remains is the
      // in-memory lookup and the evaluation.
      const job = await cache.candidatesByType(db, workspaceId, events.map((e) => e.type));
      const inJob = await measure(samples, events, async (event) => {
        const candidates = job.get(event.type)!;
        return { candidates: candidates.length, matches: evaluate(candidates, event) };
      });
      const indexed = await measure(samples, events, async (event) => {
        const candidates = await selectCandidateRules(db, workspaceId, [event.type]);
        return { candidates: candidates.length, matches: evaluate(candidates, event) };
      });
      const scan = await measure(baselineSamples, events, async (event) => {
        const all = (await db
          .select()
          .from(rules)
          .where(and(eq(rules.workspaceId, workspaceId), eq(rules.enabled, true)))) as unknown as CandidateRule[];
        for (const rule of all) rule.scopeCommunityIds = [];
        return { candidates: all.length, matches: evaluate(all, event) };
      });
      results.push({ rules: size, cached, inJob, indexed, scan });
    }
  } finally {
    await handle.close();
    await dropDatabase();
  }

  const at10k = results.find((r) => r.rules === 10_000);
  const target = at10k
    ? { text: "selection + evaluation p99 < 1 ms at 10,000 rules (per event in a fan-out job)", value: at10k.inJob.p99Ms, pass: at10k.inJob.p99Ms < 1 }
    : null;
  if (asJson) {
    console.log(JSON.stringify({ database, samples, baselineSamples, results, target }, null, 2));
    return;
  }
  const f = (n: number, d = 3) => n.toFixed(d).padStart(10);
  console.log(`\n== ${database === "postgres" ? "PostgreSQL" : "PGlite (embedded)"}: rule selection + evaluation per event, one workspace ==`);
  console.log(`${"rules".padStart(8)}  ${"method".padEnd(30)}${"p50 ms".padStart(10)}${"p90 ms".padStart(10)}${"p99 ms".padStart(10)}${"max ms".padStart(10)}${"read".padStart(10)}${"matched".padStart(10)}`);
  for (const r of results) {
    for (const [label, s] of [
      ["fan-out, job of 1 event", r.cached],
      ["fan-out, per event in a job", r.inJob],
      ["prefix index, uncached", r.indexed],
      ["baseline: full scan", r.scan],
    ] as const) {
      console.log(`${String(r.rules).padStart(8)}  ${label.padEnd(30)}${f(s.p50Ms)}${f(s.p90Ms)}${f(s.p99Ms)}${f(s.maxMs)}${f(s.candidates, 1)}${f(s.matches, 1)}`);
    }
  }
  if (target) console.log(`target: ${target.text}: p99 ${target.value.toFixed(3)} ms -> ${target.pass ? "PASS" : "FAIL"}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
