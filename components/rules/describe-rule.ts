// A rule in words, for the list: where it listens, what it asks of an event, where it notifies.
import { severityLabels } from "@/components/events/severity-badge";
import type { DeliveryChannelKind } from "@/server/db/schema/channels";
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
  // Rules saved before products existed have none stored.
  const products = conditions.products ?? [];
  if (products.length) parts.push(products.length <= 2 ? `product ${products.join(" or ")}` : `${products.length} products`);
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

export type RuleDestination = { key: string; kind: DeliveryChannelKind | "inbox" | "unknown"; label: string; off: boolean };

/** Where a rule sends its matches, for the list: the inbox first, then its channels by name. */
export function describeDestinations(
  rule: { notifyInApp: boolean; channelIds: readonly string[] },
  channels: ReadonlyMap<string, { kind: DeliveryChannelKind; name: string; enabled: boolean }>,
): RuleDestination[] {
  const destinations: RuleDestination[] = rule.notifyInApp ? [{ key: "inbox", kind: "inbox", label: "Inbox", off: false }] : [];
  const known = rule.channelIds.flatMap((id) => {
    const channel = channels.get(id);
    return channel ? [{ key: id, kind: channel.kind, label: channel.name, off: !channel.enabled }] : [];
  });
  const unknown = rule.channelIds.length - known.length;
  const rest: RuleDestination[] = unknown ? [{ key: "unknown", kind: "unknown", label: unknown === 1 ? "1 other channel" : `${unknown} other channels`, off: false }] : [];
  return [...destinations, ...known.sort((a, b) => a.label.localeCompare(b.label)), ...rest];
}

/** "5 min", "1 h", "24 h", "90 s": a throttle or digest window. */
export function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** "throttled to once per 1 h · digest every 5 min"; null when neither is on. */
export function describeNoiseControl(rule: { throttleSeconds: number | null; digestSeconds: number | null }): string | null {
  const parts: string[] = [];
  if (rule.throttleSeconds !== null) parts.push(`once per ${describeWindow(rule.throttleSeconds)} per fingerprint`);
  if (rule.digestSeconds !== null) parts.push(`digest every ${describeWindow(rule.digestSeconds)}`);
  return parts.length ? parts.join(" · ") : null;
}
