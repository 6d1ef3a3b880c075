import type { DeliveryStatus } from "@/server/db/schema/channels";
import { cn } from "@/lib/utils";
import { attemptOutcomeLabels, deliveryStatusLabels, type AttemptOutcome } from "./describe-delivery";

const classes: Record<DeliveryStatus | AttemptOutcome, string> = {
  pending: "border-sky-200 bg-sky-50 text-sky-800",
  retry: "border-amber-300 bg-amber-50 text-amber-800",
  delivered: "border-emerald-200 bg-emerald-50 text-emerald-800",
  failed: "border-red-200 bg-red-50 text-red-800",
};

const badgeClass = "inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-medium";

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <span className={cn(badgeClass, classes[status])} data-testid="delivery-status">
      {deliveryStatusLabels[status]}
    </span>
  );
}

export function AttemptOutcomeBadge({ outcome }: { outcome: AttemptOutcome }) {
  return <span className={cn(badgeClass, classes[outcome])}>{attemptOutcomeLabels[outcome]}</span>;
}
