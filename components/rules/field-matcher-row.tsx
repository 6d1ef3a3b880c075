"use client";

import { Input, Select } from "@/components/ui/input";
import { fieldMatcherOperators, matchableFields, type FieldMatcherOperator, type MatchableField } from "@/server/rules/rule-definition";
import { errorsWithin, type RuleErrors } from "./rule-errors";
import type { MatcherDraft } from "./rule-draft";

const fieldLabels: Record<MatchableField, string> = {
  type: "Type",
  severity: "Severity",
  title: "Title",
  message: "Message",
  actor: "Actor",
  clientIp: "Client IP",
  externalId: "External ID",
  fingerprint: "Fingerprint",
  origin: "Origin",
};

export const operatorLabels: Record<FieldMatcherOperator, string> = {
  equals: "equals",
  oneOf: "is one of",
  contains: "contains",
  regex: "matches regex",
  cidr: "is in CIDR block",
};

const PATH = "__path";
const isNormalised = (field: string): field is MatchableField => (matchableFields as readonly string[]).includes(field);
const isList = (operator: FieldMatcherOperator) => operator === "oneOf" || operator === "cidr";

type Props = {
  index: number;
  matcher: MatcherDraft;
  onChange: (matcher: MatcherDraft) => void;
  onRemove: () => void;
  /** Errors of the whole rule; this row shows those under `conditions.fields.<index>`. */
  errors: RuleErrors;
};

/** One field condition: field (or payload path), operator, value(s), and "not". */
export function FieldMatcherRow({ index, matcher, onChange, onRemove, errors }: Props) {
  const id = `matcher-${matcher.key}`;
  const set = (change: Partial<MatcherDraft>) => onChange({ ...matcher, ...change });
  const messages = errorsWithin(errors, `conditions.fields.${index}`);
  const pathMode = !isNormalised(matcher.field);

  return (
    <li className="rounded-md border border-zinc-200 p-3" data-testid="field-matcher">
      <div className="flex flex-wrap items-start gap-2">
        <Select
          aria-label={`Field of condition ${index + 1}`}
          className="w-40"
          value={pathMode ? PATH : matcher.field}
          onChange={(e) => set({ field: e.target.value === PATH ? "data." : e.target.value })}
        >
          {matchableFields.map((field) => (
            <option key={field} value={field}>
              {fieldLabels[field]}
            </option>
          ))}
          <option value={PATH}>Payload path…</option>
        </Select>
        {pathMode ? (
          <Input
            aria-label={`Payload path of condition ${index + 1}`}
            className="w-56 font-mono"
            placeholder="data.asset.name"
            value={matcher.field}
            onChange={(e) => set({ field: e.target.value })}
          />
        ) : null}
        <label className="flex h-10 items-center gap-1.5 text-sm text-zinc-700">
          <input type="checkbox" className="size-4 accent-zinc-900" checked={matcher.negate} onChange={(e) => set({ negate: e.target.checked })} />
          not
        </label>
        <Select
          aria-label={`Operator of condition ${index + 1}`}
          className="w-44"
          value={matcher.operator}
          onChange={(e) => set({ operator: e.target.value as FieldMatcherOperator })}
        >
          {fieldMatcherOperators.map((operator) => (
            <option key={operator} value={operator}>
              {operatorLabels[operator]}
            </option>
          ))}
        </Select>
        <button
          type="button"
          onClick={onRemove}
          aria-label={`Remove condition ${index + 1}`}
          className="ml-auto h-10 rounded px-2 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900"
        >
          ×
        </button>
      </div>
      <div className="mt-2">
        {isList(matcher.operator) ? (
          <textarea
            id={id}
            aria-label={`Values of condition ${index + 1}`}
            rows={2}
            className="block w-full rounded-md border border-zinc-300 px-3 py-2 font-mono text-sm shadow-sm focus:border-zinc-900 focus:ring-1 focus:ring-zinc-900 focus:outline-none"
            placeholder={matcher.operator === "cidr" ? "10.0.0.0/8\n192.168.0.0/16" : "one value per line"}
            value={matcher.list}
            onChange={(e) => set({ list: e.target.value })}
            aria-invalid={messages ? true : undefined}
          />
        ) : (
          <Input
            id={id}
            aria-label={`Value of condition ${index + 1}`}
            className={matcher.operator === "regex" ? "font-mono" : undefined}
            placeholder={matcher.operator === "regex" ? "^admin-[0-9]+$" : "value"}
            value={matcher.value}
            onChange={(e) => set({ value: e.target.value })}
            aria-invalid={messages ? true : undefined}
          />
        )}
        {messages ? (
          <p role="alert" className="mt-1 text-xs font-medium text-red-700">
            {messages[0]}
          </p>
        ) : (
          <p className="mt-1 text-xs text-zinc-500">{hint(matcher.operator)}</p>
        )}
      </div>
    </li>
  );
}

function hint(operator: FieldMatcherOperator): string {
  switch (operator) {
    case "oneOf":
      return "One value per line (or separated by commas); any of them matches.";
    case "cidr":
      return "IPv4 or IPv6 blocks, one per line; the address must fall in one of them.";
    case "regex":
      return "A regular expression; patterns that could backtrack catastrophically are refused.";
    case "contains":
      return "The field contains this text.";
    case "equals":
      return "The whole value, exactly.";
  }
}
