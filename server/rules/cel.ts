import { Environment, type ASTNode, type ParseResult } from "@marcbachmann/cel-js";
import { severities } from "@/server/events/severities";
import { BoundedCache } from "./bounded-cache";
import { MAX_CEL_LENGTH, type MatchableEvent } from "./rule-definition";
import { getLogger } from "@/server/observability/logger";

const log = getLogger("rules");

/*
 * CEL conditions: "the rest" of a rule that field matchers cannot say, such as
 * `event.data.asset.type == "GRAPHQL_API" && event.occurredAt.getHours() < 6`.
 *
 * Library: @marcbachmann/cel-js (no dependencies, no eval). It type-checks an expression against
 * declared variables, which is what turns `event.foo` or `event.type + 1` into an error in the
 * editor instead of a silent non-match later. @bufbuild/cel was the alternative; it needs protobuf
 * message descriptors to declare a typed `event`, and neither package bounds evaluation cost.
 *
 * The cost bound is ours: the checked expression is wrapped in a macro, `__budget(…)`, which
 * receives the library's evaluator (public macro API) and hands every nested node an evaluator
 * that counts steps, so a comprehension over a huge list or a string that doubles inside nested
 * cel.bind() stops with an error instead of hanging the fan-out. A step is one node evaluated;
 * strings and lists produced also cost by size. The version is pinned exactly because the meter
 * relies on evaluation passing the evaluator down through `run`; isMeterEngaged() proves it on
 * first use and cel.test.ts on every run.
 */

/** Steps one evaluation may take: a few milliseconds at most, far above what a sensible rule needs. */
export const CEL_STEP_BUDGET = 20_000;

export type CelError = { message: string; position?: number; end?: number };
export type CelProgram = {
  readonly expression: string;
  /** The checked expression wrapped in the metering macro, ready to run. */
  readonly run: ParseResult;
};
export type CelCompileResult = { ok: true; program: CelProgram } | { ok: false; error: CelError };
export type CelEvaluation = { ok: true; value: boolean } | { ok: false; error: CelError };

/** What `event` offers in an expression, for the editor's help and for the type declaration. */
export const celEventFields = [
  { name: "id", type: "string", description: "The event's id" },
  { name: "type", type: "string", description: "Dotted event type, such as authentik.login_failed" },
  { name: "severity", type: "string", description: "info, low, medium, high or critical" },
  { name: "severityRank", type: "int", description: "Severity as a number: 0 info … 4 critical" },
  { name: "title", type: "string", description: "One-line summary" },
  { name: "message", type: "string or null", description: "Longer text" },
  { name: "actor", type: "string or null", description: "Who did it, such as a username" },
  { name: "clientIp", type: "string or null", description: "Client IP address" },
  { name: "externalId", type: "string or null", description: "The sending tool's id for the event" },
  { name: "fingerprint", type: "string or null", description: "Key that groups repeats of the same thing" },
  { name: "origin", type: "string", description: "ingest, system or audit" },
  { name: "sourceId", type: "string or null", description: "Intake source id" },
  { name: "communityId", type: "string or null", description: "Community id" },
  { name: "occurredAt", type: "timestamp", description: "When it happened" },
  { name: "receivedAt", type: "timestamp", description: "When Tocsin received it" },
  { name: "data", type: "map", description: "Normalised payload fields; use has(event.data.x) before reading optional ones" },
  { name: "raw", type: "dyn", description: "The payload exactly as received" },
] as const;

// Nullable fields are `dyn`: CEL's `string` cannot be null, and `event.actor == null` must work.
const declaredTypes: Record<string, string> = {
  string: "string",
  "string or null": "dyn",
  int: "int",
  timestamp: "google.protobuf.Timestamp",
  map: "map<string, dyn>",
  dyn: "dyn",
};

/** The `event` variable at run time; the library recognises it by its constructor. */
class CelEvent {
  constructor(
    readonly id: string,
    readonly type: string,
    readonly severity: string,
    readonly severityRank: bigint,
    readonly title: string,
    readonly message: string | null,
    readonly actor: string | null,
    readonly clientIp: string | null,
    readonly externalId: string | null,
    readonly fingerprint: string | null,
    readonly origin: string,
    readonly sourceId: string | null,
    readonly communityId: string | null,
    readonly occurredAt: Date,
    readonly receivedAt: Date,
    readonly data: Record<string, unknown>,
    readonly raw: unknown,
  ) {}
}

const limits = { maxAstNodes: 1_000, maxDepth: 32, maxListElements: 200, maxMapEntries: 100, maxCallArguments: 16 };

// What users' expressions are checked against: error positions refer to their own text.
const checkEnvironment = new Environment({ enableOptionalTypes: true, limits })
  .registerType("tocsin.Event", {
    ctor: CelEvent,
    fields: Object.fromEntries(celEventFields.map((field) => [field.name, declaredTypes[field.type] as string])),
  })
  .registerVariable("event", "tocsin.Event");

// --- the meter -------------------------------------------------------------------------------

class BudgetExceeded extends Error {}
const budgetExceeded = new BudgetExceeded("budget");
const meter = { steps: 0, limit: CEL_STEP_BUDGET };

/** The part of the library's evaluator the meter touches. */
type Evaluator = {
  run(node: unknown, context: unknown): unknown;
  tryEval(node: unknown, context: unknown): unknown;
  debugTypeDeep(value: unknown): unknown;
};
type EvaluableNode = { op: string; evaluate(evaluator: Evaluator, node: EvaluableNode, context: unknown): unknown };

// Reading a long string out of the event is cheap, but building one (concatenation doubling
// inside nested cel.bind) and then scanning it is not: produced strings cost 16 times more.
const readOperators = new Set(["id", ".", ".?", "[]", "[?]", "value"]);

function charge(value: unknown, node: EvaluableNode): void {
  if (typeof value === "string") meter.steps += value.length >> (readOperators.has(node.op) ? 8 : 4);
  else if (Array.isArray(value)) meter.steps += value.length >> 4;
  else if (value instanceof Uint8Array) meter.steps += value.byteLength >> 4;
}

const meteredEvaluators = new WeakMap<Evaluator, Evaluator>();

function meterEvaluator(evaluator: Evaluator): Evaluator {
  let metered = meteredEvaluators.get(evaluator);
  if (metered) return metered;
  metered = Object.create(evaluator) as Evaluator;
  Object.assign(metered, {
    run(this: Evaluator, node: EvaluableNode, context: unknown): unknown {
      if (++meter.steps > meter.limit) throw budgetExceeded;
      const value = node.evaluate(this, node, context);
      charge(value, node);
      return value;
    },
    // The library catches errors inside exists()/all() and ||/&& (CEL's error semantics); a
    // budget stop must not be swallowed there, or the loop would go on throwing per element.
    tryEval(this: Evaluator, node: EvaluableNode, context: unknown): unknown {
      try {
        return this.run(node, context);
      } catch (error) {
        if (error === budgetExceeded) throw error;
        return error;
      }
    },
    // Uses a private member of the real evaluator, so it must run on it.
    debugTypeDeep: (value: unknown) => evaluator.debugTypeDeep(value),
  });
  meteredEvaluators.set(evaluator, metered);
  return metered;
}

const runEnvironment = checkEnvironment.clone().registerFunction("__budget(ast): dyn", ({ args }: { args: unknown[] }) => ({
  body: args[0],
  typeCheck(checker: { check(node: unknown, context: unknown): unknown }, macro: { body: unknown }, context: unknown) {
    return checker.check(macro.body, context);
  },
  evaluate(evaluator: Evaluator, macro: { body: unknown }, context: unknown) {
    return meterEvaluator(evaluator).run(macro.body, context);
  },
}));
// The newline keeps a trailing // comment in the user's text from swallowing the closing paren.
const wrapperPrefix = "__budget(\n";

// --- compiling -------------------------------------------------------------------------------

const fieldNames = celEventFields.map((field) => field.name).join(", ");

type LibraryError = Error & { code?: string; summary?: string; range?: { start: number; end: number } };

function describeLibraryError(error: LibraryError, phase: "compile" | "run"): CelError {
  let message = error.summary ?? error.message.split("\n")[0] ?? String(error);
  const key = /^No such key: (.+)$/.exec(message)?.[1];
  // Only `event` has declared fields, so a missing key while checking is a field of event; while
  // running it is a key of a payload map.
  if (error.code === "no_such_key" && key !== undefined) {
    message =
      phase === "compile"
        ? `event has no field "${key}". Its fields are ${fieldNames}; payload fields are under event.data (event.data.${key})`
        : `No such key: ${key} (check with has(), as in has(event.data.${key}) && …)`;
  } else if (/for 'null\./.test(message)) {
    message = `${message}: the value is null; check it first, as in event.actor != null && …`;
  } else if (error.code === "unknown_variable") {
    message = `${message}. The only variable is event, as in event.type == "authentik.login_failed"`;
  }
  const offset = phase === "run" ? wrapperPrefix.length : 0;
  const result: CelError = { message };
  if (error.range && error.range.start - offset >= 0) {
    result.position = error.range.start - offset;
    result.end = Math.max(result.position, error.range.end - offset);
  }
  return result;
}

function isAstNode(value: unknown): value is ASTNode {
  return typeof value === "object" && value !== null && "op" in value && "args" in value;
}

/** Every node of a parsed expression, as written (macros unexpanded). */
function* walkAst(value: unknown): Generator<ASTNode> {
  if (Array.isArray(value)) for (const item of value) yield* walkAst(item);
  else if (isAstNode(value)) {
    yield value;
    yield* walkAst(value.args);
  }
}

const declaredFields = new Set<string>(celEventFields.map((field) => field.name));

/**
 * What the type checker lets through but a rule must not contain: matches(), which the library
 * runs on JavaScript's backtracking engine over the whole string, and has(event.foo) on a field
 * `event` does not have (the checker only looks at has()'s result type).
 */
function findForbiddenNode(ast: ASTNode): CelError | null {
  for (const node of walkAst(ast)) {
    if ((node.op === "." || node.op === ".?") && isAstNode(node.args[0]) && node.args[0].op === "id" && node.args[0].args === "event") {
      const field = node.args[1];
      if (!declaredFields.has(field)) {
        const message = `event has no field "${field}". Its fields are ${fieldNames}; payload fields are under event.data (event.data.${field})`;
        return { message, position: node.range.end - field.length, end: node.range.end };
      }
    }
    if ((node.op === "call" || node.op === "rcall") && node.args[0] === "matches") {
      return {
        message: "matches() is not available in rule expressions: add a regex field matcher instead, which runs on a linear-time engine",
        position: node.range.start,
        end: node.range.end,
      };
    }
  }
  return null;
}

function compileUncached(expression: string): CelCompileResult {
  if (expression.trim() === "") return { ok: false, error: { message: "Enter an expression, such as event.severityRank >= 3" } };
  if (expression.length > MAX_CEL_LENGTH) {
    return { ok: false, error: { message: `A CEL expression has at most ${MAX_CEL_LENGTH} characters (this one has ${expression.length})` } };
  }
  let parsed: ParseResult;
  try {
    parsed = checkEnvironment.parse(expression);
  } catch (error) {
    if (error instanceof Error) return { ok: false, error: describeLibraryError(error as LibraryError, "compile") };
    throw error;
  }
  // Before type-checking, so that matches(…) gets the helpful message, not "no overload".
  const forbidden = findForbiddenNode(parsed.ast);
  if (forbidden) return { ok: false, error: forbidden };
  const checked = parsed.check();
  if (!checked.valid) return { ok: false, error: describeLibraryError(checked.error as LibraryError, "compile") };
  if (checked.type !== "bool" && checked.type !== "dyn") {
    return {
      ok: false,
      error: { message: `The expression must be true or false, but it gives a value of type ${checked.type}; compare it, as in event.title == "…"`, position: 0, end: expression.length },
    };
  }

  const run = runEnvironment.parse(`${wrapperPrefix}${expression}\n)`);
  // Checking once stores the types on the tree, so evaluations skip the checker.
  const runChecked = run.check();
  if (!runChecked.valid) return { ok: false, error: describeLibraryError(runChecked.error as LibraryError, "run") };
  return { ok: true, program: { expression, run } };
}

// Expressions come from users and are compiled on every rule load and preview: bounded.
const compiledPrograms = new BoundedCache<string, CelCompileResult>(1_000);

/** Parses and type-checks `expression` against `event`; errors carry a 0-based character position. */
export function compileCel(expression: string): CelCompileResult {
  return compiledPrograms.getOrCreate(expression, compileUncached);
}

// --- evaluating ------------------------------------------------------------------------------

let meterEngaged: boolean | undefined;

/**
 * Whether the meter really sees nested evaluation. It relies on how the library threads its
 * evaluator, so it is proven once, on first use: should an upgrade change that, CEL rules stop
 * matching with a clear reason instead of running without a bound.
 */
function isMeterEngaged(): boolean {
  if (meterEngaged === undefined) {
    const probe = runEnvironment.parse(`${wrapperPrefix}[1, 2, 3, 4].all(x, x > 0)\n)`);
    probe.check();
    meter.steps = 0;
    meter.limit = 3;
    try {
      probe({});
      meterEngaged = false;
    } catch (error) {
      meterEngaged = error === budgetExceeded;
    }
    if (!meterEngaged) log.error("the CEL step meter is not engaged; CEL conditions will not match");
  }
  return meterEngaged;
}

const emptyData: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
// One conversion per event, shared by every rule the fan-out checks it against.
const contexts = new WeakMap<MatchableEvent, { event: CelEvent }>();

function toCelContext(event: MatchableEvent): { event: CelEvent } {
  let context = contexts.get(event);
  if (!context) {
    context = {
      event: new CelEvent(
        event.id,
        event.type,
        event.severity,
        BigInt(severities.indexOf(event.severity)),
        event.title,
        event.message,
        event.actor,
        event.clientIp,
        event.externalId,
        event.fingerprint,
        event.origin,
        event.sourceId,
        event.communityId,
        event.occurredAt,
        event.receivedAt,
        event.data ?? emptyData,
        event.raw ?? null,
      ),
    };
    contexts.set(event, context);
  }
  return context;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return `the number ${value}`;
  if (typeof value === "string") return `the string "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value === "object" ? "map" : typeof value}`;
}

/**
 * Runs a compiled expression against an event, within `budget` steps. Never throws: a runtime
 * error (a missing key, a null where a string was expected, the budget) is a result the rule
 * preview can show.
 */
export function evaluateCel(program: CelProgram, event: MatchableEvent, options: { budget?: number } = {}): CelEvaluation {
  if (!isMeterEngaged()) {
    return { ok: false, error: { message: "CEL conditions are unavailable: this version of the CEL library defeats the evaluation budget" } };
  }
  meter.steps = 0;
  meter.limit = options.budget ?? CEL_STEP_BUDGET;
  let value: unknown;
  try {
    value = program.run(toCelContext(event));
  } catch (error) {
    if (error === budgetExceeded) {
      return { ok: false, error: { message: `The expression exceeds the evaluation budget of ${meter.limit.toLocaleString("en")} steps` } };
    }
    if (error instanceof Error) return { ok: false, error: describeLibraryError(error as LibraryError, "run") };
    return { ok: false, error: { message: String(error) } };
  }
  if (typeof value !== "boolean") return { ok: false, error: { message: `The expression gave ${describeValue(value)}, not true or false` } };
  return { ok: true, value };
}
