import { describe, expect, it } from "vitest";
import { describeConditions, describeScope } from "./describe-rule";

describe("describe-rule", () => {
  it("puts conditions in words", () => {
    expect(describeConditions({ minSeverity: null, sourceIds: [], fields: [], cel: null })).toBe("No conditions");
    expect(
      describeConditions({
        minSeverity: "high",
        sourceIds: ["a", "b"],
        fields: [
          { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true },
          { field: "actor", operator: "equals", value: "jdoe", negate: false },
        ],
        cel: "true",
      }),
    ).toBe('High or higher · 2 sources · clientIp not in 10.0.0.0/8 · actor = "jdoe" · CEL expression');
  });

  it("names the scope", () => {
    expect(describeScope("community", "Globex", [])).toBe("Globex");
    expect(describeScope("workspace", "Globex", [])).toBe("All communities");
    expect(describeScope("communities", "Globex", ["A", "B"])).toBe("2 communities");
  });
});
