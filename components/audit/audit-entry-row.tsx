import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/components/events/format-time";
import { auditObjectTypeNames } from "@/server/audit/audit-schemas";
import type { AuditItem } from "./audit-types";
import { describeAuditVerb, formatAuditValue } from "./format-audit-value";

function AuditValue({ value }: { value: unknown }) {
  const shown = formatAuditValue(value);
  if (shown.kind === "masked") {
    return (
      <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-medium text-zinc-600" title="A secret: Tocsin never keeps it in the audit log">
        masked
      </span>
    );
  }
  if (shown.kind === "none") return <span className="text-zinc-400">—</span>;
  return <span className="break-all font-mono text-xs text-zinc-800">{shown.text}</span>;
}

/** One entry: when, who (and from where), what, and each field before → after. */
export function AuditEntryRow({ entry, timeZone }: { entry: AuditItem; timeZone: string }) {
  return (
    <li className="py-4" data-testid="audit-entry">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <p className="text-sm text-zinc-900">
          <span className="font-medium">{entry.actorEmail ?? "Tocsin"}</span> {describeAuditVerb(entry.verb)}{" "}
          <span className="text-zinc-500">{auditObjectTypeNames[entry.objectType]}</span> <span className="font-medium">{entry.objectLabel}</span>
          {entry.private ? <Badge className="ml-2 align-middle">personal, only you see this</Badge> : null}
        </p>
        <p className="text-xs text-zinc-500">
          <time dateTime={entry.createdAt.toISOString()}>{formatDateTime(entry.createdAt, timeZone)}</time>
          {entry.actorIp ? <span className="ml-2 font-mono">from {entry.actorIp}</span> : null}
        </p>
      </div>
      {entry.changes.length > 0 ? (
        <table className="mt-2 w-full table-fixed text-left text-sm" aria-label={`Changes to ${entry.objectLabel}`}>
          <thead className="sr-only">
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {entry.changes.map((change) => (
              <tr key={change.path} className="align-top">
                <td className="w-1/4 py-0.5 pr-3 font-mono text-xs text-zinc-500">{change.path}</td>
                <td className="py-0.5 pr-2">
                  <AuditValue value={change.before} />
                </td>
                <td className="w-6 py-0.5 text-zinc-400" aria-hidden="true">
                  →
                </td>
                <td className="py-0.5">
                  <AuditValue value={change.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </li>
  );
}
