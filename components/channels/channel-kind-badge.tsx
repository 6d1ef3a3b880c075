import type { DeliveryChannelKind } from "@/server/db/schema/channels";
import { cn } from "@/lib/utils";
import { channelKindInfo } from "./channel-kinds";

/** The kind's letter in its colour, then (unless `compact`) its name. */
export function ChannelKindBadge({ kind, compact = false, className }: { kind: DeliveryChannelKind; compact?: boolean; className?: string }) {
  const info = channelKindInfo[kind];
  return (
    <span className={cn("inline-flex items-center gap-1.5 text-xs font-medium text-zinc-700", className)} title={compact ? info.label : undefined} data-testid="channel-kind">
      <span aria-hidden className={cn("inline-flex h-5 min-w-5 items-center justify-center rounded px-1 font-mono text-[0.65rem] font-bold", info.badgeClass)}>
        {info.letter}
      </span>
      {compact ? <span className="sr-only">{info.label}</span> : info.label}
    </span>
  );
}
