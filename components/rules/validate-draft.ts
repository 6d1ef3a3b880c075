// The checks the browser can make before saving, with the schemas the server uses
// (server/rules/rule-definition.ts), so most mistakes show beside their input at once.
import { ruleConditionsSchema, ruleTriggersSchema } from "@/server/rules/rule-definition";
import { ruleNameSchema } from "@/server/rules/rule-schemas";
import { toDefinition, type RuleDraft } from "./rule-draft";
import { issuesToErrors, type RuleErrors } from "./rule-errors";

/** Paths the editor shows beside an input; any other error is listed above the form. */
export const placedErrorPaths = [
  "name",
  "description",
  "communityId",
  "scope",
  "communityIds",
  "triggers",
  "conditions",
  "recipients",
  "recipientUserIds",
  "recipientRoles",
  "notifyEventUser",
  "notifyInApp",
  "channelIds",
  "throttleSeconds",
  "digestSeconds",
] as const;

export function validateDraft(draft: RuleDraft, options: { multi: boolean }): RuleErrors {
  const { triggers, conditions } = toDefinition(draft);
  const errors: RuleErrors = {};
  const name = ruleNameSchema.safeParse(draft.name);
  if (!name.success) Object.assign(errors, issuesToErrors(name.error.issues, ["name"]));
  const parsedTriggers = ruleTriggersSchema.safeParse(triggers);
  if (!parsedTriggers.success) Object.assign(errors, issuesToErrors(parsedTriggers.error.issues, ["triggers"]));
  const parsedConditions = ruleConditionsSchema.safeParse(conditions);
  if (!parsedConditions.success) Object.assign(errors, issuesToErrors(parsedConditions.error.issues, ["conditions"]));
  if (options.multi && draft.scope === "communities" && draft.communityIds.length === 0) {
    errors.communityIds = ["Choose at least one community"];
  }
  if (draft.kind === "shared" && draft.recipientUserIds.length === 0 && draft.recipientRoles.length === 0 && !draft.notifyEventUser) {
    errors.recipients = ["Choose who receives this rule: members, roles, or the event’s own user"];
  }
  if (!draft.notifyInApp && draft.channelIds.length === 0) {
    errors.channelIds = ["Choose where to notify: the inbox, a channel, or both"];
  }
  return errors;
}
