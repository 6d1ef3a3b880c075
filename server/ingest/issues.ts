import type { z } from "zod";
import type { IngestIssue } from "./adapter-result";
import { describeJsonValue } from "./json";

type RawIssue = z.core.$ZodRawIssue;

/** `["attachments", 0, "title"]` → `event.attachments[0].title`. */
export function formatPath(path: readonly PropertyKey[], root = "event"): string {
  let result = root;
  for (const key of path) {
    if (typeof key === "number") result += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$@][\w$@-]*$/.test(key)) result += `.${key}`;
    else result += `[${JSON.stringify(String(key))}]`;
  }
  return result;
}

type IssueOptions = {
  /** Prepended to every issue's path, for a schema that checks part of the item. */
  prefix?: readonly PropertyKey[];
  /** The message for a field a strict object does not allow. */
  describeUnknownKey?: (key: string) => string;
};

/** zod's issues as ingest issues; an unknown-keys issue becomes one issue per key. */
export function toIngestIssues(error: z.ZodError, options: IssueOptions = {}): IngestIssue[] {
  const { prefix = [], describeUnknownKey = (key) => `Unknown field "${key}"` } = options;
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: describeUnknownKey(key) }));
    }
    return [{ path: formatPath(path), message: issue.message }];
  });
}

export type ParseResult<T> = { ok: true; data: T } | { ok: false; issues: IngestIssue[] };

/** `schema.safeParse` with the shared messages, its issues as ingest issues. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, options: IssueOptions = {}): ParseResult<z.output<S>> {
  const result = schema.safeParse(value, { error: describeIssue });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, issues: toIngestIssues(result.error, options) };
}

/**
 * Messages for zod's built-in checks, passed to every adapter's safeParse so each issue reads the
 * same way whichever format produced it. Schema-level messages still take precedence.
 */
export function describeIssue(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "Required";
      return `Expected ${describeExpected(issue.expected)}, got ${describeJsonValue(issue.input)}`;
    case "too_small":
      if (issue.origin === "string" && issue.minimum === 1) return "Must not be empty";
      if (issue.origin === "string") return `Must have at least ${issue.minimum} characters`;
      if (issue.origin === "array") return `Must have at least ${issue.minimum} items`;
      return undefined;
    case "too_big":
      if (issue.origin === "string") return `Must have at most ${issue.maximum} characters (got ${lengthOf(issue.input)})`;
      if (issue.origin === "array") return `Must have at most ${issue.maximum} items`;
      return undefined;
    case "invalid_value":
      return `Expected ${issue.values.map((value) => JSON.stringify(value)).join(" or ")}, got ${JSON.stringify(issue.input) ?? "nothing"}`;
    case "invalid_union":
      return describeUnionMismatch(issue.errors, issue.input);
    default:
      return undefined;
  }
}

// "Expected a string or a number, got a boolean" when no branch of a union took the value's type.
function describeUnionMismatch(branches: readonly (readonly z.core.$ZodIssue[])[], input: unknown): string | undefined {
  const expected = branches.map((issues) => (issues.length === 1 && issues[0]!.code === "invalid_type" && issues[0]!.path.length === 0 ? issues[0]!.expected : null));
  if (expected.length === 0 || expected.some((value) => value === null)) return undefined;
  const names = [...new Set(expected.map((value) => describeExpected(value!)))];
  const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0];
  return `Expected ${list}, got ${describeJsonValue(input)}`;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case "object":
    case "record":
      return "a JSON object";
    case "array":
      return "an array";
    case "string":
    case "number":
    case "boolean":
      return `a ${expected}`;
    default:
      return expected;
  }
}

function lengthOf(value: unknown): string {
  return typeof value === "string" ? String(value.length) : "more";
}
