"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { CatalogEntry } from "@/server/rules/catalog/types";
import type { CelFieldHelp } from "./cel-field";
import { ConditionBuilder } from "./condition-builder";
import { NoiseFields } from "./noise-fields";
import { NotifyFields } from "./notify-fields";
import { toDefinition, withUsableChannels, type ChannelOption, type RuleDraft } from "./rule-draft";
import { errorsAt, unplacedErrors, type RuleErrors } from "./rule-errors";
import { RulePreview } from "./rule-preview";
import { RuleScopeFields, type CommunityOption } from "./rule-scope-fields";
import { SharedRuleFields, type MemberOption } from "./shared-rule-fields";
import type { SourceOption } from "./source-picker";
import { TriggerField } from "./trigger-field";
import { placedErrorPaths, validateDraft } from "./validate-draft";
import { useDefinitionCheck } from "./use-definition-check";
import { useSaveRule } from "./use-save-rule";
import { useUnsavedWarning } from "./use-unsaved-warning";

export type RuleEditorProps = {
  workspaceSlug: string;
  /** Null for a new rule. */
  ruleId: string | null;
  initial: RuleDraft;
  catalog: readonly CatalogEntry[];
  sources: SourceOption[];
  /** Null in single mode, where the one community stays hidden. */
  communities: CommunityOption[] | null;
  /** Null unless the user is an admin (shared rules). */
  members: MemberOption[] | null;
  /** The writer's own channels and the shared ones. */
  channels: ChannelOption[];
  /** The writer's address: a personal email channel created here mails it. */
  ownEmail: string;
  timeZone: string;
  celFields: CelFieldHelp;
};

/** New and edit: name, scope, triggers, conditions, recipients, and the live preview. */
export function RuleEditor(props: RuleEditorProps) {
  const { workspaceSlug, ruleId, initial, catalog, sources, communities, members, channels, ownEmail, timeZone, celFields } = props;
  const formRef = useRef<HTMLFormElement>(null);
  const [draft, setDraft] = useState(initial);
  // After the first "Save", the browser's checks follow every change, so fixed fields clear at once.
  const [attempted, setAttempted] = useState(false);
  const multi = communities !== null;
  const clientErrors = attempted ? validateDraft(draft, { multi }) : {};
  const update = (change: Partial<RuleDraft>) => setDraft((current) => ({ ...current, ...change }));
  // Bring the first problem into view once it is rendered.
  const showFirstProblem = () =>
    requestAnimationFrame(() => formRef.current?.querySelector('[role="alert"]')?.scrollIntoView({ block: "center", behavior: "smooth" }));
  const save = useSaveRule(workspaceSlug, ruleId, showFirstProblem);
  const check = useDefinitionCheck(workspaceSlug, toDefinition(draft));
  useUnsavedWarning(draft !== initial && !save.isPending);
  // What the server finds in the conditions as they are typed (CEL, regex, CIDR) shows at once;
  // the rest after "Save" — the browser's checks, else the server's.
  const submitted = Object.keys(clientErrors).length ? clientErrors : save.errors;
  const errors = { ...liveErrors(check.errors, draft), ...submitted };
  const leftover = unplacedErrors(submitted, placedErrorPaths);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setAttempted(true);
    const saved = withUsableChannels(draft, channels);
    if (Object.keys(validateDraft(saved, { multi })).length === 0) save.mutate(saved);
    else showFirstProblem();
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-6" aria-label={ruleId ? "Edit rule" : "New rule"}>
      <FormError message={save.formError ?? (leftover.length ? leftover.join(" · ") : null)} />

      <EditorCard title="Rule">
        <div className="space-y-4">
          <Field id="rule-name" label="Name" errors={errorsAt(errors, "name")}>
            <Input id="rule-name" value={draft.name} onChange={(e) => update({ name: e.target.value })} aria-invalid={errorsAt(errors, "name") ? true : undefined} />
          </Field>
          <Field id="rule-description" label="Description (optional)" errors={errorsAt(errors, "description")}>
            <Input id="rule-description" value={draft.description} onChange={(e) => update({ description: e.target.value })} />
          </Field>
          {communities ? <RuleScopeFields draft={draft} update={update} communities={communities} communityLocked={ruleId !== null} errors={errors} /> : null}
        </div>
      </EditorCard>

      <EditorCard title="Triggers" description="The event types the rule listens to. Any one of them triggers it.">
        <TriggerField catalog={catalog} triggers={draft.triggers} onChange={(triggers) => update({ triggers })} errors={errors} />
      </EditorCard>

      <EditorCard title="Conditions" description="All of them must hold for the event to notify.">
        <ConditionBuilder draft={draft} update={update} sources={sources} errors={errors} celStatus={check.status} celFields={celFields} />
      </EditorCard>

      <RulePreview workspaceSlug={workspaceSlug} draft={draft} timeZone={timeZone} showCommunity={communities !== null} />

      <EditorCard title="Notify" description="Where each match goes: the inbox, channels, or both.">
        <div className="space-y-4">
          {members ? <SharedRuleFields draft={draft} update={update} members={members} kindLocked={ruleId !== null} errors={errors} /> : null}
          <NotifyFields workspaceSlug={workspaceSlug} draft={draft} update={update} channels={channels} isAdmin={members !== null} ownEmail={ownEmail} errors={errors} />
        </div>
      </EditorCard>

      <EditorCard title="Noise control" description="Keep a busy rule readable: throttle repeats of the same thing, or gather matches into a digest.">
        <NoiseFields draft={draft} update={update} errors={errors} />
      </EditorCard>

      <div className="sticky bottom-0 z-10 flex items-center justify-end gap-2 rounded-t-lg border border-b-0 border-zinc-200 bg-white px-4 py-3 shadow-[0_-4px_12px_-6px_rgba(0,0,0,0.12)]">
        <Link href={`/w/${workspaceSlug}/rules`} className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 hover:bg-zinc-100">
          Cancel
        </Link>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : ruleId ? "Save rule" : "Create rule"}
        </Button>
      </div>
    </form>
  );
}

function EditorCard({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <CardBody>{children}</CardBody>
    </Card>
  );
}

/**
 * Of the as-you-type check, only what the user has typed: the conditions' errors, except those
 * of a field condition still blank (a row just added is not yet a mistake).
 */
function liveErrors(errors: RuleErrors, draft: RuleDraft): RuleErrors {
  return Object.fromEntries(
    Object.entries(errors).filter(([path]) => {
      if (!path.startsWith("conditions.")) return false;
      const row = /^conditions\.fields\.(\d+)\./.exec(path);
      const matcher = row ? draft.matchers[Number(row[1])] : undefined;
      return !matcher || matcher.value.trim() !== "" || matcher.list.trim() !== "";
    }),
  );
}
