"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import { useTRPC } from "@/components/trpc/react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { cn } from "@/lib/utils";
import { CopyButton } from "@/components/ui/copy-button";
import { DeleteSourceDialog } from "./delete-source-dialog";
import { EditSourceDialog } from "./edit-source-dialog";
import { MaintenanceBadge } from "./maintenance-badge";
import { MaintenanceDialog } from "./maintenance-dialog";
import { RelativeTime } from "./relative-time";
import { RevokeTokensDialog } from "./revoke-tokens-dialog";
import { RotateTokenDialog } from "./rotate-token-dialog";
import type { SourceItem, SourcesContext } from "./source-types";
import { silenceStateOf, type SilenceState } from "./silence-state";

type Props = SourcesContext & { source: SourceItem; canManage: boolean };

export function SourceRow({ source, canManage, ...context }: Props) {
  const { timeZone, formats } = context;
  const [dialog, setDialog] = useState<null | "edit" | "rotate" | "revoke" | "delete" | "maintenance">(null);
  const close = () => setDialog(null);
  const hasToken = source.activeTokens.length > 0;
  const format = formats[source.format];
  const silence = silenceStateOf(source);

  return (
    <li className="py-4 first:pt-0 last:pb-0" data-testid="source-row">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="font-medium text-zinc-900" data-testid="source-name">
              {source.name}
            </h3>
            <Badge title={format.description}>{format.label}</Badge>
            {canManage ? null : <EnabledBadge enabled={source.enabled} />}
            <SilenceBadge state={silence} />
            <MaintenanceBadge workspaceSlug={context.workspaceSlug} sourceId={source.id} timeZone={timeZone} />
          </div>
        </div>
        {canManage ? <EnabledSwitch workspaceSlug={context.workspaceSlug} source={source} /> : null}
      </div>

      <dl className="mt-3 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <Detail term="Last event">
          {source.lastEventAt ? <RelativeTime date={source.lastEventAt} timeZone={timeZone} past /> : <span className="text-zinc-500">Nothing received yet</span>}
        </Detail>
        <Detail term="Last 24 h">
          <span data-testid="source-events-24h">
            {source.eventsLast24h} {source.eventsLast24h === 1 ? "event" : "events"}
          </span>
        </Detail>
        <Detail term={hasToken && source.activeTokens.length > 1 ? "Active tokens" : "Token"}>
          {hasToken ? (
            <ul className="space-y-0.5" data-testid="source-tokens">
              {source.activeTokens.map((token) => (
                <li key={token.id}>
                  <code className="font-mono text-xs">{token.displayPrefix}…</code>{" "}
                  {token.expiresAt ? (
                    <span className="text-xs text-amber-700">
                      expires <RelativeTime date={token.expiresAt} timeZone={timeZone} />
                    </span>
                  ) : source.activeTokens.length > 1 ? (
                    <span className="text-xs text-zinc-500">current</span>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : (
            <span className="text-red-700">None: posts are refused</span>
          )}
        </Detail>
        <Detail term="Silence watch">
          <SilenceDetail state={silence} timeZone={timeZone} />
        </Detail>
        <Detail term="Rate limit">{source.rateLimitPerSecond.toLocaleString("en")} requests/s</Detail>
      </dl>

      <div className="mt-3 flex items-center gap-2">
        <span className="shrink-0 text-xs text-zinc-500">Ingest URL</span>
        <code className="min-w-0 truncate rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700" title={source.urls.byId} data-testid="source-url">
          {source.urls.byId}
        </code>
        <CopyButton value={source.urls.byId} label={`ingest URL of ${source.name}`} />
      </div>

      {canManage ? (
        <div className="mt-2 -ml-3 flex flex-wrap gap-1">
          <Button size="sm" variant="ghost" onClick={() => setDialog("edit")}>
            Edit
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setDialog("rotate")}>
            {hasToken ? "Rotate token" : "Issue token"}
          </Button>
          {hasToken ? (
            <Button size="sm" variant="ghost" onClick={() => setDialog("revoke")}>
              Revoke tokens
            </Button>
          ) : null}
          <Button size="sm" variant="ghost" onClick={() => setDialog("maintenance")}>
            Maintenance
          </Button>
          <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDialog("delete")}>
            Delete
          </Button>
        </div>
      ) : (
        // Every member may see the maintenance windows; only admins change them.
        <div className="mt-2 -ml-3 flex flex-wrap gap-1">
          <Button size="sm" variant="ghost" onClick={() => setDialog("maintenance")}>
            Maintenance
          </Button>
        </div>
      )}

      {dialog === "edit" ? <EditSourceDialog {...context} source={source} onClose={close} /> : null}
      {dialog === "rotate" ? <RotateTokenDialog {...context} source={source} onClose={close} /> : null}
      {dialog === "revoke" ? <RevokeTokensDialog workspaceSlug={context.workspaceSlug} source={source} onClose={close} /> : null}
      {dialog === "delete" ? <DeleteSourceDialog workspaceSlug={context.workspaceSlug} source={source} onClose={close} /> : null}
      {dialog === "maintenance" ? <MaintenanceDialog workspaceSlug={context.workspaceSlug} timeZone={timeZone} source={source} canManage={canManage} onClose={close} /> : null}
    </li>
  );
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{term}</dt>
      <dd className="mt-0.5 text-zinc-800">{children}</dd>
    </div>
  );
}

const silenceBadges: Record<SilenceState["kind"], { label: string; className: string; title: string }> = {
  receiving: { label: "Receiving", className: "border-emerald-200 bg-emerald-50 text-emerald-800", title: "Events arrive within the silence threshold" },
  silent: { label: "Silent", className: "border-red-200 bg-red-50 text-red-800", title: "Nothing arrived for longer than the silence threshold" },
  "never-received": { label: "Never received", className: "border-amber-200 bg-amber-50 text-amber-800", title: "No event has arrived since the source was created" },
  "not-watched": { label: "Not watched", className: "", title: "No silence threshold, or the source is disabled" },
};

/** The intake state at a glance, beside the name. */
function SilenceBadge({ state }: { state: SilenceState }) {
  const badge = silenceBadges[state.kind];
  return (
    <Badge className={badge.className} title={badge.title} data-testid="source-silence-badge" data-state={state.kind}>
      {badge.label}
    </Badge>
  );
}

/** The watcher's view of the source: since when it is silent, or what it is waiting for. */
function SilenceDetail({ state, timeZone }: { state: SilenceState; timeZone: string }) {
  const content = (() => {
    switch (state.kind) {
      case "silent":
        return (
          <>
            <span className="font-medium text-red-800">
              Silent since <RelativeTime date={state.since} timeZone={timeZone} past />
            </span>{" "}
            <span className="text-zinc-500">(threshold {state.threshold})</span>
          </>
        );
      case "receiving":
        return (
          <>
            Receiving: last event <RelativeTime date={state.lastEventAt} timeZone={timeZone} past />{" "}
            <span className="text-zinc-500">(silent after {state.threshold})</span>
          </>
        );
      case "never-received":
        return (
          <>
            Never received <span className="text-zinc-500">(silent {state.threshold} after creation)</span>
          </>
        );
      case "not-watched":
        return <span className="text-zinc-500">{state.reason === "disabled" ? "Not watched while disabled" : "Not watched (no threshold)"}</span>;
    }
  })();
  return (
    <span data-testid="source-silence-state" data-state={state.kind}>
      {content}
    </span>
  );
}

function EnabledBadge({ enabled }: { enabled: boolean }) {
  return enabled ? (
    <Badge className="border-emerald-200 bg-emerald-50 text-emerald-800">Enabled</Badge>
  ) : (
    <Badge className="border-amber-200 bg-amber-50 text-amber-800">Disabled</Badge>
  );
}

/** Turns intake on and off; a disabled source answers 403 source_disabled to every post. */
function EnabledSwitch({ workspaceSlug, source }: { workspaceSlug: string; source: SourceItem }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [refreshing, startRefresh] = useTransition();
  const update = useMutation(trpc.source.update.mutationOptions({ onSuccess: () => startRefresh(() => router.refresh()) }));
  // Until the refreshed list arrives, show the state just asked for.
  const enabled = (update.isPending || refreshing) && update.variables ? update.variables.enabled : source.enabled;

  function toggle() {
    update.mutate({
      workspaceSlug,
      sourceId: source.id,
      name: source.name,
      enabled: !source.enabled,
      silenceAfterSeconds: source.silenceAfterSeconds,
      rateLimitPerSecond: source.rateLimitPerSecond,
    });
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <label className="flex cursor-pointer items-center gap-2 text-sm">
        <span className={enabled ? "text-zinc-800" : "font-medium text-amber-800"} data-testid="source-enabled-state">
          {enabled ? "Enabled" : "Disabled"}
        </span>
        <button
          type="button"
          role="switch"
          aria-checked={enabled}
          aria-label="Enabled"
          disabled={update.isPending || refreshing}
          onClick={toggle}
          className={cn(
            "relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900 disabled:cursor-wait",
            enabled ? "bg-emerald-600" : "bg-zinc-300",
          )}
        >
          <span className={cn("inline-block h-5 w-5 rounded-full bg-white shadow transition-transform", enabled ? "translate-x-5" : "translate-x-0.5")} />
        </button>
      </label>
      <FormError message={update.error?.message} />
    </div>
  );
}
