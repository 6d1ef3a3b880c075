import { ZodError } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedTwoWorkspaces, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { DomainError } from "@/server/errors";
import { escapeLike, searchWords } from "./event-conditions";
import type { ListEventsInput } from "./event-schemas";
import { decodeKeysetCursor, encodeKeysetCursor } from "@/server/db/keyset-cursor";
import { listEvents, type EventSummary } from "./list-events";
import { insertEvents, microsecondsAt } from "./test-events";

const at = (iso: string) => new Date(iso);

describe("listEvents", () => {
  let handle: DbHandle;
  let a: SeededWorkspace;
  let b: SeededWorkspace;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ a, b } = await seedTwoWorkspaces(handle.db, "list"));
  });
  afterAll(() => handle.close());

  const list = (input: ListEventsInput = {}, workspace: SeededWorkspace = a) => listEvents(handle.db, workspace.workspace.id, input);

  /** Every page of a query, following cursors; fails on a repeated event. */
  async function listAll(input: ListEventsInput, workspace: SeededWorkspace = a): Promise<EventSummary[]> {
    const all: EventSummary[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page++) {
      const result = await list({ ...input, cursor }, workspace);
      all.push(...result.items);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    return all;
  }

  describe("pagination", () => {
    // Each test has a day of its own, far from the other tests' events.
    it("pages through events with equal timestamps without skipping or repeating any, newest first then by id", async () => {
      const window = { from: at("2020-01-01T00:00:00Z"), to: at("2020-01-02T00:00:00Z") };
      const sameTime = at("2020-01-01T10:00:00.000Z");
      const ids = await insertEvents(
        handle.db,
        a.workspace.id,
        a.sources[0]!,
        Array.from({ length: 23 }, () => ({ receivedAt: sameTime })),
      );
      const older = await insertEvents(handle.db, a.workspace.id, a.sources[1]!, [{ receivedAt: at("2020-01-01T09:00:00Z") }]);
      const newer = await insertEvents(handle.db, a.workspace.id, null, [{ receivedAt: at("2020-01-01T11:00:00Z") }]);

      for (const limit of [1, 5, 7, 23, 100]) {
        const all = await listAll({ ...window, limit });
        expect(all.map((e) => e.id)).toEqual([...newer, ...[...ids].sort().reverse(), ...older]);
      }
      const first = await list({ ...window, limit: 25 });
      expect(first.items).toHaveLength(25);
      expect(first.nextCursor).toBeNull();
    });

    it("keeps its place when events arrive between pages", async () => {
      const ids = await insertEvents(
        handle.db,
        a.workspace.id,
        a.sources[0]!,
        Array.from({ length: 6 }, (_, i) => ({ receivedAt: at(`2020-01-02T0${i}:00:00Z`) })),
      );
      const input = { from: at("2020-01-02T00:00:00Z"), to: at("2020-01-02T06:00:00Z"), limit: 4 };
      const first = await list(input);
      expect(first.items.map((e) => e.id)).toEqual([...ids].reverse().slice(0, 4));
      // A newer event arrives, and one with the same time as the last one shown (a smaller id
      // would sort after it; a UUIDv7 made now sorts before, so it belongs to the shown part).
      await insertEvents(handle.db, a.workspace.id, a.sources[0]!, [{ receivedAt: at("2020-01-02T05:30:00Z") }, { receivedAt: at("2020-01-02T02:00:00Z") }]);
      const second = await list({ ...input, cursor: first.nextCursor });
      expect(second.items.map((e) => e.id)).toEqual([ids[1], ids[0]]);
      expect(second.nextCursor).toBeNull();
    });

    it("orders by the database's microseconds, not JavaScript's milliseconds", async () => {
      const [early, late, later] = await insertEvents(handle.db, a.workspace.id, a.sources[0]!, [
        { receivedAt: microsecondsAt("2020-01-03T20:00:00.123001Z") },
        { receivedAt: microsecondsAt("2020-01-03T20:00:00.123998Z") },
        { receivedAt: microsecondsAt("2020-01-03T20:00:00.123999Z") },
      ]);
      const input = { from: at("2020-01-03T20:00:00Z"), to: at("2020-01-03T21:00:00Z"), limit: 1 };
      expect((await listAll(input)).map((e) => e.id)).toEqual([later, late, early]);
      const first = await list(input);
      expect(decodeKeysetCursor(first.nextCursor!, "the event log")).toEqual({ at: "2020-01-03T20:00:00.123999Z", id: later });
    });

    it("refuses a cursor it did not make", async () => {
      for (const cursor of ["garbage", encodeKeysetCursor({ at: "yesterday", id: a.sources[0]!.id }), Buffer.from("2020-01-01T00:00:00.000000Z|x").toString("base64url")]) {
        const error = await list({ cursor }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DomainError);
        expect(error).toMatchObject({ code: "BAD_REQUEST", field: "cursor" });
      }
    });

    it("returns at most 100 events per page, 50 by default", async () => {
      await insertEvents(
        handle.db,
        a.workspace.id,
        a.sources[0]!,
        Array.from({ length: 120 }, () => ({ receivedAt: at("2020-01-04T22:00:00Z") })),
      );
      const input = { from: at("2020-01-04T22:00:00Z"), to: at("2020-01-04T23:00:00Z") };
      expect((await list(input)).items).toHaveLength(50);
      expect((await list({ ...input, limit: 100 })).items).toHaveLength(100);
      await expect(list({ ...input, limit: 101 })).rejects.toBeInstanceOf(ZodError);
      await expect(list({ ...input, limit: 0 })).rejects.toBeInstanceOf(ZodError);
    });
  });

  describe("filters", () => {
    const window = { from: at("2021-03-01T00:00:00Z"), to: at("2021-03-02T00:00:00Z") };
    let ids: Record<string, string>;

    beforeAll(async () => {
      const [s0, s1] = a.sources;
      const named = async (name: string, source: typeof s0 | null, item: Parameters<typeof insertEvents>[3][number]) => {
        const [id] = await insertEvents(handle.db, a.workspace.id, source ?? null, [item]);
        return [name, id!] as const;
      };
      ids = Object.fromEntries(
        await Promise.all([
          named("alertCreated", s0!, { type: "alert.created", severity: "high", title: "New alert: brute force", receivedAt: at("2021-03-01T01:00:00Z") }),
          named("alertDeep", s0!, { type: "alert.comment.added", severity: "low", title: "Comment", actor: "Alice Martin", receivedAt: at("2021-03-01T02:00:00Z") }),
          named("alertBare", s1!, { type: "alert", severity: "critical", title: "Bare alert", receivedAt: at("2021-03-01T03:00:00Z") }),
          named("alertsOther", s1!, { type: "alerts.created", severity: "medium", title: "Plural", receivedAt: at("2021-03-01T04:00:00Z") }),
          named("loginFailed", s1!, {
            type: "auth_x.login_failed",
            severity: "medium",
            title: "Login failed",
            message: "CPU at 100% for user a_b",
            receivedAt: at("2021-03-01T05:00:00Z"),
          }),
          named("underscoreLookalike", s0!, { type: "authyx.login", severity: "info", title: "CPU at 1000 for user axb", receivedAt: at("2021-03-01T06:00:00Z") }),
          named("backslash", s0!, { type: "audit.x", severity: "info", title: String.raw`Path C:\temp\new`, origin: "audit", receivedAt: at("2021-03-01T07:00:00Z") }),
          named("system", null, { type: "intake.silent", severity: "high", title: "No events for 2 h", receivedAt: at("2021-03-01T08:00:00Z") }),
          named("lastSecond", s0!, { type: "alert.created", severity: "info", title: "Last second", receivedAt: at("2021-03-01T23:59:59.999Z") }),
        ]),
      );
    });

    const names = async (input: ListEventsInput) => {
      const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
      return (await listAll({ ...window, ...input })).map((e) => byId.get(e.id) ?? e.id).sort();
    };

    it("by type: exact, or every type below a prefix (not the prefix itself, nor lookalikes)", async () => {
      expect(await names({ types: ["alert.created"] })).toEqual(["alertCreated", "lastSecond"]);
      expect(await names({ types: ["alert.*"] })).toEqual(["alertCreated", "alertDeep", "lastSecond"]);
      expect(await names({ types: ["alert"] })).toEqual(["alertBare"]);
      expect(await names({ types: ["alert", "alerts.*"] })).toEqual(["alertBare", "alertsOther"]);
      // `_` in a prefix is a literal underscore, not LIKE's any-character.
      expect(await names({ types: ["auth_x.*"] })).toEqual(["loginFailed"]);
      expect(await names({ types: ["Alert.Created "] })).toEqual(["alertCreated", "lastSecond"]);
      expect(await names({ types: [] })).toHaveLength(Object.keys(ids).length);
      for (const bad of ["alert.", "*", "al%", "alert.*.x", "a b"]) {
        await expect(list({ types: [bad] })).rejects.toBeInstanceOf(ZodError);
      }
    });

    it("by severity: at least one level, or a set of levels, or both", async () => {
      expect(await names({ minSeverity: "high" })).toEqual(["alertBare", "alertCreated", "system"]);
      expect(await names({ minSeverity: "critical" })).toEqual(["alertBare"]);
      expect(await names({ severities: ["info", "critical"] })).toEqual(["alertBare", "backslash", "lastSecond", "underscoreLookalike"]);
      expect(await names({ minSeverity: "medium", severities: ["info", "medium"] })).toEqual(["alertsOther", "loginFailed"]);
    });

    it("by source, community and origin", async () => {
      expect(await names({ sourceIds: [a.sources[1]!.id] })).toEqual(["alertBare", "alertsOther", "loginFailed"]);
      expect(await names({ communityIds: [a.sources[0]!.communityId] })).toEqual(["alertCreated", "alertDeep", "backslash", "lastSecond", "underscoreLookalike"]);
      expect(await names({ sourceIds: [a.sources[0]!.id], communityIds: [a.sources[1]!.communityId] })).toEqual([]);
      expect(await names({ origins: ["system", "audit"] })).toEqual(["backslash", "system"]);
    });

    it("by time: from inclusive, to exclusive", async () => {
      expect(await names({ from: at("2021-03-01T02:00:00Z"), to: at("2021-03-01T04:00:00Z") })).toEqual(["alertBare", "alertDeep"]);
      expect(await names({ from: at("2021-03-01T23:59:59.999Z") })).toEqual(["lastSecond"]);
      await expect(list({ from: at("2021-03-02T00:00:00Z"), to: at("2021-03-01T00:00:00Z") })).rejects.toBeInstanceOf(ZodError);
    });

    it("by text: every word, in title, message or actor, ignoring case", async () => {
      expect(await names({ search: "ALERT" })).toEqual(["alertBare", "alertCreated"]);
      expect(await names({ search: "alice" })).toEqual(["alertDeep"]);
      expect(await names({ search: "  login   cpu " })).toEqual(["loginFailed"]);
      expect(await names({ search: "martin comment" })).toEqual(["alertDeep"]);
      expect(await names({ search: "" })).toHaveLength(Object.keys(ids).length);
    });

    it("by text, with LIKE's wildcards and escape character taken literally", async () => {
      expect(await names({ search: "100%" })).toEqual(["loginFailed"]);
      expect(await names({ search: "%" })).toEqual(["loginFailed"]);
      expect(await names({ search: "a_b" })).toEqual(["loginFailed"]);
      expect(await names({ search: "_" })).toEqual(["loginFailed"]);
      expect(await names({ search: String.raw`C:\temp` })).toEqual(["backslash"]);
      expect(await names({ search: "\\" })).toEqual(["backslash"]);
      expect(escapeLike(String.raw`50%_off\now`)).toBe(String.raw`50\%\_off\\now`);
      expect(searchWords(" a  b a ")).toEqual(["a", "b"]);
    });

    it("combines filters", async () => {
      expect(await names({ types: ["alert.*"], minSeverity: "low", search: "comment", sourceIds: [a.sources[0]!.id] })).toEqual(["alertDeep"]);
    });

    it("returns the names of each event's source and community", async () => {
      const [event] = (await list({ ...window, types: ["auth_x.login_failed"] })).items;
      expect(event).toMatchObject({
        id: ids.loginFailed,
        type: "auth_x.login_failed",
        severity: "medium",
        title: "Login failed",
        origin: "ingest",
        sourceId: a.sources[1]!.id,
        sourceName: a.sources[1]!.name,
        communityId: a.sources[1]!.communityId,
        communityName: a.communities.find((c) => c.id === a.sources[1]!.communityId)!.name,
      });
      expect(event!.receivedAt).toEqual(at("2021-03-01T05:00:00Z"));
      expect(event).not.toHaveProperty("raw");
      const [system] = (await list({ ...window, origins: ["system"] })).items;
      expect(system).toMatchObject({ sourceId: null, sourceName: null, communityId: null, communityName: null });
    });
  });

  describe("isolation", () => {
    it("never shows another workspace's events, even when its sources, communities or cursors are named", async () => {
      const window = { from: at("2022-05-01T00:00:00Z"), to: at("2022-05-02T00:00:00Z") };
      const mine = await insertEvents(handle.db, a.workspace.id, a.sources[0]!, [{ title: "Ours", receivedAt: at("2022-05-01T10:00:00Z") }]);
      const theirs = await insertEvents(handle.db, b.workspace.id, b.sources[0]!, [
        { title: "Theirs", receivedAt: at("2022-05-01T11:00:00Z") },
        { title: "Theirs too", receivedAt: at("2022-05-01T09:00:00Z") },
      ]);

      expect((await listAll(window)).map((e) => e.id)).toEqual(mine);
      expect((await listAll(window, b)).map((e) => e.id)).toEqual(theirs);
      expect(await listAll({ ...window, sourceIds: b.sources.map((s) => s.id) })).toEqual([]);
      expect(await listAll({ ...window, communityIds: b.communities.map((c) => c.id) })).toEqual([]);
      expect(await listAll({ ...window, search: "Theirs" })).toEqual([]);
      // A cursor built from B's event only says where to start: A's own events, nothing of B.
      const cursor = encodeKeysetCursor({ at: "2022-05-01T11:00:00.000000Z", id: theirs[0]! });
      expect((await list({ ...window, cursor })).items.map((e) => e.id)).toEqual(mine);
    });
  });
});
