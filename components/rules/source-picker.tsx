"use client";

export type SourceOption = { id: string; name: string; communityName: string | null };

type Props = {
  sources: SourceOption[];
  selected: string[];
  onChange: (ids: string[]) => void;
  errors?: string[];
};

/** Sources a rule is limited to; none ticked means events from any source (and Tocsin's own). */
export function SourcePicker({ sources, selected, onChange, errors }: Props) {
  const known = new Set(sources.map((source) => source.id));
  // A source deleted since the rule was saved stays listed, so it can be unticked.
  const missing = selected.filter((id) => !known.has(id));
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));

  return (
    <fieldset>
      <legend className="text-sm font-medium text-zinc-800">Sources</legend>
      <p className="mb-2 text-xs text-zinc-500">
        {selected.length === 0 ? "Any source. Tick some to listen to those alone." : `Only events from ${selected.length === 1 ? "this source" : `these ${selected.length} sources`}.`}
      </p>
      {sources.length === 0 && missing.length === 0 ? (
        <p className="text-sm text-zinc-500">No sources in this workspace yet.</p>
      ) : (
        <ul className="flex flex-wrap gap-2">
          {sources.map((source) => (
            <li key={source.id}>
              <label className="flex cursor-pointer items-center gap-2 rounded-md border border-zinc-200 px-2.5 py-1.5 text-sm has-checked:border-zinc-900 has-checked:bg-zinc-50">
                <input type="checkbox" className="size-4 accent-zinc-900" checked={selected.includes(source.id)} onChange={(e) => toggle(source.id, e.target.checked)} />
                {source.name}
                {source.communityName ? <span className="text-xs text-zinc-500">{source.communityName}</span> : null}
              </label>
            </li>
          ))}
          {missing.map((id) => (
            <li key={id}>
              <label className="flex cursor-pointer items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-2.5 py-1.5 text-sm text-amber-900">
                <input type="checkbox" className="size-4 accent-zinc-900" checked onChange={() => toggle(id, false)} />
                A deleted source
              </label>
            </li>
          ))}
        </ul>
      )}
      {errors?.length ? (
        <p role="alert" className="mt-1 text-xs font-medium text-red-700">
          {errors[0]}
        </p>
      ) : null}
    </fieldset>
  );
}
