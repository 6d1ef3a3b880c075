import { describe, expect, it } from "vitest";
import { formatExamples } from "./fixtures/format-examples";
import { findIngestFormat, getFormat, ingestFormatIds, ingestFormats } from "./formats";
import { normalisedEventSchema } from "./normalised-event";
import { context, expectEvent } from "./test-helpers";

const oddValues: unknown[] = [null, 0, -1.5, "", "x".repeat(5000), true, [], [null], {}, { nested: [1, "a"] }];

// Every field of an example replaced by each odd value in turn (nested objects too).
function* mutate(value: unknown, depth = 0): Generator<unknown> {
  if (depth > 3 || typeof value !== "object" || value === null) return;
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  for (const [key, child] of entries) {
    const place = (replacement: unknown) => (Array.isArray(value) ? value.map((item, index) => (index === key ? replacement : item)) : { ...value, [key]: replacement });
    for (const odd of oddValues) yield place(odd);
    for (const mutated of mutate(child, depth + 1)) yield place(mutated);
  }
}

describe("ingest formats", () => {
  it("registers the six formats, each with an adapter and a paragraph of setup help", () => {
    expect(Object.keys(ingestFormats)).toEqual([...ingestFormatIds]);
    expect([...ingestFormatIds]).toEqual(["generic", "cloudevents", "authentik", "datatheorem", "slack", "teams"]);
    for (const id of ingestFormatIds) {
      const format = ingestFormats[id];
      expect(format.id).toBe(id);
      expect(format.label.length).toBeGreaterThan(0);
      expect(format.description.length).toBeGreaterThan(10);
      expect(format.setupHint.length).toBeGreaterThan(100);
      expect(format.setupHint).not.toMatch(/\n/);
      expect(typeof format.adapter).toBe("function");
      expect(getFormat(id)).toBe(format);
    }
    expect(ingestFormats.generic.acceptsBatch).toBe(true);
    expect(ingestFormats.cloudevents.acceptsBatch).toBe(true);
    expect(ingestFormats.slack.acceptsBatch).toBe(false);
    expect(findIngestFormat("atlassian-audit")).toBeNull();
  });

  it("has realistic examples for every format", () => {
    for (const id of ingestFormatIds) expect(Object.keys(formatExamples[id]).length, id).toBeGreaterThan(1);
  });

  for (const id of ingestFormatIds) {
    it(`${id}: every example's output passes the NormalisedEvent schema and keeps the raw item`, () => {
      for (const [name, item] of Object.entries(formatExamples[id])) {
        const event = expectEvent(ingestFormats[id].adapter(item, context));
        const again = normalisedEventSchema.safeParse(event);
        expect(again.success, `${id} / ${name}: ${JSON.stringify(again.error?.issues)}`).toBe(true);
        expect(again.data, `${id} / ${name}`).toEqual(event);
        expect(event.raw).toBe(item);
        if (id === "authentik" || id === "datatheorem") expect(event.type, name).toMatch(new RegExp(`^${id}\\.`));
      }
    });

    it(`${id}: never throws, and whatever it accepts passes the schema, for mutated examples`, () => {
      let accepted = 0;
      let rejected = 0;
      for (const item of Object.values(formatExamples[id])) {
        for (const mutated of mutate(item)) {
          const result = ingestFormats[id].adapter(mutated, context);
          if (result.ok) {
            accepted += 1;
            expect(normalisedEventSchema.safeParse(result.event).success).toBe(true);
          } else {
            rejected += 1;
            for (const issue of result.issues) expect(issue).toEqual({ path: expect.stringMatching(/^event/), message: expect.any(String) });
          }
        }
      }
      expect(accepted + rejected).toBeGreaterThan(50);
    });
  }
});
