import type { FieldErrors } from "@/components/trpc/react";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

type Props = {
  /** Prefix of the inputs' ids, so the create and edit dialogs can both be on a page. */
  idPrefix: string;
  silenceAfterMinutes: string;
  rateLimitPerSecond: string;
  onChange: (key: "silenceAfterMinutes" | "rateLimitPerSecond") => (event: { target: { value: string } }) => void;
  errors: FieldErrors;
};

/** The silence watch and rate limit of a source, as the create and edit dialogs ask for them. */
export function SourceLimitFields({ idPrefix, silenceAfterMinutes, rateLimitPerSecond, onChange, errors }: Props) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id={`${idPrefix}-silence`}
        label="Silence watch (minutes)"
        hint="Raise intake.silent when nothing arrives for this long. Empty: off."
        errors={errors.silenceAfterMinutes}
      >
        <Input
          id={`${idPrefix}-silence`}
          type="number"
          min={1}
          max={43200}
          inputMode="numeric"
          placeholder="Off"
          value={silenceAfterMinutes}
          onChange={onChange("silenceAfterMinutes")}
          aria-invalid={errors.silenceAfterMinutes ? true : undefined}
        />
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
