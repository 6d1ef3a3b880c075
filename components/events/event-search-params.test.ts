import { describe, expect, it } from "vitest";
import { emptyView, eventsHref, hasFilters, parseEventSearchParams, toSearchParams } from "./event-search-params";

const now = new Date("2024-06-01T12:00:00.000Z");
const sourceId = "0190f5d2-0000-7000-8000-000000000001";

describe("the Events page's URL", () => {
  it("defaults to the last 24 hours, without filters", () => {
    const { view, filters, problems } = parseEventSearchParams({}, now);
    expect(view).toEqual(emptyView);
    expect(filters).toEqual({ from: new Date("2024-05-31T12:00:00.000Z") });
    expect(problems).toEqual([]);
    expect(hasFilters(view)).toBe(false);
  });

  it("reads every filter, and writes it back the same", () => {
    const query = `q=login+failed%2C+again&type=alert.*%2Cauth.login&severity=high&source=${sourceId}&origin=ingest&range=7d`;
    const { view, filters, problems } = parseEventSearchParams(new URLSearchParams(query), now);
    expect(problems).toEqual([]);
    expect(view).toMatchObject({ q: "login failed, again", types: ["alert.*", "auth.login"], severity: "high", source: sourceId, origin: "ingest", range: "7d" });
    expect(filters).toEqual({
      search: "login failed, again",
      types: ["alert.*", "auth.login"],
      minSeverity: "high",
      sourceIds: [sourceId],
      origins: ["ingest"],
      from: new Date("2024-05-25T12:00:00.000Z"),
    });
    expect(toSearchParams(view).toString()).toBe(query);
    expect(hasFilters(view)).toBe(true);
  });

  it("takes repeated parameters as in Next's searchParams object", () => {
    const { view } = parseEventSearchParams({ type: ["alert.*", "auth.login"], severity: ["low", "high"] }, now);
    expect(view.types).toEqual(["alert.*", "auth.login"]);
    expect(view.severity).toBe("low");
  });

  it("holds a custom range as ISO instants; an open end means now", () => {
    const from = "2024-05-01T00:00:00.000Z";
    const to = "2024-05-02T00:00:00.000Z";
    expect(parseEventSearchParams({ range: "custom", from, to }, now).filters).toEqual({ from: new Date(from), to: new Date(to) });
    expect(parseEventSearchParams({ from }, now)).toMatchObject({ view: { range: "custom", from, to: "" }, filters: { from: new Date(from) } });
    expect(eventsHref("acme", { range: "custom", from, to })).toBe(`/w/acme/events?range=custom&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    // A preset wins over stray dates.
    expect(parseEventSearchParams({ range: "1h", from }, now).filters).toEqual({ from: new Date("2024-06-01T11:00:00.000Z") });
  });

  it("drops what it does not understand, saying so, and keeps the rest", () => {
    const { view, filters, problems } = parseEventSearchParams(
      { type: "Alert.*,bad type", severity: "urgent", source: "nope", origin: "mars", range: "2y", q: "x".repeat(300) },
      now,
    );
    expect(view.types).toEqual(["alert.*"]);
    expect(view).toMatchObject({ severity: "", source: "", origin: "", range: "24h" });
    expect(view.q).toHaveLength(200);
    expect(filters.types).toEqual(["alert.*"]);
    expect(problems).toHaveLength(5);
    expect(problems.join(" ")).toContain('"bad type"');

    const reversed = parseEventSearchParams({ from: "2024-05-02T00:00:00Z", to: "2024-05-01T00:00:00Z" }, now);
    expect(reversed.view.range).toBe("24h");
    expect(reversed.problems).toEqual(["Ignored the time range: its start is not before its end"]);
    expect(parseEventSearchParams({ range: "custom", from: "soon" }, now).problems).toEqual(["Ignored the start of the range: not a date"]);
  });
});
