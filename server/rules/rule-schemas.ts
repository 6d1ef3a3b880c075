// Inputs of the rule procedures. Dependency-free apart from zod and the shared rule contract, so
// the rule editor can validate with the same schemas as the server.
import { z } from "zod";
import { communityIdSchema } from "@/server/communities/community-schemas";
import { roles } from "@/server/db/schema/workspaces";
import { ruleKinds, ruleScopes } from "@/server/db/schema/rules";
import { displayNameSchema } from "@/server/display-name";
import { MAX_TRIGGERS, ruleConditionsSchema, ruleTriggersSchema } from "./rule-definition";

export const ruleIdSchema = z.uuid({ message: "Not a rule id" });
export const ruleNameSchema = displayNameSchema("rule");
export const MAX_RULE_DESCRIPTION_LENGTH = 500;
export const MAX_SCOPE_COMMUNITIES = 100;
export const MAX_RECIPIENT_USERS = 200;
export const MAX_RULE_CHANNELS = 20;
/** Events the preview evaluates: the latest in the rule's scope. */
export const PREVIEW_EVENT_COUNT = 100;

export const ruleKindSchema = z.enum(ruleKinds, { message: "Choose personal or shared" });
export const ruleScopeSchema = z.enum(ruleScopes, { message: "Choose this community, all communities, or chosen communities" });

/** Throttle windows a rule may use: a minute to a week. */
export const THROTTLE_SECONDS = { min: 60, max: 7 * 24 * 3600 } as const;
/** Digest windows a rule may use: a minute to a day. */
export const DIGEST_SECONDS = { min: 60, max: 24 * 3600 } as const;

/** Seconds between `min` and `max`, or null (off). */
function optionalWindow(what: string, { min, max }: { min: number; max: number }) {
  const message = `A ${what} window is between ${min / 60} minute${min === 60 ? "" : "s"} and ${max >= 86400 ? `${max / 86400} day${max === 86400 ? "" : "s"}` : `${max / 3600} hours`}`;
  return z.number({ message: `A ${what} window is a number of seconds, or null for none` }).int(message).min(min, message).max(max, message).nullable().default(null);
}

/** What a rule says and who hears of it: everything create and update share. */
const ruleBody = {
  name: ruleNameSchema,
  description: z.string().trim().max(MAX_RULE_DESCRIPTION_LENGTH, `A description has at most ${MAX_RULE_DESCRIPTION_LENGTH} characters`).default(""),
  enabled: z.boolean().default(true),
  scope: ruleScopeSchema.default("community"),
  /** Scope `communities` (multi mode): the chosen set. Ignored for the other scopes. */
  communityIds: z.array(communityIdSchema).max(MAX_SCOPE_COMMUNITIES, `At most ${MAX_SCOPE_COMMUNITIES} communities`).default([]),
  triggers: ruleTriggersSchema,
  conditions: ruleConditionsSchema.default({ minSeverity: null, sourceIds: [], products: [], fields: [], cel: null }),
  /** The in-app inbox of each recipient. */
  notifyInApp: z.boolean().default(true),
  /** Channels the match is delivered to: the writer's own and shared ones (personal rules), shared ones (shared rules). */
  channelIds: z.array(z.uuid({ message: "Not a channel id" })).max(MAX_RULE_CHANNELS, `At most ${MAX_RULE_CHANNELS} channels`).default([]),
  /** Shared rules only (ignored for personal ones): members chosen by user id… */
  recipientUserIds: z.array(z.uuid({ message: "Not a user id" })).max(MAX_RECIPIENT_USERS, `At most ${MAX_RECIPIENT_USERS} members`).default([]),
  /** …members with these roles… */
  recipientRoles: z.array(z.enum(roles, { message: `Choose among ${roles.join(", ")}` })).max(roles.length).default([]),
  /** …and the member whose email is the event's actor. */
  notifyEventUser: z.boolean().default(false),
  /** The same fingerprint notifies at most once per this many seconds; the rest are counted ("+7 similar suppressed"). */
  throttleSeconds: optionalWindow("throttle", THROTTLE_SECONDS),
  /** Matches are gathered for this many seconds and sent as one summary per member and channel. */
  digestSeconds: optionalWindow("digest", DIGEST_SECONDS),
};

export const createRuleInput = z.object({
  kind: ruleKindSchema.default("personal"),
  /** The community the rule is created in; may be left out when the workspace has only one. */
  communityId: communityIdSchema.optional(),
  ...ruleBody,
});
export type CreateRuleInput = z.infer<typeof createRuleInput>;

export const updateRuleInput = z.object({ ruleId: ruleIdSchema, ...ruleBody });
export type UpdateRuleInput = z.infer<typeof updateRuleInput>;

export const ruleRefInput = z.object({ ruleId: ruleIdSchema });
export const setRuleEnabledInput = z.object({ ruleId: ruleIdSchema, enabled: z.boolean() });
export const duplicateRuleInput = z.object({ ruleId: ruleIdSchema, name: ruleNameSchema.optional() });

export const listRulesInput = z.object({
  kind: ruleKindSchema.optional(),
  /** Only rules created in this community. */
  communityId: communityIdSchema.optional(),
});
export type ListRulesInput = z.infer<typeof listRulesInput>;

/**
 * The editor's as-you-type check takes the definition loosely (any strings, any conditions) and
 * answers with every problem by path, instead of refusing the call at the first one.
 */
export const looseDefinitionShape = {
  triggers: z.array(z.string().max(500)).max(MAX_TRIGGERS * 2),
  conditions: z.unknown(),
};
export const validateRuleInput = z.object(looseDefinitionShape);

export const previewRuleInput = z.object({
  ...looseDefinitionShape,
  scope: ruleScopeSchema.default("community"),
  /** The community the rule is (or will be) created in; may be left out when there is only one. */
  communityId: communityIdSchema.optional(),
  communityIds: z.array(communityIdSchema).max(MAX_SCOPE_COMMUNITIES).default([]),
});
export type PreviewRuleInput = z.infer<typeof previewRuleInput>;
