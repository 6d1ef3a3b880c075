type ExceptionRow = {
  fingerprint: string;
  exceptionClass: string;
  message: string;
  traceback: string;
  origin: string;
  workspaceName: string | null;
  occurrences: number;
  lastSeenAt: Date;
  lastNotifiedAt: Date | null;
  suppressedSinceNotice: number;
};

const formatTime = (at: Date | null) => (at ? `${at.toISOString().replace("T", " ").slice(0, 19)} UTC` : "never");

/** The instance's recent exceptions, latest first; each opens to its traceback. */
export function RecentExceptions({ rows }: { rows: ExceptionRow[] }) {
  if (rows.length === 0) return <p className="text-sm text-zinc-500">No exceptions recorded. Good.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="recent-exceptions">
        <thead className="border-b border-zinc-200 text-xs uppercase text-zinc-500">
          <tr>
            <th className="py-2 pr-4 font-medium">Exception</th>
            <th className="py-2 pr-4 font-medium">Where</th>
            <th className="py-2 pr-4 text-right font-medium">Occurrences</th>
            <th className="py-2 pr-4 font-medium">Last seen</th>
            <th className="py-2 font-medium">Last notified</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 align-top">
          {rows.map((row) => (
            <tr key={row.fingerprint}>
              <td className="max-w-md py-2 pr-4">
                <details>
                  <summary className="cursor-pointer">
                    <span className="font-medium text-zinc-900">{row.exceptionClass}</span>: <span className="break-words text-zinc-700">{row.message}</span>
                  </summary>
                  <pre className="mt-2 max-h-80 overflow-auto whitespace-pre-wrap break-words rounded bg-zinc-50 p-2 text-xs text-zinc-800">{row.traceback}</pre>
                </details>
              </td>
              <td className="py-2 pr-4 text-zinc-700">
                <code className="text-xs">{row.origin}</code>
                {row.workspaceName ? <div className="text-xs text-zinc-500">{row.workspaceName}</div> : null}
              </td>
              <td className="py-2 pr-4 text-right tabular-nums">
                {row.occurrences}
                {row.suppressedSinceNotice > 0 ? <div className="text-xs text-zinc-500">+{row.suppressedSinceNotice} since notice</div> : null}
              </td>
              <td className="whitespace-nowrap py-2 pr-4 text-zinc-600">{formatTime(row.lastSeenAt)}</td>
              <td className="whitespace-nowrap py-2 text-zinc-600">{formatTime(row.lastNotifiedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
