"use client";

import { roleLabels, roles, type Role } from "@/server/members/roles";
import type { RuleDraft } from "./rule-draft";
import { errorsWithin, type RuleErrors } from "./rule-errors";

export type MemberOption = { userId: string; email: string; name: string | null; role: Role };

type Props = {
  draft: RuleDraft;
  update: (change: Partial<RuleDraft>) => void;
  members: MemberOption[];
  /** A saved rule keeps its kind: personal stays personal, shared stays shared. */
  kindLocked: boolean;
  errors: RuleErrors;
};

function toggled<T>(list: T[], item: T, on: boolean): T[] {
  return on ? [...list, item] : list.filter((x) => x !== item);
}

/** Admins only: a workspace rule whose recipients are chosen members and/or roles. */
export function SharedRuleFields({ draft, update, members, kindLocked, errors }: Props) {
  const recipientErrors = ["recipients", "recipientUserIds", "recipientRoles", "notifyEventUser"].flatMap((path) => errorsWithin(errors, path) ?? []);
  return (
    <div className="space-y-3">
      <label className="flex items-start gap-2 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-zinc-900"
          checked={draft.kind === "shared"}
          disabled={kindLocked}
          onChange={(e) => update({ kind: e.target.checked ? "shared" : "personal" })}
        />
        <span>
          <span className="font-medium text-zinc-900">Shared rule</span>
          <span className="block text-xs text-zinc-500">
            {kindLocked
              ? draft.kind === "shared"
                ? "The workspace's rule, notifying the recipients below."
                : "Your personal rule; only you see it and are notified."
              : "The workspace's rule: it notifies the members and roles chosen below instead of only you."}
          </span>
        </span>
      </label>

      {draft.kind === "shared" ? (
        <div className="space-y-3 rounded-md border border-zinc-200 p-3">
          <fieldset>
            <legend className="text-sm font-medium text-zinc-800">Roles</legend>
            <p className="mb-1 text-xs text-zinc-500">Every member with one of these roles, now or later.</p>
            <div className="flex flex-wrap gap-3">
              {roles.map((role) => (
                <label key={role} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    className="size-4 accent-zinc-900"
                    checked={draft.recipientRoles.includes(role)}
                    onChange={(e) => update({ recipientRoles: toggled(draft.recipientRoles, role, e.target.checked) })}
                  />
                  {roleLabels[role]}s
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend className="text-sm font-medium text-zinc-800">Members</legend>
            <ul className="mt-1 max-h-48 space-y-1 overflow-y-auto">
              {members.map((member) => (
                <li key={member.userId}>
                  <label className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      className="size-4 accent-zinc-900"
                      checked={draft.recipientUserIds.includes(member.userId)}
                      onChange={(e) => update({ recipientUserIds: toggled(draft.recipientUserIds, member.userId, e.target.checked) })}
                    />
                    {member.name ?? member.email}
                    <span className="text-xs text-zinc-500">{member.name ? `${member.email} · ` : ""}{roleLabels[member.role]}</span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-0.5 size-4 accent-zinc-900" checked={draft.notifyEventUser} onChange={(e) => update({ notifyEventUser: e.target.checked })} />
            <span>
              Also notify the event’s own user
              <span className="block text-xs text-zinc-500">When the event’s actor is the email of a member, that member hears of it too.</span>
            </span>
          </label>
          {recipientErrors.length ? (
            <p role="alert" className="text-xs font-medium text-red-700">
              {recipientErrors[0]}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
