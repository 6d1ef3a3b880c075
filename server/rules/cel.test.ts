import { describe, expect, it } from "vitest";
import { CEL_STEP_BUDGET, compileCel, evaluateCel, type CelProgram } from "./cel";
import { MAX_CEL_LENGTH, type MatchableEvent } from "./rule-definition";

function makeEvent(overrides: Partial<MatchableEvent> = {}): MatchableEvent {
  return {
    id: "0190a1b2-0000-7000-8000-000000000001",
    communityId: "c0000000-0000-4000-8000-000000000001",
    sourceId: "50000000-0000-4000-8000-000000000001",
    type: "authentik.login_failed",
    severity: "high",
    title: "Failed login for jdoe",
    message: null,
    actor: null,
    clientIp: "203.0.113.77",
    occurredAt: new Date("2024-05-02T03:41:09Z"),
    receivedAt: new Date("2024-05-02T03:41:10Z"),
    externalId: "4b4a1b8e",
    fingerprint: null,
    origin: "ingest",
    data: { app: "authentik.events.signals", attempts: 3, admin: false, context: { username: "jdoe", stage: "password" }, tags: ["vpn", "eu"] },
    raw: { action: "login_failed", user: { pk: 2 } },
    ...overrides,
  };
}

function compile(expression: string): CelProgram {
  const result = compileCel(expression);
  if (!result.ok) expect.fail(`expected ${expression} to compile, got: ${result.error.message}`);
  return result.program;
}

function run(expression: string, event = makeEvent(), budget?: number) {
  return evaluateCel(compile(expression), event, budget === undefined ? {} : { budget });
}

describe("compileCel", () => {
  it.each([
    // syntax
    ["event.type = \"x\"", /Unexpected character: =/, 11],
    ["event.type == 'x", /Unterminated string/, 14],
    ["event.type ==", /Unexpected token: EOF/, 13],
    ["(event.severityRank > 2", /Expected RPAREN/, undefined],
    // unknown fields and variables
    ["event.foo == 1", /event has no field "foo"\. Its fields are id, type, severity, .*; payload fields are under event\.data \(event\.data\.foo\)/, 6],
    ["has(event.foo)", /event has no field "foo"/, 10],
    ["event.?foo.orValue(1) == 1", /event has no field "foo"/, 7],
    ["foo == 1", /Unknown variable: foo\. The only variable is event/, 0],
    ["user.name == \"x\"", /Unknown variable: user/, 0],
    // type errors against the declared fields
    ["event.type + 1", /no such overload: string \+ int/, 0],
    ["event.severityRank == \"high\"", /no such overload: int == string/, 0],
    ["event.title.lower()", /found no matching overload for 'string\.lower\(\)'/, 0],
    ["event.occurredAt > 5", /no such overload/, 0],
    // the result must be true or false
    ["event.title", /must be true or false, but it gives a value of type string/, 0],
    ["event.severityRank + 1", /must be true or false, but it gives a value of type int/, 0],
    ["[event.type]", /must be true or false, but it gives a value of type list<string>/, 0],
    // not offered
    ["event.title.matches(\"(a+)+$\")", /matches\(\) is not available in rule expressions: add a regex field matcher/, 0],
    ["matches(event.title, \"x\")", /matches\(\) is not available/, 0],
    ["\"ab\" * 1000000 == \"\"", /no such overload: string \* int/, 0],
    ["   ", /Enter an expression/, undefined],
    ["true || ".padEnd(MAX_CEL_LENGTH + 1, " "), new RegExp(`at most ${MAX_CEL_LENGTH} characters`), undefined],
  ] as const)("refuses %j", (expression, message, position) => {
    const result = compileCel(expression);
    if (result.ok) expect.fail(`${expression} compiled`);
    expect(result.error.message).toMatch(message);
    if (position !== undefined) expect(result.error.position).toBe(position);
    expect(result.error.message).not.toContain("\n"); // one line, for beside the input
  });

  it.each([
    "event.severityRank >= 3",
    "event.type.startsWith(\"authentik.\") && event.clientIp != null",
    "has(event.data.context) && event.data.context.username == \"jdoe\"",
    "event.data.?context.?username.orValue(\"\") == \"jdoe\"",
    "event.raw.user.pk == 2",
    "event.data.flag", // dyn: checked to be a boolean when it runs
    "event.occurredAt.getHours() < 6 // night-time logins\n",
    "event.data.tags.exists(t, t == \"vpn\")",
  ])("accepts %j", (expression) => {
    expect(compileCel(expression).ok).toBe(true);
  });

  it("caches compiled programs", () => {
    const first = compileCel("event.severity == \"critical\"");
    expect(compileCel("event.severity == \"critical\"")).toBe(first);
  });
});

describe("evaluateCel", () => {
  it.each([
    ["event.type == \"authentik.login_failed\"", true],
    ["event.severity == \"high\" && event.severityRank == 3", true],
    ["event.severityRank >= 4", false],
    ["event.origin == \"ingest\"", true],
    // null fields
    ["event.actor == null", true],
    ["event.message == null && event.fingerprint == null", true],
    ["event.actor != null && event.actor.startsWith(\"j\")", false],
    ["event.clientIp != null && event.clientIp.startsWith(\"203.\")", true],
    // payload maps: has() before reading optional keys
    ["has(event.data.attempts)", true],
    ["has(event.data.missing)", false],
    ["has(event.data.context.username)", true],
    ["event.data.attempts >= 3", true], // JSON numbers compare with CEL ints
    ["event.data.attempts == 3.0", true],
    ["event.data.admin == false", true],
    ["event.data.context.stage in [\"password\", \"totp\"]", true],
    ["\"eu\" in event.data.tags", true],
    ["size(event.data.tags) == 2", true],
    ["event.raw.action == \"login_failed\" && event.raw.user.pk == 2", true],
    // timestamps
    ["event.occurredAt < event.receivedAt", true],
    ["event.occurredAt > timestamp(\"2024-01-01T00:00:00Z\")", true],
    ["event.occurredAt.getHours() < 6", true],
    ["event.receivedAt - event.occurredAt < duration(\"5s\")", true],
  ] as const)("%s → %s", (expression, expected) => {
    expect(run(expression)).toEqual({ ok: true, value: expected });
  });

  it("gives a null payload as an empty map", () => {
    expect(run("has(event.data.x)", makeEvent({ data: null }))).toEqual({ ok: true, value: false });
    expect(run("size(event.data) == 0", makeEvent({ data: null }))).toEqual({ ok: true, value: true });
    expect(run("event.raw == null", makeEvent({ raw: undefined }))).toEqual({ ok: true, value: true });
  });

  it.each([
    ["event.data.missing == 1", /^No such key: missing \(check with has\(\), as in has\(event\.data\.missing\) && …\)$/, 11],
    ["event.actor.startsWith(\"j\")", /null\.startsWith\(string\).*the value is null; check it first/, 0],
    ["event.data.tags[5] == \"x\"", /out of range|index/i, undefined],
    ["int(event.data.context.username) > 0", /int|convert|parse/i, undefined],
    ["event.data.context", /gave a map, not true or false/, undefined],
    ["event.data.context.username", /gave the string "jdoe", not true or false/, undefined],
    ["event.severityRank > 1 && event.data.context.username", /Logical operator requires bool operands/, undefined],
  ] as const)("reports a runtime error for %j instead of throwing", (expression, message, position) => {
    const result = run(expression);
    if (result.ok) expect.fail(`${expression} gave ${result.value}`);
    expect(result.error.message).toMatch(message);
    if (position !== undefined) expect(result.error.position).toBe(position);
  });

  it("treats an error on one side of || as CEL does: true wins", () => {
    expect(run("event.data.missing == 1 || event.severityRank == 3")).toEqual({ ok: true, value: true });
    expect(run("event.severityRank == 3 || event.data.missing == 1")).toEqual({ ok: true, value: true });
  });

  describe("the evaluation budget", () => {
    const big = makeEvent({ data: { items: Array.from({ length: 20_000 }, (_, i) => i), text: "x".repeat(100_000) }, raw: null });
    const literal = `[${Array.from({ length: 100 }, (_, i) => i).join(", ")}]`;
    // As deep as the parser's nesting limit allows; the payload gives a long seed.
    const doubling = `cel.bind(s0, event.data.text, ${Array.from({ length: 8 }, (_, i) => `cel.bind(s${i + 1}, s${i} + s${i}, `).join("")}s8.size() > 0${")".repeat(9)}`;

    it.each([
      ["a quadratic exists over a big payload list", "event.data.items.exists(a, event.data.items.exists(b, a == b + 1000000.0))"],
      ["all() over a big payload list", "event.data.items.all(x, x >= 0.0)"],
      ["nested comprehensions over literals", `${literal}.exists(a, ${literal}.exists(b, ${literal}.exists(c, a + b + c < 0)))`],
      ["a string that doubles eight times", doubling],
      ["string building inside a comprehension", `${literal}.map(i, event.data.text + event.data.text).size() == 0`],
      ["list concatenation in a loop", `${literal}.map(i, event.data.items + event.data.items).size() == 0`],
    ])("stops %s", (_label, expression) => {
      const program = compile(expression);
      const started = performance.now();
      const result = evaluateCel(program, big);
      expect(result).toEqual({ ok: false, error: { message: `The expression exceeds the evaluation budget of ${CEL_STEP_BUDGET.toLocaleString("en")} steps` } });
      expect(performance.now() - started).toBeLessThan(250);
    });

    it("does not get in the way of ordinary expressions over ordinary payloads", () => {
      const event = makeEvent({ data: { findings: Array.from({ length: 500 }, (_, i) => ({ id: i, severity: i % 5 === 0 ? "high" : "low" })) } });
      expect(run("event.data.findings.filter(f, f.severity == \"high\").size() == 100", event)).toEqual({ ok: true, value: true });
      expect(run("event.data.findings.exists(f, f.id == 499.0)", event)).toEqual({ ok: true, value: true });
    });

    it("can be set per evaluation, and resets between evaluations", () => {
      expect(run("[1, 2, 3].all(x, x > 0)", makeEvent(), 5).ok).toBe(false);
      expect(run("[1, 2, 3].all(x, x > 0)", makeEvent(), 100)).toEqual({ ok: true, value: true });
      expect(run("[1, 2, 3].all(x, x > 0)")).toEqual({ ok: true, value: true });
    });
  });
});
