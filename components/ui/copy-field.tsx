"use client";

import { CopyButton } from "./copy-button";
import { Input } from "./input";

/** A value shown to copy (a token, a secret, a URL): read-only, selected on focus, with its copy button. */
export function CopyField({ id, label, value, hint }: { id: string; label: string; value: string; hint?: string }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      <div className="flex gap-2">
        <Input id={id} readOnly value={value} spellCheck={false} className="font-mono text-xs" onFocus={(event) => event.target.select()} />
        <CopyButton value={value} label={label.toLowerCase()} />
      </div>
      {hint ? <p className="text-xs text-zinc-500">{hint}</p> : null}
    </div>
  );
}
