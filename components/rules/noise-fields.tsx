"use client";

import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/input";
import { describeWindow } from "./describe-rule";
import type { RuleDraft } from "./rule-draft";
import { errorsAt, type RuleErrors } from "./rule-errors";

type Props = { draft: RuleDraft; update: (change: Partial<RuleDraft>) => void; errors: RuleErrors };

const throttlePresets = [5 * 60, 15 * 60, 3600, 6 * 3600, 24 * 3600];
const digestPresets = [5 * 60, 15 * 60, 3600, 24 * 3600];

/** Off, the presets, and the saved value when it is none of them (set through the API). */
function windowOptions(presets: number[], current: number | null) {
  const values = current !== null && !presets.includes(current) ? [...presets, current].sort((a, b) => a - b) : presets;
  return [{ value: "", label: "Off" }, ...values.map((seconds) => ({ value: String(seconds), label: describeWindow(seconds) }))];
}

/** Throttle and digest: how often the same thing may notify, and whether matches go out one by one. */
export function NoiseFields({ draft, update, errors }: Props) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id="rule-throttle"
        label="Throttle"
        errors={errorsAt(errors, "throttleSeconds")}
        hint="The same thing (events with one fingerprint) notifies at most once per window; the next notification says how many were suppressed."
      >
        <Select id="rule-throttle" value={draft.throttleSeconds === null ? "" : String(draft.throttleSeconds)} onChange={(e) => update({ throttleSeconds: e.target.value ? Number(e.target.value) : null })}>
          {windowOptions(throttlePresets, draft.throttleSeconds).map((option) => (
            <option key={option.value} value={option.value}>
              {option.value ? `Once per ${option.label}` : option.label}
            </option>
          ))}
        </Select>
      </Field>
      <Field
        id="rule-digest"
        label="Digest"
        errors={errorsAt(errors, "digestSeconds")}
        hint="Gather matches for a while and send them as one summary: one inbox entry and one message per channel."
      >
        <Select id="rule-digest" value={draft.digestSeconds === null ? "" : String(draft.digestSeconds)} onChange={(e) => update({ digestSeconds: e.target.value ? Number(e.target.value) : null })}>
          {windowOptions(digestPresets, draft.digestSeconds).map((option) => (
            <option key={option.value} value={option.value}>
              {option.value ? `Every ${option.label}` : "Off: notify at once"}
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}
