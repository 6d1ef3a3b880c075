import { evaluateCel } from "./cel";
import { findContainingBlock, isIpAddress } from "./cidr";
import { severityRanks, type CompiledFieldMatcher, type CompiledRule, type FieldPath } from "./compile-rule";
import type { MatchableEvent } from "./rule-definition";

/*
 * Whether an event satisfies a compiled rule, checked cheapest first: trigger, minimum
 * severity, source, field matchers, CEL. The fan-out runs this for every candidate rule × event,
 * so the matching path allocates nothing; sentences for the rule preview ("severity low is below
 * high") are only built by matchEvent, and only for a miss.
 *
 * Field matchers: a missing value (absent path, null, an object or a list) never satisfies a
 * positive matcher and always satisfies a negated one. Numbers and booleans compare by their
 * string form (2 equals "2", true equals "true"). equals and oneOf are exact and case-sensitive,
 * except on type and severity; contains ignores case.
 */

export type MatchResult = { matched: true } | { matched: false; reason: string };

const matched: MatchResult = Object.freeze({ matched: true });

/** The value a matcher compares: a string, or undefined when the field is missing. */
function readField(event: MatchableEvent, path: FieldPath): string | undefined {
  let value: unknown;
  if (path.kind === "field") value = event[path.name];
  else {
    value = path.root === "data" ? event.data : event.raw;
    for (const segment of path.segments) {
      if (Array.isArray(value)) {
        // Arrays by numeric segment only: data.findings.0.title
        const index = segment.length > 0 && segment.length < 10 && /^\d+$/.test(segment) ? Number(segment) : -1;
        value = index >= 0 && index < value.length ? value[index] : undefined;
      } else if (typeof value === "object" && value !== null) {
        // Own properties only, so data.constructor or data.__proto__ never reach Object's.
        value = Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
      } else return undefined;
    }
  }
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    default:
      return undefined;
  }
}

/** Whether the matcher's test holds for a present value, before negation. */
function testValue(matcher: CompiledFieldMatcher, value: string): boolean {
  switch (matcher.operator) {
    case "equals":
      return (matcher.ignoreCase ? value.toLowerCase() : value) === matcher.value;
    case "oneOf":
      return matcher.values.has(matcher.ignoreCase ? value.toLowerCase() : value);
    case "contains":
      return matcher.search.test(value);
    case "regex":
      return matcher.regex.test(value);
    case "cidr":
      return findContainingBlock(value, matcher.blocks) !== null;
  }
}

function passesField(matcher: CompiledFieldMatcher, event: MatchableEvent): boolean {
  const value = readField(event, matcher.path);
  if (value === undefined) return matcher.negate;
  return testValue(matcher, value) !== matcher.negate;
}

function passesTrigger(rule: CompiledRule, type: string): boolean {
  if (rule.exactTypes.has(type)) return true;
  for (const pattern of rule.typePatterns) if (pattern.test(type)) return true;
  return false;
}

function passesSource(rule: CompiledRule, event: MatchableEvent): boolean {
  return rule.sourceIds === null || (event.sourceId !== null && rule.sourceIds.has(event.sourceId));
}

/** The event's `data.product`, when it names one. */
function productOf(event: MatchableEvent): string | null {
  const product = event.data?.product;
  return typeof product === "string" && product.trim() !== "" ? product.trim() : null;
}

function passesProduct(rule: CompiledRule, event: MatchableEvent): boolean {
  if (rule.products === null) return true;
  const product = productOf(event);
  return product !== null && rule.products.has(product.toLowerCase());
}

/** The boolean answer alone, for the fan-out: no reasons built. */
export function isEventMatched(rule: CompiledRule, event: MatchableEvent): boolean {
  if (!passesTrigger(rule, event.type)) return false;
  if (severityRanks[event.severity] < rule.minSeverityRank) return false;
  if (!passesSource(rule, event)) return false;
  if (!passesProduct(rule, event)) return false;
  for (const matcher of rule.fields) if (!passesField(matcher, event)) return false;
  if (rule.cel === null) return true;
  const result = evaluateCel(rule.cel, event);
  return result.ok && result.value;
}

function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return `"${shown}"`;
}

function explainField(matcher: CompiledFieldMatcher, value: string | undefined): string {
  const { field } = matcher;
  // Only called for a matcher that failed: a missing value fails only positive matchers.
  if (value === undefined) return `${field} is missing`;
  const not = matcher.negate;
  switch (matcher.operator) {
    case "equals":
      return not ? `${field} is ${quote(value)}` : `${field} is ${quote(value)}, not ${quote(matcher.value)}`;
    case "oneOf":
      return not ? `${field} ${quote(value)} is one of the excluded values ${matcher.shown}` : `${field} ${quote(value)} is not one of ${matcher.shown}`;
    case "contains":
      return not ? `${field} contains ${quote(matcher.value)}` : `${field} does not contain ${quote(matcher.value)}`;
    case "regex":
      return not ? `${field} matches /${matcher.regex.pattern}/` : `${field} does not match /${matcher.regex.pattern}/`;
    case "cidr": {
      if (not) return `${field} ${value} is inside ${findContainingBlock(value, matcher.blocks)?.text ?? "an excluded block"}`;
      const blocks = matcher.blocks.map((block) => block.text).join(", ");
      return isIpAddress(value) ? `${field} ${value} is not inside ${blocks}` : `${field} ${quote(value)} is not an IP address`;
    }
  }
}

/**
 * Whether the event satisfies the rule and, when it does not, the first reason why, as a short
 * sentence for the rule preview. A CEL runtime error is a miss with its reason, never a throw.
 */
export function matchEvent(rule: CompiledRule, event: MatchableEvent): MatchResult {
  if (!passesTrigger(rule, event.type)) {
    return { matched: false, reason: `type ${event.type} is not one of ${rule.triggers.join(", ")}` };
  }
  if (severityRanks[event.severity] < rule.minSeverityRank) {
    return { matched: false, reason: `severity ${event.severity} is below ${rule.minSeverity}` };
  }
  if (!passesSource(rule, event)) {
    const count = rule.sourceIds?.size ?? 0;
    return { matched: false, reason: `the event's source is not ${count === 1 ? "the rule's source" : `one of the rule's ${count} sources`}` };
  }
  if (!passesProduct(rule, event)) {
    const product = productOf(event);
    const products = rule.definition.conditions.products.join(", ");
    return { matched: false, reason: product === null ? `the event names no product (data.product); the rule wants ${products}` : `product ${quote(product)} is not one of ${products}` };
  }
  for (const matcher of rule.fields) {
    if (!passesField(matcher, event)) return { matched: false, reason: explainField(matcher, readField(event, matcher.path)) };
  }
  if (rule.cel !== null) {
    const result = evaluateCel(rule.cel, event);
    if (!result.ok) return { matched: false, reason: `CEL error: ${result.error.message}` };
    if (!result.value) return { matched: false, reason: "CEL expression returned false" };
  }
  return matched;
}
