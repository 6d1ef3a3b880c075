// A rule in words, for the list: where it listens and what it asks of an event.
import { severityLabels } from "@/components/events/severity-badge";
import type { RuleScope } from "@/server/db/schema/rules";
import type { FieldMatcher, RuleConditions } from "@/server/rules/rule-definition";

const operatorWords: Record<FieldMatcher["operator"], [string, string]> = {
  equals: ["=", "≠"],
  oneOf: ["in", "not in"],
  contains: ["contains", "does not contain"],
  regex: ["~", "!~"],
  cidr: ["in", "not in"],
};

function matcherValue(matcher: FieldMatcher): string {
  switch (matcher.operator) {
    case "equals":
    case "contains":
      return JSON.stringify(matcher.value);
    case "regex":
      return `/${matcher.pattern}/`;
    case "oneOf":
      return matcher.values.length === 1 ? JSON.stringify(matcher.values[0]) : `${matcher.values.length} values`;
    case "cidr":
      return matcher.blocks.length <= 2 ? matcher.blocks.join(", ") : `${matcher.blocks.length} blocks`;
  }
}

export function describeMatcher(matcher: FieldMatcher): string {
  return `${matcher.field} ${operatorWords[matcher.operator][matcher.negate ? 1 : 0]} ${matcherValue(matcher)}`;
}

/** "Severity high or higher · 2 sources · clientIp not in 10.0.0.0/8 · CEL", or "No conditions". */
export function describeConditions(conditions: RuleConditions): string {
  const parts: string[] = [];
  if (conditions.minSeverity) parts.push(`${severityLabels[conditions.minSeverity]} or higher`);
  if (conditions.sourceIds.length) parts.push(conditions.sourceIds.length === 1 ? "1 source" : `${conditions.sourceIds.length} sources`);
  parts.push(...conditions.fields.map(describeMatcher));
  if (conditions.cel) parts.push("CEL expression");
  return parts.length ? parts.join(" · ") : "No conditions";
}

export function describeScope(scope: RuleScope, communityName: string, chosen: readonly string[]): string {
  switch (scope) {
    case "community":
      return communityName;
    case "workspace":
      return "All communities";
    case "communities":
      return chosen.length === 1 ? chosen[0]! : `${chosen.length} communities`;
  }
}
