import { ZodError } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedTwoWorkspaces, type SeededWorkspace } from "@/server/api/test-helpers";
import type { DbHandle } from "@/server/db/client";
import { createTestDatabase } from "@/server/db/test-database";
import { DomainError } from "@/server/errors";
import type { EventVolumeInput } from "./event-schemas";
import { countEventsBySource, eventVolume, findSpikes, resolveVolumeRange, type EventVolume } from "./event-volume";
import { insertEvents } from "./test-events";

const at = (iso: string) => new Date(iso);
const HOUR = 60 * 60 * 1000;

/** The volume as { series type: [count per bucket] }, "other" under the key "(other)". */
function bySeries(volume: EventVolume): Record<string, number[]> {
  return Object.fromEntries(volume.series.map((s, i) => [s.type ?? "(other)", volume.buckets.map((b) => b.counts[i]!)]));
}

describe("eventVolume", () => {
  let handle: DbHandle;
  let a: SeededWorkspace;
  let b: SeededWorkspace;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ a, b } = await seedTwoWorkspaces(handle.db, "volume"));
  });
  afterAll(() => handle.close());

  const volume = (input: EventVolumeInput, timezone = "UTC", workspace: SeededWorkspace = a, now?: Date) =>
    eventVolume(handle.db, { id: workspace.workspace.id, timezone }, input, now);

  it("counts per hour and type, with every empty hour present as 0", async () => {
    const s = a.sources[0]!;
    await insertEvents(handle.db, a.workspace.id, s, [
      { type: "alert.created", receivedAt: at("2023-02-01T00:10:00Z") },
      { type: "alert.created", receivedAt: at("2023-02-01T00:50:00Z") },
      { type: "auth.login", receivedAt: at("2023-02-01T00:59:59.999Z") },
      { type: "auth.login", receivedAt: at("2023-02-01T03:00:00Z") },
      // Outside the range: just before and exactly at its (exclusive) end.
      { type: "alert.created", receivedAt: at("2023-01-31T23:59:59.999Z") },
      { type: "alert.created", receivedAt: at("2023-02-01T05:00:00Z") },
    ]);
    const result = await volume({ from: at("2023-02-01T00:00:00Z"), to: at("2023-02-01T05:00:00Z") });
    expect(result.bucketSize).toBe("hour");
    expect(result.timezone).toBe("UTC");
    expect(result.buckets.map((bucket) => [bucket.start.toISOString(), bucket.end.toISOString()])).toEqual(
      [0, 1, 2, 3, 4].map((h) => [`2023-02-01T0${h}:00:00.000Z`, `2023-02-01T0${h + 1}:00:00.000Z`]),
    );
    expect(result.series).toEqual([
      { type: "alert.created", total: 2 },
      { type: "auth.login", total: 2 },
    ]);
    expect(bySeries(result)).toEqual({ "alert.created": [2, 0, 0, 0, 0], "auth.login": [1, 0, 0, 1, 0] });
    expect(result.buckets.map((bucket) => bucket.total)).toEqual([3, 0, 0, 1, 0]);
    expect(result.total).toBe(4);
  });

  it("returns only zeros for a range without events", async () => {
    const result = await volume({ from: at("1999-01-01T00:00:00Z"), to: at("1999-01-02T00:00:00Z") });
    expect(result.buckets).toHaveLength(24);
    expect(result.buckets.every((bucket) => bucket.total === 0 && bucket.counts.length === 0 && !bucket.spike)).toBe(true);
    expect(result.series).toEqual([]);
    expect(result.total).toBe(0);
    expect(result.spikeThreshold).toBeNull();
  });

  it("starts with the hour the range starts in, and covers the last 24 hours by default", async () => {
    const now = at("2023-03-01T12:34:56Z");
    const result = await volume({}, "UTC", a, now);
    expect(result.from).toEqual(at("2023-02-28T12:34:56Z"));
    expect(result.to).toEqual(now);
    expect(result.buckets).toHaveLength(25);
    expect(result.buckets[0]!.start).toEqual(at("2023-02-28T12:00:00Z"));
    expect(result.buckets.at(-1)!.start).toEqual(at("2023-03-01T12:00:00Z"));
  });

  it("keeps the busiest types and adds up the rest as other", async () => {
    const s = a.sources[1]!;
    const burst = (type: string, n: number, hour: number) =>
      Array.from({ length: n }, () => ({ type, receivedAt: at(`2023-04-01T0${hour}:30:00Z`) }));
    await insertEvents(handle.db, a.workspace.id, s, [
      ...burst("a.one", 5, 0),
      ...burst("b.two", 4, 1),
      ...burst("c.three", 3, 0),
      ...burst("d.four", 3, 2),
      ...burst("e.five", 1, 1),
    ]);
    const input = { from: at("2023-04-01T00:00:00Z"), to: at("2023-04-01T03:00:00Z") };
    const top2 = await volume({ ...input, topTypes: 2 });
    expect(top2.series).toEqual([
      { type: "a.one", total: 5 },
      { type: "b.two", total: 4 },
      { type: null, total: 7 },
    ]);
    expect(bySeries(top2)).toEqual({ "a.one": [5, 0, 0], "b.two": [0, 4, 0], "(other)": [3, 1, 3] });
    // Ties between types are broken by name, so the choice is stable.
    const top3 = await volume({ ...input, topTypes: 3 });
    expect(top3.series.map((x) => x.type)).toEqual(["a.one", "b.two", "c.three", null]);
    const all = await volume({ ...input, topTypes: 12 });
    expect(all.series.map((x) => x.type)).toEqual(["a.one", "b.two", "c.three", "d.four", "e.five"]);
    await expect(volume({ ...input, topTypes: 13 })).rejects.toBeInstanceOf(ZodError);
  });

  it("applies the list's filters", async () => {
    const [s0, s1] = a.sources;
    await insertEvents(handle.db, a.workspace.id, s0!, [
      { type: "x.low", severity: "low", title: "quiet", receivedAt: at("2023-05-01T00:10:00Z") },
      { type: "x.high", severity: "high", title: "loud 100%", receivedAt: at("2023-05-01T01:10:00Z") },
    ]);
    await insertEvents(handle.db, a.workspace.id, s1!, [{ type: "y.high", severity: "critical", title: "loud", receivedAt: at("2023-05-01T01:20:00Z") }]);
    const input = { from: at("2023-05-01T00:00:00Z"), to: at("2023-05-01T02:00:00Z") };
    expect(bySeries(await volume({ ...input, minSeverity: "high" }))).toEqual({ "x.high": [0, 1], "y.high": [0, 1] });
    expect(bySeries(await volume({ ...input, sourceIds: [s1!.id] }))).toEqual({ "y.high": [0, 1] });
    expect(bySeries(await volume({ ...input, communityIds: [s0!.communityId] }))).toEqual({ "x.high": [0, 1], "x.low": [1, 0] });
    expect(bySeries(await volume({ ...input, types: ["x.*"], search: "LOUD" }))).toEqual({ "x.high": [0, 1] });
    expect(bySeries(await volume({ ...input, search: "%" }))).toEqual({ "x.high": [0, 1] });
  });

  it("counts by day beyond 48 hours, midnight to midnight in the workspace's timezone", async () => {
    const s = a.sources[0]!;
    await insertEvents(handle.db, a.workspace.id, s, [
      // 03:00 UTC on 2 July is still 1 July in New York (UTC-4 in summer).
      { type: "day.test", receivedAt: at("2023-07-02T03:00:00Z") },
      { type: "day.test", receivedAt: at("2023-07-02T05:00:00Z") },
      { type: "day.test", receivedAt: at("2023-07-03T12:00:00Z") },
    ]);
    const input = { from: at("2023-07-01T04:00:00Z"), to: at("2023-07-04T04:00:00Z"), types: ["day.test"] };
    const ny = await volume(input, "America/New_York");
    expect(ny.bucketSize).toBe("day");
    expect(ny.timezone).toBe("America/New_York");
    expect(ny.buckets.map((bucket) => bucket.start.toISOString())).toEqual(["2023-07-01T04:00:00.000Z", "2023-07-02T04:00:00.000Z", "2023-07-03T04:00:00.000Z"]);
    expect(bySeries(ny)).toEqual({ "day.test": [1, 1, 1] });
    const utc = await volume(input, "UTC");
    expect(utc.buckets.map((bucket) => bucket.start.toISOString())).toEqual([
      "2023-07-01T00:00:00.000Z",
      "2023-07-02T00:00:00.000Z",
      "2023-07-03T00:00:00.000Z",
      "2023-07-04T00:00:00.000Z",
    ]);
    expect(bySeries(utc)).toEqual({ "day.test": [0, 2, 1, 0] });
  });

  it("gives a day of 23 or 25 hours its true length when the clocks change", async () => {
    const result = await volume({ from: at("2023-03-25T00:00:00Z"), to: at("2023-03-28T00:00:00Z") }, "Europe/Paris");
    const lengths = result.buckets.map((bucket) => (bucket.end.getTime() - bucket.start.getTime()) / HOUR);
    expect(result.buckets[1]!.start).toEqual(at("2023-03-25T23:00:00Z"));
    expect(lengths).toEqual([24, 23, 24, 24]);
  });

  it("marks a burst as a spike: above mean + 3σ of the series", async () => {
    const s = a.sources[0]!;
    const hours = Array.from({ length: 24 }, (_, h) => h);
    await insertEvents(handle.db, a.workspace.id, s, [
      ...hours.flatMap((h) => Array.from({ length: 2 + (h % 2) }, () => ({ type: "steady", receivedAt: at(`2023-08-01T${String(h).padStart(2, "0")}:15:00Z`) }))),
      ...Array.from({ length: 30 }, () => ({ type: "burst", receivedAt: at("2023-08-01T13:45:00Z") })),
    ]);
    const result = await volume({ from: at("2023-08-01T00:00:00Z"), to: at("2023-08-02T00:00:00Z") });
    expect(result.buckets.filter((bucket) => bucket.spike).map((bucket) => bucket.start.toISOString())).toEqual(["2023-08-01T13:00:00.000Z"]);
    expect(result.spikeThreshold).toBeGreaterThan(3);
    expect(result.spikeThreshold).toBeLessThan(33);
  });

  it("refuses a range over 400 days or ending before it starts", async () => {
    const error = await volume({ from: at("2020-01-01T00:00:00Z"), to: at("2021-02-05T00:00:01Z") }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "BAD_REQUEST", field: "from" });
    await expect(volume({ from: at("2020-01-02T00:00:00Z"), to: at("2020-01-01T00:00:00Z") })).rejects.toBeInstanceOf(ZodError);
    // Only `from`, in the future: it cannot end (now) before it starts.
    await expect(volume({ from: at("2999-01-01T00:00:00Z") })).rejects.toMatchObject({ code: "BAD_REQUEST", field: "to" });
    expect((await volume({ from: at("2020-01-01T00:00:00Z"), to: at("2021-02-04T00:00:00Z") })).buckets).toHaveLength(400);
  });

  it("counts nothing of another workspace, even when its sources or communities are named", async () => {
    const range = { from: at("2023-09-01T00:00:00Z"), to: at("2023-09-01T02:00:00Z") };
    await insertEvents(handle.db, a.workspace.id, a.sources[0]!, [{ type: "mine", receivedAt: at("2023-09-01T00:30:00Z") }]);
    await insertEvents(handle.db, b.workspace.id, b.sources[0]!, [
      { type: "theirs", receivedAt: at("2023-09-01T00:30:00Z") },
      { type: "theirs", receivedAt: at("2023-09-01T01:30:00Z") },
    ]);
    expect(bySeries(await volume(range))).toEqual({ mine: [1, 0] });
    expect(bySeries(await volume(range, "UTC", b))).toEqual({ theirs: [1, 1] });
    expect((await volume({ ...range, sourceIds: b.sources.map((x) => x.id) })).total).toBe(0);
    expect((await volume({ ...range, communityIds: b.communities.map((x) => x.id) })).total).toBe(0);
  });
});

describe("findSpikes", () => {
  it("flags values above mean + 3σ that have at least 5 events", () => {
    expect(findSpikes([1, 1, 2, 1, 1, 2, 1, 1, 1, 2, 1, 40])).toMatchObject({ spikes: [...Array(11).fill(false), true] });
    // A lone event in an empty day is above mean + 3σ, but is not a spike worth a highlight.
    expect(findSpikes([...Array(23).fill(0), 1]).spikes.some(Boolean)).toBe(false);
    expect(findSpikes([...Array(23).fill(0), 5]).spikes.at(-1)).toBe(true);
  });

  it("finds none in a flat, short or empty series", () => {
    expect(findSpikes([7, 7, 7, 7])).toEqual({ threshold: null, spikes: [false, false, false, false] });
    expect(findSpikes([0, 100])).toEqual({ threshold: null, spikes: [false, false] });
    expect(findSpikes([])).toEqual({ threshold: null, spikes: [] });
    // Evenly spread values are never 3σ above their mean.
    expect(findSpikes([10, 20, 30, 40, 50, 60]).spikes.some(Boolean)).toBe(false);
  });

  it("resolves the range and the bucket size", () => {
    const now = at("2024-01-10T00:00:00Z");
    expect(resolveVolumeRange({}, now)).toEqual({ from: at("2024-01-09T00:00:00Z"), to: now, bucketSize: "hour" });
    expect(resolveVolumeRange({ from: at("2024-01-08T00:00:00Z") }, now).bucketSize).toBe("hour");
    expect(resolveVolumeRange({ from: at("2024-01-07T23:59:59Z") }, now).bucketSize).toBe("day");
  });
});

describe("countEventsBySource", () => {
  let handle: DbHandle;
  let a: SeededWorkspace;
  let b: SeededWorkspace;

  beforeAll(async () => {
    handle = await createTestDatabase();
    ({ a, b } = await seedTwoWorkspaces(handle.db, "by-source"));
  });
  afterAll(() => handle.close());

  it("counts each source's events since a time, in one workspace only", async () => {
    const since = at("2024-06-01T00:00:00Z");
    const [s0, s1] = a.sources;
    await insertEvents(handle.db, a.workspace.id, s0!, [{ receivedAt: since }, { receivedAt: at("2024-06-01T10:00:00Z") }, { receivedAt: at("2024-05-31T23:59:59Z") }]);
    await insertEvents(handle.db, a.workspace.id, s1!, [{ receivedAt: at("2024-06-01T10:00:00Z") }]);
    await insertEvents(handle.db, a.workspace.id, null, [{ receivedAt: at("2024-06-01T10:00:00Z") }]);
    await insertEvents(handle.db, b.workspace.id, b.sources[0]!, [{ receivedAt: at("2024-06-01T10:00:00Z") }]);
    expect(await countEventsBySource(handle.db, a.workspace.id, since)).toEqual({ [s0!.id]: 2, [s1!.id]: 1 });
    expect(await countEventsBySource(handle.db, b.workspace.id, since)).toEqual({ [b.sources[0]!.id]: 1 });
    expect(await countEventsBySource(handle.db, a.workspace.id, at("2024-06-02T00:00:00Z"))).toEqual({});
  });
});
