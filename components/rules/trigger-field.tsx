"use client";

import { useState, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { MAX_TRIGGERS } from "@/server/rules/rule-definition";
import type { CatalogEntry } from "@/server/rules/catalog/types";
import { describeTypePatternProblem, matchesTypePattern } from "@/server/rules/type-pattern";
import { CatalogPicker } from "./catalog-picker";
import { errorsAt, type RuleErrors } from "./rule-errors";

type Props = {
  catalog: readonly CatalogEntry[];
  triggers: string[];
  onChange: (triggers: string[]) => void;
  errors: RuleErrors;
};

/** What a trigger covers in the catalog: the entries it matches (none means "warn"). */
function coveredEntries(catalog: readonly CatalogEntry[], pattern: string): CatalogEntry[] {
  return catalog.filter((entry) => matchesTypePattern(pattern, entry.type));
}

/** The event types a rule listens to: picked from the catalog or typed, with `*` wildcards. */
export function TriggerField({ catalog, triggers, onChange, errors }: Props) {
  const [typed, setTyped] = useState("");
  const [typedError, setTypedError] = useState<string | null>(null);
  const full = triggers.length >= MAX_TRIGGERS;

  function add(pattern: string) {
    if (triggers.includes(pattern)) return;
    onChange([...triggers, pattern]);
  }

  function addTyped() {
    const pattern = typed.trim();
    const problem = describeTypePatternProblem(pattern);
    if (problem) return setTypedError(problem);
    if (triggers.includes(pattern)) return setTypedError(`${pattern} is already a trigger`);
    setTypedError(null);
    setTyped("");
    add(pattern);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter") {
      event.preventDefault();
      addTyped();
    }
  }

  const ownError = errorsAt(errors, "triggers")?.[0];
  return (
    <div className="space-y-3">
      {triggers.length ? (
        <ul className="space-y-1.5" aria-label="Triggers" data-testid="rule-triggers">
          {triggers.map((pattern, index) => (
            <TriggerChip
              key={pattern}
              pattern={pattern}
              covered={coveredEntries(catalog, pattern)}
              error={errorsAt(errors, `triggers.${index}`)?.[0]}
              onRemove={() => onChange(triggers.filter((t) => t !== pattern))}
            />
          ))}
        </ul>
      ) : (
        <p className="text-sm text-zinc-500">No trigger yet: pick event types below, or type a pattern.</p>
      )}
      {ownError ? (
        <p role="alert" className="text-xs font-medium text-red-700">
          {ownError}
        </p>
      ) : null}

      <div>
        <label htmlFor="rule-trigger-typed" className="block text-sm font-medium text-zinc-800">
          Type or pattern
        </label>
        <div className="mt-1.5 flex gap-2">
          <Input
            id="rule-trigger-typed"
            className="font-mono"
            placeholder="authentik.login_* or alert.*"
            value={typed}
            disabled={full}
            onChange={(e) => (setTyped(e.target.value), setTypedError(null))}
            onKeyDown={onKeyDown}
            aria-invalid={typedError ? true : undefined}
            aria-describedby="rule-trigger-typed-hint"
          />
          <Button variant="secondary" onClick={addTyped} disabled={full || typed.trim() === ""}>
            Add
          </Button>
        </div>
        {typedError ? (
          <p role="alert" className="mt-1 text-xs font-medium text-red-700">
            {typedError}
          </p>
        ) : (
          <p id="rule-trigger-typed-hint" className="mt-1 text-xs text-zinc-500">
            {full
              ? `A rule has at most ${MAX_TRIGGERS} triggers.`
              : "A final .* covers every type below it (alert.* → alert.created, alert.x.y); login_* covers login_failed, login_ok."}
          </p>
        )}
      </div>

      <CatalogPicker catalog={catalog} selected={triggers} disabled={full} onToggle={(type, on) => (on ? add(type) : onChange(triggers.filter((t) => t !== type)))} />
    </div>
  );
}

function TriggerChip({ pattern, covered, error, onRemove }: { pattern: string; covered: CatalogEntry[]; error?: string; onRemove: () => void }) {
  const exact = covered.length === 1 && covered[0]!.type === pattern ? covered[0] : null;
  return (
    <li className="flex items-start justify-between gap-3 rounded-md border border-zinc-200 bg-zinc-50 px-3 py-1.5" data-testid="rule-trigger">
      <div className="min-w-0 text-sm">
        <code className="font-mono text-zinc-900">{pattern}</code>
        {exact ? <span className="ml-2 text-xs text-zinc-500">{exact.label}</span> : null}
        {!exact && covered.length > 0 ? (
          <span className="ml-2 text-xs text-zinc-500" title={covered.map((entry) => entry.type).join("\n")}>
            covers {covered.length} known type{covered.length === 1 ? "" : "s"}
          </span>
        ) : null}
        {covered.length === 0 && !error ? (
          <p className="text-xs text-amber-800" data-testid="trigger-unknown-warning">
            Matches no known type. Allowed (a tool may send it), but check the spelling.
          </p>
        ) : null}
        {error ? (
          <p role="alert" className="text-xs font-medium text-red-700">
            {error}
          </p>
        ) : null}
      </div>
      <button type="button" onClick={onRemove} aria-label={`Remove trigger ${pattern}`} className="rounded px-1 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900">
        ×
      </button>
    </li>
  );
}
