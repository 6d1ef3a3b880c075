import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db, DbHandle } from "@/server/db/client";
import * as schema from "@/server/db/schema";
import { createTestDatabase } from "@/server/db/test-database";
import { bChannelIds, bDeliveryIds, bRuleIds, eventIds, hashWorkspace, seedIsolationData, tenantTables, workspaceCases, type Fixture, type TableState } from "./isolation-cases";
import { callByPath, queryRows, seedTwoWorkspaces } from "./test-helpers";

// Tenant isolation, property-style: thousands of calls of every workspace procedure by each role
// of workspace A, with inputs mixing B's ids (of every table), A's own ids, random uuids, and A's
// or B's slug. Nothing of B may be returned (no id or name of B in any answer or error that the
// input did not carry itself) and nothing of B may change (every tenant table, row by row).
// `TOCSIN_ISOLATION_RUNS` sets the number of calls (`npm run test:isolation` runs 10,000);
// a failure prints its seed, and `TOCSIN_ISOLATION_SEED` replays it.

const RUNS = Number(process.env.TOCSIN_ISOLATION_RUNS ?? 1_500);
const SEED = process.env.TOCSIN_ISOLATION_SEED ? Number(process.env.TOCSIN_ISOLATION_SEED) : undefined;
const roles = ["owner", "admin", "analyst", "viewer"] as const;

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Every uuid found in the workspace's rows, whatever the column (ids, foreign keys, ids inside JSON). */
/** The workspace's own ids (the `id` column) by table, and its members' user ids as "users". */
async function idsByTable(db: Db, workspaceId: string): Promise<Map<string, string[]>> {
  const byTable = new Map<string, string[]>();
  for (const { name, column } of tenantTables) {
    if (column !== "workspace_id" || !(await queryRows(db, sql`select 1 from information_schema.columns where table_name = ${name} and column_name = 'id'`)).length) continue;
    const rows = await queryRows<{ id: string }>(db, sql`select id::text as id from ${sql.identifier(name)} where workspace_id = ${workspaceId} order by id`);
    byTable.set(name, rows.map((r) => r.id));
  }
  const users = await queryRows<{ id: string }>(db, sql`select user_id::text as id from memberships where workspace_id = ${workspaceId} order by user_id`);
  byTable.set("users", users.map((r) => r.id));
  return byTable;
}

async function uuidsOfWorkspace(db: Db, workspaceId: string): Promise<Map<string, Set<string>>> {
  const byTable = new Map<string, Set<string>>();
  for (const { name, column } of tenantTables) {
    const rows = await queryRows<{ row: string }>(db, sql`select t::text as row from ${sql.identifier(name)} t where ${sql.identifier(column)} = ${workspaceId}`);
    byTable.set(name, new Set(rows.flatMap((r) => r.row.match(uuidPattern) ?? [])));
  }
  return byTable;
}

/** Text of an answer or an error, for searching B's ids and names in it. */
function serialise(value: unknown): string {
  try {
    return JSON.stringify(superjson.serialize(value).json) ?? "";
  } catch {
    return String(value);
  }
}

/**
 * An input shaped like `template`, every uuid in it replaced by one of the pool (B's, A's or a
 * random one), every array cut or kept, and the slug chosen among A's and B's spellings.
 */
function inputFrom(template: unknown, ids: (template: string) => fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  if (typeof template === "string") return template.match(/^[0-9a-f-]{36}$/) ? ids(template) : fc.constant(template);
  if (Array.isArray(template)) {
    if (template.length === 0) return fc.constant([]);
    return fc.array(inputFrom(template[0], ids), { minLength: 1, maxLength: Math.max(3, template.length) });
  }
  if (template && typeof template === "object" && !(template instanceof Date)) {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, value] of Object.entries(template)) shape[key] = inputFrom(value, ids);
    return fc.record(shape);
  }
  return fc.constant(template);
}

type Call = { path: string; role: (typeof roles)[number]; input: Record<string, unknown> };

describe("tenant isolation (generated calls)", () => {
  let handle: DbHandle;
  let f: Fixture;
  let bBefore: TableState[];
  /** B's ids (in any of B's rows, in no row of A) and B's names: none may reach A's members. */
  let bSecrets: string[];
  let calls: fc.Arbitrary<Call>;

  beforeAll(async () => {
    handle = await createTestDatabase();
    f = await seedTwoWorkspaces(handle.db, "prop");
    await seedIsolationData(handle.db, f);
    await seedEveryTable(handle.db, f);
    // A's own things, for the mixes: a personal rule and an email channel (a test send stays in the outbox).
    await f.a.callers.analyst.rule.create({ workspaceSlug: f.a.slug, communityId: f.a.communities[0]!.id, name: "A rule", triggers: ["alert.*"] });
    await f.a.callers.admin.channel.create({ workspaceSlug: f.a.slug, kind: "email", name: "A mail", recipients: [`alerts@${f.a.slug}.test`], shared: true });
    bBefore = await hashWorkspace(handle.db, f.b.workspace.id);

    const bIds = await uuidsOfWorkspace(handle.db, f.b.workspace.id);
    const aIds = await uuidsOfWorkspace(handle.db, f.a.workspace.id);
    const aAll = new Set([...aIds.values()].flatMap((set) => [...set]));
    const bOnly = [...new Set([...bIds.values()].flatMap((set) => [...set]))].filter((id) => !aAll.has(id)).sort();
    // A's memberships stay out of the pool: removing or demoting A's own members is allowed, and would only thin the run.
    const aMembershipIds = new Set(Object.values(f.a.membershipIds));
    const aOwn = [...aAll].filter((id) => !aMembershipIds.has(id)).sort();
    bSecrets = [
      ...bOnly,
      f.b.slug,
      f.b.workspace.name,
      `@${f.b.slug}.test`,
      ...f.b.communities.map((c) => c.name),
      ...f.b.sources.flatMap((s) => [s.name, s.token]),
      "b alert",
      "b login",
      "b silent",
      ...roles.flatMap((role) => [`${role} rule`, `${role} channel`]),
      "B's upgrade",
    ];

    // Each id of a template is replaced, mostly, by an id of the same kind: one of B's (the
    // attack), one of A's (the legitimate call), else any id of B or a random one.
    const bKinds = await idsByTable(handle.db, f.b.workspace.id);
    const aKinds = await idsByTable(handle.db, f.a.workspace.id);
    aKinds.delete("memberships");
    const kindOf = new Map([...bKinds, ...aKinds].flatMap(([kind, list]) => list.map((id) => [id, kind] as const)));
    const ids = (template: string) => {
      const kind = kindOf.get(template);
      const sameB = (kind && bKinds.get(kind)) || [];
      const sameA = ((kind && aKinds.get(kind)) || []).filter((id) => !aMembershipIds.has(id));
      return fc.oneof(
        { weight: 4, arbitrary: sameB.length ? fc.constantFrom(...sameB) : fc.constantFrom(...bOnly) },
        { weight: 1, arbitrary: fc.constantFrom(...bOnly) },
        { weight: 2, arbitrary: sameA.length ? fc.constantFrom(...sameA) : fc.constantFrom(...aOwn) },
        { weight: 1, arbitrary: fc.uuid({ version: [4, 7] }) },
      );
    };
    const slugs = (path: string) =>
      // Leaving A or deleting it would end the run for that role: those two are only tried on B.
      path === "member.leave" || path === "workspace.delete"
        ? fc.constantFrom(f.b.slug, ` ${f.b.slug.toUpperCase()} `)
        : fc.oneof({ weight: 3, arbitrary: fc.constant(f.a.slug) }, { weight: 1, arbitrary: fc.constantFrom(f.b.slug, ` ${f.b.slug.toUpperCase()} `) });
    calls = fc.constantFrom(...Object.keys(workspaceCases)).chain((path) => {
      const testCase = workspaceCases[path]!;
      const templates = [testCase.input(f), ...(testCase.foreignIds?.(f) ?? [])];
      return fc.record({
        path: fc.constant(path),
        role: fc.constantFrom(...roles),
        input: fc
          .tuple(fc.constantFrom(...templates).chain((template) => inputFrom(template, ids)), slugs(path))
          .map(([input, workspaceSlug]) => ({ ...(input as Record<string, unknown>), workspaceSlug })),
      });
    });
  }, 120_000);
  afterAll(() => handle.close());

  it("has rows of B in every tenant table", () => {
    expect(tenantTables.length).toBeGreaterThanOrEqual(25);
    expect(bBefore.filter((table) => table.rows === 0).map((table) => table.name)).toEqual([]);
  });

  it(`answers ${RUNS} generated calls by A's members with nothing of B, and changes nothing of B`, async () => {
    const started = performance.now();
    let succeeded = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(calls, async ({ path, role, input }) => {
        const inputText = serialise(input);
        let outcome: unknown;
        try {
          outcome = await callByPath(f.a.callers[role], path, input);
          // A subscription: nothing to read of B in it; closed at once, so no listener is left behind.
          const iterator = outcome as { [Symbol.asyncIterator]?: () => AsyncIterator<unknown> } | null;
          if (iterator && typeof iterator[Symbol.asyncIterator] === "function") await iterator[Symbol.asyncIterator]!().return?.();
          succeeded++;
        } catch (error) {
          // Refused with a clear error, never a crash.
          if (!(error instanceof TRPCError) || error.code === "INTERNAL_SERVER_ERROR") throw error;
          outcome = { code: error.code, message: error.message, cause: error.cause?.message };
          refused++;
        }
        const text = serialise(outcome);
        const leaked = bSecrets.filter((secret) => text.includes(secret) && !inputText.includes(secret));
        if (leaked.length > 0) throw new Error(`${path} by A's ${role} returned B's ${leaked.join(", ")}: ${text.slice(0, 500)}`);
        const changed = diff(bBefore, await hashWorkspace(handle.db, f.b.workspace.id));
        if (changed.length > 0) throw new Error(`${path} by A's ${role} changed B's ${changed.join(", ")}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const seconds = (performance.now() - started) / 1000;
    console.info(`[tenant-isolation] ${RUNS} calls (${succeeded} answered, ${refused} refused) in ${seconds.toFixed(1)} s`);
    // The run must have exercised both sides: answers within A, and refusals of B's things.
    expect(succeeded).toBeGreaterThan(RUNS / 10);
    expect(refused).toBeGreaterThan(RUNS / 10);
    expect(await hashWorkspace(handle.db, f.b.workspace.id)).toEqual(bBefore);
  }, 600_000);
});

function diff(before: TableState[], after: TableState[]): string[] {
  return after.filter((table, i) => table.hash !== before[i]?.hash || table.rows !== before[i]?.rows).map((table) => table.name);
}

/**
 * The tables no router writes directly get B's rows here: a rule's channel, a delivery attempt,
 * a throttle decision, a held notification in its batch, an ingest idempotency key and an
 * exception reported in B.
 */
async function seedEveryTable(db: Db, f: Fixture): Promise<void> {
  const workspaceId = f.b.workspace.id;
  const [ruleId, channelId, deliveryId, eventId] = [bRuleIds[0]!, bChannelIds[0]!, bDeliveryIds[0]!, eventIds.b[0]!];
  await db.insert(schema.ruleChannels).values({ workspaceId, ruleId, channelId });
  await db.insert(schema.deliveryAttempts).values({ workspaceId, deliveryId, number: 1, startedAt: new Date("2024-06-01T13:00:00Z"), latencyMs: 12, statusCode: 500, outcome: "failed", error: "B's receiver failed" });
  await db.insert(schema.ruleThrottleHits).values({ workspaceId, ruleId, eventId, fingerprint: "b-fingerprint", receivedAt: new Date("2024-06-01T12:00:00Z"), notified: true });
  const [batch] = await db
    .insert(schema.notificationBatches)
    .values({ workspaceId, reason: "digest", keyId: ruleId, ruleId, openedAt: new Date(), releaseAt: new Date(Date.now() + 86_400_000) })
    .returning({ id: schema.notificationBatches.id });
  await db.insert(schema.heldNotifications).values({ workspaceId, batchId: batch!.id, eventId, ruleId, userId: f.b.users.owner.id });
  await db.insert(schema.ingestIdempotencyKeys).values({ workspaceId, sourceId: f.b.sources[0]!.id, key: "b-key", requestHash: "b-hash", responseStatus: 202, responseBody: { ids: [eventId] } });
  const now = new Date();
  await db.insert(schema.exceptionNotices).values({ fingerprint: "b-exception", exceptionClass: "Error", message: "B failed", traceback: "Error: B failed", origin: "job fan-out-events", workspaceId, firstSeenAt: now, lastSeenAt: now });
}
