import type { FieldErrors } from "@/components/trpc/react";
import { Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { silencePresets } from "@/server/sources/silence-thresholds";
import type { SilenceChoice, SilenceUnit } from "./silence-state";

type Props = {
  /** Prefix of the inputs' ids, so the create and edit dialogs can both be on a page. */
  idPrefix: string;
  silence: SilenceChoice;
  onSilenceChange: (silence: SilenceChoice) => void;
  rateLimitPerSecond: string;
  onChange: (key: "rateLimitPerSecond") => (event: { target: { value: string } }) => void;
  errors: FieldErrors;
};

/** The silence threshold and rate limit of a source, as the create and edit dialogs ask for them. */
export function SourceLimitFields({ idPrefix, silence, onSilenceChange, rateLimitPerSecond, onChange, errors }: Props) {
  const invalid = errors.silenceAfterSeconds ? true : undefined;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id={`${idPrefix}-silence`}
        label="Silence threshold"
        hint="Raise intake.silent when nothing arrives for this long (15 min to 7 days)."
        errors={errors.silenceAfterSeconds}
      >
        <Select
          id={`${idPrefix}-silence`}
          value={silence.choice}
          onChange={(event) => onSilenceChange({ ...silence, choice: event.target.value })}
          aria-invalid={silence.choice === "custom" ? undefined : invalid}
        >
          <option value="off">Off: not watched</option>
          {silencePresets.map((preset) => (
            <option key={preset.seconds} value={String(preset.seconds)}>
              {preset.label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </Select>
        {silence.choice === "custom" ? (
          <div className="flex gap-2">
            <Input
              id={`${idPrefix}-silence-amount`}
              aria-label="Custom threshold amount"
              type="number"
              min={1}
              step="any"
              inputMode="decimal"
              placeholder="e.g. 90"
              className="w-28"
              value={silence.amount}
              onChange={(event) => onSilenceChange({ ...silence, amount: event.target.value })}
              aria-invalid={invalid}
            />
            <Select
              aria-label="Custom threshold unit"
              value={silence.unit}
              onChange={(event) => onSilenceChange({ ...silence, unit: event.target.value as SilenceUnit })}
            >
              <option value="minutes">minutes</option>
              <option value="hours">hours</option>
              <option value="days">days</option>
            </Select>
          </div>
        ) : null}
      </Field>
      <Field id={`${idPrefix}-rate`} label="Rate limit (requests/s)" hint="Beyond it, the tool gets 429 with Retry-After." errors={errors.rateLimitPerSecond}>
        <Input
          id={`${idPrefix}-rate`}
          type="number"
          min={1}
          max={100000}
          inputMode="numeric"
          value={rateLimitPerSecond}
          onChange={onChange("rateLimitPerSecond")}
          aria-invalid={errors.rateLimitPerSecond ? true : undefined}
        />
      </Field>
    </div>
  );
}
