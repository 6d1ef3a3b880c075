import type { ReactNode } from "react";

/** A labelled form control with its hint and its error message beside it. */
export function Field(props: { id: string; label: string; hint?: ReactNode; errors?: string[]; children: ReactNode }) {
  const { id, label, hint, errors, children } = props;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      {children}
      {hint && !errors?.length ? <p className="text-xs text-zinc-500">{hint}</p> : null}
      {errors?.length ? (
        <p id={`${id}-error`} role="alert" className="text-xs font-medium text-red-700">
          {errors[0]}
        </p>
      ) : null}
    </div>
  );
}

export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {message}
    </p>
  );
}
