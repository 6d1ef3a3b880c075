import { previewRule } from "@/server/rules/preview-rule";
import { checkRuleDefinition } from "@/server/rules/rule-evaluation";
import {
  createRuleInput,
  duplicateRuleInput,
  listRulesInput,
  previewRuleInput,
  ruleRefInput,
  setRuleEnabledInput,
  updateRuleInput,
  validateRuleInput,
} from "@/server/rules/rule-schemas";
import { createRule, deleteRule, duplicateRule, getRule, listRules, setRuleEnabled, updateRule, type RuleActor } from "@/server/rules/rules";
import { createTrpcRouter, workspaceProcedure } from "../trpc";

// Every member may write personal rules (only they ever see them); shared rules are written by
// admins and owners and seen by those who receive them. The checks live in server/rules/rules.ts.
const actor = (ctx: { workspace: { id: string }; user: { id: string; email: string }; membership: { role: RuleActor["role"] }; ip?: string | null }): RuleActor => ({
  workspaceId: ctx.workspace.id,
  userId: ctx.user.id,
  role: ctx.membership.role,
  email: ctx.user.email,
  ip: ctx.ip ?? null,
});

export const ruleRouter = createTrpcRouter({
  list: workspaceProcedure.input(listRulesInput).query(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...filters } = input;
    return listRules(ctx.db, actor(ctx), filters);
  }),

  get: workspaceProcedure.input(ruleRefInput).query(({ ctx, input }) => getRule(ctx.db, actor(ctx), input.ruleId)),

  /** Returns the saved rule and the definition's warnings (e.g. a trigger matching no known type). */
  create: workspaceProcedure.input(createRuleInput).mutation(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    return createRule(ctx.db, actor(ctx), values);
  }),

  update: workspaceProcedure.input(updateRuleInput).mutation(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    return updateRule(ctx.db, actor(ctx), values);
  }),

  setEnabled: workspaceProcedure.input(setRuleEnabledInput).mutation(({ ctx, input }) => setRuleEnabled(ctx.db, actor(ctx), input.ruleId, input.enabled)),

  duplicate: workspaceProcedure.input(duplicateRuleInput).mutation(({ ctx, input }) => duplicateRule(ctx.db, actor(ctx), input.ruleId, input.name)),

  delete: workspaceProcedure.input(ruleRefInput).mutation(({ ctx, input }) => deleteRule(ctx.db, actor(ctx), input.ruleId)),

  /** As-you-type: every error and warning of a definition by path; never throws on a bad definition. */
  validate: workspaceProcedure.input(validateRuleInput).query(({ input }) => {
    const { errors, warnings } = checkRuleDefinition(input);
    return { errors, warnings };
  }),

  /** The latest 100 events in scope, each matched or not (with the reason). */
  preview: workspaceProcedure.input(previewRuleInput).query(({ ctx, input }) => {
    const { workspaceSlug: _slug, ...values } = input;
    return previewRule(ctx.db, ctx.workspace.id, values);
  }),
});
