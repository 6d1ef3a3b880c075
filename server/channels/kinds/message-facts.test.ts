import { describe, expect, it } from "vitest";
import { renderCases } from "./test-messages";
import { describeFooter, describeOmittedDetails, describeSeverityLine, listEventDetails, listMessageFacts } from "./message-facts";
import { neutraliseMarkdown } from "./neutralise-markdown";

describe("listMessageFacts", () => {
  it("lists what an analyst reads first, the community only in a multi-mode workspace", () => {
    expect(listMessageFacts(renderCases["login-failed"]()).map((fact) => fact.label)).toEqual(["Type", "Actor", "Client IP", "Source", "Community", "Occurred", "Rule"]);
    expect(listMessageFacts(renderCases["send-test"]()).map((fact) => fact.label)).not.toContain("Community");
  });

  it("names Tocsin as the source of its own events, and says a send test has no rule", () => {
    expect(listMessageFacts(renderCases["system-event"]())).toContainEqual({ label: "Source", value: "Tocsin" });
    expect(listMessageFacts(renderCases["send-test"]())).toContainEqual({ label: "Rule", value: "None (send test)" });
  });
});

describe("describeSeverityLine and describeFooter", () => {
  it("show the severity with its emoji and the type's label", () => {
    expect(describeSeverityLine(renderCases["long-violation"]())).toBe("🟠 HIGH · Policy violation opened");
    expect(describeFooter(renderCases["login-failed"]())).toBe("Tocsin · Northwind MSSP · rule Failed logins on SSO");
  });
});

describe("listEventDetails", () => {
  it("flattens nested data to paths, arrays of values to lists", () => {
    const { details, omitted } = listEventDetails({ a: { b: 1, c: [1, 2], d: [{ e: "x" }], f: {}, g: "" }, h: null }, 10);
    expect(details).toEqual([
      { label: "a.b", value: "1" },
      { label: "a.c", value: "1, 2" },
      { label: "a.d[0].e", value: "x" },
      { label: "a.f", value: "{}" },
      { label: "a.g", value: "(empty)" },
      { label: "h", value: "null" },
    ]);
    expect(omitted).toBe(0);
  });

  it("keeps the first ones and counts the rest", () => {
    const data = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
    expect(listEventDetails(data, 5)).toMatchObject({ details: { length: 5 }, omitted: 7 });
    expect(listEventDetails(null, 5)).toEqual({ details: [], omitted: 0 });
    expect(describeOmittedDetails(1)).toBe("1 more detail is in Tocsin");
    expect(describeOmittedDetails(7)).toBe("7 more details are in Tocsin");
  });

  it("stops descending at a depth and shows the rest as JSON", () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } };
    expect(listEventDetails(deep, 5).details).toEqual([{ label: "a.b.c.d.e.f", value: '{"g":{"h":1}}' }]);
  });
});

describe("neutraliseMarkdown", () => {
  it("breaks links, images and reference links", () => {
    const text = neutraliseMarkdown("[a](http://x) ![i](http://x/p.png) [r][1]\n[1]: http://x");
    expect(text).not.toMatch(/\][([:]/);
    expect(text.replace(/\u200b/g, "")).toBe("[a](http://x) ![i](http://x/p.png) [r][1]\n[1]: http://x");
  });

  it("breaks mentions but leaves email addresses alone", () => {
    expect(neutraliseMarkdown("@channel hi @all, (@here) <@123> <@&9> jdoe@example.com")).toBe(
      "@\u200dchannel hi @\u200dall, (@\u200dhere) <@\u200d123> <@\u200d&9> jdoe@example.com",
    );
  });
});
