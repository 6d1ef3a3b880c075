import { MASKED_VALUE } from "@/server/audit/mask-secrets";

/*
 * How the Audit page shows one side of a change. Secrets were masked before they were stored;
 * they show as "masked" so that nobody mistakes the placeholder for a value.
 */

export type AuditValueText = { kind: "masked" } | { kind: "none" } | { kind: "text"; text: string };

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export function formatAuditValue(value: unknown): AuditValueText {
  if (value === MASKED_VALUE) return { kind: "masked" };
  if (value === null || value === undefined) return { kind: "none" };
  if (typeof value === "string") return { kind: "text", text: isoInstant.test(value) ? value.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC") : value };
  if (typeof value === "number" || typeof value === "boolean") return { kind: "text", text: String(value) };
  if (Array.isArray(value) && value.length === 0) return { kind: "text", text: "(none)" };
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return { kind: "text", text: value.join(", ") };
  return { kind: "text", text: JSON.stringify(value).replaceAll(`"${MASKED_VALUE}"`, '"(masked)"') };
}

const verbs = { created: "created", updated: "changed", deleted: "deleted" } as const;

/** "created", "changed" or "deleted", for a sentence. */
export function describeAuditVerb(verb: keyof typeof verbs): string {
  return verbs[verb];
}
