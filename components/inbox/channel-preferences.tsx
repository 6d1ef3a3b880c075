"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/react";
import { FormError } from "@/components/ui/field";
import { Switch } from "@/components/ui/switch";
import { preferenceKeys, type PreferenceKey } from "@/server/inbox/inbox-schemas";
import type { NotificationPreferences } from "@/server/inbox/preferences";

/** Every kind can be switched; the fan-out honours each (server/fan-out/write-fan-out.ts). */
const available = preferenceKeys;

const labels: Record<PreferenceKey, { name: string; description: string }> = {
  inApp: { name: "In-app", description: "The bell in the header and your inbox." },
  email: { name: "Email", description: "Messages to your address." },
  slack: { name: "Slack", description: "Posts to Slack channels." },
  teams: { name: "Microsoft Teams", description: "Posts to Teams channels." },
  mattermost: { name: "Mattermost", description: "Posts to Mattermost channels." },
  discord: { name: "Discord", description: "Posts to Discord channels." },
  webhook: { name: "Webhooks", description: "Signed HTTP calls to your own endpoints." },
};

function offDescription(key: PreferenceKey): string {
  if (key === "inApp") return "Off: your rules still match, but nothing reaches your inbox or the bell.";
  return `Off: your personal rules send nothing through ${labels[key].name} channels.`;
}

/** The caller's channel kinds on or off in this workspace, for every rule that notifies them. */
export function ChannelPreferences({ workspaceSlug, initial }: { workspaceSlug: string; initial: NotificationPreferences }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queryOptions = trpc.preference.get.queryOptions({ workspaceSlug }, { initialData: initial });
  const preferences = useQuery(queryOptions);
  const update = useMutation(
    trpc.preference.update.mutationOptions({ onSuccess: (saved) => queryClient.setQueryData(queryOptions.queryKey, saved) }),
  );
  const values = preferences.data ?? initial;

  return (
    <div className="space-y-4">
      <FormError message={update.error?.message} />
      <ul className="divide-y divide-zinc-100">
        {available.map((key) => {
          const on = update.isPending && update.variables?.[key] !== undefined ? Boolean(update.variables[key]) : values[key];
          return (
            <li key={key} className="flex items-center justify-between gap-4 py-3 first:pt-0">
              <div>
                <p className="text-sm font-medium text-zinc-900">{labels[key].name}</p>
                <p className="text-xs text-zinc-500">{on ? labels[key].description : offDescription(key)}</p>
              </div>
              <Switch checked={on} aria-label={labels[key].name} disabled={update.isPending} onClick={() => update.mutate({ workspaceSlug, [key]: !values[key] })} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}
