import { describe, expect, it } from "vitest";
import { describeConditions, describeDestinations, describeScope } from "./describe-rule";

describe("describe-rule", () => {
  it("puts conditions in words", () => {
    expect(describeConditions({ minSeverity: null, sourceIds: [], products: [], fields: [], cel: null })).toBe("No conditions");
    expect(describeConditions({ minSeverity: null, sourceIds: [], products: ["payments-api"], fields: [], cel: null })).toBe("product payments-api");
    expect(describeConditions({ minSeverity: null, sourceIds: [], products: ["a", "b", "c"], fields: [], cel: null })).toBe("3 products");
    expect(
      describeConditions({
        minSeverity: "high",
        sourceIds: ["a", "b"],
        products: ["payments-api", "shop-web"],
        fields: [
          { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true },
          { field: "actor", operator: "equals", value: "jdoe", negate: false },
        ],
        cel: "true",
      }),
    ).toBe('High or higher · 2 sources · product payments-api or shop-web · clientIp not in 10.0.0.0/8 · actor = "jdoe" · CEL expression');
  });

  it("names the scope", () => {
    expect(describeScope("community", "Globex", [])).toBe("Globex");
    expect(describeScope("workspace", "Globex", [])).toBe("All communities");
    expect(describeScope("communities", "Globex", ["A", "B"])).toBe("2 communities");
  });

  it("lists where a rule notifies: the inbox, then its channels by name", () => {
    const channels = new Map([
      ["c1", { kind: "webhook" as const, name: "SOAR intake", enabled: false }],
      ["c2", { kind: "slack" as const, name: "#secops", enabled: true }],
    ]);
    const labels = (rule: { notifyInApp: boolean; channelIds: string[] }) => describeDestinations(rule, channels).map((d) => `${d.kind}:${d.label}${d.off ? " (off)" : ""}`);
    expect(labels({ notifyInApp: true, channelIds: ["c1", "c2"] })).toEqual(["inbox:Inbox", "slack:#secops", "webhook:SOAR intake (off)"]);
    expect(labels({ notifyInApp: false, channelIds: ["c2", "x", "y"] })).toEqual(["slack:#secops", "unknown:2 other channels"]);
  });
});
