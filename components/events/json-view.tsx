/** A JSON value, pretty-printed, in a scrollable block; `null`/absent shown as a short note. */
export function JsonView({ value, label, empty = "Nothing stored" }: { value: unknown; label: string; empty?: string }) {
  if (value === null || value === undefined) return <p className="text-sm text-zinc-500">{empty}</p>;
  return (
    <pre
      aria-label={label}
      className="max-h-[32rem] overflow-auto rounded-md border border-zinc-200 bg-zinc-950 p-4 font-mono text-xs leading-relaxed whitespace-pre text-zinc-100"
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
