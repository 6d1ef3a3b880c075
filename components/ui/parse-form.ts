import { z } from "zod";
import type { FieldErrors } from "@/components/trpc/react";

/**
 * Validates a form's values with the same zod schema the server uses, so errors show beside
 * the fields before any request; returns the parsed values, or null after setting the errors.
 */
export function parseForm<T extends z.ZodType>(schema: T, values: unknown, setErrors: (errors: FieldErrors) => void): z.output<T> | null {
  const parsed = schema.safeParse(values);
  setErrors(parsed.success ? {} : z.flattenError(parsed.error).fieldErrors);
  return parsed.success ? parsed.data : null;
}
