import type { Severity } from "@/server/events/severities";
import { cn } from "@/lib/utils";

export const severityLabels: Record<Severity, string> = {
  info: "Info",
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};

const severityClasses: Record<Severity, string> = {
  info: "border-zinc-200 bg-zinc-100 text-zinc-700",
  low: "border-sky-200 bg-sky-50 text-sky-800",
  medium: "border-amber-300 bg-amber-50 text-amber-800",
  high: "border-orange-300 bg-orange-100 text-orange-900",
  critical: "border-red-700 bg-red-700 text-white",
};

export function SeverityBadge({ severity, className }: { severity: Severity; className?: string }) {
  return (
    <span
      data-testid="severity-badge"
      className={cn("inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-medium", severityClasses[severity], className)}
    >
      {severityLabels[severity]}
    </span>
  );
}
