// The rule editor's form state ("draft") and its translation to the shared contract of
// server/rules/rule-definition.ts. Text inputs stay strings here; only `toDefinition` turns them
// into the values the API validates, so the form never loses what the user typed.
import type { FieldMatcher, FieldMatcherOperator, RuleConditions } from "@/server/rules/rule-definition";
import type { RuleView } from "@/server/rules/rules";
import type { DeliveryChannelKind } from "@/server/db/schema/channels";
import type { RuleKind, RuleScope } from "@/server/db/schema/rules";
import type { Role } from "@/server/members/roles";
import type { Severity } from "@/server/events/severities";

export type MatcherDraft = {
  /** Stable React key; never sent. */
  key: string;
  field: string;
  operator: FieldMatcherOperator;
  /** equals / contains / regex. */
  value: string;
  /** oneOf / cidr: one per line. */
  list: string;
  negate: boolean;
};


export type RuleDraft = {
  name: string;
  description: string;
  communityId: string;
  scope: RuleScope;
  /** Scope `communities`: the chosen set. */
  communityIds: string[];
  triggers: string[];
  minSeverity: Severity | "";
  sourceIds: string[];
  /** Product names, comma- or line-separated as typed. */
  products: string;
  matchers: MatcherDraft[];
  cel: string;
  kind: RuleKind;
  enabled: boolean;
  /** The in-app inbox (of the writer, or of each recipient of a shared rule). */
  notifyInApp: boolean;
  /** Channels besides the inbox. */
  channelIds: string[];
  recipientUserIds: string[];
  recipientRoles: Role[];
  notifyEventUser: boolean;
  /** Seconds; null = off. */
  throttleSeconds: number | null;
  digestSeconds: number | null;
};

let nextKey = 0;
/** Keys for new matcher rows (crypto.randomUUID is missing on plain-http self-hosted origins). */
export const newMatcherKey = () => `m${++nextKey}`;

export function emptyMatcher(field = "clientIp"): MatcherDraft {
  return { key: newMatcherKey(), field, operator: field === "clientIp" ? "cidr" : "equals", value: "", list: "", negate: false };
}

export function emptyDraft(communityId: string): RuleDraft {
  return {
    name: "",
    description: "",
    communityId,
    scope: "community",
    communityIds: [],
    triggers: [],
    minSeverity: "",
    sourceIds: [],
    products: "",
    matchers: [],
    cel: "",
    kind: "personal",
    enabled: true,
    notifyInApp: true,
    channelIds: [],
    recipientUserIds: [],
    recipientRoles: [],
    notifyEventUser: false,
    throttleSeconds: null,
    digestSeconds: null,
  };
}

/** Lines (or commas) of a list field, trimmed, blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

export function matcherFromDraft(draft: MatcherDraft): FieldMatcher {
  const { field, negate } = draft;
  switch (draft.operator) {
    case "equals":
      return { field, operator: "equals", value: draft.value, negate };
    case "contains":
      return { field, operator: "contains", value: draft.value, negate };
    case "regex":
      return { field, operator: "regex", pattern: draft.value, negate };
    case "oneOf":
      return { field, operator: "oneOf", values: splitList(draft.list), negate };
    case "cidr":
      return { field, operator: "cidr", blocks: splitList(draft.list), negate };
  }
}

export function matcherToDraft(matcher: FieldMatcher): MatcherDraft {
  const base = { key: newMatcherKey(), field: matcher.field, operator: matcher.operator, negate: matcher.negate ?? false, value: "", list: "" };
  switch (matcher.operator) {
    case "equals":
    case "contains":
      return { ...base, value: matcher.value };
    case "regex":
      return { ...base, value: matcher.pattern };
    case "oneOf":
      return { ...base, list: matcher.values.join("\n") };
    case "cidr":
      return { ...base, list: matcher.blocks.join("\n") };
  }
}

/** The triggers and conditions of a draft, as rule-definition.ts describes them. */
export function toDefinition(draft: RuleDraft): { triggers: string[]; conditions: RuleConditions } {
  const cel = draft.cel.trim();
  return {
    triggers: draft.triggers,
    conditions: {
      minSeverity: draft.minSeverity === "" ? null : draft.minSeverity,
      sourceIds: draft.sourceIds,
      products: splitList(draft.products),
      fields: draft.matchers.map(matcherFromDraft),
      cel: cel === "" ? null : cel,
    },
  };
}

/** The draft's conditions filled from a stored rule's conditions. */
export function conditionsToDraft(conditions: RuleConditions): Pick<RuleDraft, "minSeverity" | "sourceIds" | "products" | "matchers" | "cel"> {
  return {
    minSeverity: conditions.minSeverity ?? "",
    sourceIds: conditions.sourceIds,
    // Rules saved before products existed have none stored.
    products: (conditions.products ?? []).join(", "),
    matchers: conditions.fields.map(matcherToDraft),
    cel: conditions.cel ?? "",
  };
}

/** A saved rule (as `rule.get` returns it) in the editor. */
export function draftFromRule(rule: RuleView): RuleDraft {
  return {
    name: rule.name,
    description: rule.description,
    communityId: rule.communityId,
    scope: rule.scope,
    communityIds: rule.communityIds,
    triggers: rule.triggers,
    ...conditionsToDraft(rule.conditions),
    kind: rule.kind,
    enabled: rule.enabled,
    notifyInApp: rule.notifyInApp,
    channelIds: rule.channelIds,
    recipientUserIds: rule.recipientUserIds,
    recipientRoles: rule.recipientRoles,
    notifyEventUser: rule.notifyEventUser,
    throttleSeconds: rule.throttleSeconds,
    digestSeconds: rule.digestSeconds,
  };
}

/** A channel the rule editor offers (as `channel.list` describes it). */
export type ChannelOption = { id: string; kind: DeliveryChannelKind; name: string; target: string; shared: boolean; enabled: boolean };

/** The channels a rule of this kind may deliver to: a shared rule uses shared channels only. */
export function usableChannels<T extends Pick<ChannelOption, "shared">>(kind: RuleKind, channels: readonly T[]): T[] {
  return kind === "shared" ? channels.filter((channel) => channel.shared) : [...channels];
}

/**
 * The draft as it is saved: a personal rule turned shared drops the writer's own channels, which
 * it may not use (and which the checklist no longer shows).
 */
export function withUsableChannels(draft: RuleDraft, channels: readonly Pick<ChannelOption, "id" | "shared">[]): RuleDraft {
  const usable = new Set(usableChannels(draft.kind, channels).map((channel) => channel.id));
  const channelIds = draft.channelIds.filter((id) => usable.has(id));
  return channelIds.length === draft.channelIds.length ? draft : { ...draft, channelIds };
}

/** What create and update send; a personal rule sends no audience. */
export function toRuleBody(draft: RuleDraft) {
  const shared = draft.kind === "shared";
  return {
    name: draft.name,
    description: draft.description,
    enabled: draft.enabled,
    scope: draft.scope,
    communityIds: draft.scope === "communities" ? draft.communityIds : [],
    ...toDefinition(draft),
    notifyInApp: draft.notifyInApp,
    channelIds: draft.channelIds,
    recipientUserIds: shared ? draft.recipientUserIds : [],
    recipientRoles: shared ? draft.recipientRoles : [],
    notifyEventUser: shared && draft.notifyEventUser,
    throttleSeconds: draft.throttleSeconds,
    digestSeconds: draft.digestSeconds,
  };
}
