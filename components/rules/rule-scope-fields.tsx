"use client";

import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import type { RuleScope } from "@/server/db/schema/rules";
import type { RuleDraft } from "./rule-draft";
import { errorsAt, errorsWithin, type RuleErrors } from "./rule-errors";

export type CommunityOption = { id: string; name: string };

type Props = {
  draft: RuleDraft;
  update: (change: Partial<RuleDraft>) => void;
  communities: CommunityOption[];
  /** The community of a saved rule cannot move; a new one chooses it. */
  communityLocked: boolean;
  errors: RuleErrors;
};

const scopeLabels: Record<RuleScope, string> = {
  community: "This community",
  workspace: "All communities",
  communities: "Chosen communities",
};

/** Multi mode only: where the rule was created, and which communities it listens to. */
export function RuleScopeFields({ draft, update, communities, communityLocked, errors }: Props) {
  const home = communities.find((community) => community.id === draft.communityId);
  const chosenErrors = errorsWithin(errors, "communityIds");
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id="rule-community"
        label="Community"
        hint={communityLocked ? "Where the rule was created; it stays there." : "Where the rule is created."}
        errors={errorsAt(errors, "communityId")}
      >
        <Select
          id="rule-community"
          value={draft.communityId}
          disabled={communityLocked}
          onChange={(e) => update({ communityId: e.target.value })}
          aria-invalid={errorsAt(errors, "communityId") ? true : undefined}
        >
          {communities.map((community) => (
            <option key={community.id} value={community.id}>
              {community.name}
            </option>
          ))}
        </Select>
      </Field>

      <fieldset className="space-y-1.5">
        <legend className="text-sm font-medium text-zinc-800">Listens to</legend>
        {(Object.keys(scopeLabels) as RuleScope[]).map((scope) => (
          <label key={scope} className="flex items-center gap-2 text-sm text-zinc-800">
            <input type="radio" name="rule-scope" className="size-4 accent-zinc-900" checked={draft.scope === scope} onChange={() => update({ scope })} />
            {scope === "community" && home ? `${scopeLabels.community} (${home.name})` : scopeLabels[scope]}
          </label>
        ))}
        {draft.scope === "communities" ? (
          <ul className="mt-2 space-y-1 rounded-md border border-zinc-200 p-2" aria-label="Chosen communities">
            {communities.map((community) => (
              <li key={community.id}>
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="size-4 accent-zinc-900"
                    checked={draft.communityIds.includes(community.id)}
                    onChange={(e) =>
                      update({
                        communityIds: e.target.checked
                          ? [...draft.communityIds, community.id]
                          : draft.communityIds.filter((id) => id !== community.id),
                      })
                    }
                  />
                  {community.name}
                </label>
              </li>
            ))}
          </ul>
        ) : null}
        {(errorsAt(errors, "scope") ?? chosenErrors)?.map((message) => (
          <p key={message} role="alert" className="text-xs font-medium text-red-700">
            {message}
          </p>
        ))}
      </fieldset>
    </div>
  );
}
