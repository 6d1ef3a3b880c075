import { describe, expect, it } from "vitest";
import { compileRule, validateRuleDefinition, type CompiledRule } from "./compile-rule";

const sourceId = "50000000-0000-4000-8000-000000000001";

function expectRule(input: { triggers: unknown; conditions?: unknown }): CompiledRule {
  const result = compileRule({ triggers: input.triggers, conditions: input.conditions });
  if (!result.ok) expect.fail(`expected the rule to compile, got ${JSON.stringify(result.errors)}`);
  return result.rule;
}

describe("compileRule", () => {
  it("applies the schema's defaults and splits exact triggers from patterns", () => {
    const rule = expectRule({ triggers: ["authentik.login_failed", "alert.*"], conditions: {} });
    expect(rule.definition.conditions).toEqual({ minSeverity: null, sourceIds: [], products: [], fields: [], cel: null });
    expect([...rule.exactTypes]).toEqual(["authentik.login_failed"]);
    expect(rule.typePatterns.map(String)).toEqual([String(/^alert\.[a-z0-9_]+(?:\.[a-z0-9_]+)*$/)]);
    expect(rule.minSeverityRank).toBe(0);
    expect(rule.sourceIds).toBeNull();
    expect(rule.cel).toBeNull();
  });

  it("compiles every kind of condition", () => {
    const rule = expectRule({
      triggers: ["*"],
      conditions: {
        minSeverity: "high",
        sourceIds: [sourceId],
        fields: [
          { field: "severity", operator: "equals", value: "HIGH" },
          { field: "actor", operator: "oneOf", values: ["jdoe", "akadmin"] },
          { field: "title", operator: "contains", value: "fail (x)" },
          { field: "data.context.username", operator: "regex", pattern: "(?i)^j" },
          { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8", "::ffff:192.168.0.0/112"], negate: true },
        ],
        cel: "event.severityRank >= 3",
      },
    });
    expect(rule.minSeverity).toBe("high");
    expect(rule.minSeverityRank).toBe(3);
    expect([...(rule.sourceIds ?? [])]).toEqual([sourceId]);
    expect(rule.fields.map((field) => field.operator)).toEqual(["equals", "oneOf", "contains", "regex", "cidr"]);
    expect(rule.fields[0]).toMatchObject({ value: "high", ignoreCase: true, path: { kind: "field", name: "severity" } });
    expect(rule.fields[3]).toMatchObject({ path: { kind: "payload", root: "data", segments: ["context", "username"] } });
    expect(rule.fields[4]?.negate).toBe(true);
    expect(rule.cel?.expression).toBe("event.severityRank >= 3");
  });

  it("reports every problem at once, each at the path of its input, in input order", () => {
    const result = compileRule({
      triggers: ["authentik.login_failed", "Alert.*", "authentik.logn_*"],
      conditions: {
        minSeverity: "urgent",
        fields: [
          { field: "title", operator: "contains", value: "x" },
          { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8", "10.0.0.0/33"] },
          { field: "message", operator: "regex", pattern: "(a+)+$" },
          { field: "nope", operator: "equals", value: "x" },
        ],
        cel: "event.foo == 1",
      },
    });
    if (result.ok) expect.fail("compiled");
    expect(result.errors.map((error) => error.path)).toEqual([
      "conditions.cel",
      "conditions.fields.1.blocks.1",
      "conditions.fields.2.pattern",
      "conditions.fields.3.field",
      "conditions.minSeverity",
      "triggers.1",
    ]);
    expect(result.errors.find((error) => error.path === "triggers.1")?.message).toMatch(/lowercase: write alert\.\*/);
    expect(result.errors.find((error) => error.path === "conditions.fields.2.pattern")?.message).toMatch(/repeats a group that itself repeats/);
    expect(result.errors.find((error) => error.path === "conditions.fields.1.blocks.1")?.message).toMatch(/from 0 to 32/);
    expect(result.errors.find((error) => error.path === "conditions.cel")).toMatchObject({ message: expect.stringMatching(/event has no field "foo"/), position: 6, end: 9 });
    expect(result.warnings).toEqual([{ path: "triggers.2", message: "no known event type matches authentik.logn_*" }]);
  });

  it("reports matcher problems when the rest of the definition is valid", () => {
    const result = compileRule({
      triggers: ["alert.created"],
      conditions: { fields: [{ field: "clientIp", operator: "cidr", blocks: ["banana", "10.0.0.0/8", "10.1.0.0/8"] }], cel: "event.title" },
    });
    if (result.ok) expect.fail("compiled");
    expect(result.errors).toEqual([
      { path: "conditions.cel", message: expect.stringMatching(/must be true or false/), position: 0, end: 11 },
      { path: "conditions.fields.0.blocks.0", message: '"banana" is not an IPv4 or IPv6 address' },
      { path: "conditions.fields.0.blocks.2", message: "10.1.0.0/8 has bits set after the first 8; did you mean 10.0.0.0/8?" },
    ]);
  });

  it.each([
    [{ triggers: [] }, "triggers", /Add at least one event type/],
    [{ triggers: "alert.*" }, "triggers", /expected array/i],
    [{ triggers: ["*"], conditions: { fields: [{ field: "title", operator: "startsWith", value: "x" }] } }, "conditions.fields.0.operator", /./],
    [{ triggers: ["*"], conditions: { fields: [{ field: "data.", operator: "equals", value: "x" }] } }, "conditions.fields.0.field", /payload path/],
    [{ triggers: ["*"], conditions: { sourceIds: ["not-a-uuid"] } }, "conditions.sourceIds.0", /UUID/i],
    [{ triggers: ["*"], conditions: { fields: [{ field: "actor", operator: "oneOf", values: [] }] } }, "conditions.fields.0.values", /at least one value/],
  ])("rejects %j at %s", (input, path, message) => {
    const result = compileRule({ triggers: input.triggers, conditions: (input as { conditions?: unknown }).conditions });
    if (result.ok) expect.fail("compiled");
    expect(result.errors.find((error) => error.path === path)?.message).toMatch(message);
  });

  it("warns, without failing, about triggers that match no known type", () => {
    const result = compileRule({ triggers: ["acme.thing_happened", "alert.*", "authentik.logn_*"], conditions: {} });
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      { path: "triggers.0", message: "no known event type matches acme.thing_happened" },
      { path: "triggers.2", message: "no known event type matches authentik.logn_*" },
    ]);
  });

  it("treats an empty CEL expression as none", () => {
    expect(expectRule({ triggers: ["*"], conditions: { cel: "   " } }).cel).toBeNull();
  });
});

describe("validateRuleDefinition", () => {
  it("returns the definition to store, with defaults, only when it is valid", () => {
    expect(validateRuleDefinition({ triggers: ["alert.*"], conditions: { fields: [{ field: "title", operator: "contains", value: "db" }] } })).toEqual({
      valid: true,
      errors: [],
      warnings: [],
      definition: {
        triggers: ["alert.*"],
        conditions: { minSeverity: null, sourceIds: [], products: [], fields: [{ field: "title", operator: "contains", value: "db", negate: false }], cel: null },
      },
    });
  });

  it("returns errors and warnings together, and no definition, when anything is wrong", () => {
    const result = validateRuleDefinition({ triggers: ["acme.*"], conditions: { cel: "event.severityRank >" } });
    expect(result).toMatchObject({ valid: false, definition: null, warnings: [{ path: "triggers.0" }], errors: [{ path: "conditions.cel" }] });
  });

  it.each([null, "rule", 42])("refuses %j", (input) => {
    expect(validateRuleDefinition(input)).toMatchObject({ valid: false, errors: [{ path: "", message: expect.stringMatching(/triggers and conditions/) }] });
  });
});
