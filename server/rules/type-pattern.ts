import { z } from "zod";
import { eventCatalog, type CatalogEntry } from "./catalog";
import { maxEventTypeLength } from "./event-type";

/*
 * Trigger patterns: which event types a rule listens to.
 *
 *   alert.created       exactly that type
 *   *                   every type
 *   alert.*             a `*` segment that comes last matches ONE OR MORE trailing segments:
 *                       alert.created, alert.x.y — but not `alert` itself
 *   audit.*.created     a `*` segment anywhere else matches exactly one segment:
 *                       audit.rule.created, not audit.created nor audit.a.b.created
 *   authentik.login_*   a segment ending in `*` matches one segment starting with what precedes
 *                       the `*` (zero or more further characters): login_failed, and even login_,
 *                       but NOT `login` (the `_` is literal) and never across a dot. Use `login*`
 *                       to catch `login` as well.
 *
 * Anything else with a `*` (`*_failed`, `lo*in`, `a**`) is rejected rather than guessed at, so the
 * literal prefix of a pattern is always everything before its first `*`: the fan-out can select
 * candidate rules by prefix instead of testing every rule.
 */

const segmentCharacters = "[a-z0-9_]";

/** Why `pattern` is not a valid trigger, in words for the rule editor; null when it is valid. */
export function describeTypePatternProblem(pattern: string): string | null {
  if (pattern.length === 0) return "Enter an event type, or a pattern such as alert.*";
  if (pattern.length > maxEventTypeLength) return `A trigger has at most ${maxEventTypeLength} characters (this one has ${pattern.length})`;
  if (/\s/.test(pattern)) return "A trigger cannot contain spaces";
  if (/[A-Z]/.test(pattern)) return `Event types are lowercase: write ${pattern.toLowerCase()}`;
  const stray = /[^a-z0-9_.*]/.exec(pattern);
  if (stray) return `A trigger may only contain a–z, 0–9, _, dots and *, not "${stray[0]}"`;
  if (pattern.startsWith(".")) return "A trigger cannot start with a dot";
  if (pattern.endsWith(".")) return "A trigger cannot end with a dot";
  if (pattern.includes("..")) return "A trigger cannot have two dots in a row";
  if (pattern.includes("**")) return "Use a single *: alert.* already covers deeper types such as alert.x.y";
  const misplaced = pattern.split(".").find((segment) => segment.indexOf("*") !== -1 && segment.indexOf("*") !== segment.length - 1);
  if (misplaced !== undefined) {
    return `A * stands for a whole segment (alert.*) or ends one (login_*); it cannot start or sit inside "${misplaced}"`;
  }
  return null;
}

export const typePatternSchema = z.string({ error: "Enter an event type, or a pattern such as alert.*" }).superRefine((pattern, ctx) => {
  const problem = describeTypePatternProblem(pattern);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/**
 * The regular expression equivalent of a valid pattern, anchored at both ends. It only ever
 * matches well-formed event types, and has no nested quantifiers, so it runs in linear time.
 */
export function typePatternToRegExp(pattern: string): RegExp {
  const problem = describeTypePatternProblem(pattern);
  if (problem) throw new Error(`Invalid trigger pattern "${pattern}": ${problem}`);
  const segments = pattern.split(".");
  const body = segments.map((segment, index) => {
    if (segment === "*") {
      const last = index === segments.length - 1;
      return last ? `${segmentCharacters}+(?:\\.${segmentCharacters}+)*` : `${segmentCharacters}+`;
    }
    // Segments are [a-z0-9_] only (validated above), so nothing needs escaping.
    if (segment.endsWith("*")) return `${segment.slice(0, -1)}${segmentCharacters}*`;
    return segment;
  });
  return new RegExp(`^${body.join("\\.")}$`);
}

/** Everything before the first `*`: every type the pattern matches starts with it. */
export function typePatternPrefix(pattern: string): string {
  const star = pattern.indexOf("*");
  return star === -1 ? pattern : pattern.slice(0, star);
}

// Rules are re-evaluated for every event; compile each distinct pattern once. Bounded, because
// patterns come from users.
const compiled = new Map<string, RegExp | null>();
const maxCompiled = 10_000;

function compile(pattern: string): RegExp | null {
  let regExp = compiled.get(pattern);
  if (regExp === undefined) {
    regExp = describeTypePatternProblem(pattern) ? null : typePatternToRegExp(pattern);
    if (compiled.size >= maxCompiled) compiled.clear();
    compiled.set(pattern, regExp);
  }
  return regExp;
}

/**
 * Whether `type` is covered by `pattern`. An invalid pattern matches nothing (patterns are
 * validated when a rule is saved; this must never throw in the middle of a fan-out).
 */
export function matchesTypePattern(pattern: string, type: string): boolean {
  const regExp = compile(pattern);
  return regExp !== null && regExp.test(type);
}

/** The known event types a pattern covers, for the rule editor's preview; empty means "warn". */
export function listMatchingCatalogTypes(pattern: string): CatalogEntry[] {
  if (compile(pattern) === null) return [];
  return eventCatalog.filter((entry) => matchesTypePattern(pattern, entry.type));
}
