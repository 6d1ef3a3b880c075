import { RE2JS } from "re2js";
import { BoundedCache } from "./bounded-cache";
import {
  describeFirstChars,
  firstCommonChar,
  parseRegexStructure,
  RegexSyntaxError,
  UnsupportedRegexConstruct,
  type RegexNode,
} from "./regex-structure";

/*
 * User-written regular expressions for field matchers.
 *
 * Two independent guards, because a rule's regex runs for every candidate event in the fan-out:
 *
 * 1. Matching runs on RE2 (re2js, pure JavaScript), whose time is linear in the input, and only on
 *    the first 4,096 characters of the value. A backtracking engine is not enough even after
 *    rejecting nested quantifiers: `.*foo.*bar` is star height 1, yet V8 needs about 17 s to fail
 *    it on 4,096 characters of "foofoo…".
 * 2. Patterns whose shape is the classic catastrophic-backtracking shape are refused with a reason:
 *    a repeated group that repeats inside ((a+)+, (.*a){20}), a repeated alternation whose
 *    alternatives can start alike ((a|a)*, (a|ab)+), backreferences and lookaround. They are
 *    almost always mistakes, would hang any backtracking engine they are copied into, and RE2
 *    cannot run backreferences or lookaround anyway.
 *
 * Syntax is RE2's. Matching is case-sensitive and unanchored (use ^ and $); RE2's inline flags
 * apply: a leading (?i) makes the whole pattern case-insensitive, (?s) lets . match newlines,
 * (?m) makes ^ and $ match at line breaks.
 */

export const MAX_REGEX_LENGTH = 300;
/** Values are cut to this many characters before matching; a regex never sees more. */
export const REGEX_INPUT_LIMIT = 4096;
/** A repeated group may contain bounded repetition (\d{1,3}) only when repeated at most this often. */
const maxBoundedNestedRepeat = 10;

export type SafeRegex = {
  readonly pattern: string;
  /** Whether the pattern occurs in (the first REGEX_INPUT_LIMIT characters of) `value`. */
  test(value: string): boolean;
};

export type SafeRegexResult = { ok: true; regex: SafeRegex } | { ok: false; reason: string };

// Rules are compiled whenever they are loaded or previewed; patterns come from users, so bounded.
const compiled = new BoundedCache<string, SafeRegexResult>(2_000);

/** Compiles `pattern` if it is safe to run against untrusted values; otherwise a readable reason. */
export function compileSafeRegex(pattern: string): SafeRegexResult {
  return compiled.getOrCreate(pattern, compileUncached);
}

/** Why `pattern` is refused, or null when it is accepted. */
export function describeRegexProblem(pattern: string): string | null {
  const result = compileSafeRegex(pattern);
  return result.ok ? null : result.reason;
}

function compileUncached(pattern: string): SafeRegexResult {
  if (pattern.length === 0) return { ok: false, reason: "Enter a regular expression" };
  if (pattern.length > MAX_REGEX_LENGTH) {
    return { ok: false, reason: `A regular expression has at most ${MAX_REGEX_LENGTH} characters (this one has ${pattern.length})` };
  }

  // Our own reading first, so that backreferences and lookaround get a clear reason rather than
  // RE2's "invalid escape sequence".
  let structure: RegexNode | null = null;
  try {
    structure = parseRegexStructure(pattern);
  } catch (error) {
    if (error instanceof UnsupportedRegexConstruct) return { ok: false, reason: error.message };
    if (!(error instanceof RegexSyntaxError)) throw error;
  }

  let engine: RE2JS;
  try {
    engine = RE2JS.compile(pattern);
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    return { ok: false, reason: `Not a valid regular expression: ${detail}` };
  }
  // RE2 accepted what our parser could not read: refuse rather than run something unchecked.
  if (structure === null) return { ok: false, reason: "This regular expression uses syntax the safety check does not understand" };

  const problem = findCatastrophicShape(structure, pattern);
  if (problem) return { ok: false, reason: problem };

  return {
    ok: true,
    regex: {
      pattern,
      test: (value) => engine.test(value.length > REGEX_INPUT_LIMIT ? value.slice(0, REGEX_INPUT_LIMIT) : value),
    },
  };
}

type Shape = { unbounded: boolean; variable: boolean };

/** Repetition found inside a node: any unbounded (*, +, {n,}) and any of variable count (?, {1,3}). */
function describeInnerRepetition(node: RegexNode): Shape {
  switch (node.kind) {
    case "chars":
    case "empty":
      return { unbounded: false, variable: false };
    case "group":
      return describeInnerRepetition(node.body);
    case "repeat": {
      const inner = describeInnerRepetition(node.body);
      return { unbounded: inner.unbounded || node.max === Infinity, variable: inner.variable || node.min !== node.max };
    }
    case "sequence":
    case "alternation": {
      const children = node.kind === "sequence" ? node.items : node.branches;
      return children.map(describeInnerRepetition).reduce((a, b) => ({ unbounded: a.unbounded || b.unbounded, variable: a.variable || b.variable }), {
        unbounded: false,
        variable: false,
      });
    }
  }
}

function* walk(node: RegexNode): Generator<RegexNode> {
  yield node;
  if (node.kind === "group" || node.kind === "repeat") yield* walk(node.body);
  else if (node.kind === "sequence") for (const item of node.items) yield* walk(item);
  else if (node.kind === "alternation") for (const branch of node.branches) yield* walk(branch);
}

function showChar(code: number): string {
  if (code === 10) return "a line break";
  if (code < 32 || code === 127) return `character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `"${String.fromCodePoint(code)}"`;
}

function findCatastrophicShape(root: RegexNode, pattern: string): string | null {
  for (const node of walk(root)) {
    if (node.kind !== "repeat" || node.max <= 1) continue;
    const text = pattern.slice(node.start, node.end);
    const inner = describeInnerRepetition(node.body);
    const nested =
      (node.max === Infinity && inner.variable) || // (a+)+, (a?)*, (\d{1,3}\.)+
      inner.unbounded || // (.*a){20}, (a+){2}
      (node.max > maxBoundedNestedRepeat && inner.variable); // (a?){30}
    if (nested) {
      return `${text} repeats a group that itself repeats; nested repetition can take exponentially long on a near-miss. Use a single quantifier (a+ rather than (a+)+) or a character class`;
    }
    for (const inside of walk(node.body)) {
      if (inside.kind !== "alternation") continue;
      const problem = findOverlappingAlternatives(inside, pattern);
      if (problem) return `In ${text}, ${problem}; inside a repeated group that can take exponentially long to fail. Make the alternatives start differently (a(b)? rather than a|ab) or use a character class`;
    }
  }
  return null;
}

function findOverlappingAlternatives(node: Extract<RegexNode, { kind: "alternation" }>, pattern: string): string | null {
  const firsts = node.branches.map(describeFirstChars);
  const texts = splitBranches(pattern.slice(node.start, node.end), node.branches.length);
  for (let i = 0; i < firsts.length; i++) {
    const first = firsts[i] as { set: readonly number[]; nullable: boolean };
    if (first.nullable) {
      return texts[i] ? `the alternative ${texts[i]} can match the empty string` : "an empty alternative matches the empty string";
    }
    for (let j = i + 1; j < firsts.length; j++) {
      const common = firstCommonChar(first.set, (firsts[j] as { set: readonly number[] }).set);
      if (common !== null) return `the alternatives ${quoteBranch(texts[i])} and ${quoteBranch(texts[j])} can both start with ${showChar(common)}`;
    }
  }
  return null;
}

function quoteBranch(text: string | undefined): string {
  return text === undefined || text === "" ? "(empty)" : text;
}

/** The top-level `|`-separated texts of an alternation, for messages; nesting and escapes respected. */
function splitBranches(text: string, expected: number): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\\") {
      current += c + (text[i + 1] ?? "");
      i++;
      continue;
    }
    if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.length === expected ? parts : [];
}
