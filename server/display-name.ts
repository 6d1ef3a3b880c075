import { z } from "zod";

/**
 * The rule for names people give things (workspaces, communities, and later sources, rules,
 * channels): trimmed, 1–80 characters, no control characters that would garble lists and emails.
 */
export function displayNameSchema(thing: string) {
  return z
    .string()
    .trim()
    .min(1, `Give the ${thing} a name`)
    .max(80, "A name has at most 80 characters")
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "A name cannot contain control characters");
}
