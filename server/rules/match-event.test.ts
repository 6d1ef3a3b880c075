import { describe, expect, it } from "vitest";
import { normaliseAuthentik } from "@/server/ingest/adapters/authentik";
import { normaliseDataTheorem } from "@/server/ingest/adapters/datatheorem";
import loginFailedFixture from "@/server/ingest/fixtures/authentik-event-login-failed.json";
import loginFixture from "@/server/ingest/fixtures/authentik-event-login.json";
import violationOpenedFixture from "@/server/ingest/fixtures/datatheorem-policy-violation-opened.json";
import violationResolvedFixture from "@/server/ingest/fixtures/datatheorem-policy-violation-resolved.json";
import type { AdapterResult } from "@/server/ingest/adapter-result";
import { compileRule, type CompiledRule } from "./compile-rule";
import { isEventMatched, matchEvent } from "./match-event";
import type { FieldMatcher, MatchableEvent } from "./rule-definition";

const sourceA = "50000000-0000-4000-8000-00000000000a";
const sourceB = "50000000-0000-4000-8000-00000000000b";

function makeEvent(overrides: Partial<MatchableEvent> = {}): MatchableEvent {
  return {
    id: "0190a1b2-0000-7000-8000-000000000001",
    communityId: "c0000000-0000-4000-8000-000000000001",
    sourceId: sourceA,
    type: "authentik.login_failed",
    severity: "medium",
    title: "Failed login for jdoe",
    message: "The password stage rejected a sign-in attempt for jdoe.",
    actor: "jdoe",
    clientIp: "203.0.113.77",
    occurredAt: new Date("2024-05-02T08:41:09Z"),
    receivedAt: new Date("2024-05-02T08:41:10Z"),
    externalId: "4b4a1b8e",
    fingerprint: null,
    origin: "ingest",
    data: {
      app: "authentik.events.signals",
      attempts: 3,
      locked: false,
      context: { username: "jdoe", stage: "default-authentication-password", geo: { country: "NL" } },
      findings: [{ title: "Weak TLS" }, { title: "Open port" }],
    },
    raw: { action: "login_failed", user: { pk: 2, username: "AnonymousUser" } },
    ...overrides,
  };
}

function compile(triggers: string[], conditions: object = {}): CompiledRule {
  const result = compileRule({ triggers, conditions });
  if (!result.ok) expect.fail(`rule did not compile: ${JSON.stringify(result.errors)}`);
  return result.rule;
}

function fieldRule(matcher: Partial<FieldMatcher> & { field: string; operator: FieldMatcher["operator"] }): CompiledRule {
  return compile(["*"], { fields: [matcher] });
}

/** matchEvent and isEventMatched must always agree; returns matchEvent's answer. */
function check(rule: CompiledRule, event: MatchableEvent) {
  const result = matchEvent(rule, event);
  expect(isEventMatched(rule, event)).toBe(result.matched);
  return result;
}

describe("triggers", () => {
  it.each([
    [["authentik.login_failed"], "authentik.login_failed", true],
    [["authentik.login_failed"], "authentik.login", false],
    [["authentik.login_*"], "authentik.login_failed", true],
    [["authentik.login_*"], "authentik.login", false],
    [["authentik.login*"], "authentik.login", true],
    [["alert.*"], "alert.created", true],
    [["alert.*"], "alert.x.y", true],
    [["alert.*"], "alert", false],
    [["audit.*.created"], "audit.rule.created", true],
    [["audit.*.created"], "audit.created", false],
    [["*"], "anything.at_all", true],
    [["alert.created", "authentik.*"], "authentik.logout", true],
    [["alert.created", "datatheorem.*"], "authentik.logout", false],
  ])("%j vs %s → %s", (triggers, type, expected) => {
    expect(check(compile(triggers), makeEvent({ type })).matched).toBe(expected);
  });

  it("says which triggers the type missed", () => {
    expect(check(compile(["authentik.login_failed"]), makeEvent({ type: "authentik.login" }))).toEqual({
      matched: false,
      reason: "type authentik.login is not one of authentik.login_failed",
    });
    expect(check(compile(["alert.*", "datatheorem.*"]), makeEvent())).toEqual({
      matched: false,
      reason: "type authentik.login_failed is not one of alert.*, datatheorem.*",
    });
  });
});

describe("minimum severity and sources", () => {
  it.each([
    ["high", "critical", true],
    ["high", "high", true],
    ["high", "medium", false],
    ["info", "info", true],
    ["critical", "high", false],
  ] as const)("at least %s, event %s → %s", (minSeverity, severity, expected) => {
    const result = check(compile(["*"], { minSeverity }), makeEvent({ severity }));
    expect(result.matched).toBe(expected);
    if (!result.matched) expect(result.reason).toBe(`severity ${severity} is below ${minSeverity}`);
  });

  it.each([
    [[], sourceA, true],
    [[sourceA], sourceA, true],
    [[sourceA, sourceB], sourceB, true],
    [[sourceB], sourceA, false],
    [[sourceA], null, false], // a system event has no source
  ])("sources %j, event from %s → %s", (sourceIds, sourceId, expected) => {
    expect(check(compile(["*"], { sourceIds }), makeEvent({ sourceId })).matched).toBe(expected);
  });

  it("explains a source miss", () => {
    expect(check(compile(["*"], { sourceIds: [sourceB] }), makeEvent())).toEqual({ matched: false, reason: "the event's source is not the rule's source" });
    expect(check(compile(["*"], { sourceIds: [sourceB, sourceB.replace("b", "c")] }), makeEvent())).toEqual({
      matched: false,
      reason: "the event's source is not one of the rule's 2 sources",
    });
  });

  const gate = (product: unknown) => makeEvent({ type: "secobserve.security_gate.changed", data: { product, previousGate: "passed", newGate: "failed" } });

  it.each([
    [[], "payments-api", true],
    [[], undefined, true], // no products named: events about no product pass too
    [["payments-api"], "payments-api", true],
    [["Payments-API"], "payments-api", true], // any case, either side
    [["payments-api"], "  PAYMENTS-api ", true],
    [["shop-web", "payments-api"], "payments-api", true],
    [["shop-web"], "payments-api", "product \"payments-api\" is not one of shop-web"],
    [["payments"], "payments-api", "product \"payments-api\" is not one of payments"], // whole names, not prefixes
    [["payments-api"], undefined, "the event names no product (data.product); the rule wants payments-api"],
    [["payments-api"], 12, "the event names no product (data.product); the rule wants payments-api"],
    [["payments-api"], "", "the event names no product (data.product); the rule wants payments-api"],
  ] as const)("products %j, event about %j → %s", (products, product, expected) => {
    const result = check(compile(["secobserve.*"], { products }), gate(product));
    expect(result).toEqual(expected === true ? { matched: true } : { matched: false, reason: expected });
  });

  it("refuses empty, long and too many product names", () => {
    const refused = (products: unknown) => {
      const result = compileRule({ triggers: ["*"], conditions: { products } });
      return result.ok ? [] : result.errors.map((error) => `${error.path}: ${error.message}`);
    };
    expect(refused(["  "])).toEqual(["conditions.products.0: A product name cannot be empty"]);
    expect(refused(["x".repeat(201)])).toEqual(["conditions.products.0: A product name has at most 200 characters"]);
    expect(refused(Array.from({ length: 101 }, (_, i) => `p${i}`))).toEqual(["conditions.products: At most 100 products"]);
    expect(compileRule({ triggers: ["*"], conditions: { products: [" payments-api "] } })).toMatchObject({ ok: true, rule: { definition: { conditions: { products: ["payments-api"] } } } });
  });
});

describe("field matchers", () => {
  type Case = [string, Partial<FieldMatcher> & { field: string; operator: FieldMatcher["operator"] }, Partial<MatchableEvent>, true | string];
  // Each case: a matcher, what the event differs in, and true or the reason for the miss.
  const cases: Case[] = [
    // equals: exact and case-sensitive, except type and severity
    ["equals", { field: "actor", operator: "equals", value: "jdoe" }, {}, true],
    ["equals is case-sensitive", { field: "actor", operator: "equals", value: "JDoe" }, {}, 'actor is "jdoe", not "JDoe"'],
    ["equals negated", { field: "actor", operator: "equals", value: "jdoe", negate: true }, {}, 'actor is "jdoe"'],
    ["equals negated, other value", { field: "actor", operator: "equals", value: "root", negate: true }, {}, true],
    ["equals on severity ignores case", { field: "severity", operator: "equals", value: "MEDIUM" }, {}, true],
    ["equals on type ignores case", { field: "type", operator: "equals", value: "Authentik.Login_Failed" }, {}, true],
    ["equals a number by its string form", { field: "data.attempts", operator: "equals", value: "3" }, {}, true],
    ["equals a boolean by its string form", { field: "data.locked", operator: "equals", value: "false" }, {}, true],
    ["equals a nested payload value", { field: "data.context.geo.country", operator: "equals", value: "NL" }, {}, true],
    ["equals a raw value", { field: "raw.user.username", operator: "equals", value: "AnonymousUser" }, {}, true],
    ["equals an array element by index", { field: "data.findings.1.title", operator: "equals", value: "Open port" }, {}, true],
    ["equals the empty string", { field: "title", operator: "equals", value: "" }, { title: "" }, true],
    // oneOf
    ["oneOf", { field: "actor", operator: "oneOf", values: ["root", "jdoe"] }, {}, true],
    ["oneOf miss", { field: "actor", operator: "oneOf", values: ["root", "admin"] }, {}, 'actor "jdoe" is not one of root, admin'],
    ["oneOf is case-sensitive", { field: "actor", operator: "oneOf", values: ["JDOE"] }, {}, 'actor "jdoe" is not one of JDOE'],
    ["oneOf on severity ignores case", { field: "severity", operator: "oneOf", values: ["High", "Medium"] }, {}, true],
    ["oneOf negated", { field: "actor", operator: "oneOf", values: ["jdoe"], negate: true }, {}, 'actor "jdoe" is one of the excluded values jdoe'],
    ["oneOf negated, other value", { field: "origin", operator: "oneOf", values: ["system", "audit"], negate: true }, {}, true],
    ["oneOf a number", { field: "raw.user.pk", operator: "oneOf", values: ["1", "2"] }, {}, true],
    // contains: case-insensitive, literal
    ["contains", { field: "message", operator: "contains", value: "password stage" }, {}, true],
    ["contains ignores case", { field: "message", operator: "contains", value: "PASSWORD" }, {}, true],
    ["contains is literal", { field: "title", operator: "contains", value: "login.for" }, {}, 'title does not contain "login.for"'],
    ["contains with regex characters", { field: "title", operator: "contains", value: "(x)" }, { title: "a (X) b" }, true],
    ["contains miss", { field: "message", operator: "contains", value: "totp" }, {}, 'message does not contain "totp"'],
    ["contains negated", { field: "message", operator: "contains", value: "password", negate: true }, {}, 'message contains "password"'],
    ["contains negated, absent text", { field: "message", operator: "contains", value: "totp", negate: true }, {}, true],
    ["contains non-ASCII ignoring case", { field: "title", operator: "contains", value: "ÉCHEC" }, { title: "Échec de connexion" }, true],
    // regex
    ["regex", { field: "data.context.stage", operator: "regex", pattern: "^default-.*-password$" }, {}, true],
    ["regex is case-sensitive", { field: "actor", operator: "regex", pattern: "^JDOE$" }, {}, "actor does not match /^JDOE$/"],
    ["regex with (?i)", { field: "actor", operator: "regex", pattern: "(?i)^JDOE$" }, {}, true],
    ["regex negated", { field: "actor", operator: "regex", pattern: "^j", negate: true }, {}, "actor matches /^j/"],
    ["regex negated, no match", { field: "actor", operator: "regex", pattern: "^root$", negate: true }, {}, true],
    ["regex on a number", { field: "data.attempts", operator: "regex", pattern: "^[3-9]$" }, {}, true],
    // cidr
    ["cidr outside", { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"] }, {}, "clientIp 203.0.113.77 is not inside 10.0.0.0/8"],
    ["cidr inside", { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8", "203.0.113.0/24"] }, {}, true],
    ["cidr negated, outside", { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true }, {}, true],
    ["cidr negated, inside", { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true }, { clientIp: "10.1.2.3" }, "clientIp 10.1.2.3 is inside 10.0.0.0/8"],
    ["cidr IPv6", { field: "clientIp", operator: "cidr", blocks: ["2001:db8::/32"] }, { clientIp: "2001:db8::7" }, true],
    ["cidr IPv4-mapped", { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"] }, { clientIp: "::ffff:10.1.2.3" }, true],
    ["cidr negated, IPv4-mapped inside", { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true }, { clientIp: "::ffff:10.1.2.3" }, "clientIp ::ffff:10.1.2.3 is inside 10.0.0.0/8"],
    ["cidr on a payload path", { field: "data.context.ip", operator: "cidr", blocks: ["192.168.0.0/16"] }, { data: { context: { ip: "192.168.4.4" } } }, true],
    ["cidr on text that is no address", { field: "actor", operator: "cidr", blocks: ["10.0.0.0/8"] }, {}, 'actor "jdoe" is not an IP address'],
    // missing values: no match for positive matchers, a match for negated ones
    ["equals, null field", { field: "fingerprint", operator: "equals", value: "x" }, {}, "fingerprint is missing"],
    ["equals negated, null field", { field: "fingerprint", operator: "equals", value: "x", negate: true }, {}, true],
    ["oneOf, absent path", { field: "data.context.nope", operator: "oneOf", values: ["x"] }, {}, "data.context.nope is missing"],
    ["contains, null data", { field: "data.app", operator: "contains", value: "x" }, { data: null }, "data.app is missing"],
    ["contains negated, null data", { field: "data.app", operator: "contains", value: "x", negate: true }, { data: null }, true],
    ["regex, path through a string", { field: "data.app.x", operator: "regex", pattern: "." }, {}, "data.app.x is missing"],
    ["cidr, null clientIp", { field: "clientIp", operator: "cidr", blocks: ["0.0.0.0/0"] }, { clientIp: null }, "clientIp is missing"],
    ["cidr negated, null clientIp", { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true }, { clientIp: null }, true],
    ["an object is not a value", { field: "data.context", operator: "contains", value: "jdoe" }, {}, "data.context is missing"],
    ["a list is not a value", { field: "data.findings", operator: "contains", value: "TLS" }, {}, "data.findings is missing"],
    ["array index out of range", { field: "data.findings.5.title", operator: "equals", value: "x" }, {}, "data.findings.5.title is missing"],
    ["array by name", { field: "data.findings.length", operator: "equals", value: "2" }, {}, "data.findings.length is missing"],
    ["no prototype properties", { field: "data.constructor", operator: "contains", value: "Object" }, {}, "data.constructor is missing"],
    ["no prototype properties, raw", { field: "raw.__proto__", operator: "equals", value: "[object Object]" }, {}, "raw.__proto__ is missing"],
    ["raw that is not an object", { field: "raw.x", operator: "equals", value: "x" }, { raw: "plain text" }, "raw.x is missing"],
  ];

  it.each(cases)("%s", (_label, matcher, overrides, expected) => {
    const result = check(fieldRule(matcher), makeEvent(overrides));
    expect(result).toEqual(expected === true ? { matched: true } : { matched: false, reason: expected });
  });

  it("requires every matcher to hold and reports the first that does not", () => {
    const rule = compile(["*"], {
      fields: [
        { field: "actor", operator: "equals", value: "jdoe" },
        { field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true },
        { field: "message", operator: "contains", value: "totp" },
        { field: "title", operator: "contains", value: "nothing like it" },
      ],
    });
    expect(check(rule, makeEvent())).toEqual({ matched: false, reason: 'message does not contain "totp"' });
    expect(check(rule, makeEvent({ message: "TOTP failed", title: "nothing like it" })).matched).toBe(true);
  });
});

describe("CEL", () => {
  it.each([
    ["event.data.attempts >= 3", {}, true],
    ["event.data.attempts >= 5", {}, "CEL expression returned false"],
    ["event.data.missing == 1", {}, /^CEL error: No such key: missing/],
    ["event.message.contains(\"password\")", { message: null }, /^CEL error: .*null/],
    ["event.data.attempts", {}, /^CEL error: The expression gave a number, not true or false$/],
    ["event.data.big.all(x, x >= 0.0)", { data: { big: Array.from({ length: 50_000 }, () => 1) } }, /^CEL error: The expression exceeds the evaluation budget/],
  ] as const)("%s", (cel, overrides, expected) => {
    const result = check(compile(["*"], { cel }), makeEvent(overrides));
    if (expected === true) expect(result).toEqual({ matched: true });
    else if (typeof expected === "string") expect(result).toEqual({ matched: false, reason: expected });
    else expect(result.matched === false && result.reason).toMatch(expected);
  });
});

describe("the order of checks: cheapest first", () => {
  const rule = compile(["authentik.*"], {
    minSeverity: "high",
    sourceIds: [sourceA],
    fields: [{ field: "actor", operator: "equals", value: "root" }],
    cel: "event.data.missing == 1", // would be an error, so reaching it shows in the reason
  });

  it.each([
    [{ type: "alert.created", severity: "info", sourceId: sourceB, actor: "jdoe" }, /^type alert\.created is not one of authentik\.\*$/],
    [{ severity: "info", sourceId: sourceB, actor: "jdoe" }, /^severity info is below high$/],
    [{ severity: "high", sourceId: sourceB, actor: "jdoe" }, /^the event's source/],
    [{ severity: "high", actor: "jdoe" }, /^actor is "jdoe"/],
    [{ severity: "high", actor: "root" }, /^CEL error/],
  ] as const)("%j → %s", (overrides, reason) => {
    const result = check(rule, makeEvent(overrides));
    expect(result.matched === false && result.reason).toMatch(reason);
  });
});

describe("the issue's example: a critical Data Theorem violation, or an authentik login_failed from outside 10.0.0.0/8", () => {
  const receivedAt = new Date("2024-06-01T12:00:00Z");

  function fromAdapter(result: AdapterResult, sourceId: string): MatchableEvent {
    if (!result.ok) expect.fail(JSON.stringify(result.issues));
    return { ...result.event, id: `event-${sourceId}`, communityId: "c1", sourceId, receivedAt, origin: "ingest" };
  }

  const authentikSource = "50000000-0000-4000-8000-0000000000a1";
  const dataTheoremSource = "50000000-0000-4000-8000-0000000000d7";
  const withRelevance = (relevance: string) => ({
    ...violationOpenedFixture,
    event: { ...violationOpenedFixture.event, data: { ...violationOpenedFixture.event.data, relevance } },
  });
  const events = {
    criticalViolation: fromAdapter(normaliseDataTheorem(withRelevance("CRITICAL"), { receivedAt }), dataTheoremSource),
    urgentViolation: fromAdapter(normaliseDataTheorem(violationOpenedFixture, { receivedAt }), dataTheoremSource),
    resolvedViolation: fromAdapter(normaliseDataTheorem(violationResolvedFixture, { receivedAt }), dataTheoremSource),
    loginFailedOutside: fromAdapter(normaliseAuthentik(loginFailedFixture, { receivedAt }), authentikSource),
    loginFailedInside: fromAdapter(normaliseAuthentik({ ...loginFailedFixture, client_ip: "10.20.30.40" }, { receivedAt }), authentikSource),
    loginFailedMapped: fromAdapter(normaliseAuthentik({ ...loginFailedFixture, client_ip: "::ffff:10.20.30.40" }, { receivedAt }), authentikSource),
    login: fromAdapter(normaliseAuthentik(loginFixture, { receivedAt }), authentikSource),
  };

  it("normalises the fixtures into the events the rules see", () => {
    expect(events.criticalViolation).toMatchObject({ type: "datatheorem.policy_violation.opened", severity: "critical" });
    expect(events.urgentViolation).toMatchObject({ type: "datatheorem.policy_violation.opened", severity: "high" });
    expect(events.resolvedViolation).toMatchObject({ type: "datatheorem.policy_violation.resolved", severity: "info" });
    expect(events.loginFailedOutside).toMatchObject({ type: "authentik.login_failed", clientIp: "203.0.113.77" });
    expect(events.login).toMatchObject({ type: "authentik.login", clientIp: "::1" });
  });

  const expected: Record<keyof typeof events, boolean> = {
    criticalViolation: true,
    urgentViolation: false,
    resolvedViolation: false,
    loginFailedOutside: true,
    loginFailedInside: false,
    loginFailedMapped: false,
    login: false,
  };

  it("as two rules", () => {
    const violations = compile(["datatheorem.policy_violation.*"], { minSeverity: "critical" });
    const logins = compile(["authentik.login_failed"], { fields: [{ field: "clientIp", operator: "cidr", blocks: ["10.0.0.0/8"], negate: true }] });
    const outcome = Object.fromEntries(Object.entries(events).map(([name, event]) => [name, check(violations, event).matched || check(logins, event).matched]));
    expect(outcome).toEqual(expected);

    expect(check(violations, events.urgentViolation)).toEqual({ matched: false, reason: "severity high is below critical" });
    expect(check(logins, events.loginFailedInside)).toEqual({ matched: false, reason: "clientIp 10.20.30.40 is inside 10.0.0.0/8" });
    expect(check(logins, events.loginFailedMapped)).toEqual({ matched: false, reason: "clientIp ::ffff:10.20.30.40 is inside 10.0.0.0/8" });
    expect(check(logins, events.login)).toEqual({ matched: false, reason: "type authentik.login is not one of authentik.login_failed" });
  });

  it("as one rule with a CEL condition", () => {
    const rule = compile(["datatheorem.policy_violation.*", "authentik.login_failed"], {
      cel: [
        'event.type.startsWith("datatheorem.")',
        '  ? event.severity == "critical"',
        '  : event.clientIp == null || !(event.clientIp.startsWith("10.") || event.clientIp.startsWith("::ffff:10."))',
      ].join("\n"),
    });
    const outcome = Object.fromEntries(Object.entries(events).map(([name, event]) => [name, check(rule, event).matched]));
    expect(outcome).toEqual(expected);
    expect(check(rule, events.urgentViolation)).toEqual({ matched: false, reason: "CEL expression returned false" });
  });
});
