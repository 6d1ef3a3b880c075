"use client";

import type { ReactNode } from "react";
import { severityLabels } from "@/components/events/severity-badge";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { severities, type Severity } from "@/server/events/severities";
import { MAX_FIELD_MATCHERS } from "@/server/rules/rule-definition";
import { CelField, type CelFieldHelp } from "./cel-field";
import { FieldMatcherRow } from "./field-matcher-row";
import { emptyMatcher, type RuleDraft } from "./rule-draft";
import { errorsAt, errorsWithin, type RuleErrors } from "./rule-errors";
import { SourcePicker, type SourceOption } from "./source-picker";

type Props = {
  draft: RuleDraft;
  update: (change: Partial<RuleDraft>) => void;
  sources: SourceOption[];
  errors: RuleErrors;
  celStatus: "idle" | "checking" | "checked";
  celFields: CelFieldHelp;
};

/** Conditions that must all hold: minimum severity, sources, field matchers, and CEL for the rest. */
export function ConditionBuilder({ draft, update, sources, errors, celStatus, celFields }: Props) {
  const { matchers } = draft;
  return (
    <div className="space-y-5">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field id="rule-min-severity" label="Minimum severity" errors={errorsAt(errors, "conditions.minSeverity")}>
          <Select id="rule-min-severity" value={draft.minSeverity} onChange={(e) => update({ minSeverity: e.target.value as Severity | "" })}>
            <option value="">Any severity</option>
            {severities.map((severity) => (
              <option key={severity} value={severity}>
                {severityLabels[severity]} or higher
              </option>
            ))}
          </Select>
        </Field>
        <Field
          id="rule-products"
          label="Products"
          hint="Only events about these products (data.product, e.g. SecObserve's security gates), comma-separated, any case; empty: any"
          errors={errorsWithin(errors, "conditions.products")}
        >
          <Input id="rule-products" value={draft.products} placeholder="payments-api, shop-web" onChange={(e) => update({ products: e.target.value })} />
        </Field>
      </div>

      <SourcePicker sources={sources} selected={draft.sourceIds} onChange={(sourceIds) => update({ sourceIds })} errors={errorsWithin(errors, "conditions.sourceIds")} />

      <Section
        title="Field conditions"
        hint="Normalised fields or payload paths (data.…, raw.…). Every condition must hold."
      >
        {matchers.length ? (
          <ul className="space-y-2">
            {matchers.map((matcher, index) => (
              <FieldMatcherRow
                key={matcher.key}
                index={index}
                matcher={matcher}
                errors={errors}
                onChange={(next) => update({ matchers: matchers.map((m) => (m.key === matcher.key ? next : m)) })}
                onRemove={() => update({ matchers: matchers.filter((m) => m.key !== matcher.key) })}
              />
            ))}
          </ul>
        ) : null}
        <Button
          size="sm"
          variant="secondary"
          className="mt-2"
          disabled={matchers.length >= MAX_FIELD_MATCHERS}
          onClick={() => update({ matchers: [...matchers, emptyMatcher(matchers.length === 0 ? "clientIp" : "actor")] })}
        >
          Add field condition
        </Button>
        {errorsAt(errors, "conditions.fields") ? <p className="mt-1 text-xs font-medium text-red-700">{errorsAt(errors, "conditions.fields")![0]}</p> : null}
      </Section>

      <CelField value={draft.cel} onChange={(cel) => update({ cel })} status={celStatus} errors={errorsAt(errors, "conditions.cel")} fields={celFields} />
    </div>
  );
}

function Section({ title, hint, children }: { title: string; hint: string; children: ReactNode }) {
  return (
    <div>
      <h4 className="text-sm font-medium text-zinc-800">{title}</h4>
      <p className="mb-2 text-xs text-zinc-500">{hint}</p>
      {children}
    </div>
  );
}
