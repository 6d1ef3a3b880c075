// Errors of the rule editor, keyed by the dotted path of the value they are about
// ("name", "triggers.2", "conditions.fields.0.pattern", "conditions.cel"), so each one can be
// shown beside its input — whether the browser found it (same zod schemas as the server) or
// the server did (`error.data.fieldErrors`, see server/api/trpc.ts).
import { TRPCClientError } from "@trpc/client";
import type { z } from "zod";

export type RuleErrors = Record<string, string[]>;

type Issue = Pick<z.core.$ZodIssue, "path" | "message">;

export function issuesToErrors(issues: readonly Issue[], prefix: string[] = []): RuleErrors {
  const errors: RuleErrors = {};
  for (const issue of issues) {
    const key = [...prefix, ...issue.path.map(String)].join(".");
    (errors[key] ??= []).push(issue.message);
  }
  return errors;
}

/**
 * The server's field errors. Its `fieldErrors` are keyed by the top-level input only, while its
 * message lists every issue as `path: message; …`; the full paths are recovered from that
 * message when they are there, so nested errors still land beside their input.
 */
export function serverErrors(error: unknown): RuleErrors {
  if (!(error instanceof TRPCClientError)) return {};
  const data = error.data as { fieldErrors?: Record<string, string[] | undefined> | null } | undefined;
  const fieldErrors = data?.fieldErrors;
  if (!fieldErrors || Object.keys(fieldErrors).length === 0) return {};
  const errors: RuleErrors = {};
  const nested = error.message.split("; ").map((part) => /^([A-Za-z0-9_.]+): (.+)$/s.exec(part));
  for (const match of nested) {
    if (match && match[1]!.includes(".")) (errors[match[1]!] ??= []).push(match[2]!);
  }
  for (const [key, messages] of Object.entries(fieldErrors)) {
    const placedDeeper = Object.keys(errors).some((path) => path.startsWith(`${key}.`));
    if (messages?.length && !placedDeeper) errors[key] = messages;
  }
  return errors;
}

/** The messages about `path` itself. */
export function errorsAt(errors: RuleErrors, path: string): string[] | undefined {
  return errors[path];
}

/** The messages about `path` or anything inside it (e.g. every trigger of "triggers"). */
export function errorsWithin(errors: RuleErrors, path: string): string[] | undefined {
  const found = Object.entries(errors)
    .filter(([key]) => key === path || key.startsWith(`${path}.`))
    .flatMap(([, messages]) => messages);
  return found.length ? found : undefined;
}

/** Errors no input shows (the editor lists them above the form). */
export function unplacedErrors(errors: RuleErrors, placedPrefixes: readonly string[]): string[] {
  return Object.entries(errors)
    .filter(([key]) => !placedPrefixes.some((prefix) => key === prefix || key.startsWith(`${prefix}.`)))
    .flatMap(([key, messages]) => messages.map((message) => (key ? `${key}: ${message}` : message)));
}
