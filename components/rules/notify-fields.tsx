"use client";

import { useState } from "react";
import { ChannelFormDialog } from "@/components/channels/channel-form-dialog";
import { ChannelKindBadge } from "@/components/channels/channel-kind-badge";
import { Button } from "@/components/ui/button";
import { usableChannels, type ChannelOption, type RuleDraft } from "./rule-draft";
import { errorsWithin, type RuleErrors } from "./rule-errors";

type Props = {
  workspaceSlug: string;
  draft: RuleDraft;
  update: (change: Partial<RuleDraft>) => void;
  /** The writer's own channels and the shared ones (a shared rule offers only the latter). */
  channels: ChannelOption[];
  /** For a channel created from here: admins may make it shared; a personal email channel mails the writer. */
  isAdmin: boolean;
  ownEmail: string;
  errors: RuleErrors;
};

function toggled(list: string[], id: string, on: boolean): string[] {
  return on ? [...list, id] : list.filter((x) => x !== id);
}

/** Where a match goes: the inbox, and any of the channels the rule may use. */
export function NotifyFields({ workspaceSlug, draft, update, channels, isAdmin, ownEmail, errors }: Props) {
  const [creating, setCreating] = useState(false);
  const shared = draft.kind === "shared";
  const offered = usableChannels(draft.kind, channels);
  const problems = ["notifyInApp", "channelIds"].flatMap((path) => errorsWithin(errors, path) ?? []);

  return (
    <div className="space-y-3">
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" className="mt-0.5 size-4 accent-zinc-900" checked={draft.notifyInApp} onChange={(e) => update({ notifyInApp: e.target.checked })} />
        <span>
          <span className="font-medium text-zinc-900">In-app inbox</span>
          <span className="block text-xs text-zinc-500">{shared ? "The bell and inbox of each recipient below." : "The bell in the header and your inbox."}</span>
        </span>
      </label>

      <fieldset>
        <legend className="text-sm font-medium text-zinc-800">Channels</legend>
        <div className="mb-1 flex flex-wrap items-center justify-between gap-2">
          <p className="text-xs text-zinc-500">{shared ? "A shared rule delivers to shared channels only." : "Your own channels and the workspace's shared ones."}</p>
          <Button size="sm" variant="secondary" onClick={() => setCreating(true)}>
            New channel
          </Button>
        </div>
        {offered.length === 0 ? (
          <p className="text-sm text-zinc-500">{shared ? "No shared channel yet." : "No channel yet."}</p>
        ) : (
          <ul className="max-h-60 space-y-1 overflow-y-auto" data-testid="rule-channels">
            {offered.map((channel) => (
              <li key={channel.id}>
                <label className="flex flex-wrap items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="size-4 accent-zinc-900"
                    checked={draft.channelIds.includes(channel.id)}
                    onChange={(e) => update({ channelIds: toggled(draft.channelIds, channel.id, e.target.checked) })}
                    aria-label={channel.name}
                  />
                  <ChannelKindBadge kind={channel.kind} compact />
                  <span className="font-medium text-zinc-900">{channel.name}</span>
                  <code className="truncate font-mono text-xs text-zinc-500">{channel.target}</code>
                  {channel.shared && !shared ? <span className="text-xs text-violet-700">shared</span> : null}
                  {channel.enabled ? null : (
                    <span className="rounded-full border border-amber-200 bg-amber-50 px-1.5 text-xs text-amber-800" title="Switched off: nothing is sent there until it is switched on">
                      off
                    </span>
                  )}
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      {creating ? (
        <ChannelFormDialog
          workspaceSlug={workspaceSlug}
          channel={null}
          isAdmin={isAdmin}
          ownEmail={ownEmail}
          shareByDefault={shared}
          // The list of channels comes with the page, which renders again once it is saved.
          onSaved={(channel) => update({ channelIds: [...draft.channelIds, channel.id] })}
          onClose={() => setCreating(false)}
        />
      ) : null}
      {problems.length ? (
        <p role="alert" className="text-xs font-medium text-red-700">
          {problems[0]}
        </p>
      ) : null}
    </div>
  );
}
