"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc/react";
import { FormError } from "@/components/ui/field";
import { Switch } from "@/components/ui/switch";
import type { NotificationPreferenceValues, PreferenceKey } from "@/server/inbox/inbox-schemas";

/** Kinds that can be switched today; the others are listed as coming with channels. */
const available: PreferenceKey[] = ["inApp"];

const labels: Record<PreferenceKey, { name: string; description: string }> = {
  inApp: { name: "In-app", description: "The bell in the header and your inbox." },
  email: { name: "Email", description: "Messages to your address." },
  slack: { name: "Slack", description: "Posts to Slack channels." },
  teams: { name: "Microsoft Teams", description: "Posts to Teams channels." },
  mattermost: { name: "Mattermost", description: "Posts to Mattermost channels." },
  discord: { name: "Discord", description: "Posts to Discord channels." },
  webhook: { name: "Webhooks", description: "Signed HTTP calls to your own endpoints." },
};

/** The caller's channel kinds on or off in this workspace, for every rule that notifies them. */
export function ChannelPreferences({ workspaceSlug, initial }: { workspaceSlug: string; initial: NotificationPreferenceValues }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queryOptions = trpc.preference.get.queryOptions({ workspaceSlug }, { initialData: initial });
  const preferences = useQuery(queryOptions);
  const update = useMutation(
    trpc.preference.update.mutationOptions({ onSuccess: (saved) => queryClient.setQueryData(queryOptions.queryKey, saved) }),
  );
  const values = preferences.data ?? initial;
  const coming = (Object.keys(values) as PreferenceKey[]).filter((key) => !available.includes(key) && key in labels);

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
                <p className="text-xs text-zinc-500">{on ? labels[key].description : "Off: your rules still match, but nothing reaches your inbox or the bell."}</p>
              </div>
              <Switch checked={on} aria-label={labels[key].name} disabled={update.isPending} onClick={() => update.mutate({ workspaceSlug, [key]: !values[key] })} />
            </li>
          );
        })}
      </ul>
      {coming.length ? (
        <div>
          <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Coming with channels</p>
          <ul className="mt-1 flex flex-wrap gap-2">
            {coming.map((key) => (
              <li key={key} className="rounded-full border border-zinc-200 px-2.5 py-0.5 text-xs text-zinc-600" title={labels[key].description}>
                {labels[key].name}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
