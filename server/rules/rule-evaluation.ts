import { ruleConditionsSchema, ruleTriggersSchema, type MatchableEvent, type RuleConditions } from "./rule-definition";
import { listMatchingCatalogTypes, matchesTypePattern } from "./type-pattern";
import { severities } from "@/server/events/severities";

/*
 * Where the stored rules meet the matcher: checking a definition on save (and as the editor
 * types), compiling stored rules once, and evaluating them against events. The matching itself
 * lives in the matcher modules; this file only adapts them to what the rule functions, the
 * preview and the fan-out need.
 */

/** Problems by dotted path (`triggers.2`, `conditions.fields.0.pattern`, `conditions.cel`). */
export type RuleIssues = Record<string, string[]>;

export type RuleDefinition = { triggers: string[]; conditions: RuleConditions };

export type DefinitionCheck = { definition: RuleDefinition | null; errors: RuleIssues; warnings: RuleIssues };

function addIssue(issues: RuleIssues, path: string, message: string) {
  (issues[path] ??= []).push(message);
}

/**
 * Every error (the rule cannot be saved) and warning (it can, but look again) of a definition.
 * Errors: the shared schemas' (bad patterns, too many values, …) and the matcher's (a CEL
 * expression that does not compile, an unsafe regex, a malformed CIDR block). Warnings: a
 * trigger that matches no known event type.
 */
export function checkRuleDefinition(input: { triggers: unknown; conditions: unknown }): DefinitionCheck {
  const errors: RuleIssues = {};
  const warnings: RuleIssues = {};
  const triggers = ruleTriggersSchema.safeParse(input.triggers);
  if (!triggers.success) for (const issue of triggers.error.issues) addIssue(errors, ["triggers", ...issue.path.map(String)].join("."), issue.message);
  const conditions = ruleConditionsSchema.safeParse(input.conditions ?? {});
  if (!conditions.success) for (const issue of conditions.error.issues) addIssue(errors, ["conditions", ...issue.path.map(String)].join("."), issue.message);
  if (!triggers.success || !conditions.success) return { definition: null, errors, warnings };

  const definition: RuleDefinition = { triggers: [...new Set(triggers.data)], conditions: conditions.data };
  definition.triggers.forEach((pattern, index) => {
    if (listMatchingCatalogTypes(pattern).length === 0) {
      addIssue(warnings, `triggers.${index}`, `"${pattern}" matches no known event type; it will still match events of that type if they arrive`);
    }
  });
  return { definition: Object.keys(errors).length ? null : definition, errors, warnings };
}

/** A rule ready to evaluate. */
export type CompiledRule = { definition: RuleDefinition };

export type RuleVerdict = { matched: true } | { matched: false; reason: string };

export function compileDefinition(definition: RuleDefinition): CompiledRule {
  return { definition };
}

export function evaluateRule(compiled: CompiledRule, event: MatchableEvent): RuleVerdict {
  const { triggers, conditions } = compiled.definition;
  if (!triggers.some((pattern) => matchesTypePattern(pattern, event.type))) return { matched: false, reason: `Type ${event.type} matches no trigger` };
  if (conditions.minSeverity && severities.indexOf(event.severity) < severities.indexOf(conditions.minSeverity)) {
    return { matched: false, reason: `Severity ${event.severity} is below ${conditions.minSeverity}` };
  }
  if (conditions.sourceIds.length && (!event.sourceId || !conditions.sourceIds.includes(event.sourceId))) {
    return { matched: false, reason: "From another source" };
  }
  return { matched: true };
}

// Stored rules are compiled once per version (id + updated_at); bounded, because rules come from users.
const compiledRules = new Map<string, CompiledRule>();
const MAX_COMPILED_RULES = 20_000;

/** The compiled form of a stored rule, cached until the rule changes. */
export function compileStoredRule(rule: { id: string; updatedAt: Date | string; triggers: string[]; conditions: RuleConditions }): CompiledRule {
  const key = `${rule.id}@${new Date(rule.updatedAt).getTime()}`;
  let compiled = compiledRules.get(key);
  if (!compiled) {
    compiled = compileDefinition({ triggers: rule.triggers, conditions: rule.conditions });
    if (compiledRules.size >= MAX_COMPILED_RULES) compiledRules.delete(compiledRules.keys().next().value!);
    compiledRules.set(key, compiled);
  }
  return compiled;
}
