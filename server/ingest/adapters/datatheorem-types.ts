import { toTypeSegment } from "../event-type";
import { parseSeverity, type Severity } from "../severity";

// Data Theorem's own names for the same change differ by product and over time; these become
// one Tocsin type each so a single trigger covers them.
const knownChanges: Record<string, string> = {
  POLICY_VIOLATION_OPENED: "policy_violation.opened",
  POLICY_VIOLATION_CREATED: "policy_violation.opened",
  POLICY_VIOLATION_RESOLVED: "policy_violation.resolved",
  POLICY_VIOLATION_CLOSED_AS_WONT_FIX: "policy_violation.closed_wont_fix",
  POLICY_VIOLATION_CLOSED_WONT_FIX: "policy_violation.closed_wont_fix",
  POLICY_VIOLATION_WONT_FIX: "policy_violation.closed_wont_fix",
  NETWORK_SERVICE_DISCOVERED: "network_service.discovered",
};

// Verbs that end Data Theorem's names (…_FINDING_TARGET_FIXED); what precedes one is the object.
const trailingVerbs = ["OPENED", "CREATED", "RESOLVED", "CLOSED", "DISCOVERED", "FIXED", "DELETED", "UPDATED", "REOPENED"];

/**
 * `API_SECURE__POLICY_VIOLATION_RESOLVED` → product `API_SECURE`, type
 * `datatheorem.policy_violation.resolved`. The product is dropped from the type so one trigger
 * covers a violation found by any product; it stays in data.product.
 */
export function parseDataTheoremType(value: string): { product: string | null; type: string } {
  const separator = value.indexOf("__");
  const product = separator > 0 ? value.slice(0, separator) : null;
  const change = (separator > 0 ? value.slice(separator + 2) : value).trim().toUpperCase();
  const known = knownChanges[change];
  if (known) return { product, type: `datatheorem.${known}` };
  const verb = trailingVerbs.find((candidate) => change.endsWith(`_${candidate}`));
  const segments = verb ? [change.slice(0, -verb.length - 1), verb] : [change];
  return { product, type: ["datatheorem", ...segments.map(toTypeSegment)].join(".") };
}

// Relevance is Data Theorem's rating of a violation. URGENT is its top level and is shown as
// high in Tocsin: critical stays free for what a tool itself calls critical or fatal.
export const relevanceSeverity: Record<string, Severity> = {
  URGENT: "high",
  IMPORTANT: "medium",
  PROACTIVE: "low",
};

/**
 * Opening a violation is as severe as its relevance; its resolution needs no action (info);
 * closing as won't fix records an accepted risk (low); a discovered service widens the attack
 * surface a little (low).
 */
export function pickDataTheoremSeverity(type: string, relevance: string | null): Severity {
  if (type.endsWith(".resolved") || type.endsWith(".fixed")) return "info";
  if (type.endsWith(".closed_wont_fix")) return "low";
  if (type === "datatheorem.network_service.discovered") return "low";
  const rated = relevance ? (relevanceSeverity[relevance.trim().toUpperCase()] ?? parseSeverity(relevance)) : null;
  return rated ?? (type.endsWith(".opened") ? "medium" : "info");
}
