import { BoundedCache } from "./bounded-cache";
import { compileRule, type CompiledRule, type RuleIssue } from "./compile-rule";
import { isEventMatched, matchEvent, type MatchResult } from "./match-event";
import type { MatchableEvent, RuleConditions } from "./rule-definition";
import { getLogger } from "@/server/observability/logger";

const log = getLogger("rules");

/*
 * Where stored rules meet the matcher (compile-rule.ts, match-event.ts): checking a definition on
 * save and as the editor types, compiling stored rules once per version, and evaluating them for
 * the preview (with reasons) and the fan-out (without).
 */

/** Problems by dotted path (`triggers.2`, `conditions.fields.0.pattern`, `conditions.cel`). */
export type RuleIssues = Record<string, string[]>;

export type RuleDefinition = { triggers: string[]; conditions: RuleConditions };

export type DefinitionCheck =
  | { definition: RuleDefinition; compiled: CompiledRule; errors: RuleIssues; warnings: RuleIssues }
  | { definition: null; compiled: null; errors: RuleIssues; warnings: RuleIssues };

function byPath(issues: readonly RuleIssue[]): RuleIssues {
  const grouped: RuleIssues = {};
  for (const issue of issues) (grouped[issue.path] ??= []).push(issue.message);
  return grouped;
}

/**
 * Every error (the rule cannot be saved) and warning (it can, but look again) of a definition,
 * by path: the shared schemas' (bad patterns, too many values, …), the matcher's (a CEL expression
 * that does not compile or touches unknown fields, a regex that could backtrack, a malformed
 * CIDR block), and a trigger that matches no known event type (a warning). Never throws.
 */
export function checkRuleDefinition(input: { triggers: unknown; conditions: unknown }): DefinitionCheck {
  const result = compileRule({ triggers: input.triggers, conditions: input.conditions ?? {} });
  const warnings = byPath(result.warnings);
  if (!result.ok) return { definition: null, compiled: null, errors: byPath(result.errors), warnings };
  const { triggers, conditions } = result.rule.definition;
  return { definition: { triggers: [...new Set(triggers)], conditions }, compiled: result.rule, errors: {}, warnings };
}

export type RuleVerdict = MatchResult;

/** Whether the event matches and, when not, why (the preview's sentence). */
export function explainMatch(compiled: CompiledRule, event: MatchableEvent): RuleVerdict {
  return matchEvent(compiled, event);
}

/** A stored rule, compiled; or why it cannot be (a rule saved under older checks): it then matches nothing. */
type StoredCompilation = { rule: CompiledRule } | { error: string };

// Stored rules are compiled once per version (id + updated_at); bounded, because rules come from users.
const compiledRules = new BoundedCache<string, StoredCompilation>(20_000);

export function compileStoredRule(rule: { id: string; updatedAt: Date | string; triggers: string[]; conditions: RuleConditions }): StoredCompilation {
  const key = `${rule.id}@${new Date(rule.updatedAt).getTime()}`;
  let compiled = compiledRules.get(key);
  if (!compiled) {
    const result = compileRule({ triggers: rule.triggers, conditions: rule.conditions });
    compiled = result.ok ? { rule: result.rule } : { error: result.errors.map((e) => `${e.path}: ${e.message}`).join("; ") };
    if ("error" in compiled) log.warn({ ruleId: rule.id }, `rule ${rule.id} no longer compiles and matches nothing: ${compiled.error}`);
    compiledRules.set(key, compiled);
  }
  return compiled;
}

/** The fan-out's question: does this stored rule match this event? No reasons built. */
export function storedRuleMatches(rule: Parameters<typeof compileStoredRule>[0], event: MatchableEvent): boolean {
  const compiled = compileStoredRule(rule);
  return "rule" in compiled && isEventMatched(compiled.rule, event);
}
