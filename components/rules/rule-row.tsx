"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { ChannelKindBadge } from "@/components/channels/channel-kind-badge";
import { useTRPC } from "@/components/trpc/react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { Switch } from "@/components/ui/switch";
import type { DeliveryChannelKind } from "@/server/db/schema/channels";
import { DeleteRuleDialog } from "./delete-rule-dialog";
import { describeConditions, describeDestinations, describeNoiseControl, describeScope } from "./describe-rule";
import type { RuleItem } from "./rule-types";

type Props = {
  workspaceSlug: string;
  rule: RuleItem;
  /** Names of the workspace's communities by id; null in single mode. */
  communityNames: Map<string, string> | null;
  /** The channels the caller sees, by id. */
  channels: ReadonlyMap<string, ChannelSummary>;
};

export type ChannelSummary = { kind: DeliveryChannelKind; name: string; enabled: boolean };

const shownTriggers = 4;

/** One rule: what it listens to and asks, on/off, and its actions (for those who may change it). */
export function RuleRow({ workspaceSlug, rule, communityNames, channels }: Props) {
  const trpc = useTRPC();
  const router = useRouter();
  const [deleting, setDeleting] = useState(false);
  const [refreshing, startRefresh] = useTransition();
  const refresh = () => startRefresh(() => router.refresh());
  const setEnabled = useMutation(trpc.rule.setEnabled.mutationOptions({ onSuccess: refresh }));
  const duplicate = useMutation(trpc.rule.duplicate.mutationOptions({ onSuccess: refresh }));
  // Until the refreshed list arrives, show the state just asked for.
  const enabled = (setEnabled.isPending || refreshing) && setEnabled.variables ? setEnabled.variables.enabled : rule.enabled;
  const editHref = `/w/${workspaceSlug}/rules/${rule.id}`;
  const scope = communityNames ? describeScope(rule.scope, rule.communityName, rule.communityIds.map((id) => communityNames.get(id) ?? "?")) : null;
  const noise = describeNoiseControl(rule);

  return (
    <li className="py-4 first:pt-0 last:pb-0" data-testid="rule-row">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="font-medium text-zinc-900" data-testid="rule-name">
              {rule.canEdit ? (
                <Link href={editHref} className="hover:underline">
                  {rule.name}
                </Link>
              ) : (
                rule.name
              )}
            </h3>
            {rule.kind === "shared" ? <Badge className="border-violet-200 bg-violet-50 text-violet-800">Shared</Badge> : null}
            {enabled ? null : <Badge className="border-amber-200 bg-amber-50 text-amber-800">Disabled</Badge>}
          </div>
          {rule.description ? <p className="mt-0.5 text-sm text-zinc-600">{rule.description}</p> : null}
        </div>
        {rule.canEdit ? (
          <label className="flex items-center gap-2 text-sm text-zinc-700">
            {enabled ? "Enabled" : "Disabled"}
            <Switch
              checked={enabled}
              aria-label={`Enable ${rule.name}`}
              disabled={setEnabled.isPending || refreshing}
              onClick={() => setEnabled.mutate({ workspaceSlug, ruleId: rule.id, enabled: !rule.enabled })}
            />
          </label>
        ) : (
          <span className="text-xs text-zinc-500">Shared with you by an admin</span>
        )}
      </div>

      <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[7rem_1fr]">
        <dt className="text-zinc-500">Triggers</dt>
        <dd className="flex flex-wrap gap-1">
          {rule.triggers.slice(0, shownTriggers).map((pattern) => (
            <code key={pattern} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800">
              {pattern}
            </code>
          ))}
          {rule.triggers.length > shownTriggers ? <span className="text-xs text-zinc-500" title={rule.triggers.join("\n")}>+{rule.triggers.length - shownTriggers} more</span> : null}
        </dd>
        <dt className="text-zinc-500">Notifies</dt>
        <dd className="flex flex-wrap items-center gap-x-1.5 gap-y-1 text-zinc-700" data-testid="rule-destinations">
          {describeDestinations(rule, channels).map((destination, index) => (
            <span key={destination.key} className="inline-flex items-center gap-1">
              {index > 0 ? <span aria-hidden className="text-zinc-400">·</span> : null}
              {destination.kind === "inbox" || destination.kind === "unknown" ? null : <ChannelKindBadge kind={destination.kind} compact />}
              {destination.label}
              {destination.off ? <span className="text-xs text-amber-700">(off)</span> : null}
            </span>
          ))}
        </dd>
        <dt className="text-zinc-500">Conditions</dt>
        <dd className="text-zinc-700" data-testid="rule-conditions">
          {describeConditions(rule.conditions)}
        </dd>
        {noise ? (
          <>
            <dt className="text-zinc-500">Noise control</dt>
            <dd className="text-zinc-700" data-testid="rule-noise">
              {noise}
            </dd>
          </>
        ) : null}
        {scope ? (
          <>
            <dt className="text-zinc-500">Listens to</dt>
            <dd className="text-zinc-700">
              {scope}
              {rule.scope !== "community" ? <span className="text-xs text-zinc-500"> · created in {rule.communityName}</span> : null}
            </dd>
          </>
        ) : null}
        {rule.kind === "shared" ? (
          <>
            <dt className="text-zinc-500">Recipients</dt>
            <dd className="text-zinc-700">{describeRecipients(rule)}</dd>
          </>
        ) : null}
      </dl>

      {rule.canEdit ? (
        <div className="mt-2 -ml-3 flex flex-wrap items-center gap-1">
          <Link href={editHref} className="inline-flex h-8 items-center rounded-md px-3 text-sm font-medium text-zinc-700 hover:bg-zinc-100">
            Edit
          </Link>
          <Button size="sm" variant="ghost" disabled={duplicate.isPending} onClick={() => duplicate.mutate({ workspaceSlug, ruleId: rule.id })}>
            Duplicate
          </Button>
          <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(true)}>
            Delete
          </Button>
          <FormError message={setEnabled.error?.message ?? duplicate.error?.message} />
        </div>
      ) : null}
      {deleting ? <DeleteRuleDialog workspaceSlug={workspaceSlug} rule={rule} onClose={() => setDeleting(false)} /> : null}
    </li>
  );
}

function describeRecipients(rule: RuleItem): string {
  const parts: string[] = [];
  if (rule.recipientRoles.length) parts.push(`every ${rule.recipientRoles.join(", ")}`);
  if (rule.recipientUserIds.length) parts.push(rule.recipientUserIds.length === 1 ? "1 member" : `${rule.recipientUserIds.length} members`);
  if (rule.notifyEventUser) parts.push("the event’s own user");
  return parts.join(" · ") || "Nobody";
}
