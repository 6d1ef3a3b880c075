import { describe, expect, it } from "vitest";
import { emptyInboxView, inboxHref, inboxListInput, parseInboxSearchParams } from "./inbox-search-params";

const ruleId = "0190f5d2-0000-7000-8000-000000000001";

describe("inbox search params", () => {
  it("round-trips every filter through the URL", () => {
    const view = { unread: true, severity: "high" as const, rule: ruleId, community: "", archived: true };
    const href = inboxHref("acme", view);
    expect(href).toBe(`/w/acme/inbox?unread=1&severity=high&rule=${ruleId}&archived=1`);
    expect(parseInboxSearchParams(new URL(href, "http://x").searchParams)).toEqual(view);
  });

  it("drops what makes no sense", () => {
    expect(parseInboxSearchParams({ severity: "urgent", rule: "not-an-id", unread: "maybe", community: ["x", "y"] })).toEqual(emptyInboxView);
    expect(inboxHref("acme", emptyInboxView)).toBe("/w/acme/inbox");
  });
});

describe("inboxListInput", () => {
  it("asks only for the filters that are set", () => {
    expect(inboxListInput(emptyInboxView)).toEqual({ archived: false, limit: 50 });
    expect(inboxListInput({ unread: true, severity: "critical", rule: ruleId, community: ruleId, archived: true })).toEqual({
      archived: true,
      unread: true,
      severities: ["critical"],
      ruleIds: [ruleId],
      communityIds: [ruleId],
      limit: 50,
    });
  });
});
